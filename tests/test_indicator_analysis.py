"""Analytical questions answered from hand-made target records (indicators/analysis.py) and written as
cited Chinese answers (answer/analysis_text.py): ties, direction, qualifiers, missing plans, and every
kind of figures that must not be ranked."""
from __future__ import annotations

import numpy as np
import pytest

from carbonqa.answer.analysis_text import analysis_text
from carbonqa.indicators.analysis import IndicatorAnalysis, PlanStatus
from carbonqa.indicators.matching import MatchedBy, Meaning, NameMatcher, related_measure, same_measure
from carbonqa.indicators.models import AnalysisIntent, AnalysisOperation, Comparator, Extreme, Indicator, Side
from carbonqa.ingest.models import Chunk, ChunkKind

pytestmark = pytest.mark.unit

LEVELS = {"甲省": "省", "乙市": "市", "丙市": "市", "丁市": "市"}
CITIES = ["乙市", "丙市", "丁市"]


class Plans:
    """Clauses and the target records quoted from them, built one sentence at a time."""

    def __init__(self):
        self.chunks: list[Chunk] = []
        self.records: list[Indicator] = []

    def clause(self, region: str, text: str) -> Chunk:
        number = len(self.chunks) + 1
        chunk = Chunk(id=f"{region}/{number}", doc_id=region, title=f"{region}碳达峰实施方案", region=region,
                      level=LEVELS[region], kind=ChunkKind.clause, number=f"{number}.", heading="目标",
                      path=["一、总体要求", f"{number}.目标"], text=text, start=number * 1000,
                      end=number * 1000 + len(text))
        self.chunks.append(chunk)
        return chunk

    def target(self, region: str, indicator: str, year: int, value: str, unit: str = "%", direction: str = "达到",
               qualifiers: tuple[str, ...] = (), base_year: int | None = None, words: str | None = None) -> None:
        """A clause "到{year}年，{indicator}{label}。" and its record."""
        pre = "".join(q for q in qualifiers if q in ("力争", "约"))
        post = "".join(q for q in qualifiers if q not in ("力争", "约"))
        label = f"{f'比{base_year}年' if base_year else ''}{pre}{direction}{value}{unit}{post}"
        quote = f"{words or indicator}{label}"
        chunk = self.clause(region, f"到{year}年，{quote}。")
        self.records.append(Indicator(
            indicator=indicator, subject=words or indicator, region=region, level=LEVELS[region], doc_id=region,
            title=chunk.title, year=year, value=float(value), value_text=value, unit=unit, direction=direction,
            qualifiers=list(qualifiers), base_year=base_year, label=label, clause_id=chunk.id, path=chunk.path,
            sentence=chunk.text, quote=quote))

    def analysis(self, meaning: Meaning | None = None) -> IndicatorAnalysis:
        return IndicatorAnalysis(self.records, self.chunks, meaning)

    def answer(self, intent: AnalysisIntent, question: str = ""):
        result = self.analysis().run(intent, question or intent.subject)
        text, book = analysis_text(result, {chunk.id: chunk for chunk in self.chunks})
        return result, text, book


def ask(operation: AnalysisOperation, subject: str, regions=CITIES, **fields) -> AnalysisIntent:
    return AnalysisIntent(operation=operation, subject=subject, regions=list(regions), **fields)


def superlative(subject: str, extreme: Extreme = Extreme.high, regions=CITIES, years=(2030,)) -> AnalysisIntent:
    return ask(AnalysisOperation.superlative, subject, regions, extreme=extreme, years=list(years))


# ---- rankings -------------------------------------------------------------------------------------------

def test_ties_share_the_top_and_the_conclusion_leads_with_them():
    plans = Plans()
    plans.target("乙市", "森林覆盖率", 2030, "40")
    plans.target("丙市", "森林覆盖率", 2030, "40")
    plans.target("丁市", "森林覆盖率", 2030, "30")
    result, text, book = plans.answer(superlative("森林覆盖率"))
    assert result.winners == ["乙市", "丙市"] and result.comparable
    first, *rest = text.split("\n")
    assert first == "乙市、丙市并列最高：到2030年森林覆盖率均为达到40%[1][2]，高于丁市（达到30%）。"
    assert rest[2] == "丁市：（2030年）森林覆盖率达到30%[3]。"
    for citation in book.citations:  # every quote is the cited clause's own words
        assert citation.quote in citation.clause_text


def test_for_a_reduction_the_larger_figure_is_stricter_and_for_a_ceiling_the_smaller():
    plans = Plans()
    for region, value in zip(CITIES, ("14.5", "15", "14")):
        plans.target(region, "单位地区生产总值能源消耗", 2025, value, direction="下降", base_year=2020)
    strict = plans.answer(superlative("单位地区生产总值能源消耗", Extreme.strict, years=(2025,)))[0]
    loose = plans.answer(superlative("单位地区生产总值能源消耗", Extreme.loose, years=(2025,)))[0]
    assert (strict.winners, loose.winners) == (["丙市"], ["丁市"])

    ceilings = Plans()
    for region, value in zip(CITIES, ("300", "250", "320")):
        ceilings.target(region, "建筑垃圾排放量", 2030, value, unit="吨/万平方米", direction="不高于")
    result, text, _ = ceilings.answer(superlative("建筑垃圾排放量", Extreme.strict))
    assert result.lower_is_stricter and result.winners == ["丙市"]
    assert text.startswith("丙市最严：到2030年建筑垃圾排放量不高于250吨/万平方米[1]，严于乙市（不高于300吨/万平方米）")
    assert ceilings.answer(superlative("建筑垃圾排放量", Extreme.high))[0].winners == ["丁市"]  # 最高: the figure


