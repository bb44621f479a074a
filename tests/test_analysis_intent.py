"""Reading an analytical question into the frame's AnalysisIntent (retriever/intent.py)."""
from __future__ import annotations

import pytest

from carbonqa.index.tokenizer import Tokenizer
from carbonqa.indicators.models import AnalysisOperation, Comparator, Extreme, Side
from carbonqa.ingest.vocabulary import english_spelled_out, figures_spelled_out
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
    # In casual words.
    ("能耗降幅谁最猛", Extreme.strict),
    ("25年能耗强度下降，谁的目标最有冲劲", Extreme.strict),
    ("高技术制造业占比，谁最拼", Extreme.strict),
    ("森林覆盖率的冠军是谁", Extreme.strict),
    ("森林覆盖率谁第一", Extreme.strict),
    ("高技术制造业占比排第一的是？", Extreme.strict),  # "…的是" asks which
    ("谁的节能目标最保守？", Extreme.loose),
    ("星级绿建占比哪个市最佛系", Extreme.loose),
    ("森林覆盖率这块，哪个城市最拉胯", Extreme.loose),
    ("森林覆盖率哪个市最牛", Extreme.strict),
    ("森林覆盖率目标，哪个市排头", Extreme.strict),
    ("能耗下降幅度哪个市排最后", Extreme.loose),
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
    # The answer counts the plans with the question's measure word.
    assert counted.counted_with == "个"
    assert intent("五份方案里有几份给出了2025年单位地区生产总值能耗下降的具体百分比？", words).counted_with == "份"
    assert intent("2030年森林覆盖率，有几家给了具体数？", words).counted_with == "家"


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


# ---- office shorthand ------------------------------------------------------------------------------------

@pytest.mark.parametrize("question, written", [
    ("省和乙丙丁哪个最高", "全省和乙市、丙市、丁市哪个最高"),  # 省 alone is the province; one character per city
    ("（省+乙丙丁）", "（全省+乙市、丙市、丁市）"),
    ("乙市比省高多少个点", "乙市比全省高多少个点"),
    ("乙市跟省一致吗", "乙市跟全省一致吗"),
    ("乙比丙高多少", "乙市比丙市高多少"),  # one city's character alone between connectors
    ("丙 光伏 25年目标 谁牵头", "丙市 光伏 25年目标 谁牵头"),
    ("那丁呢", "那丁市呢"),
    ("乙、丙 森林率", "乙市、丙市 森林率"),
    ("乙和丙哪个高", "乙市和丙市哪个高"),
    ("乙、丙两市差多少", "乙市、丙市两市差多少"),
    ("再生水利用率乙和丙谁高", "再生水利用率乙市和丙市谁高"),  # a pair after any word
    ("绿地率2030乙比丙高几个百分点", "绿地率2030乙市比丙市高几个百分点"),
    ("占比25年乙和丙差多少", "占比25年乙市和丙市差多少"),
    ("乙和丙25年能耗降幅差几个点", "乙市和丙市25年能耗降幅差几个点"),
])
def test_plans_in_shorthand_are_written_out(question, written):
    assert CATALOG.spelled_out(question) == written


def test_a_pair_of_city_characters_is_read_across_a_word_formed_at_the_join():
    catalog = RegionCatalog(["广东省", "珠海市", "江门市", "云浮市"], levels={"广东省": "省"})
    assert catalog.spelled_out("那云和江呢") == "那云浮和江门呢"  # 云和 (a county elsewhere) is in jieba's dictionary
    assert catalog.spelled_out("珠、云和江哪个高") == "珠海、云浮和江门哪个高"  # pairs overlap: 云 is in both
    assert CATALOG.spelled_out("乙、丙和丁哪个高") == "乙市、丙市和丁市哪个高"
    assert catalog.spelled_out("长江和云") == "长江和云"  # 江 inside 长江 is no city, so 云 has no pair


