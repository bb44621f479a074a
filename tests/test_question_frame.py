"""Reading a question into a QuestionFrame (retriever/frame.py) with regions from plan metadata."""
from __future__ import annotations

import pytest

from carbonqa.index.tokenizer import Tokenizer
from carbonqa.ingest.vocabulary import standard_question_words
from carbonqa.retriever.facets import asking_parts
from carbonqa.retriever.frame import asks_for_structure, read_question
from carbonqa.retriever.models import RegionSource
from carbonqa.retriever.regions import RegionCatalog, UnknownRegionError

pytestmark = pytest.mark.unit

# Five plans as in the corpus, and a catalog with plans of other levels: regions come from metadata.
CORPUS = RegionCatalog(["珠海市", "广东省", "佛山市", "江门市", "云浮市"],
                       levels={"珠海市": "市", "广东省": "省", "佛山市": "市", "江门市": "市", "云浮市": "市"})
OTHERS = RegionCatalog(["深圳市南山区", "湖南省", "珠海市"], levels={"深圳市南山区": "县", "湖南省": "省"})


@pytest.fixture(scope="module")
def words():
    return Tokenizer(["非化石能源", "光伏", "新型储能", "保障措施"])


def test_regions_are_detected_or_filtered_and_say_how(words):
    frame = read_question("珠海2025年光伏装机目标是多少？", CORPUS, words)
    assert frame.regions.regions == ["珠海市"] and frame.regions.source == RegionSource.detected
    frame = read_question("光伏装机目标是多少？", CORPUS, words, regions=["全省"])
    assert frame.regions.regions == ["广东省"] and frame.regions.source == RegionSource.filter
    frame = read_question("珠海的光伏目标", CORPUS, words, use_region_detection=False)
    assert frame.regions.regions == [] and frame.regions.source == RegionSource.off
    with pytest.raises(UnknownRegionError, match="深圳"):
        read_question("光伏目标", CORPUS, words, regions=["深圳"])


def test_plans_of_any_level_are_recognised_by_their_own_names(words):
    assert OTHERS.detect("南山区的光伏目标").regions == ["深圳市南山区"]
    assert OTHERS.detect("深圳南山的光伏目标").regions == ["深圳市南山区"]
    assert OTHERS.detect("湖南的非化石能源目标").regions == ["湖南省"]
    assert OTHERS.detect("湖南的非化石能源目标").unknown == []  # it has a plan now
    assert OTHERS.detect("深圳的目标").unknown == ["深圳"]  # the city has no plan, only its district
    assert OTHERS.resolve("南山") == "深圳市南山区" and OTHERS.resolve("全省") == "湖南省"
    assert OTHERS.answer_order == ["湖南省", "深圳市南山区", "珠海市"]  # provinces first
    frame = read_question("南山区和珠海的光伏目标分别是多少？", OTHERS, words)
    assert frame.compared_regions == ["深圳市南山区", "珠海市"]
    assert not any("南山" in term or "珠海" in term for term in frame.terms)


def test_comparisons_name_their_plans_in_answer_order(words):
    frame = read_question("珠海和广东的新型储能目标分别是多少？", CORPUS, words)
    assert frame.compared_regions == ["广东省", "珠海市"]
    assert read_question("各市的光伏目标是多少", CORPUS, words).compared_regions == \
        ["广东省", "珠海市", "佛山市", "江门市", "云浮市"]
    assert read_question("珠海的光伏目标", CORPUS, words).compared_regions == []


def test_years_base_year_and_asked_quantity(words):
    frame = read_question("珠海2025年单位GDP能耗要比2020年下降多少？", CORPUS, words)
    assert frame.years == {2025, 2020} and frame.base_year == 2020
    assert frame.wants_figure and frame.unit_family == "share" and frame.unit is None
    # "哪几个" asks which, not how many.
    which = read_question("江门方案里重点培育的四大战略性新兴产业集群是哪几个？", CORPUS, words)
    assert not which.wants_figure and which.unit is None
    assert read_question("珠海要建几个零碳园区？", CORPUS, words).unit == "个"
    # "几成" (how many tenths) asks for a share too.
    tenths = read_question("珠海到2030年新买的小轿车里电动车能占到几成？", CORPUS, words)
    assert tenths.wants_figure and tenths.unit_family == "share"
    # A share word in a clause that asks nothing (its purpose) is not the unit asked.
    purpose = read_question("为了提高土地利用效率，珠海给城镇建设划定的范围有多大？", CORPUS, words)
    assert purpose.wants_figure and purpose.unit_family is None
    assert read_question("珠海城镇土地利用效率，到2025年要提高多少？", CORPUS, words).unit_family == "share"
    frame = read_question("广东到2030年光伏装机要达到多少万千瓦？", CORPUS, words)
    assert frame.unit == "万千瓦" and frame.unit_family == "power" and frame.base_year is None
    assert read_question("珠海哪一年实现碳达峰？", CORPUS, words).wants_year
    full_width = read_question("珠海２０２５年单位GDP能耗要比２０２０年下降多少？", CORPUS, words)
    assert full_width.years == {2025, 2020} and full_width.base_year == 2020  # read in NFKC form
    frame = read_question("每个城市要建几座加氢站？", CORPUS, words)
    assert frame.unit == "座" and frame.unit_family == "count"  # the unit asked, not the 个 of 每个
    # "多少个百分点" asks for percentage points, not a count of 个.
    points = read_question("云浮农药用量要减多少个百分点？", CORPUS, words)
    assert points.unit == "个百分点" and points.unit_family == "share"
    assert not any("百分" in term or "分点" in term for term in points.terms)  # compared by family, not as words


