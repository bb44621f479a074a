"""Reading an analytical question into the frame's AnalysisIntent (retriever/intent.py)."""
from __future__ import annotations

import pytest

from carbonqa.index.tokenizer import Tokenizer
from carbonqa.indicators.models import AnalysisOperation, Comparator, Extreme, Side
from carbonqa.retriever.frame import read_question
from carbonqa.retriever.intent import subject_words, target_years
from carbonqa.retriever.regions import RegionCatalog

pytestmark = pytest.mark.unit

# Plans of other names than the corpus's: one province, three cities.
CATALOG = RegionCatalog(["甲省", "乙市", "丙市", "丁市"], levels={"甲省": "省", "乙市": "市", "丙市": "市", "丁市": "市"})
CITIES = ["乙市", "丙市", "丁市"]


@pytest.fixture(scope="module")
def words():
    return Tokenizer()


def intent(question: str, words):
    return read_question(question, CATALOG, words).analysis


@pytest.mark.parametrize("question, extreme", [
    ("各市2025年单位GDP能耗下降目标谁定得最狠？", Extreme.strict),
    ("森林覆盖率到2030年的目标，哪个市最低？", Extreme.low),
    ("星级绿建占比这项，哪个市的要求最低？", Extreme.loose),
    ("乙市和丙市，2030年风电光伏装机哪个规划得多？", Extreme.high),
    ("乙市和丙市谁的建筑垃圾排放量控制得更严？", Extreme.strict),
    ("把乙市、丙市、丁市的星级绿色建筑占比从高到低排一下", Extreme.high),
])
def test_superlatives_and_which_end_they_ask_for(question, extreme, words):
    read = intent(question, words)
    assert read.operation is AnalysisOperation.superlative and read.extreme is extreme


def test_a_question_naming_no_plan_spans_the_cities_when_it_asks_about_shi(words):
    assert intent("2030年森林覆盖率目标哪个市最高？", words).regions == CITIES
    assert intent("给了非化石能源消费比重具体数的几个方案里，哪个最低？", words).regions == ["甲省", *CITIES]
    # the province named beside 各市 takes part; "全省各市" only says whose cities
    assert intent("省里和各市比一比，森林覆盖率目标哪个最高？", words).regions == ["甲省", *CITIES]
    assert intent("全省各市中，森林覆盖率目标最低的是哪个？", words).regions == CITIES
    # plans named: those, in answer order
    assert intent("丁市和乙市的绿地率目标谁高？", words).regions == ["乙市", "丁市"]


def test_reference_to_the_province(words):
    listed = intent("2025年高技术制造业增加值占比目标高于全省的有哪些市？", words)
    assert listed.operation is AnalysisOperation.reference and listed.reference == "甲省"
    assert listed.regions == CITIES and listed.focus == [] and listed.side is Side.higher
    one = intent("丙市森林覆盖率目标比省里低几个点？", words)
    assert (one.operation, one.focus, one.side) == (AnalysisOperation.reference, ["丙市"], Side.lower)
    assert intent("乙市的星级绿色建筑占比与全省相比高多少？", words).reference == "甲省"
    assert intent("星级绿色建筑占比高于省级目标的有哪些市？", words).reference == "甲省"


def test_difference_in_the_order_the_question_names_the_plans(words):
    read = intent("30年森林覆盖率，丁市比乙市高几个百分点？", words)
    assert read.operation is AnalysisOperation.difference and read.focus == ["丁市", "乙市"]
    assert read.years == [2030] and read.subject == "森林覆盖率"


def test_per_plan_questions_and_changes_from_a_base_year_are_not_differences(words):
    assert intent("乙市和丙市单位GDP能耗分别比2020年降低多少？", words) is None
    assert intent("乙市2025年单位GDP能耗要比2020年降低多少？", words) is None


@pytest.mark.parametrize("question, value, text, comparator", [
    ("2030年森林覆盖率目标不低于40%的市有哪些？", 40.0, "40%", Comparator.at_least),
    ("高技术制造业增加值占比目标在20%及以上的市有哪些？", 20.0, "20%", Comparator.at_least),
    ("星级绿色建筑占比超过40%的方案是哪几个？", 40.0, "40%", Comparator.more_than),
    ("施工现场建筑垃圾排放量不高于300吨/万平方米的是哪几个市？", 300.0, "300吨/万平方米", Comparator.at_most),
])
def test_thresholds(question, value, text, comparator, words):
    read = intent(question, words)
    assert read.operation is AnalysisOperation.threshold
    assert (read.threshold, read.threshold_text, read.comparator) == (value, text, comparator)


def test_coverage_and_count_with_the_figure_the_question_quotes(words):
    covered = intent("单位水泥熟料碳排放比2020年降8%以上，哪些方案里有这一条？", words)
    assert covered.operation is AnalysisOperation.coverage and covered.stated == "8%"
    assert covered.regions == ["甲省", *CITIES] and covered.subject == "单位水泥熟料碳排放"
    assert intent("新型储能装机给了量化目标的是哪几个方案？", words).operation is AnalysisOperation.coverage
    counted = intent("有几个市给出了2025年单位地区生产总值能耗下降的具体幅度？", words)
    assert counted.operation is AnalysisOperation.count and counted.regions == CITIES
    assert intent("电动乘用车销售量占新车30%以上，五个方案里有几个提了？", words).operation is AnalysisOperation.count


def test_questions_about_one_plan_or_without_an_operation_have_no_intent(words):
    assert intent("乙市2025年星级绿色建筑占比目标是多少？", words) is None
    assert intent("乙市方案提出了哪些重点任务？", words) is None
    assert intent("乙市要建几个零碳园区？", words) is None
    assert intent("乙市的光伏和风电哪个目标高？", words) is None  # one plan: not across plans
    assert intent("乙市和丙市的新型储能目标分别是多少？", words) is None


def test_years_asked_leave_out_the_base_year_and_read_short_years_and_periods():
    assert target_years("到2025年单位GDP能耗比2020年下降多少") == [2025]
    assert target_years("25年的目标") == [2025]
    assert target_years("“十四五”期间新增天然气发电装机") == [2025]


def test_subject_words_drop_places_years_figures_and_question_words():
    assert subject_words("乙市、丙市三个市，2025年单位GDP能耗下降目标谁定得最狠？", CATALOG) == "单位GDP能耗"
    assert subject_words("佛山25年星级绿建占比比甲省的目标高出几个百分点？", CATALOG) == "佛山 星级绿建占比"
    assert subject_words("9种主要再生资源，哪些方案给了量化目标？", CATALOG) == "9种主要再生资源"
    assert subject_words("高技术制造业增加值占规上工业比重，2025年目标哪个市最高？", CATALOG) == \
        "高技术制造业增加值占规上工业比重"


def test_a_share_is_not_a_comparison_with_the_province(words):
    read = intent("乙市和全省的装配式建筑占比目标差多少？", words)  # 占比, not 比
    assert read.operation is AnalysisOperation.difference and read.focus == ["乙市", "甲省"]


def test_a_superlative_without_which_word_when_the_question_spans_plans(words):
    assert intent("2030年森林覆盖率目标最高的城市是？", words).extreme is Extreme.high
    assert intent("乙市和丙市的单位GDP能耗下降目标，谁的更严格？", words).extreme is Extreme.strict
    assert intent("乙市要实行最严格的水资源管理制度吗？", words) is None