@pytest.mark.parametrize("question", [
    "完成省下达指标", "节省能源", "省级森林公园有几个", "省市四份方案里", "乙丙两市",  # a run of two is no list
    "甲乙比赛", "丙市的山、丙和海湾", "上乙和下丙村",  # inside a word; the city already written out
    "5G、乙、大数据中心", "乙、边、端协同", "推广和乙的关系", "比较省呢",  # listed among no places; no plan beside it
])
def test_words_holding_shorthand_characters_are_kept(question):
    assert CATALOG.spelled_out(question) == question


def test_shorthand_plans_are_the_plans_compared(words):
    assert intent("森林覆盖率 省和乙丙丁哪个最高", words).regions == ["甲省", *CITIES]
    assert intent("省市四份方案里，森林覆盖率不低于30%的有哪些", words).regions == ["甲省", *CITIES]
    assert intent("四个碳达峰方案里，森林覆盖率哪几个方案写了", words).regions == ["甲省", *CITIES]
    one = intent("星级绿建占比 乙市比省高多少个点（25年）", words)
    assert (one.operation, one.reference, one.focus, one.side) == (
        AnalysisOperation.reference, "甲省", ["乙市"], Side.higher)
    # the province beside 哪个市: the cities, and the province listed with them
    assert intent("森林覆盖率哪个市目标最高？省里的也列一下", words).regions == ["甲省", *CITIES]


@pytest.mark.parametrize("question, operation", [
    ("省和乙丙丁的方案里谁给了电网尖峰负荷响应能力目标", AnalysisOperation.coverage),
    ("LED节能灯具使用占比，省和乙丙丁哪几个方案提了", AnalysisOperation.coverage),
    ("省市四份方案里，二代水泥生产线占比哪些给了比例", AnalysisOperation.coverage),
    ("森林蓄积量给了具体数的，四个碳达峰方案里有哪些", AnalysisOperation.coverage),
    ("建成区绿地率给了量化目标的是哪几家", AnalysisOperation.coverage),
    ("四份方案里，非化石能源消费比重25年目标哪些写了", AnalysisOperation.coverage),
    ("新增交通工具里新能源占40%左右，几个方案都这么写", AnalysisOperation.count),
    ("建筑废弃物资源化利用率55%的目标，省和乙丙丁几个有", AnalysisOperation.count),
    ("施工现场建材损耗率降20%，四个方案里几个有这条", AnalysisOperation.count),
    ("省市四份方案里，星级绿建占比25年目标几个给了数", AnalysisOperation.count),
    ("25年单位GDP能耗降幅，四个方案里给了具体百分比的有几个", AnalysisOperation.count),
])
def test_coverage_and_count_in_office_shorthand(question, operation, words):
    read = intent(question, words)
    assert read.operation is operation and read.regions == ["甲省", *CITIES]


@pytest.mark.parametrize("question, value, text, comparator", [
    ("森林覆盖率过半的，省和乙丙丁里是哪几个", 50.0, "50%", Comparator.more_than),
    ("四个方案里，非化石占比25年在30%以上的是哪些", 30.0, "30%", Comparator.at_least),
    ("乙丙丁森林蓄积量30年超过1000万方的有哪些", 1000.0, "1000万立方米", Comparator.more_than),
    ("乙丙丁高技术制造业占比25年不到20%的是哪个", 20.0, "20%", Comparator.less_than),
    ("建成区绿地率2030年，乙市丙市哪个达到40%及以上", 40.0, "40%", Comparator.at_least),
    ("十四五新增气电超过300万千瓦的，省和乙丙丁里有哪些", 300.0, "300万千瓦", Comparator.more_than),
])
def test_thresholds_in_office_shorthand(question, value, text, comparator, words):
    read = intent(question, words)
    assert read.operation is AnalysisOperation.threshold
    assert (read.threshold, read.threshold_text, read.comparator) == (value, text, comparator)


def test_a_figure_ending_a_question_that_asks_no_which_sets_no_threshold(words):
    assert intent("乙市和丙市的森林覆盖率都达到40%以上", words) is None


def test_how_many_points_more_a_plan_cuts_is_a_difference(words):
    read = intent("25年能耗强度降幅，丙市比乙市多降几个点", words)
    assert read.operation is AnalysisOperation.difference and read.focus == ["丙市", "乙市"]
    assert read.subject == "单位地区生产总值能源消耗"