def test_a_rank_is_no_figure_asked_and_colloquial_when_asks_a_time(words):
    # 以上/以下 ask a figure after one ("35蒸吨以下"); in "省级以上园区", "地级以上市" they name a rank.
    assert not read_question("珠海创建省级以上绿色低碳技术创新平台，牵头部门是哪个？", CORPUS, words).wants_figure
    assert not read_question("广东各地级以上市的方案须经哪个机构审议？", CORPUS, words).wants_figure
    assert read_question("云浮禁止新建每小时35蒸吨以下的什么锅炉？", CORPUS, words).wants_figure
    # A rough size (几十层以上) describes what is asked about; it states no threshold asked.
    assert not read_question("佛山以后还能不能盖那种几十层以上特别高的住宅楼？", CORPUS, words).wants_figure


def test_these_few_points_at_things_and_asks_no_figure(words):
    # 这几个/那几个/好几个 point at or describe things; 几个 alone asks how many.
    assert not read_question("台山、开平、恩平这几个地方碳达峰有什么要求？", CORPUS, words).wants_figure
    assert not read_question("方案里那几个示范区要做什么？", CORPUS, words).wants_figure
    assert read_question("江门要建几个示范区？", CORPUS, words).wants_figure


def test_a_quantity_named_as_the_goal_of_a_means_asked_is_no_figure_asked(words):
    assert not read_question("江门鼓励重点用能单位用什么方式提高可再生能源使用比例？", CORPUS, words).wants_figure
    assert not read_question("佛山通过什么渠道提高绿电占比", CORPUS, words).wants_figure
    assert read_question("江门2025年可再生能源使用比例要达到多少？", CORPUS, words).wants_figure
    assert read_question("佛山对二十层以上的住宅楼有什么要求？", CORPUS, words).wants_figure  # a threshold stated
    when = read_question("珠海省级以上园区循环化改造啥时候要全部完成", CORPUS, words)
    assert when.wants_year and not when.wants_figure


@pytest.mark.parametrize("question, years, base_year", [
    ("珠海25年光伏装机目标是多少？", {2025}, None), ("二〇三〇年珠海光伏装机目标", {2030}, None),
    ("佛山公共机构人均综合能耗 30年比20年降多少", {2030, 2020}, 2020),
    ("十四五末江门天然气发电装机规模要到多大", {2025}, None), ("江门十五五期间非化石能源消费比重", {2030}, None),
    ("以2020年为基数，珠海能耗要降多少", {2020}, 2020), ("珠海新增25万千瓦光伏", set(), None),
])
def test_times_as_staff_write_them(words, question, years, base_year):
    frame = read_question(question, CORPUS, words)
    assert (frame.years, frame.base_year) == (years, base_year)
    assert not any("十四五" in term or "十五五" in term or "期间" in term for term in frame.terms)  # compared as years


def test_topic_terms_leave_out_places_frame_words_and_numbers(words):
    frame = read_question("云浮2025年非化石能源消费比重目标是多少？", CORPUS, words)
    assert "非化石能源" in frame.terms
    assert not {"云浮", "目标", "2025", "2025年", "多少"} & set(frame.terms)


@pytest.mark.parametrize("question, terms", [
    ("江门有没有推广甲醇汽车", ["推广", "甲醇", "汽车"]), ("佛山推不推共享单车", ["共享", "单车"]),
    ("云浮是不是要求机关用新能源车", ["机关", "新能源"]),
])
def test_a_yes_no_questions_asking_words_are_not_its_topic(words, question, terms):
    assert set(read_question(question, CORPUS, words).terms) >= set(terms)
    assert not {"没有", "有没有", "推不推", "不推", "是不是", "不是"} & set(read_question(question, CORPUS, words).terms)