def test_qualifiers_that_make_the_order_uncertain_are_named():
    plans = Plans()
    plans.target("乙市", "非化石能源消费比重", 2025, "32", qualifiers=("力争", "以上"))
    plans.target("丙市", "非化石能源消费比重", 2025, "32", qualifiers=("左右",))
    plans.target("丁市", "非化石能源消费比重", 2025, "16", direction="提升至")
    result, text, _ = plans.answer(superlative("非化石能源消费比重", years=(2025,)))
    assert result.winners == ["乙市", "丙市"]
    assert "乙市为“力争达到32%以上”，丙市为“达到32%左右”，限定词使二者的先后不确定" in text.split("\n")[-1]

    apart = Plans()
    apart.target("乙市", "森林覆盖率", 2030, "69", qualifiers=("左右",))
    apart.target("丙市", "森林覆盖率", 2030, "44.14")
    assert apart.answer(superlative("森林覆盖率"))[0].cautions == []  # far apart: 左右 changes nothing


def test_a_plan_stating_the_target_in_words_is_listed_as_such_never_as_zero():
    plans = Plans()
    plans.target("乙市", "森林覆盖率", 2030, "32.2", direction="达")
    plans.target("丙市", "森林覆盖率", 2030, "44.14", direction="达")
    plans.clause("丁市", "到2030年，全市森林覆盖率和森林蓄积量完成省下达指标。")
    result, text, _ = plans.answer(superlative("森林覆盖率", Extreme.low))
    assert result.winners == ["乙市"]
    words = result.line("丁市")
    assert words.status is PlanStatus.in_words and words.value is None
    assert "丁市：未给出2030年的数值，方案写的是“全市森林覆盖率和森林蓄积量完成省下达指标”[3]。" in text
    assert "丁市" not in text.split("\n")[0]


def test_plans_that_never_name_the_indicator_are_told_apart_from_those_that_state_it_in_words():
    plans = Plans()
    plans.target("乙市", "新型储能装机容量", 2025, "50", unit="万千瓦")
    plans.target("丙市", "新型储能装机容量", 2025, "80", unit="万千瓦")
    plans.clause("丁市", "积极发展新型储能。")
    result, text, _ = plans.answer(superlative("新型储能装机容量", years=(2025,)))
    assert result.line("丁市").status is PlanStatus.not_mentioned
    assert text.split("\n")[0] == "丙市最多：到2025年新型储能装机容量达到80万千瓦[1]，高于乙市（达到50万千瓦）。"
    assert text.split("\n")[-1] == "未提及新型储能装机容量的方案：丁市。"


def test_the_spread_between_the_ends_follows_the_conclusion_and_names_tied_ends():
    plans = Plans()
    plans.target("乙市", "星级绿色建筑占比", 2025, "95", qualifiers=("以上",))
    plans.target("丙市", "星级绿色建筑占比", 2025, "30", qualifiers=("以上",))
    plans.target("丁市", "星级绿色建筑占比", 2025, "30", qualifiers=("以上",))
    intent = superlative("星级绿色建筑占比", years=(2025,))
    intent.spread = True
    result, text, _ = plans.answer(intent)
    assert result.winners == ["乙市"] and result.difference == 65
    assert text.split("\n")[0].endswith("；乙市与丙市、丁市相差65个百分点。")


def test_rank_gives_tied_plans_one_place():
    plans = Plans()
    for region, value in zip(CITIES, ("40", "45", "40")):
        plans.target(region, "星级绿色建筑占比", 2025, value)
    result = plans.answer(ask(AnalysisOperation.rank, "星级绿色建筑占比", focus=["丁市"], years=[2025]))[0]
    assert result.positions == {"丙市": 1, "乙市": 2, "丁市": 2}


# ---- figures that must not be ranked ----------------------------------------------------------------------

def test_different_years_are_not_compared():
    plans = Plans()
    plans.target("乙市", "再生水利用率", 2030, "30", direction="达")
    plans.target("丙市", "再生水利用率", 2025, "20", qualifiers=("以上",))
    intent = ask(AnalysisOperation.difference, "再生水利用率", regions=["乙市", "丙市"], focus=["乙市", "丙市"],
                 years=[2030])
    result, text, _ = plans.answer(intent)
    assert not result.comparable and result.difference is None
    assert result.line("丙市").status is PlanStatus.other_year
    assert text.split("\n")[0] == ("无法直接比较到2030年再生水利用率：只有乙市给出了可比的数值（丙市只给出了2025年的数值），"
                                   "无法比较。")
    assert "丙市：只给出了2025年的数值：（2025年）再生水利用率达到20%以上[2]。" in text


def test_different_base_years_are_not_compared():
    plans = Plans()
    plans.target("乙市", "单位地区生产总值能源消耗", 2025, "14.5", direction="下降", base_year=2020)
    plans.target("丙市", "单位地区生产总值能源消耗", 2025, "18", direction="下降", base_year=2015)
    result, text, _ = plans.answer(superlative("单位地区生产总值能源消耗", Extreme.strict, ["乙市", "丙市"], (2025,)))
    assert not result.comparable and result.winners == []
    assert "比较基年不同（乙市比2020年、丙市比2015年）" in text.split("\n")[0]


def test_a_base_year_left_unstated_is_ranked_with_a_caution():
    plans = Plans()
    plans.target("乙市", "单位地区生产总值能源消耗", 2025, "14.5", direction="下降", base_year=2020)
    plans.target("丙市", "单位地区生产总值能源消耗", 2025, "14", direction="下降")
    result = plans.answer(superlative("单位地区生产总值能源消耗", Extreme.low, ["乙市", "丙市"], (2025,)))[0]
    assert result.winners == ["丙市"] and result.cautions == ["丙市未写明比较基年（其他方案为比2020年）"]