def test_an_indicator_term_opening_the_words_is_the_whole_indicator():
    assert subject_words("乙市丙市丁市里，25年能耗降幅14.5%及以上的市有哪几个", CATALOG) == "单位地区生产总值能源消耗"
    assert "公共机构人均能耗" in subject_words("公共机构人均能耗降幅哪个市最高", CATALOG)
    # a demonstrative breaks the words: "路灯这些LED…" is about the LED lamps
    assert subject_words("路灯这些LED节能灯具的使用占比，哪几个方案提了", CATALOG).split()[-1] == "LED节能灯具的使用占比"


@pytest.mark.parametrize("question, written", [
    ("新能源、清洁能源占四成左右", "新能源、清洁能源占40%左右"),
    ("森林覆盖率过半的", "森林覆盖率超过50%的"),
    ("蓄积量超过1000万方的", "蓄积量超过1000万立方米的"),
    ("是一成不变的", "是一成不变的"),
    ("有几成", "有几成"),
])
def test_figures_in_shorthand_are_written_as_the_plans_write_them(question, written):
    assert figures_spelled_out(question) == written


# The operations' words as a grammar: each class of comparison words in each construction, in wordings of
# this file's own (journalists' and researchers' ways of asking).
@pytest.mark.parametrize("question, extreme", [
    ("2025年星级绿色建筑占比，哪个市的目标最具雄心？", Extreme.strict),
    ("各市单位GDP能耗降幅目标中，最为激进的是哪一个？", Extreme.strict),
    ("2030年森林覆盖率，哪个市排名第一？", Extreme.strict),
    ("就高技术制造业占比而言，哪座城市排在首位？", Extreme.strict),
    ("森林覆盖率目标，哪个市垫底？", Extreme.loose),
    ("各市能耗降幅目标，谁最保守？", Extreme.loose),
    ("乙市和丙市，谁的星级绿色建筑占比目标更进取？", Extreme.strict),
    ("乙市与丙市的森林覆盖率目标，哪一方更高一些？", Extreme.high),
    ("高技术制造业占比，乙市和丁市谁领先？", Extreme.high),
    ("丁市与丙市，谁的森林覆盖率目标定得更低？", Extreme.low),
    ("乙市能耗降幅15%，和丙市的14.5%比，是乙市更严吗？", Extreme.strict),
    ("星级绿色建筑占比这一指标上，最不积极的市是哪个？", Extreme.loose),
    ("在2025年高技术制造业比重上，乙市和丙市孰高孰低？", Extreme.high),
    ("三个市的森林覆盖率目标，谁排末位？", Extreme.loose),
    ("乙市、丙市、丁市的森林覆盖率，谁位居榜首？", Extreme.strict),
    ("丁市的森林覆盖率目标是否高于乙市？", Extreme.high),
    ("丁市的森林覆盖率目标低于乙市吗？", Extreme.low),
    ("丁市的森林覆盖率目标比乙市高吗？", Extreme.high),
    ("丁市2030年森林覆盖率比乙市低吗", Extreme.low),
    ("丙市公共机构单位建筑面积能耗到2030年的降幅比丁市高还是低？", Extreme.high),
])
def test_superlatives_in_other_wordings(question, extreme, words):
    read = intent(question, words)
    assert read.operation is AnalysisOperation.superlative and read.extreme is extreme


def test_a_which_question_with_a_comparative_is_not_asked_yes_or_no(words):
    read = intent("对比省级目标，有哪些市的星级绿色建筑占比目标更高？", words)
    assert read.operation is AnalysisOperation.reference and read.side is Side.higher


