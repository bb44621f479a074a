"""Ingest on small written inputs: heading forms, cleaning, tables, encodings and bad input."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from carbonqa.ingest.clean import clean_document
from carbonqa.ingest.models import ChunkKind, ParsedPlan
from carbonqa.ingest.pipeline import IngestError, load_corpus, parse_plan, read_chunks_jsonl, write_chunks_jsonl

pytestmark = pytest.mark.unit  # no model: hand-made files (and the parsed corpus)

NOTICE = """\ufeff测试市人民政府关于印发测试市
碳达峰实施方案的通知
测府〔2024〕7号
各区政府：
　　现将《测试市碳达峰实施方案》印发给你们，请认真组织实施。
测试市人民政府
2024年3月5日
"""


def write(tmp_path: Path, text: str, name: str = "plan.txt", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def by_id(plan: ParsedPlan) -> dict:
    return {chunk.id.split("/", 1)[1]: chunk for chunk in plan.chunks}


def assert_tiles(plan: ParsedPlan) -> None:
    position = 0
    for chunk in sorted(plan.chunks, key=lambda c: c.start):
        assert plan.clean_text[position:chunk.start] == ("" if position == 0 else "\n")
        if chunk.kind != ChunkKind.table_row:
            assert chunk.text == plan.clean_text[chunk.start:chunk.end]
        position = chunk.end
    assert position == len(plan.clean_text)


def test_all_four_heading_levels_inline_and_standalone(tmp_path):
    text = NOTICE + """一、重点任务
（一）能源行动。
引言一句。
1．发展光伏。到 2025 年装机达到 10 万千瓦：
（1）屋顶光伏。全部覆盖。
(2) 地面光伏。有序建设。
2. 控制煤炭。
(二) 节能行动。按照要求推进节能。
3.推进节能。内容。
二、保障措施
1.加强组织。由市领导小组负责。
"""
    plan = parse_plan(write(tmp_path, text))
    chunks = by_id(plan)
    assert plan.meta.doc_id == "ceshi-2024" and plan.meta.doc_number == "测府〔2024〕7号"
    assert list(chunks) == ["0.1", "1", "1.1", "1.1.1", "1.1.1.1", "1.1.1.2", "1.1.2", "1.2", "1.2.3",
                            "2", "2.0.1"]
    assert chunks["1.1.1.2"].kind == ChunkKind.item and chunks["1.1.1.2"].number == "（2）"
    assert chunks["1.1.1.2"].path == ["一、重点任务", "（一）能源行动", "1.发展光伏", "（2）地面光伏"]
    assert chunks["1.1.1"].text == "1．发展光伏。到 2025 年装机达到 10 万千瓦："  # items are separate chunks
    assert chunks["1.2"].heading == "节能行动" and chunks["1.2"].text == "(二) 节能行动。按照要求推进节能。"
    assert chunks["2.0.1"].parent_id.endswith("/2")  # a clause directly under a part
    assert plan.warnings == []
    assert_tiles(plan)


def test_boilerplate_markup_and_indentation_are_removed():
    raw = ("## 标题\n\n- 时间: 2024-08-05 15:33\n- 来源: 本网\n- 浏览: 204 次\n-\n-\n分享到:\n"
           "[bookmark: _GoBack]**1.加粗的条款。**正文　内容。\n\u3000\u3000#### （一）小节。\n")
    doc = clean_document(raw)
    assert doc.text == "标题\n1.加粗的条款。正文　内容。\n（一）小节。"


def test_lines_broken_mid_sentence_are_joined_but_not_into_headings():
    raw = ("1.坚持系统观念。完整、准确、全面贯彻新发展理念，坚持先\n\n立后破，稳中求进。\n"
           "2.大力推进。推动能源绿色低碳转型，加快\n（一）下一节。\n"
           "测试市人民政府\n2024年3月5日\n三、标题，带逗号的\n正文接续。\n")
    lines = clean_document(raw).text.split("\n")
    assert lines == ["1.坚持系统观念。完整、准确、全面贯彻新发展理念，坚持先立后破，稳中求进。",
                     "2.大力推进。推动能源绿色低碳转型，加快", "（一）下一节。", "测试市人民政府",
                     "2024年3月5日", "三、标题，带逗号的", "正文接续。"]


def test_tab_separated_table_with_merged_and_broken_cells(tmp_path):
    text = NOTICE + """一、重点任务
（一）行动。
1.条款。
任务分工表

\t序号
\t重点任务
\t责任单位

\t1
\t能源行动
\t发展光伏。
\t市发展改革局

\t2
\t
\t控制煤炭。
\t市工业和信息化局

\t3
\t科技