@pytest.mark.parametrize("question, wants_list, wants_count, ordinal, part", [
    ("佛山方案有哪些重点行动？", True, False, None, None),
    ("江门的保障措施包括几项？", True, True, None, None),
    ("请列举珠海的重点任务", True, False, None, None),
    ("第三部分包括哪些方面？", True, False, None, "三"),
    ("保障措施的第二项是什么？", False, False, 2, None),
    ("保障措施的最后一项是什么？", False, False, -1, None),
    ("云浮2025年非化石能源消费比重目标？", False, False, None, None),
])
def test_list_count_and_ordinal_intent(words, question, wants_list, wants_count, ordinal, part):
    frame = read_question(question, CORPUS, words)
    assert (frame.wants_list, frame.wants_count, frame.ordinal, frame.part_number) == \
        (wants_list, wants_count, ordinal, part)


@pytest.mark.parametrize("question, expected", [
    ("佛山方案有哪些重点行动？", True),
    ("江门的保障措施包括哪些？", True),
    ("佛山方案的保障措施有哪几项？", True),
    ("云浮方案提出了哪些基本原则？", True),
    ("广东钢铁行业碳达峰以哪些地区为重点？", False),
    ("珠海能源绿色低碳转型行动的主要责任单位有哪些？", False),
    ("佛山哪些重点项目要开展低碳试点？", False),
])
def test_structure_questions_enumerate_the_plans_own_parts(question, expected):
    assert asks_for_structure(question) is expected


@pytest.mark.parametrize("question, ordinal, measure, noun, size", [
    ("佛山那十三个行动里排第9的是哪个", 9, None, "行动", 13),
    ("佛山十三大行动里排第三的是哪个行动？", 3, None, "行动", 13),
    ("广东省方案排在第一位的行动是哪个？", 1, "位", "行动", None),
    ("江门方案第八大行动讲的是什么", 8, "大", "行动", None),
    ("珠海方案第7项行动是哪一个，下面分几条", 7, "项", "行动", None),
    ("佛山最后一个行动是啥，有几条", -1, "个", "行动", None),  # 一个行动 is the position, not a size
    ("江门方案里排在最后的那个行动叫什么", -1, None, "行动", None),
    ("云浮十五大行动里倒数第二个是什么", -2, "个", "行动", 15),
    ("云浮那些大行动里最后一个是啥", -1, "个", "行动", None),
    ("保障措施头一条说的是啥", 1, "条", None, None),
    ("佛山方案No.5行动是什么", 5, None, "行动", None),
    ("第35条在佛山方案里讲的什么内容", 35, "条", None, None),
])
def test_positions_as_staff_ask_them(words, question, ordinal, measure, noun, size):
    frame = read_question(question, CORPUS, words)
    assert (frame.ordinal, frame.ordinal_measure, frame.item_noun, frame.list_size) == (ordinal, measure, noun, size)
    assert frame.wants_structure


@pytest.mark.parametrize("question", [
    "第三方机构参与碳排放核查有什么要求？",  # 第三方 is no position
    "第一批试点有哪些城市？",
    "珠海培育科技人才队伍，主要责任单位中排第一的是哪个部门？",  # ranks the units named, not the plan's parts
    "有两个问题：其一，珠海光伏装机目标是多少？",  # the asker's own enumeration
    "尤其二氧化碳排放要降多少",
])
def test_words_like_a_position_that_are_not_one(words, question):
    assert read_question(question, CORPUS, words).ordinal is None


@pytest.mark.parametrize("question, ordinal", [
    ("云浮保障措施其五是什么", 5),
    ("云浮市碳达峰十五大行动，其十是哪一项？", 10),
    ("广东省方案政策保障其二？", 2),
])
def test_a_written_enumeration_asks_a_position(words, question, ordinal):
    assert read_question(question, CORPUS, words).ordinal == ordinal


@pytest.mark.parametrize("question", [
    "佛山能源绿色低碳转型行动下设几条？都叫什么？",
    "佛山的交通运输绿色低碳行动下面有几条？各讲什么",
    "城乡建设低碳行动在佛山方案里由哪几条组成",
    "云浮绿色要素交易促进行动里面有啥措施",
    "佛山保障措施有几条 分别是啥",
    "云浮方案保障措施都包括啥",
    "珠海碳达峰方案“总体要求”部分包括哪两块",
])
def test_asking_what_is_under_a_part_is_a_structure_question(question):
    assert asks_for_structure(question)