def test_different_units_are_not_compared():
    plans = Plans()
    plans.target("乙市", "生活污水集中收集率", 2025, "70", qualifiers=("以上",))
    plans.target("丙市", "生活污水集中收集率", 2025, "5", unit="个百分点", direction="提高", base_year=2020)
    result = plans.answer(superlative("生活污水集中收集率", regions=["乙市", "丙市"], years=(2025,)))[0]
    assert not result.comparable and result.line("丙市").status is PlanStatus.other_measure


def test_a_total_is_not_compared_with_an_amount_added():
    plans = Plans()
    plans.target("乙市", "新增天然气发电装机容量", 2025, "460", unit="万千瓦", direction="新增")
    plans.target("丙市", "天然气发电装机容量", 2025, "300", unit="万千瓦", qualifiers=("以上",))
    result, text, _ = plans.answer(superlative("天然气发电装机", regions=["乙市", "丙市"], years=(2025,)),
                                   "乙市和丙市天然气发电装机谁多？")
    assert not result.comparable
    assert result.line("乙市").note == "给出的是新增量（新增460万千瓦），与目标水平不可比"
    assert "460万千瓦" in text and "300万千瓦以上" in text


def test_a_differently_defined_indicator_is_shown_but_not_ranked():
    plans = Plans()
    plans.target("乙市", "高技术制造业增加值占规模以上工业增加值比重", 2025, "35", direction="提高到")
    plans.target("丙市", "高技术制造业增加值占规模以上工业增加值比重", 2025, "20", direction="提高到")
    plans.target("丁市", "先进制造业增加值占规模以上工业增加值比重", 2025, "52", qualifiers=("以上",))
    result, text, _ = plans.answer(superlative("高技术制造业占比", years=(2025,)))
    assert result.winners == ["乙市"]
    line = result.line("丁市")
    assert line.status is PlanStatus.other_measure and line.value is None
    assert "丁市：未给出高技术制造业增加值占规模以上工业增加值比重的数值，给出的是先进制造业增加值占规模以上工业增加值比重（达到52%以上），口径不同" in text


# ---- differences, the province, thresholds, coverage --------------------------------------------------------

def test_a_difference_of_percentages_is_in_percentage_points_exactly():
    plans = Plans()
    plans.target("乙市", "森林覆盖率", 2030, "69", qualifiers=("左右",))
    plans.target("丙市", "森林覆盖率", 2030, "44.14", direction="达")
    result, text, _ = plans.answer(ask(AnalysisOperation.difference, "森林覆盖率", ["乙市", "丙市"],
                                       focus=["丙市", "乙市"], years=[2030]))
    assert result.difference_text == "约24.86个百分点" and result.difference == pytest.approx(-24.86)
    assert text.startswith("乙市比丙市高约24.86个百分点：到2030年森林覆盖率乙市达到69%左右[1]，丙市达44.14%[2]。")


def test_magnitudes_are_converted_before_comparing():
    plans = Plans()
    plans.target("乙市", "森林蓄积量", 2030, "2585", unit="万立方米", direction="达")
    plans.target("丙市", "森林蓄积量", 2030, "0.31", unit="亿立方米")
    plans.target("丁市", "森林蓄积量", 2030, "249", unit="万立方米", direction="达")
    result, text, _ = plans.answer(superlative("森林蓄积量"))
    assert result.winners == ["丙市"] and result.unit == "万立方米"
    assert text.split("\n")[0].startswith("丙市最多：到2030年森林蓄积量达到0.31亿立方米（即3100万立方米）[1]")
    difference = plans.answer(ask(AnalysisOperation.difference, "森林蓄积量", ["乙市", "丙市"],
                                  focus=["丙市", "乙市"], years=[2030]))[0]
    assert difference.difference_text == "515万立方米"


def test_reference_lists_the_plans_beyond_the_province_and_those_level_with_it():
    plans = Plans()
    plans.target("甲省", "星级绿色建筑占比", 2025, "30", qualifiers=("以上",))
    for region, value in zip(CITIES, ("95", "45", "30")):
        plans.target(region, "星级绿色建筑占比", 2025, value, qualifiers=("以上",))
    listed = ask(AnalysisOperation.reference, "星级绿色建筑占比", reference="甲省", side=Side.higher, years=[2025])
    result, text, _ = plans.answer(listed)
    assert (result.selected, result.equal) == (["乙市", "丙市"], ["丁市"])
    assert text.split("\n")[0] == ("到2025年星级绿色建筑占比高于甲省（达到30%以上[3]）的有2个：乙市（达到95%以上[1]）、"
                                   "丙市（达到45%以上[2]）；与甲省相同的有丁市。")
    one = ask(AnalysisOperation.reference, "星级绿色建筑占比", ["丙市"], focus=["丙市"], reference="甲省", years=[2025])
    assert plans.answer(one)[1].startswith("丙市比甲省高15个百分点")


def test_reference_asked_how_far_gives_each_plans_distance_first():
    plans = Plans()
    plans.target("甲省", "森林覆盖率", 2030, "59", qualifiers=("左右",))
    plans.target("乙市", "森林覆盖率", 2030, "32.2", direction="达")
    plans.target("丙市", "森林覆盖率", 2030, "69", qualifiers=("左右",))
    plans.target("丁市", "森林覆盖率", 2030, "59")
    intent = ask(AnalysisOperation.reference, "森林覆盖率", reference="甲省", years=[2030], how_far=True)
    result, text, _ = plans.answer(intent, "各市森林覆盖率目标与全省的差距分别是多少？")
    assert result.gaps == {"乙市": "低约26.8个百分点", "丙市": "高约10个百分点", "丁市": "相同"}
    assert text.split("\n")[0] == ("到2030年森林覆盖率与甲省（达到59%左右[1]）相比：乙市低约26.8个百分点，"
                                   "丙市高约10个百分点，丁市相同。")