行动
\t推进创新。
\t市科技局
"""
    plan = parse_plan(write(tmp_path, text))
    chunks = by_id(plan)
    assert chunks["table"].text == "任务分工表\n序号\t重点任务\t责任单位"
    assert chunks["table.2"].text == "序号：2\n重点任务：能源行动\n控制煤炭。\n责任单位：市工业和信息化局"
    assert chunks["table.3"].heading == "科技行动"
    assert plan.clean_text.endswith("\n2\t\t控制煤炭。\t市工业和信息化局\n3\t科技行动\t推进创新。\t市科技局")
    assert chunks["1.1.1"].text == "1.条款。"  # the caption is not swallowed by the clause above
    assert plan.warnings == []
    assert_tiles(plan)


def test_tab_indented_prose_is_not_a_table(tmp_path):
    text = NOTICE + "一、重点任务\n\t（一）行动。\n\t1.第一条，内容较长的一段正文。\n\t2.第二条。\n"
    chunks = by_id(parse_plan(write(tmp_path, text)))
    assert [c.kind for c in chunks.values()].count(ChunkKind.table) == 0
    assert chunks["1.1.2"].text == "2.第二条。"


def test_gbk_and_bom_copies_parse_like_utf8(corpus_dir, plans, tmp_path):
    zhuhai = next(p for p in plans if p.meta.region == "珠海市")
    text = (corpus_dir / zhuhai.meta.source_file).read_text(encoding="utf-8")
    for encoding, name in (("gbk", "gbk.txt"), ("gb18030", "gb18030.txt"), ("utf-8-sig", "bom.txt")):
        plan = parse_plan(write(tmp_path, text, name, encoding))
        assert [c.model_dump() for c in plan.chunks] == [c.model_dump() for c in zhuhai.chunks], encoding
        assert plan.meta.model_dump(exclude={"sha256", "source_file"}) == \
            zhuhai.meta.model_dump(exclude={"sha256", "source_file"})


def test_text_without_numbered_headings_falls_back_to_paragraphs(tmp_path):
    text = "测试市碳达峰工作会议纪要\n\n第一段，讨论了光伏。\n第二段，讨论了风电。\n"
    plan = parse_plan(write(tmp_path, text, "notes.md"))
    chunks = by_id(plan)
    assert list(chunks) == ["p.1", "p.2", "p.3"]
    assert {c.kind for c in chunks.values()} == {ChunkKind.paragraph}
    assert chunks["p.2"].text == "第一段，讨论了光伏。"
    assert (plan.meta.doc_id, plan.meta.region, plan.meta.level) == ("ceshi", "测试市", "市")
    assert any("no numbered headings" in warning for warning in plan.warnings)
    assert_tiles(plan)


@pytest.mark.parametrize("text", [
    "工作要点\n一、重点任务\n1.发展光伏。\n",  # numbered headings, no notice, no region in the first line
    "关于加快发展光伏的通知\n一、重点任务\n1.发展光伏。\n",  # a notice title without a region
    "会议纪要\n\n第一段，讨论了光伏。\n",  # no headings either
])
def test_plan_without_a_region_is_a_clear_error_naming_the_file(tmp_path, text):
    with pytest.raises(IngestError, match="no region found in the title of noregion.txt"):
        parse_plan(write(tmp_path, text, "noregion.txt"))


def test_duplicate_heading_numbers_get_unique_ids(tmp_path):
    plan = parse_plan(write(tmp_path, NOTICE + "一、任务\n1.第一条。\n1.又一个第一条。\n"))
    assert list(by_id(plan)) == ["0.1", "1", "1.0.1", "1.0.1-2"]
    assert any("duplicate heading number" in warning for warning in plan.warnings)


@pytest.mark.parametrize("content, message", [
    (b"", "file is empty"),
    (b"\xef\xbb\xbf \r\n\t\n", "file is empty"),
    (bytes(range(256)) * 8, "cannot decode file"),
    (b"\x80\x81\xff\xfe\xfa" * 50, "cannot decode file"),
    ("- 时间: 2024-08-05\n分享到:\n-\n".encode(), "no text left"),
])
def test_bad_files_are_clear_errors_naming_the_file(tmp_path, content, message):
    (tmp_path / "bad.txt").write_bytes(content)
    with pytest.raises(IngestError, match=message) as error:
        load_corpus(tmp_path)
    assert "bad.txt" in str(error.value)


def test_bad_corpus_folders_are_clear_errors(tmp_path):
    with pytest.raises(IngestError, match="corpus folder not found"):
        load_corpus(tmp_path / "missing")
    (tmp_path / "readme.xlsx").write_bytes(b"PK")
    with pytest.raises(IngestError, match=r"no plan files \(\.txt \.md \.docx \.pdf \.html \.htm\)"):
        load_corpus(tmp_path)


def test_two_files_with_the_same_doc_id_are_an_error(corpus_dir, tmp_path):
    source = sorted(corpus_dir.glob("*.txt"))[0]
    shutil.copy(source, tmp_path / "a.txt")
    shutil.copy(source, tmp_path / "b.txt")
    with pytest.raises(IngestError, match="same doc id zhuhai-2023.*a.txt, b.txt"):
        load_corpus(tmp_path)


def test_chunks_round_trip_through_json_lines(plans, tmp_path):
    chunks = [chunk for plan in plans for chunk in plan.chunks]
    path = tmp_path / "out" / "chunks.jsonl"
    write_chunks_jsonl(chunks, path)
    assert read_chunks_jsonl(path) == chunks
    assert "珠海市碳达峰实施方案" in path.read_text(encoding="utf-8")  # UTF-8, not \\u escapes
    path.write_text(path.read_text(encoding="utf-8") + '{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(IngestError, match=f"line {len(chunks) + 1}"):
        read_chunks_jsonl(path)


@pytest.mark.parametrize("region, level", [("深圳市南山区", "县"), ("湖南省", "省")])
def test_a_plan_of_any_region_gets_its_region_and_level_from_its_title(tmp_path, region, level):
    notice = NOTICE.replace("测试市", region)
    plan = parse_plan(write(tmp_path, notice + "一、总体要求\n（一）主要目标\n到2025年，非化石能源消费比重达到20%。\n"))
    assert (plan.meta.region, plan.meta.level) == (region, level)
    assert plan.meta.title == f"{region}碳达峰实施方案"