@pytest.mark.parametrize("question, locates, plan_parts", [
    ("江门方案中提到要发展侨乡特色绿色金融，这部分内容归在哪一项行动下？是第几项？", True, False),
    ("涉及建筑运营用能的行动排在第几项？下设多少条任务？", True, False),
    ("专门讲氢能产业的那一条放在哪一项行动下面？", True, False),
    ("珠海方案里关于海上风电的内容出自哪一部分？", True, False),
    ("珠海市碳达峰实施方案一共分成几个部分？每部分标题是什么", False, True),
    ("云浮碳达峰方案的一级标题有哪些，我要做个目录", False, True),
    ("云浮那个方案整体分几大块，能唠唠不", False, True),
    ("云浮方案在哪个区建设产业园？", False, False),  # where, not which of the plan's items
    ("保障措施的第二项是什么？", False, False),
])
def test_where_a_topic_sits_and_the_plans_parts_are_structure_questions(words, question, locates, plan_parts):
    frame = read_question(question, CORPUS, words)
    assert (frame.locates, frame.wants_plan_parts) == (locates, plan_parts)
    assert frame.wants_structure is (locates or plan_parts or frame.ordinal is not None)


@pytest.mark.parametrize("question, ordinal, size, structure", [
    ("珠海方案（九）是哪个行动？", 9, None, True),  # the plan's own label
    ("云浮方案下设多少个行动，分别叫什么", None, None, True),  # counts the plan's 行动
    ("针对工业那一项行动，具体点了哪几个行业？", None, None, False),  # 那一项 is no size
    ("第三部分叫“政策保障”，一共几条？", None, None, True),
])
def test_labels_counted_parts_and_pointed_items(words, question, ordinal, size, structure):
    frame = read_question(question, CORPUS, words)
    assert (frame.ordinal, frame.list_size, frame.wants_structure) == (ordinal, size, structure)


@pytest.mark.parametrize("question, pointed", [
    ("江门市碳达峰实施方案的生态碳汇那一部分，由哪些具体任务组成？", True),
    ("佛山关于建筑节能的那个行动下面有哪些任务？", True),
    ("云浮方案里管森林湿地固碳的那项行动具体有哪些措施？", True),
    ("珠海方案中有关外贸合作的行动包括哪几条？", True),
    ("佛山方案有哪些重点行动？", False),
    ("关于建筑节能，佛山方案有什么要求？", False),
])
def test_a_part_pointed_at_by_what_it_is_about(words, question, pointed):
    assert read_question(question, CORPUS, words).points_to_part is pointed


def test_a_things_count_inside_a_part_is_not_its_structure():
    assert not asks_for_structure("交通领域里面有几个项目要建设？")


def test_list_positions_are_structure_questions_and_not_topic_words(words):
    first = read_question("珠海重点任务的前三项行动分别是什么？", CORPUS, words)
    assert first.first_items == 3 and first.wants_structure and "三项" not in first.terms
    third = read_question("佛山方案重点任务的第三项行动是什么？", CORPUS, words)
    assert third.ordinal == 3 and third.wants_structure
    last = read_question("江门十二大行动中的最后一项是什么？", CORPUS, words)
    assert last.ordinal == -1 and last.wants_structure


def test_a_year_question_is_not_a_figure_question_and_占比_is_no_base_year(words):
    when = read_question("云浮全市省级以上工业园区哪一年要全部实现循环化改造？", CORPUS, words)
    assert when.wants_year and not when.wants_figure  # "以上" in 省级以上 asks for no figure
    share = read_question("江门高技术制造业增加值占比2025年目标？", CORPUS, words)
    assert share.base_year is None and share.years == {2025}
    assert read_question("珠海2025年能耗要比2015年下降多少？", CORPUS, words).base_year == 2015


def test_a_named_quantity_is_asked_for_unless_the_question_asks_what_is_intended_for_it(words):
    assert read_question("佛山光伏装机容量目标？", CORPUS, words).wants_figure
    assert read_question("江门高技术制造业增加值占比2025年目标？", CORPUS, words).wants_figure
    intent = read_question("佛山居民用管道燃气的比例有什么打算？", CORPUS, words)
    assert intent.wants_overview and not intent.wants_figure  # "提升……普及率" answers it without a figure
    assert read_question("佛山居民用管道燃气的比例要达到多少？", CORPUS, words).wants_figure


# ---- several plans of one region: told apart by their own titles and dates ---------------------

def _plans():
    from carbonqa.retriever.plans import PlanCatalog, describe
    return PlanCatalog([describe(*plan) for plan in (
        ("zhuhai-2023", "珠海市碳达峰实施方案", "珠海市"),
        ("guangdong-2022", "广东省碳达峰实施方案", "广东省"),
        ("zhuhai-2025", "珠海市碳达峰实施方案（2025年修订）", "珠海市"),
        ("guangdong-gongyelingyu-2022", "广东省工业领域碳达峰实施方案", "广东省"),
        ("guangdong-jiaotongyunshulingyu-2023", "广东省交通运输领域碳达峰实施方案", "广东省"),
        ("jiangmen-2023", "江门市碳达峰实施方案", "江门市"),
    )])