def test_a_share_or_multiple_of_another_plans_figure_leads_when_asked():
    plans = Plans()
    plans.target("甲省", "新型储能装机容量", 2025, "200", unit="万千瓦", qualifiers=("以上",))
    plans.target("乙市", "新型储能装机容量", 2025, "50", unit="万千瓦")
    plans.target("丙市", "新型储能装机容量", 2025, "60", unit="万千瓦", qualifiers=("左右",))
    share = ask(AnalysisOperation.reference, "新型储能装机容量", ["乙市"], focus=["乙市"], reference="甲省",
                years=[2025], ratio=True)
    result, text, _ = plans.answer(share)
    assert result.ratio_text == "25%" and text.startswith("乙市是甲省的25%：到2025年新型储能装机容量乙市达到50万千瓦[1]")
    times = ask(AnalysisOperation.difference, "新型储能装机容量", ["乙市", "丙市"], focus=["丙市", "乙市"],
                years=[2025], ratio=True)
    assert plans.answer(times)[0].ratio_text == "约1.2倍"  # 60左右 / 50


def test_reference_without_the_provinces_figure_says_so():
    plans = Plans()
    plans.clause("甲省", "到2025年，单位地区生产总值能源消耗确保完成国家下达指标。")
    plans.target("乙市", "单位地区生产总值能源消耗", 2025, "14.5", direction="下降", base_year=2020)
    intent = ask(AnalysisOperation.reference, "单位GDP能耗", ["乙市"], focus=["乙市"], reference="甲省", years=[2025])
    result, text, _ = plans.answer(intent, "乙市单位GDP能耗下降目标比全省高多少？")
    assert not result.comparable and result.difference is None
    assert text.split("\n")[0] == ("无法直接比较到2025年单位地区生产总值能源消耗：甲省未给出2025年的数值，方案写的是"
                                   "“单位地区生产总值能源消耗确保完成国家下达指标”，无从比较。")


def test_a_plan_naming_the_indicator_in_the_questions_words_only_is_quoted_not_left_out():
    plans = Plans()
    plans.target("甲省", "完成营造和修复红树林", 2025, "12", unit="万亩", direction="完成")
    plans.clause("乙市", "到2024年，全面完成省下达我市的红树林营造修复任务。")
    plans.clause("丙市", "加强红树林保护。")  # shorter words than the question's: not taken for it
    intent = ask(AnalysisOperation.reference, "红树林营造修复任务", ["乙市", "丙市"], reference="甲省")
    # the one name, found by meaning as the embedding would find it
    meaning = Meaning(query=lambda texts: unit_rows([[1.0, 0.0] for _ in texts]))
    result = plans.analysis(meaning).run(intent, "乙市、丙市的红树林营造修复任务比省里12万亩少吗？")
    text, _ = analysis_text(result, {chunk.id: chunk for chunk in plans.chunks})
    assert result.line("乙市").status is PlanStatus.in_words and result.selected == []
    assert "方案写的是“全面完成省下达我市的红树林营造修复任务”" in text
    assert result.line("丙市").status is PlanStatus.not_mentioned


def test_a_figure_set_for_part_of_the_indicator_is_shown_before_words_without_one():
    plans = Plans()
    plans.target("甲省", "城区常住人口100万以上的城市绿色出行比例", 2030, "70", direction="不低于")
    plans.clause("甲省", "积极引导绿色出行。")
    plans.target("乙市", "绿色出行比例", 2030, "70", direction="不低于")
    intent = ask(AnalysisOperation.reference, "绿色出行比例", ["乙市"], focus=["乙市"], reference="甲省")
    result, text, _ = plans.answer(intent, "乙市绿色出行比例与省里要求比如何？")
    assert result.reference.status is PlanStatus.other_measure and not result.comparable
    first = text.split("\n")[0]
    assert first.startswith("无法直接比较") and "城区常住人口100万以上的城市绿色出行比例（不低于70%）" in first


def test_a_question_naming_the_indicator_only_by_its_figures_compares_the_indicator_holding_them():
    plans = Plans()
    plans.target("甲省", "非化石能源消费比重", 2025, "32", qualifiers=("力争", "以上"))
    plans.target("乙市", "非化石能源消费比重", 2025, "16", direction="提升至")
    plans.target("乙市", "新型储能装机容量", 2025, "32", unit="万千瓦")
    intent = ask(AnalysisOperation.reference, "", ["乙市"], focus=["乙市"], reference="甲省")
    result, text, _ = plans.answer(intent, "跟全省32%的目标比，乙市的16%差了多少？")
    assert result.indicator == "非化石能源消费比重" and result.difference_text == "约16个百分点"
    # one figure alone names nothing: 32% could be any target's
    assert plans.analysis().run(intent, "跟全省32%的目标比，乙市差了多少？") is None