@pytest.mark.parametrize("question, side, focus", [
    ("在星级绿色建筑占比上，哪些市领先于全省？", Side.higher, []),
    ("哪些市的森林覆盖率目标落后于甲省？", Side.lower, []),
    ("高技术制造业占比，哪些市不及全省？", Side.lower, []),
    ("相对于省级基准，乙市的高技术制造业比重高出多少？", Side.higher, ["乙市"]),
    ("与省级目标相比，丁市的高技术制造业比重落后多少？", Side.lower, ["丁市"]),
    ("乙市、丙市的星级绿色建筑占比目标是否达到全省水平？", Side.higher, ["乙市", "丙市"]),
    ("2025年高技术制造业比重，哪些市跑赢了全省？", Side.higher, []),
    ("丁市2030年森林覆盖率目标距离全省水平还差多少？", None, ["丁市"]),
    ("丙市2030年森林覆盖率跟省里59%比高还是低？", Side.lower, ["丙市"]),  # the province's figure quoted
    ("以省级目标为基准，乙市的森林覆盖率偏离多少？", None, ["乙市"]),
    ("丁市的森林覆盖率目标与省级目标之间的差额？", None, ["丁市"]),
    ("乙市的森林覆盖率目标分别是多少，和省里差多少？", None, ["乙市"]),
    ("全省的星级绿色建筑占比目标是30%，乙市高出这个标准了吗？", Side.higher, ["乙市"]),  # pointed back at
])
def test_reference_in_other_wordings(question, side, focus, words):
    read = intent(question, words)
    assert (read.operation, read.reference, read.side, read.focus) == (AnalysisOperation.reference, "甲省", side,
                                                                       focus)


@pytest.mark.parametrize("question", ["各市2030年森林覆盖率目标中，最高与最低相差多少个百分点？",
                                      "三个市的森林覆盖率目标极差是多少？", "各市星级绿色建筑占比，最低的和最高的差几个点"])
def test_how_far_apart_the_ends_are_is_a_superlative_with_its_spread(question, words):
    read = intent(question, words)
    assert (read.operation, read.spread, read.regions) == (AnalysisOperation.superlative, True, CITIES)
    assert read.subject in ("森林覆盖率", "星级绿色建筑占比")
    assert not intent("2030年森林覆盖率目标哪个市最高？", words).spread


def test_three_plans_asked_whether_level_are_ordered(words):
    read = intent("关于2030年单位水泥熟料碳排放的降低幅度，甲省、乙市和丙市的要求是否一致？", words)
    assert (read.operation, read.extreme, read.regions) == (AnalysisOperation.superlative, Extreme.high,
                                                             ["甲省", "乙市", "丙市"])
    # measured against the province, they are the plans level with it
    against = intent("营运交通工具碳强度 30年降幅 乙市丙市丁市跟省一致吗", words)
    assert (against.operation, against.side) == (AnalysisOperation.reference, Side.same)


def test_how_far_the_plans_are_from_the_province_is_asked_apart_from_which_are_beyond(words):
    assert intent("各市森林覆盖率目标与全省的差距分别是多少？", words).how_far
    assert not intent("哪些市的森林覆盖率目标高于全省？", words).how_far


@pytest.mark.parametrize("question", ["按2030年森林覆盖率目标排序，丁市位列第几？", "丁市的森林覆盖率目标在各市中居第几",
                                      "丁市森林覆盖率目标排第几"])
def test_a_plans_place_in_the_order(question, words):
    read = intent(question, words)
    assert (read.operation, read.focus) == (AnalysisOperation.rank, ["丁市"])


def test_a_share_or_multiple_of_another_plans_figure(words):
    share = intent("2025年新型储能装机规模，丙市占全省目标的比重是多少？", words)
    assert (share.operation, share.reference, share.focus, share.ratio) == (AnalysisOperation.reference, "甲省",
                                                                           ["丙市"], True)
    assert share.subject == "新型储能装机规模"
    times = intent("丁市的森林覆盖率目标是乙市的几倍", words)
    assert (times.operation, times.focus, times.ratio) == (AnalysisOperation.difference, ["丁市", "乙市"], True)
    assert not intent("乙市高技术制造业占规上工业增加值比重比省里高几个百分点", words).ratio


def test_one_plan_against_the_province_is_measured_against_it_not_ranked(words):
    read = intent("乙市的高技术制造业比重目标与全省目标相比孰高孰低？", words)
    assert (read.operation, read.reference, read.focus) == (AnalysisOperation.reference, "甲省", ["乙市"])