SEVERAL = RegionCatalog(["珠海市", "广东省", "江门市"], levels={"广东省": "省"})


def test_plans_are_described_by_their_own_title_and_id():
    plans = _plans().by_id
    assert (plans["zhuhai-2025"].year, plans["zhuhai-2025"].revision, plans["zhuhai-2025"].sector) == (2025, True, "")
    assert (plans["zhuhai-2023"].year, plans["zhuhai-2023"].revision) == (2023, False)
    assert plans["guangdong-gongyelingyu-2022"].sector == "工业领域"
    assert plans["guangdong-jiaotongyunshulingyu-2023"].sector == "交通运输领域"


@pytest.mark.parametrize("question, documents", [
    ("珠海修订后的方案中虚拟电厂目标是多少？", ["zhuhai-2025"]),
    ("珠海2025年修订版的光伏目标", ["zhuhai-2025"]),
    ("珠海最新方案的储能目标", ["zhuhai-2025"]),
    ("珠海原方案的光伏目标是多少？", ["zhuhai-2023"]),
    ("珠海修订前的光伏目标", ["zhuhai-2023"]),
    ("珠海2023年版方案的光伏目标", ["zhuhai-2023"]),
    ("珠海2023年印发的方案提出了哪些行动？", ["zhuhai-2023"]),
    ("广东工业领域碳达峰实施方案的主要目标", ["guangdong-gongyelingyu-2022"]),
    ("广东交通方案中新能源汽车的目标", ["guangdong-jiaotongyunshulingyu-2023"]),
    ("广东2022年印发的方案中光伏目标", ["guangdong-2022"]),  # the year fits two plans: the overall one
    ("珠海和江门修订版方案的储能目标", ["zhuhai-2025", "jiangmen-2023"]),  # 江门 has one plan: kept
    ("修订后的方案中虚拟电厂目标是多少？", ["guangdong-2022", "zhuhai-2025", "jiangmen-2023"]),  # corpus order
])
def test_a_question_picks_one_of_a_regions_plans(words, question, documents):
    frame = read_question(question, SEVERAL, words, plans=_plans())
    assert frame.regions.documents == documents


@pytest.mark.parametrize("question", [
    "珠海光伏装机目标是多少？",  # no plan named: every plan of the region
    "广东工业领域的碳达峰目标是什么？",  # the topic 工业, not the 工业 plan
    "珠海2024年版方案的光伏目标",  # no plan of that year: nothing narrowed
    "江门最新方案的储能目标",  # one plan: nothing to choose
    "珠海2025年光伏装机目标",  # a target year, not a plan's
])
def test_no_plan_picked_without_a_fitting_cue(words, question):
    assert read_question(question, SEVERAL, words, plans=_plans()).regions.documents == []


def test_the_words_naming_a_plan_are_neither_topic_nor_asked_year(words):
    frame = read_question("珠海2025年修订版方案中新型储能的目标", SEVERAL, words, plans=_plans())
    assert frame.years == set() and frame.regions.documents == ["zhuhai-2025"]
    assert not any("修订" in term or "2025" in term for term in frame.terms) and "新型储能" in frame.terms
    frame = read_question("广东工业领域方案到2030年的目标", SEVERAL, words, plans=_plans())
    assert frame.years == {2030} and not any("工业" in term for term in frame.terms)


def test_documents_filter_wins_and_narrows_only_its_regions(words):
    from carbonqa.retriever.plans import UnknownDocumentError
    plans = _plans()
    frame = read_question("光伏目标", SEVERAL, words, plans=plans, documents=["zhuhai-2025"])
    assert frame.regions.regions == ["珠海市"] and frame.regions.documents == ["zhuhai-2025"]
    assert frame.regions.source == RegionSource.filter
    frame = read_question("珠海原方案的光伏目标", SEVERAL, words, plans=plans, documents=["zhuhai-2025"])
    assert frame.regions.documents == ["zhuhai-2025"]  # the filter wins over the question's cue
    # With a region filter: a region with a named plan is narrowed to it, the others keep all their plans.
    frame = read_question("光伏目标", SEVERAL, words, regions=["珠海", "广东"], plans=plans,
                          documents=["zhuhai-2025", "jiangmen-2023"])
    assert frame.regions.regions == ["珠海市", "广东省", "江门市"]
    assert frame.regions.documents == ["guangdong-2022", "zhuhai-2025", "guangdong-gongyelingyu-2022",
                                       "guangdong-jiaotongyunshulingyu-2023", "jiangmen-2023"]
    assert frame.compared_regions == ["广东省", "珠海市", "江门市"]
    with pytest.raises(UnknownDocumentError, match="shenzhen-2024"):
        read_question("光伏目标", SEVERAL, words, plans=plans, documents=["shenzhen-2024"])