def test_an_indicator_no_plan_sets_a_figure_for_is_quoted_plan_by_plan_never_ranked():
    plans = Plans()
    plans.target("乙市", "单位地区生产总值能源消耗", 2025, "14.5", direction="下降", base_year=2020)
    plans.clause("乙市", "到2025年，单位地区生产总值二氧化碳排放确保完成省下达指标。")
    plans.clause("丙市", "到2025年，二氧化碳排放强度下降率确保完成省下达的目标。")  # the term, not the name
    intent = superlative("单位地区生产总值二氧化碳排放", regions=["乙市", "丙市", "丁市"], years=(2025,))
    result, text, _ = plans.answer(intent, "十四五末碳排放强度降幅，哪个市定得最高")
    assert not result.comparable and result.winners == []
    assert [line.status for line in result.lines] == [PlanStatus.in_words, PlanStatus.in_words,
                                                      PlanStatus.not_mentioned]
    assert text.startswith("无法直接比较到2025年单位地区生产总值二氧化碳排放：没有方案给出可比的数值")
    assert "丙市：未给出2025年的数值，方案写的是“二氧化碳排放强度下降率确保完成省下达的目标”" in text
    # words in one plan alone are no comparison
    assert plans.analysis().run(superlative("单位地区生产总值二氧化碳排放", regions=["乙市", "丁市"], years=(2025,)),
                                "乙市和丁市碳排放强度降幅谁高") is None
    # counting never falls back on words: "how many give a figure" is not answered from words alone
    count = ask(AnalysisOperation.count, "单位地区生产总值二氧化碳排放", ["乙市", "丙市", "丁市"], years=[2025])
    assert plans.analysis().run(count, "几个市给出了碳排放强度目标") is None


def test_threshold_at_least_takes_the_figure_itself_more_than_does_not():
    plans = Plans()
    for region, value in zip(CITIES, ("14.5", "15", "14")):
        plans.target(region, "单位地区生产总值能源消耗", 2025, value, direction="下降", base_year=2020)
    at_least = ask(AnalysisOperation.threshold, "能耗强度", years=[2025], threshold=14.5, threshold_text="14.5%",
                   comparator=Comparator.at_least)
    result, text, _ = plans.answer(at_least, "2025年能耗强度降幅不低于14.5%的是哪几个市？")
    assert result.selected == ["乙市", "丙市"]
    assert text.split("\n")[0].startswith("到2025年单位地区生产总值能源消耗不低于14.5%的有2个：乙市")
    more_than = at_least.model_copy(update={"comparator": Comparator.more_than})
    assert plans.answer(more_than, "能耗强度降幅超过14.5%的是哪几个市？")[0].selected == ["丙市"]


def test_coverage_counts_every_year_and_only_the_figure_the_question_quotes():
    plans = Plans()
    plans.target("甲省", "单位水泥熟料碳排放", 2030, "8", direction="降低", qualifiers=("以上",), base_year=2020)
    plans.target("乙市", "单位水泥熟料碳排放", 2030, "8", direction="降低", qualifiers=("以上",), base_year=2020)
    plans.target("丙市", "单位水泥熟料碳排放", 2025, "5", direction="降低", base_year=2020)
    plans.clause("丁市", "推动水泥行业节能降碳。")
    everyone = ["甲省", *CITIES]
    covered = plans.answer(ask(AnalysisOperation.coverage, "单位水泥熟料碳排放", everyone))
    assert covered[0].selected == ["甲省", "乙市", "丙市"]
    assert covered[1].split("\n")[0] == "给出单位水泥熟料碳排放具体数值的有3个：甲省、乙市、丙市。"
    quoted = plans.answer(ask(AnalysisOperation.count, "单位水泥熟料碳排放", everyone, stated="8%"))
    assert quoted[0].selected == ["甲省", "乙市"]
    assert quoted[1].split("\n")[0] == "共2个给出了单位水泥熟料碳排放8%：甲省、乙市。"
    assert quoted[0].line("丙市").note == "给出的数值不是8%"


def test_a_question_naming_no_indicator_with_figures_gets_no_result():
    plans = Plans()
    plans.target("乙市", "森林覆盖率", 2030, "40")
    assert plans.analysis().run(superlative("零碳园区"), "哪个市的零碳园区最多？") is None


# ---- matching the question's words to the names -------------------------------------------------------------

NAMES = ["单位地区生产总值能源消耗", "高技术制造业增加值占规模以上工业增加值比重", "先进制造业增加值占规模以上工业增加值比重",
         "星级绿色建筑占比", "森林覆盖率", "森林蓄积量", "9种主要再生资源回收量", "9种主要再生资源循环利用量",
         "营运交通工具单位换算周转量碳排放强度"]


@pytest.mark.parametrize("question, subject, names, how", [
    ("单位GDP能耗下降目标谁最严", "单位GDP能耗", ["单位地区生产总值能源消耗"], MatchedBy.name),
    ("能耗强度降幅不低于14.5%的", "能耗强度", ["单位地区生产总值能源消耗"], MatchedBy.name),
    ("高技术制造业占比谁最高", "高技术制造业占比", ["高技术制造业增加值占规模以上工业增加值比重"], MatchedBy.words),
    ("星级绿建占比这项", "星级绿建占比这项", ["星级绿色建筑占比"], MatchedBy.name),  # 绿建 written out
    ("森林覆盖律哪个市最低", "森林覆盖律", ["森林覆盖率"], MatchedBy.words),
    ("森林覆盖律2030哪个市最低", "森林覆盖律2030", ["森林覆盖率"], MatchedBy.words),  # a bare year is no part
    ("9种主要再生资源", "9种主要再生资源", ["9种主要再生资源回收量", "9种主要再生资源循环利用量"], MatchedBy.words),
    ("营运交通工具碳排放强度", "营运交通工具碳排放强度", ["营运交通工具单位换算周转量碳排放强度"], MatchedBy.words),
])
def test_question_words_find_the_names(question, subject, names, how):
    match = NameMatcher(NAMES).run(question, subject)
    assert (match.names, match.matched_by) == (names, how)


SHORT_NAMES = ["单位地区生产总值能源消耗", "公共机构人均综合能源消耗", "装配式建筑占当年城镇新建建筑的比例",
               "装配式建筑占当年新建城镇建筑的推广比例", "森林覆盖率", "屋顶光伏覆盖率"]


