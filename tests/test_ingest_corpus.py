"""Ingest on the five shipped plans: structure, metadata, coverage, stable ids."""
from __future__ import annotations

import re
import shutil
from datetime import date
import pytest

from carbonqa.ingest.headings import match_heading
from carbonqa.ingest.models import ChunkKind, ParsedPlan
from carbonqa.ingest.pipeline import load_corpus
from carbonqa.ingest.text import squash

REGIONS = ["广东省", "珠海市", "佛山市", "江门市", "云浮市"]
ACTIONS = {"广东省": 15, "珠海市": 13, "佛山市": 13, "江门市": 12, "云浮市": 15}
CN_COUNTS = {"十二": 12, "十三": 13, "十五": 15}
SECTION_TITLES = {
    "广东省": {1: "产业绿色提质行动", 9: "科技赋能碳达峰行动", 14: "各地区梯次有序达峰行动", 15: "多层次试点示范创建行动"},
    "珠海市": {1: "能源绿色低碳转型行动", 8: "科技赋能碳达峰行动", 13: "协同横琴粤澳深度合作区同步开展降碳行动"},
    "佛山市": {1: "产业绿色提质行动", 5: "城乡建设低碳行动", 13: "试点建设行动"},
    "江门市": {1: "能源绿色低碳转型行动", 8: "绿色低碳科技创新行动", 12: "梯次有序达峰行动"},
    "云浮市": {1: "产业绿色提质行动", 10: "绿色要素交易促进行动", 15: "低碳试点示范创建行动"},
}
META = {  # doc_id: title, region, level, issuer, document number, issue date
    "guangdong-2022": ("广东省碳达峰实施方案", "广东省", "省", "广东省人民政府", "粤府〔2022〕56号", date(2022, 6, 23)),
    "zhuhai-2023": ("珠海市碳达峰实施方案", "珠海市", "市", "珠海市人民政府", "珠府〔2023〕39号", date(2023, 5, 19)),
    "foshan-2023": ("佛山市碳达峰实施方案", "佛山市", "市", "佛山市人民政府", None, date(2023, 9, 11)),
    "jiangmen-2023": ("江门市碳达峰实施方案", "江门市", "市", "江门市人民政府", None, date(2023, 7, 3)),
    "yunfu-2024": ("云浮市碳达峰实施方案", "云浮市", "市", "云浮市人民政府", "云府函〔2024〕33号", date(2024, 7, 24)),
}
BOILERPLATE = ["分享到", "[bookmark", "#", "**", "浏览:", "来源:"]


def key_tasks_part(plan: ParsedPlan):
    [part] = [c for c in plan.chunks if c.kind == ChunkKind.part and c.heading == "重点任务"]
    return part


def test_all_five_plans_are_parsed(plans):
    assert sorted(plan.meta.region for plan in plans) == sorted(REGIONS)


@pytest.mark.parametrize("region", REGIONS)
def test_key_task_actions_match_the_plans_own_count(plan_by_region, region):
    plan = plan_by_region[region]
    part = key_tasks_part(plan)
    sections = [c for c in plan.chunks if c.parent_id == part.id and c.kind == ChunkKind.section]
    assert len(sections) == ACTIONS[region]
    # The plan announces the count itself: 重点实施“碳达峰十三大行动”.
    stated = re.search(r"碳达峰(十[一二三四五六七八九]?)大行动", part.text).group(1)
    assert CN_COUNTS[stated] == len(sections)
    assert [s.number for s in sections][:3] == ["（一）", "（二）", "（三）"]
    by_number = {int(s.id.rsplit(".", 1)[1]): s for s in sections}
    for number, title in SECTION_TITLES[region].items():
        assert by_number[number].heading == title
        assert by_number[number].text.split("\n")[0].startswith(f"{by_number[number].number}{title}")


@pytest.mark.parametrize("doc_id", sorted(META))
def test_metadata_is_read_from_the_text(plans, doc_id):
    [plan] = [p for p in plans if p.meta.doc_id == doc_id]
    meta = plan.meta
    assert (meta.title, meta.region, meta.level, meta.issuer, meta.doc_number, meta.issue_date) == META[doc_id]
    assert re.fullmatch(r"[0-9a-f]{64}", meta.sha256)
    assert meta.source_file.endswith(".txt")