@pytest.mark.parametrize("question, focus", [
    ("乙市和丁市的高技术制造业占比目标差距有多大？", ["乙市", "丁市"]),
    ("2025年星级绿色建筑占比，乙市比丙市多出多少？", ["乙市", "丙市"]),
    ("丙市的森林覆盖率目标领先丁市多少个百分点？", ["丙市", "丁市"]),
    ("丁市落后乙市几个百分点（高技术制造业比重）？", ["丁市", "乙市"]),
    ("乙市与丙市的星级绿色建筑占比相差几何？", ["乙市", "丙市"]),
    ("乙市与丙市星级绿色建筑占比目标之差是多少？", ["乙市", "丙市"]),
    ("乙市和丙市的2025年能耗强度降幅一样吗？", ["乙市", "丙市"]),  # the same figure, or how far apart
])
def test_differences_in_other_wordings(question, focus, words):
    read = intent(question, words)
    assert read.operation is AnalysisOperation.difference and read.focus == focus


@pytest.mark.parametrize("question, value, comparator", [
    ("星级绿色建筑占比达到或超过45%的市有哪些？", 45.0, Comparator.at_least),
    ("高技术制造业占比未达到30%的市有哪些？", 30.0, Comparator.less_than),
    ("森林覆盖率不多于40%的市有哪些？", 40.0, Comparator.at_most),
    ("高技术制造业占比在三成以下的市有哪些？", 30.0, Comparator.at_most),
    # A threshold ending the question with 的.
    ("森林覆盖率有没有超过60%的", 60.0, Comparator.more_than),
    ("高技术制造业占比不足20%的", 20.0, Comparator.less_than),
    ("森林覆盖率目标过40%的有哪些", 40.0, Comparator.more_than),
    ("森林覆盖率高过50%的有谁", 50.0, Comparator.more_than),
    ("森林覆盖率超五成的是哪几个", 50.0, Comparator.more_than),
    ("星级绿建占比能到45%的有哪几个", 45.0, Comparator.at_least),
    ("森林覆盖率达40%的有哪些市", 40.0, Comparator.at_least),
    ("高技术制造业占比没到20%的是哪个市", 20.0, Comparator.less_than),
    ("森林覆盖率达不到50%的有哪些", 50.0, Comparator.less_than),
])
def test_threshold_comparators_by_meaning(question, value, comparator, words):
    read = intent(question, words)
    assert (read.operation, read.threshold, read.comparator) == (AnalysisOperation.threshold, value, comparator)


def test_coverage_asked_the_other_way_round_and_plans_left_out(words):
    missing = intent("电动乘用车销售占比30%以上这个目标，三个市里哪个没写？", words)
    assert (missing.operation, missing.unstated, missing.regions) == (AnalysisOperation.coverage, True, CITIES)
    besides = intent("铁路单位换算周转量综合能耗下降10%，除了省里还有哪个市写了？", words)
    assert (besides.operation, besides.unstated, besides.regions) == (AnalysisOperation.coverage, False, CITIES)
    counted = intent("大型公共建筑制冷能效提升20%，除甲省以外有几个方案写了？", words)
    assert counted.operation is AnalysisOperation.count and counted.regions == CITIES
    assert intent("2030年森林覆盖率给出具体百分比的市有几个？", words).operation is AnalysisOperation.count


@pytest.mark.parametrize("question, written", [
    ("乙市和丙市谁的目标最 ambitious？", "乙市和丙市谁的目标最激进？"),
    ("哪些市高于省级 Benchmark？", "哪些市高于省级基准？"),
    ("乙市和丙市在 high-tech  manufacturing 占比上差多少", "乙市和丙市在高技术制造业占比上差多少"),
    ("LED 灯具和 GDP 能耗", "LED 灯具和 GDP 能耗"),  # abbreviations the plans use stay
    ("targeted", "targeted"),  # only whole words
])
def test_english_terms_are_written_in_chinese(question, written):
    assert english_spelled_out(question) == written


def test_an_english_term_reads_as_its_chinese_word(words):
    read = intent("2025年高技术制造业占比，有哪些市的目标高于省级 benchmark？", words)
    assert (read.operation, read.reference, read.side) == (AnalysisOperation.reference, "甲省", Side.higher)
    assert intent("乙市和丙市在 high-tech manufacturing 占比上的目标，谁最 ambitious？", words).subject == "高技术制造业占比"