@pytest.mark.parametrize("question, subject, names", [
    # a bare 能耗 or 节能 is the headline energy intensity, not every name holding 能源消耗
    ("哪个市能耗降得最多", "能耗", ["单位地区生产总值能源消耗"]),
    ("谁的节能目标最保守", "节能", ["单位地区生产总值能源消耗"]),
    ("公共机构人均能耗谁降得最多", "公共机构人均能耗", ["公共机构人均综合能源消耗"]),
    # three characters: a run of one indicator's names only
    ("装配式谁最高", "装配式", ["装配式建筑占当年城镇新建建筑的比例", "装配式建筑占当年新建城镇建筑的推广比例"]),
    ("装配式房子占比谁最高", "装配式房子占比", ["装配式建筑占当年城镇新建建筑的比例", "装配式建筑占当年新建城镇建筑的推广比例"]),
])
def test_short_words_find_the_one_indicator_they_mean(question, subject, names):
    assert NameMatcher(SHORT_NAMES).run(question, subject).names == names


def test_words_that_only_share_a_part_match_nothing_without_meaning():
    matcher = NameMatcher(NAMES)
    assert matcher.run("单位GDP二氧化碳排放谁降得多", "单位GDP二氧化碳排放") is None
    assert matcher.run("碳排放强度哪个市降得最多", "碳排放强度") is None  # the GDP's, not transport's


def test_a_measure_word_alone_spells_no_name():
    matcher = NameMatcher(["光伏发电装机容量", "生物质发电装机容量"])
    assert matcher.run("烧秸秆发电这块装机规模谁最大", "烧秸秆发电这块 装机规模") is None  # 装机容量 fits both
    assert matcher.run("光伏装机规模谁最大", "光伏发电装机规模").names == ["光伏发电装机容量"]


def test_meaning_is_the_last_resort_and_needs_a_clear_winner():
    vectors = {"每产出一样多GDP用的能源": [1.0, 0.0, 0.0]}

    def embed(texts):
        rows = [vectors.get(t, [0.0, 0.0, 1.0]) if t != "单位地区生产总值能源消耗" else [0.99, 0.14, 0.0]
                for t in texts]
        return np.array(rows) / np.linalg.norm(rows, axis=1, keepdims=True)

    match = NameMatcher(NAMES, Meaning(embed)).run("每产出一样多GDP用的能源谁要求更高", "每产出一样多GDP用的能源")
    assert (match.names, match.matched_by) == (["单位地区生产总值能源消耗"], MatchedBy.meaning)
    assert NameMatcher(NAMES, Meaning(embed)).run("别的什么", "别的什么") is None


# With the question adapter a described subject is also compared with the plans' wording around each name.
ENERGY, NON_FOSSIL = "单位地区生产总值能源消耗", "非化石能源消费比重"
DESCRIBED = "每产出一样多GDP用的能源"


def unit_rows(rows):
    rows = np.array(rows, dtype=float)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def wording_meaning(adapt=lambda vectors: vectors) -> Meaning:
    """The described subject sits on axis 0 once adapted; by name alone 非化石… is a little closer, but
    only the energy target's own sentence speaks of output and energy."""
    queries = {DESCRIBED: [0.0, 0.0, 1.0], ENERGY: [0.3, 1.0, 0.0], NON_FOSSIL: [0.36, 1.0, 0.0]}
    return Meaning(query=lambda texts: unit_rows([queries[t] for t in texts]),
                   passage=lambda texts: unit_rows([[1.0, 0.2, 0.0] if "能源消耗" in t else [0.0, 1.0, 0.0]
                                                    for t in texts]),
                   adapt=adapt)


def to_axis_0(vectors):
    return unit_rows([[1.0, 0.0, v[2] * 0.1] for v in vectors])


def wording_records() -> list[Indicator]:
    plans = Plans()
    plans.target("乙市", ENERGY, 2025, "14.5", direction="下降", base_year=2020)
    plans.target("丙市", NON_FOSSIL, 2025, "35")
    return plans.records


def test_the_plans_wording_around_a_name_decides_a_described_subject():
    names = [ENERGY, NON_FOSSIL]
    matched = NameMatcher(names, wording_meaning(to_axis_0), wording_records()).run(DESCRIBED, DESCRIBED)
    assert (matched.names, matched.matched_by) == ([ENERGY], MatchedBy.meaning)
    names_alone = NameMatcher(names, wording_meaning(to_axis_0)).run(DESCRIBED, DESCRIBED)
    assert names_alone.names == [NON_FOSSIL]  # what the name alone would take


def test_the_adapter_moves_the_subject_and_without_a_close_name_nothing_is_taken():
    names = [ENERGY, NON_FOSSIL]
    records = wording_records()
    # Unadapted, the subject's vector is far from every name and wording.
    assert NameMatcher(names, wording_meaning(), records).run(DESCRIBED, DESCRIBED) is None
    assert NameMatcher(names, Meaning(wording_meaning().query), records).run(DESCRIBED, DESCRIBED) is None
    assert NameMatcher(names, wording_meaning(to_axis_0), records).run(DESCRIBED, DESCRIBED).names == [ENERGY]


def test_same_measure_and_related_measure():
    assert same_measure("建成区绿地率", "城市建成区绿地率")
    assert same_measure("装配式建筑占当年城镇新建建筑的比例", "装配式建筑占当年新建城镇建筑的推广比例")
    assert not same_measure("光伏发电装机容量", "风电和光伏发电装机容量")  # a list is more than its member
    assert not same_measure("森林覆盖率", "森林蓄积量")
    assert related_measure("高技术制造业增加值占规模以上工业增加值比重", "先进制造业增加值占规模以上工业增加值比重") > 0.8
    assert related_measure("新型储能装机容量", "风电和光伏发电装机容量") == 0


