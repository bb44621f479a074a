"""Places without a plan of their own, answered from the plan whose region contains them
(retriever/divisions.py, RegionCatalog.detect), on hand-made division tables and catalogs."""
from __future__ import annotations

import pytest

from carbonqa.answer.followup import resolve_followup
from carbonqa.answer.kinds.refusal import states_for
from carbonqa.index.tokenizer import Tokenizer
from carbonqa.retriever.divisions import Divisions
from carbonqa.retriever.frame import read_question
from carbonqa.retriever.regions import RegionCatalog

pytestmark = pytest.mark.unit

# adcodes as the dataset writes them: 12 digits, a 市辖区 row that is no place, a name in two provinces.
DIVISIONS = Divisions([
    ("440000000000", "广东省"), ("440400000000", "珠海市"), ("440402000000", "香洲区"),
    ("440600000000", "佛山市"), ("440601000000", "市辖区"), ("440605000000", "南海区"), ("440606000000", "顺德区"),
    ("440700000000", "江门市"), ("440781000000", "台山市"), ("440300000000", "深圳市"), ("440305000000", "南山区"),
    ("440100000000", "广州市"), ("441300000000", "惠州市"),
    ("445300000000", "云浮市"), ("445321000000", "新兴县"), ("445381000000", "罗定市"),
    ("430000000000", "湖南省"), ("430100000000", "长沙市"), ("430102000000", "芙蓉区"),
    ("230000000000", "黑龙江省"), ("230400000000", "鹤岗市"), ("230404000000", "南山区"),
])
PLANS = ["广东省", "珠海市", "佛山市", "江门市", "云浮市"]
CATALOG = RegionCatalog(PLANS, levels={"广东省": "省"}, divisions=DIVISIONS)


def detected(question: str, catalog: RegionCatalog = CATALOG) -> tuple[list[str], dict[str, str], list[str]]:
    found = catalog.detect(question)
    return found.regions, found.covering, found.unknown


def test_the_table_knows_what_lies_in_what():
    nanhai = DIVISIONS.by_name["南海区"][0]
    assert [d.name for d in DIVISIONS.chain(nanhai)] == ["广东省", "佛山市", "南海区"]
    assert "市辖区" not in DIVISIONS.by_name
    assert [d.name for d in DIVISIONS.under(DIVISIONS.by_name["佛山市"][0])] == ["南海区", "顺德区"]
    assert [d.code for d in DIVISIONS.locate(["深圳市", "南山区"])] == ["440305"]
    assert len(DIVISIONS.locate(["南山区"])) == 2


def test_a_district_is_answered_from_its_city_plan():
    assert detected("南海区氢能有啥园区载体") == (["佛山市"], {"南海区": "佛山市"}, [])
    assert detected("香洲区垃圾分类有啥安排") == (["珠海市"], {"香洲区": "珠海市"}, [])


def test_a_county_level_city_or_county_is_answered_from_its_prefecture_plan():
    assert detected("台山市在碳达峰路径上被归为哪一类") == (["江门市"], {"台山市": "江门市"}, [])
    assert detected("新兴县在养殖场粪污利用上有什么载体") == (["云浮市"], {"新兴县": "云浮市"}, [])


def test_names_are_recognised_with_and_without_their_suffix_but_only_as_whole_words():
    assert detected("罗定那边规划了哪些抽水蓄能电站") == (["云浮市"], {"罗定市": "云浮市"}, [])
    assert detected("新兴在养殖场粪污利用上有什么载体")[1] == {"新兴县": "云浮市"}
    assert detected("发展战略性新兴产业有哪些") == ([], {}, [])  # 新兴 is part of a word here


def test_a_guangdong_place_whose_city_has_no_plan_is_answered_from_the_province_plan():
    assert detected("深圳在建筑领域有什么碳达峰试点安排") == (["广东省"], {"深圳市": "广东省"}, [])


def test_a_place_outside_every_planned_province_has_no_plan():
    assert detected("长沙市到2025年单位GDP能耗下降目标是多少") == ([], {}, ["长沙市"])
    assert detected("芙蓉区的光伏目标") == ([], {}, [])  # a district elsewhere: its name alone is not read


def test_the_division_table_names_places_elsewhere_beyond_the_usual_list():
    divisions = Divisions([
        ("440000000000", "广东省"), ("440400000000", "珠海市"),
        ("210000000000", "辽宁省"), ("210200000000", "大连市"), ("320583000000", "昆山市"),
        ("371100000000", "日照市"), ("410302000000", "老城区"), ("450400000000", "梧州市"),
    ])
    catalog = RegionCatalog(["广东省", "珠海市"], levels={"广东省": "省"}, plan_texts={"珠海市": "充分利用日照资源"},
                            divisions=divisions)
    assert detected("大连的光伏目标是多少", catalog) == ([], {}, ["大连市"])  # a city by its short name too
    assert detected("昆山市能耗下降多少", catalog) == ([], {}, ["昆山市"])
    assert detected("跟珠海比，大连市定得高吗", catalog) == (["珠海市"], {}, ["大连市"])
    assert detected("珠海日照条件好的地方建光伏", catalog) == (["珠海市"], {}, [])  # a word the plans use
    assert detected("珠海老城区改造", catalog) == (["珠海市"], {}, [])  # a district's name is a word too
    assert detected("广西梧州的碳达峰目标", catalog) == ([], {}, ["广西", "梧州市"])  # in the order named


def test_a_place_with_its_own_plan_is_answered_from_that_plan():
    catalog = RegionCatalog([*PLANS, "佛山市南海区"], levels={"广东省": "省", "佛山市南海区": "县"}, divisions=DIVISIONS)
    assert detected("南海区氢能有啥园区载体", catalog) == (["佛山市南海区"], {}, [])
    assert detected("顺德区氢能有啥园区载体", catalog) == (["佛山市"], {"顺德区": "佛山市"}, [])