@pytest.mark.parametrize("region", REGIONS)
def test_chunks_tile_the_cleaned_text_exactly_once(plan_by_region, region):
    """Chunk spans, sorted, cover the cleaned text with only the "\\n" between lines left out."""
    plan = plan_by_region[region]
    text = plan.clean_text
    position = 0
    for chunk in sorted(plan.chunks, key=lambda c: c.start):
        assert text[position:chunk.start] == ("" if position == 0 else "\n"), chunk.id
        assert chunk.start < chunk.end
        if chunk.kind == ChunkKind.table_row:
            # A row's span is its tab-separated line; its text is the labelled rendering of those cells.
            for cell in text[chunk.start:chunk.end].split("\t"):
                assert cell in chunk.text
        else:
            assert chunk.text == text[chunk.start:chunk.end], chunk.id
        position = chunk.end
    assert position == len(text)


@pytest.mark.parametrize("region", REGIONS)
def test_cleaning_keeps_every_character_of_the_body(plan_by_region, corpus_dir, region):
    """The raw file minus markup, boilerplate and whitespace is the cleaned text minus whitespace."""
    plan = plan_by_region[region]
    raw = (corpus_dir / plan.meta.source_file).read_text(encoding="utf-8-sig")
    raw = re.sub(r"\[bookmark:[^\]]*\]|\*\*", "", raw)
    raw = re.sub(r"^\s*#+", "", raw, flags=re.MULTILINE)
    raw_lines = [line for line in raw.split("\n")
                 if not re.fullmatch(r"\s*(-|- (时间|来源|浏览): .*|分享到:)\s*", line)]
    assert squash("\n".join(raw_lines)) == squash(plan.clean_text)


@pytest.mark.parametrize("region", REGIONS)
def test_no_boilerplate_or_markup_in_chunks(plan_by_region, region):
    for chunk in plan_by_region[region].chunks:
        assert not any(marker in chunk.text for marker in BOILERPLATE), chunk.id
        assert not chunk.text.startswith(("\u3000", " ", "-"))


@pytest.mark.parametrize("region", REGIONS)
def test_tree_is_consistent(plan_by_region, region):
    chunks = plan_by_region[region].chunks
    by_id = {c.id: c for c in chunks}
    assert len(by_id) == len(chunks)
    for chunk in chunks:
        assert chunk.id.startswith(chunk.doc_id + "/")
        if chunk.parent_id:
            parent = by_id[chunk.parent_id]
            assert chunk.path[:-1] == parent.path and parent.start < chunk.start
        if chunk.kind in (ChunkKind.part, ChunkKind.section, ChunkKind.clause):
            assert chunk.path[-1] == chunk.number + chunk.heading
            heading = match_heading(chunk.text.split("\n")[0])
            assert (heading.label, heading.title) == (chunk.number, chunk.heading)


def test_ids_follow_the_numbers_written_in_the_plan(plan_by_region):
    zhuhai = {c.id: c for c in plan_by_region["珠海市"].chunks}
    clause = zhuhai["zhuhai-2023/2.1.2"]
    assert clause.kind == ChunkKind.clause and clause.parent_id == "zhuhai-2023/2.1"
    assert clause.path == ["二、重点任务", "（一）能源绿色低碳转型行动", "2.大力发展可再生能源"]
    assert clause.text.startswith("2.大力发展可再生能源。完成省下达的可再生能源电力消纳责任权重。")
    # 珠海 numbers its clauses 1..45 across sections: the id keeps the number as written.
    assert zhuhai["zhuhai-2023/2.2.5"].heading == "全面提升节能降碳管理能力"
    assert zhuhai["zhuhai-2023/2.13.45"].heading == "加强绿色金融合作"
    # An inline section heading: its text is the whole paragraph.
    section = zhuhai["zhuhai-2023/3.1"]
    assert section.heading == "建立碳排放统计监测体系" and section.text.startswith("（一）建立碳排放统计监测体系。按照国家")
    # A section holds its heading and intro; its clauses are separate chunks.
    assert zhuhai["zhuhai-2023/2.1"].text == (
        "（一）能源绿色低碳转型行动。\n严格控制化石能源消费，大力发展新能源，传统能源逐步退出必须建立在新能源安全可靠"
        "替代的基础上，建设适应新能源占比逐渐提高的新型电力系统，加快构建清洁低碳安全高效的能源体系。")
    # 云浮 has 二、主要目标 as a part of its own, so its key tasks are part 三.
    yunfu = {c.id: c for c in plan_by_region["云浮市"].chunks}
    assert yunfu["yunfu-2024/2"].heading == "主要目标" and yunfu["yunfu-2024/3"].heading == "重点任务"
    assert yunfu["yunfu-2024/3.1.1"].path[-1] == "1.加快产业结构优化升级"
    # 佛山 writes （一） as "(一) " in its last parts: the label is normalised, the text is not.
    foshan = {c.id: c for c in plan_by_region["佛山市"].chunks}
    assert foshan["foshan-2023/3.1"].number == "（一）" and foshan["foshan-2023/3.1"].text.startswith("(一) 建立")