def test_a_name_said_once_for_a_list_is_found_in_words():
    plans = Plans()
    plans.target("乙市", "公共机构人均综合能源消耗", 2030, "8", direction="降低", base_year=2020)
    plans.clause("丙市", "到2030年，公共机构单位建筑面积能耗和人均综合能耗完成省下达的指标。")
    plans.clause("丁市", "到2030年，公共机构节能改造面积和人均绿地面积稳步增长。")  # 人均 but not that name
    result = plans.answer(superlative("公共机构人均综合能耗"))[0]
    assert result.line("丙市").status is PlanStatus.in_words
    assert result.line("丁市").status is PlanStatus.not_mentioned


def test_of_two_plans_asked_about_one_is_higher_not_highest():
    plans = Plans()
    plans.target("乙市", "森林覆盖率", 2030, "40")
    plans.target("丙市", "森林覆盖率", 2030, "45")
    assert plans.answer(superlative("森林覆盖率", regions=["乙市", "丙市"]))[1].startswith("丙市更高：")


# ---- office shorthand: counts and references over several wordings and plans ---------------------------

def test_a_count_takes_every_wording_of_the_name_and_only_the_asked_kind():
    plans = Plans()
    plans.target("甲省", "城区常住人口100万以上的城市绿色出行比例", 2030, "70", direction="不低于")
    plans.target("乙市", "城市绿色出行比例", 2030, "70", direction="不低于")
    plans.target("丙市", "绿色出行比例", 2030, "70", direction="不低于")  # written without 城市
    counted = plans.answer(ask(AnalysisOperation.count, "城市绿色出行比例", ["甲省", *CITIES], stated="70%"),
                           "城市绿色出行比例不低于70%，几个方案写了")
    assert counted[0].selected == ["甲省", "乙市", "丙市"]
    added = Plans()
    added.target("甲省", "新增天然气发电装机容量", 2025, "3600", unit="万千瓦", direction="新增")
    added.target("乙市", "新增天然气发电装机容量", 2025, "460", unit="万千瓦", direction="新增")
    added.target("丙市", "天然气发电装机容量", 2025, "300", unit="万千瓦")  # a total, not an amount added
    result = added.answer(ask(AnalysisOperation.count, "新增气电装机", ["甲省", *CITIES]), "十四五新增气电装机有几个方案给了量")[0]
    assert result.selected == ["甲省", "乙市"] and result.line("丙市").status is PlanStatus.other_measure


def test_words_quoting_the_asked_figure_without_its_year_count_and_say_so():
    plans = Plans()
    plans.target("甲省", "建筑废弃物资源化利用率", 2030, "55")
    plans.clause("乙市", "到2030年，装配式建筑比例达到40%。星级绿色建筑全面推广绿色建材，建筑废弃物资源化利用率达到55%。")
    plans.clause("丙市", "提高建筑废弃物资源化利用率。")
    result, text, _ = plans.answer(ask(AnalysisOperation.count, "建筑废弃物资源化利用率", ["甲省", *CITIES], stated="55%"))
    assert result.selected == ["甲省", "乙市"]
    assert text.split("\n")[0] == "共2个给出了建筑废弃物资源化利用率55%：甲省、乙市。"
    assert "乙市：方案写的是“建筑废弃物资源化利用率达到55%”[2]（该句写明了数值，未写明目标年份）。" in text
    assert "丙市：未给出数值" in text  # naming the indicator without the figure is not stating it


def test_a_reference_naming_several_plans_lists_those_beyond_the_province():
    plans = Plans()
    plans.target("甲省", "非化石能源消费比重", 2025, "32", qualifiers=("力争", "以上"))
    plans.target("乙市", "非化石能源消费比重", 2025, "32", qualifiers=("左右",))
    plans.target("丙市", "非化石能源消费比重", 2025, "16", direction="提升至")
    lower = ask(AnalysisOperation.reference, "非化石能源占比", ["乙市", "丙市"], focus=["乙市", "丙市"], reference="甲省",
                side=Side.lower, years=[2025])
    result, text, _ = plans.answer(lower, "非化石能源占比25年，乙市、丙市对照省目标，谁低于省里")
    assert result.difference is None and result.selected == ["丙市"] and result.equal == ["乙市"]
    assert text.startswith("到2025年非化石能源消费比重低于甲省")


def test_a_long_name_is_spelled_with_one_character_slipped():
    matcher = NameMatcher(["装配式建筑占当年城镇新建建筑的比例", "建成区绿地率"])
    assert matcher.run("装配试建筑比例30年佛山比省高几个点", "装配试建筑比例").names == ["装配式建筑占当年城镇新建建筑的比例"]
    assert matcher.run("绿地律哪个高", "绿地律") is None  # a short word slips into too many names


# ---- figures of another definition shown beside the asked one, figures the question quotes ------------------

def test_related_measure_reads_names_in_order_and_kinds_of_energy():
    assert related_measure("大宗固体废物年利用量", "大宗工业固体废物年综合利用率") > 0.8
    assert related_measure("风电和光伏发电装机容量", "可再生能源发电装机容量") == 1  # a part of the broader kind
    assert related_measure("光伏发电装机容量", "可再生能源发电装机容量") == 1
    assert related_measure("生物质发电装机容量", "风电和光伏发电装机容量") == 0  # two kinds side by side
    assert related_measure("公共机构人均综合能源消耗", "公共机构单位建筑面积能源消耗") == 0
    assert related_measure("天然气发电装机容量", "风电和光伏发电装机容量") == 0