def test_a_question_that_names_the_covering_plan_itself_needs_no_coverage():
    assert detected("佛山方案对南海区仙湖氢谷有什么安排") == (["佛山市"], {}, [])


def test_a_name_of_places_covered_by_different_plans_is_not_guessed():
    # 南山区 lies in 深圳 (province plan) and in 鹤岗 (黑龙江 plan): which one is meant cannot be told.
    catalog = RegionCatalog(["广东省", "黑龙江省"], levels={"广东省": "省", "黑龙江省": "省"}, divisions=DIVISIONS)
    assert detected("南山区的光伏目标", catalog) == ([], {}, [])
    assert detected("南山区的光伏目标") == (["广东省"], {"南山区": "广东省"}, [])  # only 深圳's in a planned province


def test_a_place_in_a_planned_province_that_no_plan_covers_has_no_plan():
    catalog = RegionCatalog(["珠海市"], divisions=DIVISIONS)
    assert detected("南海区氢能有啥园区载体", catalog) == ([], {}, ["南海区"])


def test_the_frame_names_the_place_and_keeps_it_as_a_topic_word():
    frame = read_question("南海区氢能有啥园区载体", CATALOG, Tokenizer(["氢能"]))
    assert frame.places_named == ["南海区"] and frame.regions.regions == ["佛山市"]
    assert "南海区" in frame.terms or "南海" in frame.terms
    filtered = read_question("南海区氢能有啥园区载体", CATALOG, Tokenizer(["氢能"]), regions=["佛山市"])
    assert filtered.regions.covering == {"南海区": "佛山市"}


def test_a_follow_up_naming_a_place_without_a_plan_asks_the_previous_topic_there():
    def read(text):
        return read_question(text, CATALOG, Tokenizer(["氢能"]))

    def understood(question, before):
        return resolve_followup(read(question), read(before), CATALOG, read)
    assert understood("台山那边呢", "江门新能源汽车推广有什么要求") == "台山市新能源汽车推广有什么要求"
    # the place's name is a search term, not a topic of the follow-up's own
    assert not read("南海区有没有具体安排").own_topic
    assert understood("南海区有没有具体安排", "佛山氢能产业有什么目标") == "南海区氢能产业目标，南海区有没有具体安排"


def test_the_answer_says_which_plan_covers_the_place(ask):
    answer = ask("台山核电有什么安排？")
    assert answer.regions == ["江门市"] and "推进台山核电后续项目建设" in answer.answer
    assert answer.answer.startswith("台山市没有单独的碳达峰实施方案；《江门市碳达峰实施方案》覆盖台山市，以下据此作答：\n")
    assert "没有单独" not in ask("江门市核电有什么安排？").answer


def test_a_figure_the_covering_plan_does_not_state_for_the_place_is_refused(ask):
    answer = ask("台山到2025年星级绿色建筑占比达到多少？")  # 江门's figure is the whole city's
    assert answer.refused and answer.refusal_reason == "no_plan_for_region"
    assert answer.answer.startswith("台山市没有单独的碳达峰实施方案；《江门市碳达峰实施方案》覆盖台山市")
    assert "方案未给出台山市的数字或目标。" in answer.answer
    assert ask("深圳的碳达峰目标是什么？").refusal_reason == "no_plan_for_region"  # 广东's targets are the province's


def test_a_question_for_the_place_s_own_plan_is_refused_as_before():
    assert detected("惠州碳达峰方案对石化行业有什么要求？") == ([], {}, ["惠州市"])
    assert detected("广州市碳达峰实施方案提出哪年实现碳达峰？") == ([], {}, ["广州市"])
    assert detected("广州市自己的碳达峰实施方案是什么时候印发的？") == ([], {}, ["广州市"])
    assert detected("南海区单独的方案有吗") == ([], {}, ["南海区"])


def test_a_place_named_among_others_is_given_no_figure_or_target():
    names = ["深圳市", "深圳"]
    assert not states_for(names, "编制实施超低能耗建筑设计标准，在广州、深圳等地区开展近零碳建筑试点示范。")
    assert states_for(names, "到2025年，深圳市单位地区生产总值能耗下降14%。")
    assert states_for(names, "支持深圳完成省下达的能耗强度目标。")
    assert not states_for(names, "到2025年，广州市单位地区生产总值能耗下降14%，支持深圳开展试点。")


def test_a_figure_set_for_every_place_of_its_kind_is_set_for_the_place():
    shunde = ["顺德区", "顺德"]
    assert states_for(shunde, "“十四五”期间，各区可选取1—2个镇开展碳达峰试点建设。", "区")
    assert states_for(["台山市", "台山"], "合理确定各县（市、区）能耗强度降低目标。", "市")
    assert not states_for(["新兴县", "新兴"], "各区可选取1—2个镇开展试点。", "县")  # a county is no 区
    assert not states_for(shunde, "“十四五”期间，各区可选取1—2个镇开展碳达峰试点建设。")  # kind not given
    taishan = ["台山市", "台山"]
    assert states_for(taishan, "台山市、开平市和恩平市，要坚持绿色低碳循环发展，尽快进入碳排放平台期。")
    assert not states_for(taishan, "台山市、开平市和恩平市。")  # a list alone asks nothing of them
    assert not states_for(taishan, "支持台山市发展海上风电，推进示范。")  # named, but not as the subject
    assert not states_for(taishan, "在台山市，加快建设海上风电。")  # a place, not the subject