def test_a_rate_said_per_denominator_first_is_written_as_the_plans_write_it():
    assert figures_spelled_out("排放量控制在每万平方米300吨以内") == "排放量控制在300吨/万平方米以内"


def test_plans_level_with_the_province_are_asked_for_against_it(words):
    read = intent("2030年新能源车辆占比40%左右，三个市里有几个定了和省里一样的目标？", words)
    assert (read.operation, read.reference, read.side, read.regions) == (AnalysisOperation.reference, "甲省",
                                                                         Side.same, CITIES)
    assert "一样" not in read.subject
    assert intent("与全省目标持平的市有哪些（森林覆盖率）？", words).side is Side.same
    assert intent("在2025年非化石能源消费比重方面，乙市与全省目标是否一致？", words).side is Side.same


@pytest.mark.parametrize("question, operation, unstated", [
    ("四份方案中，提到新型储能装机目标的有哪几份？", AnalysisOperation.coverage, False),
    ("新型储能装机目标见于哪些方案？", AnalysisOperation.coverage, False),
    ("哪些市未就新型储能装机设定目标？", AnalysisOperation.coverage, True),
    ("新型储能装机目标，共有几份方案提及？", AnalysisOperation.count, False),
    ("明确新型储能装机规模的方案有多少份？", AnalysisOperation.count, False),
    ("2030年森林覆盖率，有具体数值的方案数量是多少？", AnalysisOperation.count, False),
    ("给出2030年森林覆盖率具体数值的市有几个？", AnalysisOperation.count, False),
    ("除省方案外，提出2030年尖峰负荷响应能力目标的市有几个？", AnalysisOperation.count, False),
    ("哪些地级市的方案给出了2025年非化石能源消费比重的具体数值？", AnalysisOperation.coverage, False),
])
def test_coverage_and_count_in_other_wordings(question, operation, unstated, words):
    read = intent(question, words)
    assert (read.operation, read.unstated) == (operation, unstated)


# ---- casual wordings: the operation's words as classes, not phrasings --------------------------------------

@pytest.mark.parametrize("question, regions, subject", [
    ("大型公建制冷能效提升20%，几家写了", ["甲省", *CITIES], "大型公建制冷能效"),
    ("给了森林覆盖率具体数的有几家", ["甲省", *CITIES], "森林覆盖率"),
    ("公共机构人均能耗降8%，几座城市写了", CITIES, "公共机构人均能耗"),
    ("规上工业用水重复利用率90%这个目标，有多少市写进去了", CITIES, "规上工业用水重复利用率"),
    ("营运交通工具碳排放强度下降10%，有几个方案纳入了", ["甲省", *CITIES], "营运交通工具碳排放强度"),
    ("25年能耗强度，给了降幅的城市几个", CITIES, "单位地区生产总值能源消耗"),
    ("25年星级绿建，有目标的有几个", ["甲省", *CITIES], "星级绿建"),
    ("单位GDP能耗下降，三个市都给了数吗", CITIES, "单位GDP能耗"),
    ("是不是每个市都定了森林覆盖率目标", CITIES, "森林覆盖率"),
    ("乙市和丙市都有新型储能目标吗", ["乙市", "丙市"], "新型储能"),
    ("给出森林覆盖率的城市一共多少个", CITIES, "森林覆盖率"),
    ("非化石能源占比，地级市里几个给了数", CITIES, "非化石能源占比"),  # 地级市 alone: the cities
    ("2030年森林覆盖率，城市中有几个定了数", CITIES, "森林覆盖率"),
    ("是否所有方案都设了森林覆盖率目标", ["甲省", *CITIES], "森林覆盖率"),
])
def test_counts_in_casual_words(question, regions, subject, words):
    read = intent(question, words)
    assert (read.operation, read.regions, read.subject) == (AnalysisOperation.count, regions, subject)