def test_a_plan_giving_a_related_figure_in_another_unit_shows_it_and_nothing_is_ranked():
    plans = Plans()
    plans.target("乙市", "大宗工业固体废物年综合利用率", 2030, "95")
    plans.target("丙市", "大宗固体废物年利用量", 2030, "500", unit="万吨", qualifiers=("左右",))
    result, text, _ = plans.answer(superlative("大宗固体废物年利用量", regions=["乙市", "丙市"]))
    assert not result.comparable and result.line("乙市").status is PlanStatus.other_measure
    assert "95%" in text and "500万吨" in text and text.startswith("无法直接比较")


def test_the_figure_a_question_quotes_for_a_plan_is_the_record_it_means():
    plans = Plans()
    plans.target("乙市", "规模以上工业单位增加值能源消耗", 2025, "15.0", direction="下降")
    plans.target("丙市", "单位地区生产总值能源消耗", 2025, "14.5", direction="下降", base_year=2020)
    plans.target("丙市", "森林覆盖率", 2025, "14.5")  # the same figure, another kind of target: not taken first
    question = "乙市规上工业单位增加值能耗下降15%，和丙市的14.5%比，是乙市更严吗"
    result, text, _ = plans.answer(superlative("规上工业单位增加值能耗", Extreme.strict, ["乙市", "丙市"], ()), question)
    related = result.line("丙市")
    assert related.status is PlanStatus.other_measure and related.records[0].indicator == "单位地区生产总值能源消耗"
    assert not result.comparable and "15.0%" in text and "14.5%" in text


def test_quoted_figures_pick_the_indicator_when_the_words_name_another():
    plans = Plans()
    plans.target("乙市", "光伏发电装机容量", 2025, "200", unit="万千瓦")
    plans.target("乙市", "新增天然气发电装机容量", 2025, "200", unit="万千瓦", direction="新增")
    plans.target("丙市", "风电和光伏发电装机容量", 2025, "355", unit="万千瓦")
    plans.target("丙市", "新型储能装机容量", 2025, "50", unit="万千瓦")
    difference = ask(AnalysisOperation.difference, "新能源装机 光伏 风光", ["乙市", "丙市"], focus=["乙市", "丙市"],
                     years=[2025])
    result, text, _ = plans.answer(difference, "25年新能源装机，乙市光伏200万千瓦和丙市风光355万千瓦差了多少")
    assert result.indicator in ("光伏发电装机容量", "风电和光伏发电装机容量") and not result.comparable
    assert "200万千瓦" in text and "355万千瓦" in text


def test_coverage_asked_the_other_way_round_lists_the_plans_without_the_figure():
    plans = Plans()
    for region in ("乙市", "丙市"):
        plans.target(region, "电动乘用车销售量", 2030, "30", qualifiers=("力争", "以上"))
    plans.clause("丁市", "大力推广新能源汽车。")
    missing = ask(AnalysisOperation.coverage, "电动乘用车销售量", stated="30%", unstated=True)
    result, text, _ = plans.answer(missing)
    assert result.selected == ["丁市"] and text.split("\n")[0] == "未给出电动乘用车销售量30%的有1个：丁市。"
    counted = ask(AnalysisOperation.count, "电动乘用车销售量", unstated=True)
    assert plans.answer(counted)[1].split("\n")[0] == "共1个未给出电动乘用车销售量的具体数值：丁市。"
    by_copies = ask(AnalysisOperation.count, "电动乘用车销售量", unstated=True, counted_with="份")
    assert plans.answer(by_copies)[1].split("\n")[0] == "共1份未给出电动乘用车销售量的具体数值：丁市。"


def test_a_figure_stated_without_a_year_or_verb_counts_for_coverage_with_its_words_slightly_different():
    plans = Plans()
    plans.target("乙市", "LED等高效节能灯具使用占比", 2030, "80", direction="超过")
    plans.clause("丙市", "推进城市绿色照明，LED等高效能节能灯具使用占比100%。")
    plans.clause("丁市", "推广LED等高效节能灯具。")  # named, no figure: not stating one
    result, text, _ = plans.answer(ask(AnalysisOperation.coverage, "LED等高效节能灯具使用占比"))
    assert result.selected == ["乙市", "丙市"]
    assert "丙市：方案写的是“LED等高效能节能灯具使用占比100%”" in text


def test_plans_level_with_the_province_are_listed_first():
    plans = Plans()
    for region, value in (("甲省", "40"), ("乙市", "40"), ("丙市", "40"), ("丁市", "50")):
        plans.target(region, "当年新增新能源、清洁能源动力的交通工具比例", 2030, value, qualifiers=("左右",))
    same = ask(AnalysisOperation.reference, "新能源交通工具比例", reference="甲省", side=Side.same, years=[2030])
    result, text, _ = plans.answer(same)
    assert result.selected == ["乙市", "丙市"] and result.equal == []
    assert text.split("\n")[0].endswith("相同的有2个：乙市、丙市。")


def test_a_figure_without_a_year_is_said_and_not_ranked():
    plans = Plans()
    plans.target("乙市", "LED等高效节能灯具使用占比", 2030, "80", direction="超过")
    plans.clause("丙市", "推进城市绿色照明，LED等高效能节能灯具使用占比100%。")
    result, text, _ = plans.answer(superlative("LED等高效节能灯具使用占比", regions=["乙市", "丙市"]))
    assert not result.comparable and result.line("丙市").status is PlanStatus.in_words
    assert "丙市方案写的是“LED等高效能节能灯具使用占比100%”，该句写明了数值，未写明目标年份" in text.split("\n")[0]


def test_opening_words_inside_another_indicators_name_find_no_name():
    transport = "当年新增新能源、清洁能源动力的交通工具比例"  # 清洁能源 is inside it, not its opening
    assert NameMatcher([transport]).run("清洁能源消费占比谁最高", "清洁能源消费占比") is None
