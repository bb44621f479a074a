"""Indicator extraction: the plans' target grammar on hand-made clauses, and the floors on the gold table."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from carbonqa.eval.bench_indicators import GOLD, read_gold, score
from carbonqa.indicators.extract import extract_indicators
from carbonqa.indicators.names import indicator_name
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.tree import ClauseTree
from carbonqa.ingest.text import squash

FLOORS = json.loads((Path(__file__).resolve().parents[1] / "eval" / "indicator_floors.json").read_text(encoding="utf-8"))


def clause(text: str, region: str = "测试市", number: str = "1", start: int = 0) -> Chunk:
    """A clause of a plan nobody has written yet: its region is not one of the corpus plans."""
    return Chunk(id=f"ceshi-2025/2.1.{number}", doc_id="ceshi-2025", title=f"{region}碳达峰实施方案", region=region,
                 level="市", kind=ChunkKind.clause, number=f"{number}.", heading="发展新能源",
                 path=["二、重点任务", "（一）能源", f"{number}.发展新能源"], text=text, start=start, end=start + len(text))


def rows(text: str, **kwargs) -> list[tuple]:
    return [(r.indicator, r.year, r.value, r.unit, r.direction, tuple(r.qualifiers), r.base_year)
            for r in extract_indicators([clause(text, **kwargs)])]


@pytest.mark.unit
def test_target_with_year_base_year_direction_and_qualifiers():
    assert rows("到2025年，单位地区生产总值能耗比2020年下降14.5%以上，非化石能源消费比重力争达到32%左右。") == [
        ("单位地区生产总值能源消耗", 2025, 14.5, "%", "下降", ("以上",), 2020),
        ("非化石能源消费比重", 2025, 32.0, "%", "达到", ("力争", "左右"), None),
    ]


@pytest.mark.unit
def test_spaces_inside_the_figure_and_year_as_some_plans_write_them():
    assert rows("到 2030 年，光伏发电装机容量达到 200 万千瓦。") == [
        ("光伏发电装机容量", 2030, 200.0, "万千瓦", "达到", (), None)]


@pytest.mark.unit
def test_abbreviations_give_one_name():
    assert indicator_name("单位GDP能耗") == indicator_name("全市单位地区生产总值能源消耗") == "单位地区生产总值能源消耗"
    assert indicator_name("高技术制造业增加值占规上工业增加值比重") == "高技术制造业增加值占规模以上工业增加值比重"
    assert indicator_name("新型储能装机规模") == "新型储能装机容量"
    assert indicator_name("新增岭南特色超低能耗建筑") == "新增岭南特色超低能耗建筑"  # a term is not expanded inside


@pytest.mark.unit
def test_respectively_pairs_subjects_with_figures_and_years_with_figures():
    assert [r[:4] for r in rows("到2030年，公共机构单位建筑面积能耗和人均综合能耗分别比2020年降低7%和8%。")] == [
        ("公共机构单位建筑面积能源消耗", 2030, 7.0, "%"), ("公共机构人均综合能源消耗", 2030, 8.0, "%")]
    assert [r[:4] for r in rows("到2025年和2030年，城市建成区路网密度分别达到8.5公里/平方公里和8.8公里/平方公里。")] == [
        ("城市建成区路网密度", 2025, 8.5, "公里/平方公里"), ("城市建成区路网密度", 2030, 8.8, "公里/平方公里")]


@pytest.mark.unit
def test_subject_said_once_serves_the_later_figures_of_the_sentence():
    assert [r[:3] for r in rows("到2025年，秸秆综合利用率达到90%，到2030年达到95%。")] == [
        ("秸秆综合利用率", 2025, 90.0), ("秸秆综合利用率", 2030, 95.0)]


@pytest.mark.unit
def test_year_carries_over_a_semicolon_but_not_a_full_stop():
    assert [r[:2] for r in rows("到2025年，再生水利用率达到20%以上；污泥处置率达到95%。绿地率不低于40%。")] == [
        ("再生水利用率", 2025), ("污泥处置率", 2025)]


@pytest.mark.unit
def test_plan_periods_and_verb_object_targets():
    assert rows("“十四五”期间，新增气电装机容量约300万千瓦，培育不少于5家龙头企业。") == [
        ("新增天然气发电装机容量", 2025, 300.0, "万千瓦", "新增", ("约",), None),
        ("培育龙头企业", 2025, 5.0, "家", "不少于", (), None),
    ]


@pytest.mark.unit
@pytest.mark.parametrize("text", [
    "将年能耗超过1万吨标准煤的数据中心纳入监测，电能利用效率（PUE）不高于1.3。",  # threshold, no year
    "“十四五”期间，选择5-10个城市开展碳达峰试点。",  # a range
    "到2025年，公共充电桩桩车比达到1:6.4。",  # a ratio
    "到2025年，推进新会、台山等3个园区建设，9种主要再生资源全部分类回收。",  # counts inside names
    "根据《某某规划（2021-2025年）》推进500千伏线路工程建设。",  # a title's year, a project's voltage
    "到2025年，新建建筑全面达到二星级以上标准，5G基站全部接入。",  # no figure with a unit
])
def test_figures_that_are_not_targets_are_left_out(text):
    assert rows(text) == []


@pytest.mark.unit
def test_a_target_stated_twice_is_kept_once_where_it_is_first_stated():
    first = clause("到2025年，森林覆盖率达到60%。", number="1")
    again = clause("到2025年，全市森林覆盖率达到60%。", number="7", start=500)
    records = extract_indicators([again, first])
    assert [r.clause_id for r in records] == [first.id]


@pytest.mark.unit
def test_records_quote_their_clause_verbatim():
    text = "到 2025 年，城镇建筑可再生能源（含绿色电力）替代率达到 8%，屋顶光伏覆盖率力争达到 50%。"
    records = extract_indicators([clause(text, region="新设市")])
    assert [r.quote for r in records] == ["城镇建筑可再生能源（含绿色电力）替代率达到 8%", "屋顶光伏覆盖率力争达到 50%"]
    for record in records:
        assert record.sentence in text and record.quote in record.sentence and record.value_text in record.quote
        assert record.region == "新设市" and record.clause_id == "ceshi-2025/2.1.1"


@pytest.mark.unit
def test_gold_table_is_verbatim_and_covers_every_plan_and_both_years(plans):
    gold = read_gold(GOLD)
    chunks = {c.id: c for plan in plans for c in plan.chunks}
    assert len(gold) >= 80
    assert {g.region for g in gold} == {plan.meta.region for plan in plans}
    assert {2025, 2030} <= {g.year for g in gold}
    for row in gold:
        assert squash(row.quote) in squash(chunks[row.clause_id].text), row
        assert f"{row.value:g}" in squash(row.quote), row


@pytest.mark.unit
def test_extraction_meets_the_floors_on_the_gold_table(plans):
    scores = score(read_gold(GOLD), extract_indicators(c for plan in plans for c in plan.chunks))
    for region, tally in scores.by_plan.items():
        assert tally.precision >= FLOORS["precision_by_plan"], (region, scores.spurious)
        assert tally.recall >= FLOORS["recall_by_plan"], (region, scores.missed)
    assert scores.name_agreement >= FLOORS["name_agreement"], scores.misnamed


@pytest.mark.unit
def test_comparison_of_one_indicator_is_a_line_per_plan_with_citations():
    from carbonqa.answer.kinds.indicator_table import indicator_comparison

    city = clause("到2025年，单位地区生产总值能耗比2020年下降14%。", region="甲市")
    other = clause("到2025年，森林覆盖率达到60%。", region="乙市", number="2", start=100)
    records = extract_indicators([city, other])
    chunks = ClauseTree([city, other])
    text, book, silent = indicator_comparison("甲市和乙市2025年单位GDP能耗下降目标分别是多少？", {2025},
                                              ["甲市", "乙市"], records, chunks)
    assert silent == ["乙市"]  # the reply is a partial answer
    assert text.splitlines() == ["甲市：（2025年）单位地区生产总值能耗比2020年下降14%[1]。", "乙市：方案未给出该指标的数值。"]
    assert book.citations[0].chunk_id == city.id and book.citations[0].quote == "单位地区生产总值能耗比2020年下降14%"
    assert indicator_comparison("甲市和乙市的碳汇政策有何不同？", set(), ["甲市", "乙市"], records, chunks) is None


@pytest.mark.unit
def test_a_plan_wording_the_indicator_more_broadly_answers_under_its_own_name():
    from carbonqa.answer.kinds.indicator_table import indicator_comparison

    city = clause("到2030年，城市绿色出行比例不低于70%。", region="甲市")
    other = clause("到2030年，绿色出行比例不低于65%。", region="乙市", number="2", start=100)
    records = extract_indicators([city, other])
    text, _, _ = indicator_comparison("甲市和乙市的城市绿色出行比例目标对比", set(), ["甲市", "乙市"], records,
                                   ClauseTree([city, other]))
    assert text.splitlines() == ["甲市：（2030年）城市绿色出行比例不低于70%[1]。", "乙市：（2030年）绿色出行比例不低于65%[2]。"]