def test_questions_about_a_plans_notice_are_told_from_questions_about_its_content(words):
    def notice(question: str) -> list[str]:
        return read_question(question, CORPUS, words).notice

    assert notice("广东省碳达峰实施方案的发文字号是多少，哪天印发的？") == ["number", "date"]
    assert notice("佛山的方案是什么时候印发的？") == ["date"]
    assert notice("江门方案的印发日期是哪天？") == ["date"]
    assert notice("云浮方案是哪个部门印发的？") == ["issuer"]
    # The act of issuing must end the question: these ask about the plans' content.
    assert notice("佛山那个方案文号是啥？什么时候发的") == ["number", "date"]
    # Two parts in other words: who issued it (谁发的、 / 以哪个单位名义), the date it is signed (落款).
    assert notice("珠海碳达峰方案是谁发的、哪天发的") == ["date", "issuer"]
    assert notice("云浮那个碳达峰方案落款是哪天，文号又是多少") == ["number", "date"]
    assert notice("佛山那份碳达峰方案的文号是多少？以哪个单位名义印发的？") == ["number", "issuer"]
    assert notice("珠海佛山碳达峰方案哪个先发的") == notice("云浮和佛山的方案，哪个印发得晚一些") == ["date"]
    assert notice("广东的方案印发给了哪些单位？有问题找谁") == ["recipients", "contact"]
    assert notice("实施过程中有问题，该向哪个部门反映？") == ["contact"]
    # Its closing lines: copied to (抄送, not the addressees 印发给), whom to call.
    assert notice("佛山方案的通知抄送给了哪些单位") == ["copied"]
    assert notice("珠海方案印发通知的联系人是谁，联系电话多少") == ["phone"]
    assert notice("江门碳达峰工作的进展和重大问题要向哪里报告") == []  # the plan's content, not its notice
    assert notice("珠海什么时候出台新能源汽车补贴政策？") == []
    assert notice("珠海什么时候发展氢能？") == []
    assert notice("珠海哪一年实现碳达峰？") == []
    assert notice("江门方案提出的发布时间表是什么？") == []


def test_the_plans_own_name_is_not_a_topic(words):
    # "碳达峰方案" names the plan; 碳达峰 stays a topic where it is asked about.
    assert "碳达峰" not in read_question("珠海碳达峰方案里，城镇开发边界一共划了多大面积？", CORPUS, words).terms
    assert "碳达峰" in read_question("珠海哪一年实现碳达峰？", CORPUS, words).terms


def test_who_is_responsible_is_an_agency_question_not_a_list_of_clauses(words):
    agency = read_question("珠海方案的重点任务分工表里，农业农村减排固碳行动由哪些单位负责？", CORPUS, words)
    assert agency.wants_agency and not agency.wants_list and not agency.wants_structure
    assert read_question("云浮方案里，水泥行业碳达峰由哪个部门牵头负责？", CORPUS, words).wants_agency
    assert not read_question("佛山牵头推进什么城市群建设？", CORPUS, words).wants_agency  # asks what
    # The units a measure is addressed to, the object of its verb, are named by the measure's own sentence.
    assert not read_question("佛山方案点名鼓励哪些单位装光伏？", CORPUS, words).wants_agency
    assert not read_question("江门要求哪些单位开展节能诊断？", CORPUS, words).wants_agency
    assert read_question("江门节能诊断要求由哪些单位负责？", CORPUS, words).wants_agency


def test_each_facet_is_read_into_a_frame_of_its_own(words):
    frame = read_question("云浮2025年城镇新建民用建筑执行什么标准，星级绿色建筑占比多少？", CORPUS, words)
    standard, share = frame.facets
    assert (standard.label, share.label) == ("云浮2025年城镇新建民用建筑", "星级绿色建筑占比")
    assert standard.frame.regions.regions == share.frame.regions.regions == ["云浮市"]  # the plan asked about
    assert not standard.frame.wants_figure and share.frame.wants_figure
    assert share.frame.years == {2025}  # a year named once holds for every facet
    assert read_question("云浮2025年星级绿色建筑占比多少？", CORPUS, words).facets == []