def test_a_count_of_plans_quotes_no_figure_from_the_plans_counted(words):
    assert intent("4个方案里有几个提到了新型储能", words).stated is None  # 4个方案 is no target figure
    assert intent("新型储能装机目标，几家定了200万千瓦", words).stated == "200万千瓦"


def test_how_many_of_a_thing_a_plan_sets_is_no_count_of_plans(words):
    assert intent("要培育几家氢能企业", words) is None
    assert intent("乙市要培育几家氢能企业", words) is None


def test_a_figure_of_the_target_counted_sets_no_threshold(words):
    read = intent("森林覆盖率达到40%的目标，几个市写了", words)
    assert (read.operation, read.stated) == (AnalysisOperation.count, "40%")


def test_a_year_end_is_no_part_of_the_indicators_words(words):
    read = intent("25年底能耗强度谁降得最多", words)
    assert (read.years, read.subject) == ([2025], "单位地区生产总值能源消耗")


def test_words_around_the_indicator_that_ask_or_change_it_are_not_its_name(words):
    assert intent("降能耗最积极的是哪个市", words).subject == "能耗"  # a verb of change opening it
    assert intent("谁家的能耗下降目标最高", words).subject == "能耗"
    assert intent("哪家的森林覆盖率最高", words).subject == "森林覆盖率"
    assert intent("能耗下降幅度哪个市最小", words).subject == "能耗"  # not 降幅 cut out of 下降幅度


def test_half_reached_is_fifty_percent(words):
    read = intent("装配式建筑占比目标达到一半的城市有哪些", words)
    assert (read.operation, read.threshold, read.comparator) == (AnalysisOperation.threshold, 50.0,
                                                                 Comparator.at_least)


def test_twenty_percent_in_shorthand(words):
    assert figures_spelled_out("非化石占比不到两成的") == "非化石占比不到20%的"


def test_whether_a_plan_is_the_end_compares_every_plan(words):
    for question in ("星级绿建目标最高的是不是乙市", "乙市的森林覆盖率是不是最高"):
        read = intent(question, words)
        assert (read.operation, read.regions) == (AnalysisOperation.superlative, ["甲省", *CITIES])
    assert intent("乙市是否实行最严格的水资源管理制度", words) is None


def test_the_end_asked_as_the_plan_with_it(words):
    assert intent("森林蓄积量最大的方案", words).extreme is Extreme.high
    assert intent("森林覆盖率目标定得最高的地方是？", words).extreme is Extreme.high
    assert intent("写了星级绿建占比目标的市数量", words).operation is AnalysisOperation.count
    assert figures_spelled_out("森林覆盖率目标六成以上的城市") == "森林覆盖率目标60%以上的城市"


def test_more_casual_ends_plans_left_out_and_figures_compared_with(words):
    assert intent("星级绿建占比，乙市、丙市、丁市谁是第一", words).extreme is Extreme.strict
    assert intent("单位GDP能耗降幅的头名是哪个市", words).extreme is Extreme.strict
    assert intent("不算省里，森林覆盖率哪个最高", words).regions == CITIES
    assert intent("不算省里，几个方案写了森林覆盖率", words).regions == CITIES
    higher = intent("森林覆盖率目标比60%还高的有哪些", words)
    assert (higher.operation, higher.threshold, higher.comparator) == (AnalysisOperation.threshold, 60.0,
                                                                       Comparator.more_than)
    assert intent("高技术制造业占比比20%还低的是哪个市", words).comparator is Comparator.less_than
    # the 比 of 占比 right before the figure compares nothing
    read = intent("星级绿建占比40%以上的市有哪些", words)
    assert (read.operation, read.threshold, read.comparator) == (AnalysisOperation.threshold, 40.0,
                                                                 Comparator.at_least)


def test_a_follow_up_naming_only_the_computation_has_no_indicator_of_its_own(words):
    lowest = intent("最低呢", words)  # after "森林率2030年哪个市最高"
    assert (lowest.operation, lowest.extreme, lowest.subject) == (AnalysisOperation.superlative, Extreme.low, "")
    below = intent("那不到14.5%的呢", words)  # 那 points back; it is no indicator's name
    assert (below.operation, below.subject) == (AnalysisOperation.threshold, "")