def test_preamble_is_kept_in_chunks(plan_by_region):
    chunks = {c.id: c for c in plan_by_region["广东省"].chunks}
    notice, opening = chunks["guangdong-2022/0.1"], chunks["guangdong-2022/0.2"]
    assert notice.kind == opening.kind == ChunkKind.preamble
    assert "粤府〔2022〕56号" in notice.text and notice.text.endswith("2022年6月23日")
    assert opening.text.startswith("广东省碳达峰实施方案\n为深入贯彻落实党中央")


def test_broken_lines_are_joined_and_spaces_kept(plan_by_region):
    foshan = plan_by_region["佛山市"].clean_text
    assert "坚持先立后破" in foshan and "比 2020 年降低 20%以上" in foshan
    jiangmen = plan_by_region["江门市"].clean_text
    assert "农林生物质发电等项目开发。到2030年" in jiangmen  # bold markers gone, broken line joined
    assert "到 2025 年" in plan_by_region["云浮市"].clean_text


def test_zhuhai_task_table_rows_carry_column_names_and_merged_cells(plan_by_region):
    plan = plan_by_region["珠海市"]
    chunks = {c.id: c for c in plan.chunks}
    table = chunks["zhuhai-2023/table"]
    assert table.kind == ChunkKind.table and table.text == "重点任务分工表\n序号\t重点任务\t主要责任单位"
    rows = [c for c in plan.chunks if c.kind == ChunkKind.table_row]
    assert len(rows) == 18 and all(row.parent_id == table.id for row in rows)
    assert chunks["zhuhai-2023/table.3"].text == (
        "序号：3\n重点任务：节能降碳增效行动\n"
        "按省统一部署推动能耗“双控”向碳排放总量和强度“双控”转变，推行用能预算管理。\n"
        "主要责任单位：市发展改革局、生态环境局、统计局，各区政府（管委会）")
    assert plan.clean_text[chunks["zhuhai-2023/table.3"].start:chunks["zhuhai-2023/table.3"].end].startswith("3\t\t")
    # A cell Word broke over two lines ("科技赋能碳达峰" / "行动") is one cell again.
    assert chunks["zhuhai-2023/table.17"].heading == "科技赋能碳达峰行动"
    # The table is cut off after row 18's number: kept, and reported.
    assert chunks["zhuhai-2023/table.18"].text == "序号：18"
    assert any("table row 18" in warning for warning in plan.warnings)


def test_ids_are_identical_across_runs(corpus_dir, plans):
    again = load_corpus(corpus_dir)
    assert [c.id for p in again for c in p.chunks] == [c.id for p in plans for c in p.chunks]
    assert [c.model_dump() for p in again for c in p.chunks] == [c.model_dump() for p in plans for c in p.chunks]


def test_adding_a_plan_changes_no_existing_id(corpus_dir, plans, tmp_path):
    for path in corpus_dir.iterdir():
        shutil.copy(path, tmp_path / path.name)
    zhuhai = next(p for p in plans if p.meta.region == "珠海市")
    copy = (corpus_dir / zhuhai.meta.source_file).read_text(encoding="utf-8").replace("珠海", "中山")
    (tmp_path / "000_aaa_zhongshan.txt").write_text(copy, encoding="utf-8")  # sorts first

    grown = load_corpus(tmp_path)
    ids = {p.meta.doc_id: [c.id for c in p.chunks] for p in grown}
    assert len(grown) == 6 and ids.pop("zhongshan-2023")
    assert ids == {p.meta.doc_id: [c.id for c in p.chunks] for p in plans}
    zhongshan = next(p for p in grown if p.meta.doc_id == "zhongshan-2023")
    assert zhongshan.meta.region == "中山市" and zhongshan.meta.title == "中山市碳达峰实施方案"


def test_chunk_sizes_are_reasonable(plans):
    """Every clause is a retrievable unit: no empty chunks, none that swallowed a whole action."""
    for plan in plans:
        for chunk in plan.chunks:
            assert chunk.text.strip()
            if chunk.kind == ChunkKind.clause:
                assert len(chunk.text) < 1000, chunk.id