@pytest.mark.parametrize("question, parts", [
    ("佛山光伏目标多少 哪年 谁牵头", ["佛山光伏目标多少", "哪年", "谁牵头"]),
    # pieces asking nothing (place, year, topic) belong to the piece that asks
    ("珠海 25年 风电光伏装机 多少 其中海上风电占多少", ["珠海 25年 风电光伏装机 多少", "其中海上风电占多少"]),
    ("云浮储能 多少 25年", ["云浮储能 多少 25年"]),  # a trailing piece joins the last part
    ("风电光伏装机，珠海2025年目标是多少？", ["风电光伏装机", "珠海2025年目标是多少？"]),  # comma-pieces stay whole
    ("省方案 PUE 要求", ["省方案 PUE 要求"]),  # nothing asked: one part
    ("珠海 几乎 零碳 建筑 有哪些", ["珠海 几乎 零碳 建筑 有哪些"]),  # 几乎 (almost) asks nothing
    ("哪怕 一点 补贴 有没有 多少钱", ["哪怕 一点 补贴 有没有 多少钱"]),
])
def test_a_terse_question_is_read_in_the_parts_that_each_ask(question, parts):
    assert asking_parts(question) == parts


def test_parts_typed_with_spaces_are_facets_when_each_names_its_own_topic(words):
    frame = read_question("珠海 25年 风电光伏装机 多少 其中海上风电占多少", CORPUS, words)
    assert [facet.label for facet in frame.facets] == ["珠海 2025年 风电光伏装机", "海上风电"]
    assert all(facet.frame.years == {2025} for facet in frame.facets)
    assert [f.label for f in read_question("珠海生物质发电25年多少 核电呢", CORPUS, words).facets] == \
        ["珠海生物质发电25年", "核电"]
    # A part asking only when (or who) asks it of the other part's topic: no facet of its own.
    assert read_question("云浮充电桩桩车比多少 哪年", CORPUS, words).facets == []
    assert read_question("佛山光伏目标多少 哪年 谁牵头", CORPUS, words).facets == []
    assert read_question("广东 能耗 降多少 哪个厅负责", CORPUS, words).facets == []
    # Nor does one asking only whether the plans say so.
    assert read_question("佛山方案里医疗废物怎么处置，有提到吗？", CORPUS, words).facets == []
    assert [f.label for f in read_question("珠海光伏目标多少，有氢能规划吗？", CORPUS, words).facets] == \
        ["珠海光伏目标", "有氢能规划吗"]
    # years typed with a space between are coordinated years, each a facet
    assert [f.year for f in read_question("珠海2025 2030 光伏装机 多少", CORPUS, words).facets] == [2025, 2030]


def test_a_comparisons_facets_are_narrowed_to_one_plan_at_a_time(words):
    frame = read_question("珠海和江门2025年风电和光伏装机目标分别是多少？", CORPUS, words)
    assert [f.label for f in frame.facets] == ["风电", "光伏装机"]
    assert frame.facets[0].frame.compared_regions == ["珠海市", "江门市"]
    jiangmen = frame.facets[1].frame.for_region("江门市")
    assert jiangmen.regions.regions == ["江门市"] and jiangmen.compared_regions == []
    assert jiangmen.terms == frame.facets[1].frame.terms


@pytest.mark.parametrize("question, years, points_back, only_place_or_year", [
    ("那2030呢", ["2030年"], True, True),
    ("那佛山呢？", [], True, True),
    ("江门的呢", [], True, True),
    ("那交通领域呢？", [], True, False),
    ("江门市的目标又是多少？", [], False, True),  # the same target asked again of another place
    ("那交通领域的目标呢？", [], True, False),
    ("珠海市2025年的能源目标是什么", ["2025年"], False, False),
])
def test_what_a_follow_up_needs_is_read_with_the_frame(words, question, years, points_back, only_place_or_year):
    frame = read_question(question, CORPUS, words)
    assert (frame.years_mentioned, frame.points_back, frame.only_place_or_year) == (years, points_back,
                                                                                 only_place_or_year)


@pytest.mark.parametrize("question, refers_back, own_topic", [
    ("这块工作主要是哪个部门负责？", True, False),
    ("它的文号是多少？", True, True),
    ("下面具体有哪几条", True, False),
    ("这样做有什么好处", False, True),  # 这样: manner, not the previous topic
    ("佛山这一轮方案的光伏目标是多少", False, True),  # this round, not the previous topic
    ("佛山有这要求没", True, False),
    ("谁牵头", False, False),  # asks something without a topic of its own
    ("具体数字是多少", False, False),
    ("其他城市呢", False, False),  # of which plans, not what
    ("哪个市最高", False, False),
    ("其他几个市呢", False, False),
    ("其他城市的森林覆盖率呢", False, True),
    ("湿地公园要建几个？", False, True),
    ("主要责任单位是谁", False, False),
    ("具体有哪些措施", False, False),
    ("保障措施呢", False, True),  # 保障措施 names a part of the plan
    ("这是到哪一年的目标", True, False),  # 哪一年 asks when, it names no topic
    ("全省那个数是多少", True, True),  # 那个 right after a place: that place's figure
    ("农业农村那项呢", False, True),  # 那项 after a topic names that topic
    ("那个人碳积分能换东西吗", False, True),  # a leading 那 is "then"
    ("钢铁、石化这些重点行业呢", False, True),  # 这些 closes the question's own list
])
def test_how_a_follow_up_refers_back_is_read_with_the_frame(words, question, refers_back, own_topic):
    frame = read_question(question, CORPUS, words)
    assert (frame.refers_back, frame.own_topic) == (refers_back, own_topic)


def test_colloquial_question_words_ask_as_the_standard_ones(words):
    both = read_question("广东省碳达峰实施方案是谁印发的，啥时候印发的？", CORPUS, words)
    assert set(both.notice) == {"issuer", "date"}
    assert read_question("珠海的士啥时候全部换成新能源", CORPUS, words).wants_year
    assert standard_question_words("咋整？有冇提到啥子补贴") == "怎么整？有没有提到什么补贴"
    assert standard_question_words("珠海试点样板区建设有哪些要求") == "珠海试点样板区建设有哪些要求"
    assert standard_question_words("云浮𠮶份方案，遇到问题揾边个部门？文号系咩？") == "云浮那份方案，遇到问题找哪个部门？文号是什么？"
    assert standard_question_words("有甚么规定") == "有什么规定"
    assert standard_question_words("装风车发电，方案支唔支持？冇提就算") == "装风车发电，方案支不支持？没有提就算"
    # 边 ending a place word is not Cantonese 边个 (which one)
    assert standard_question_words("周边个别小区装光伏") == "周边个别小区装光伏"
    # 解 beginning a word (解决, 解读) is not Cantonese 点解 (why)
    assert standard_question_words("点解佛山要搞碳达峰") == "为什么佛山要搞碳达峰"
    assert standard_question_words("重点解决哪些问题？要点解读一下") == "重点解决哪些问题？要点解读一下"
    # Cantonese 呢 (this) opens a clause; the Mandarin particle 呢 ends one
    assert standard_question_words("呢项由边个部门牵头？") == "这项由哪个部门牵头？"
    assert standard_question_words("好，呢份方案几时印发") == "好，这份方案什么时候印发"
    assert standard_question_words("那佛山呢，谁牵头") == "那佛山呢，谁牵头"
    # typed in traditional characters: read simplified first, then its Cantonese words
    traditional = read_question("雲浮嗰份方案，遇到問題搵邊個部門？", CORPUS, words)
    assert traditional.text == "云浮那份方案,遇到问题找哪个部门?"
    assert traditional.regions.regions == ["云浮市"]
    assert not read_question("珠海光伏每度电补贴几块钱？", CORPUS, words).wants_plan_parts
    assert not read_question("哪几块地用于建设光伏电站", CORPUS, words).wants_plan_parts


@pytest.mark.parametrize("question, attribute", [
    ("江门的市级温室气体清单是每年编一次还是几年编一次？", "frequency"),
    ("碳排放统计核算多久开展一次？", "frequency"),
    ("能耗监测数据上报频率是多少？", "frequency"),
    ("光伏发电频率波动怎么解决？", None),  # the grid's frequency, not how often
    ("江门国家骨干冷链物流基地总投资多少？", "money"),
    ("佛山评上二星级以上绿建，每平方米奖励多少钱", "money"),
    ("买新能源车补贴多少？", "money"),
    ("江门城市内涝防治要达到几年一遇的标准？", "level"),
    ("新建数据中心绿色低碳等级要到几A？", "level"),
    ("江门超市的塑料袋以后要收钱吗？", "charge"),
    ("佛山峰谷电价晚上几点开始算低谷？", "clock"),
    ("方案提出了几点要求？", None),  # points of a list, not a time of day
    ("珠海2025年光伏装机要达到多少万千瓦？", None),  # a figure, checked by the slots of answer/slots.py
    ("每年新增多少光伏装机？", None),  # a figure per year, not how often
    ("新能源汽车补贴比例是多少？", None),  # a share, not a money amount
    ("珠海 新能源车 补 多少", "money"),
    ("充电桩数量还要补充多少？", None),  # 补充, not a subsidy
    ("城市花园要建多少个？", None),
    ("违规用能的罚款标准是多少？", "money"),
    ("哪一年前实现碳达峰？", None),  # a point in time: wants_year
])
def test_the_attribute_a_question_asks_of_its_topic(words, question, attribute):
    assert read_question(question, CORPUS, words).asked_attribute == attribute
