"""Answered / partial / not stated on hand-made cases (no model): facets of a multi-part question,
the kind of figure asked, list items by position or count, and the numbered, per-item cited list."""
from __future__ import annotations

import pytest

from carbonqa.answer.compose import CitationBook, structure_list
from carbonqa.answer.evidence import states_figure
from carbonqa.answer.kinds.single import asked_figure, asks_whether_then_figure
from carbonqa.answer.kinds.structure import asked_items, missing_part_reply
from carbonqa.answer.policy import has_base_year
from carbonqa.answer.outline import Outline, fits
from carbonqa.index.tokenizer import Tokenizer
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.tree import ClauseTree
from carbonqa.ingest.vocabulary import CURATED_TERMS, figure_families
from carbonqa.retriever.facets import split_facets
from carbonqa.retriever.models import QuestionFrame, RegionQuery

pytestmark = pytest.mark.unit
PLACES = ["佛山市", "佛山", "珠海市", "珠海", "江门市", "江门", "云浮市", "云浮"]


@pytest.fixture(scope="module")
def segment():
    return Tokenizer(CURATED_TERMS).segment


# ---- facets --------------------------------------------------------------------------------------

def test_two_topics_make_two_sub_questions_sharing_the_rest(segment):
    facets = split_facets("佛山2025年风电和光伏装机目标分别是多少？", segment, PLACES)
    assert [(f.label, f.key) for f in facets] == [("风电", ["风电"]), ("光伏装机", ["光伏", "装机"])]
    assert [f.question for f in facets] == ["佛山2025年风电目标分别是多少？", "佛山2025年光伏装机目标分别是多少？"]


def test_years_and_topics_multiply(segment):
    facets = split_facets("珠海2025年和2030年风电和光伏装机容量分别要达到多少？", segment, PLACES)
    assert [f.label for f in facets] == ["风电 · 2025年", "风电 · 2030年", "光伏装机容量 · 2025年",
                                               "光伏装机容量 · 2030年"]
    assert facets[1].year == 2030 and "2025" not in facets[1].question


def test_an_enumeration_closed_by_deng_is_one_topic(segment):
    facets = split_facets("佛山废钢铁、废纸、废塑料等9种主要再生资源回收量，2025年和2030年各是多少？", segment, PLACES)
    assert [f.label for f in facets] == ["2025年", "2030年"]
    assert split_facets("推广光伏、风电等可再生能源有哪些措施？", segment, PLACES) == []
    # 这些 / 之类 close an enumeration of examples as 等 does.
    assert split_facets("佛山旧钢铁、废纸、废塑料这些回收量，到2030年要达到多少万吨", segment, PLACES) == []
    assert split_facets("家里的旧冰箱、旧电视之类的家电，云浮有回收的安排吗？", segment, PLACES) == []
    # A 等 inside an earlier conjunct does not close the coordination.
    facets = split_facets("佛山2030年LED等高效节能灯具使用占比和城市建成区绿地率分别是多少？", segment, PLACES)
    assert len(facets) == 2


def test_a_conjunct_keeps_its_own_frame_words(segment):
    facets = split_facets("珠海2025年单位地区生产总值能耗下降目标和星级绿色建筑占比分别是多少？", segment, PLACES)
    assert [f.label for f in facets] == ["单位地区生产总值能耗下降目标", "星级绿色建筑占比"]
    assert facets[1].question == "珠海2025年星级绿色建筑占比分别是多少？"
    assert "下降" not in facets[0].key and "星级" in facets[1].key


def test_two_questions_in_one_are_two_facets(segment):
    facets = split_facets("云浮城镇新建民用建筑执行什么标准，星级绿色建筑占比多少？", segment, PLACES)
    assert [f.label for f in facets] == ["云浮城镇新建民用建筑", "星级绿色建筑占比"]


def test_two_sentences_each_asking_a_figure_or_a_time_are_two_facets(segment):
    # A sentence keeps its commas: "风电光伏装机，" is the first question's topic, not a question of its own.
    facets = split_facets("风电光伏装机，珠海2025年目标是多少？其中海上风电要占多少？", segment, PLACES)
    assert [f.question for f in facets] == ["风电光伏装机，珠海2025年目标是多少？", "其中海上风电要占多少？"]
    facets = split_facets("珠海25年单位GDP能耗下降多少？非化石能源占比呢", segment, PLACES)
    assert [f.label for f in facets] == ["珠海25年单位GDP能耗下降", "非化石能源占比"]
    # A second sentence asking what the plan says, or what it calls it, is the same question again.
    assert split_facets("佛山的印染厂用二氧化碳染布的工艺，方案里有提吗？叫什么？", segment, PLACES) == []
    assert split_facets("机关每年新买的公车里头，新能源的要占多少？云浮那边有说法吗", segment, PLACES) == []
    # A comma-piece naming only the plan asks nothing of its own.
    assert split_facets("屋顶光伏自己用不完多出来的电怎么办，云浮方案怎么说的", segment, PLACES) == []


def test_coordinated_descriptions_are_one_thing_unless_a_figure_is_asked_of_each(segment):
    assert split_facets("云浮有没有搞吃饭不剩菜、把盘子吃干净的那种活动？", segment, PLACES) == []
    assert split_facets("学校、酒店用太阳能烧热水的，珠海方案有没有说要多推广？", segment, PLACES) == []
    assert len(split_facets("学校和酒店的太阳能热水系统分别有什么要求？", segment, PLACES)) == 2
    assert len(split_facets("2030年公共机构单位建筑面积能耗和人均综合能耗的降幅，佛山是怎样规定的？", segment, PLACES)) == 2
    assert len(split_facets("推广装配式建筑、绿色建筑这一块归哪个局牵头？", segment, PLACES)) == 2  # who, of each


@pytest.mark.parametrize("question", [
    "珠海和江门2025年能耗下降目标分别是多少？",  # places: a comparison, not facets
    "江门哪些燃煤电厂要开展“三改联动”？",
    "碳达峰碳中和工作领导小组怎么分工？",  # 和 inside a word
])
def test_single_questions_have_no_facets(segment, question):
    assert split_facets(question, segment, PLACES) == []


def test_every_facet_is_split_off_however_many(segment):
    topics = "、".join(["光伏", "风电", "核电", "氢能", "储能", "生物质", "地热能"])
    facets = split_facets(f"佛山{topics}装机目标分别是多少？", segment, PLACES)
    assert [f.label for f in facets] == ["光伏", "风电", "核电", "氢能", "储能", "生物质", "地热能装机"]


# ---- the kind of figure asked ---------------------------------------------------------------------

def test_a_figure_answers_only_in_the_unit_family_asked():
    capacity = "到2025年，光伏发电装机容量达到200万千瓦"
    assert figure_families(capacity) == ["power"]  # the year is not a figure
    assert states_figure(capacity, "power") and states_figure(capacity, None)
    assert not states_figure(capacity, "energy") and not states_figure(capacity, "share")
    assert not states_figure("到2025年，城市新增公交车全部使用电动汽车", "count")  # "全部" is no count
    assert figure_families("选取5—10个单位") == ["count"]
    assert figure_families("打造粤东粤西两个千万千瓦级海上风电基地") == ["count"]
    assert figure_families("建设珠海9大森林公园") == ["count"]  # 9 is counted once, as a count
    assert figure_families("构建一个体系，推进十大行动") == ["count"]
    assert figure_families("建设十一个试点") == ["count"] and figure_families("第三个五年规划") == []


def test_the_base_year_must_be_the_one_asked():
    assert has_base_year("单位地区生产总值能源消耗比2020年下降14.5%", 2020)
    assert not has_base_year("单位地区生产总值能源消耗比2020年下降14.5%", 2015)


def test_the_reason_names_the_figure_that_is_missing():
    frame = QuestionFrame(text="", regions=RegionQuery(), years={2025, 2015}, base_year=2015, unit_family="share")
    assert asked_figure(frame) == "2025年比2015年的百分比"
    frame = QuestionFrame(text="", regions=RegionQuery(), years={2025}, unit="亿千瓦时", unit_family="energy")
    assert asked_figure(frame) == "2025年以“亿千瓦时”计的具体数值"


# ---- lists: which items, how many, each cited to its own clause -----------------------------------

@pytest.mark.parametrize("fields, expected", [
    ({"ordinal": 3}, slice(2, 3)), ({"ordinal": -1}, slice(-1, None)), ({"first_items": 3}, slice(0, 3)), ({}, None),
])
def test_asked_items(fields, expected):
    assert asked_items(QuestionFrame(text="", regions=RegionQuery(), **fields)) == expected


def _chunk(chunk_id: str, text: str, kind: ChunkKind, number: str = "", heading: str = "",
           parent_id: str | None = None) -> Chunk:
    return Chunk(id=chunk_id, doc_id="t", title="测试方案", region="云浮市", level="市", kind=kind, number=number,
                 heading=heading, parent_id=parent_id, text=text, start=0, end=len(text))


PART = _chunk("t/2", "二、重点任务\n重点实施“碳达峰三大行动”。", ChunkKind.part, "二、", "重点任务")
ACTIONS = [_chunk(f"t/2.{i}", f"（{n}）{name}行动。", ChunkKind.section, f"（{n}）", f"{name}行动", "t/2")
           for i, (n, name) in enumerate([("一", "产业绿色提质"), ("二", "能源绿色低碳转型"), ("三", "节能降碳增效")], 1)]


def test_a_list_cites_its_section_then_each_item_to_its_own_clause():
    outline = Outline(ClauseTree([PART, *ACTIONS]))
    items = outline.list_items(PART)
    book = CitationBook()
    text = structure_list(book, PART, items, PART.text)
    assert text.splitlines() == ["据《测试方案》，“二、重点任务”包括以下3项[1]：", "（一）产业绿色提质行动[2]",
                                 "（二）能源绿色低碳转型行动[3]", "（三）节能降碳增效行动[4]"]
    assert [(c.chunk_id, c.quote) for c in book.citations[1:]] == [(a.id, a.text) for a in ACTIONS]


def test_a_count_is_given_in_the_plans_own_words_and_an_ordinal_picks_one_item():
    outline = Outline(ClauseTree([PART, *ACTIONS]))
    items = outline.list_items(PART)
    count = outline.count_sentence(PART, len(items))
    assert count == "重点实施“碳达峰三大行动”。"
    assert outline.count_sentence(PART, 4) is None  # a count that does not match the list is not quoted
    book = CitationBook()
    text = structure_list(book, PART, items, PART.text, slice(-1, None), count)
    assert text.splitlines() == ["据《测试方案》，重点实施“碳达峰三大行动”[1]，“二、重点任务”共3项，其中最后一项是：",
                                 "（三）节能降碳增效行动[2]"]


def test_bulleted_items_are_numbered_and_cite_their_own_line():
    principles = _chunk("t/1.2", "（二）基本原则。\n——科学谋划，服务发展。坚持系统思维。\n——稳妥有序，安全降碳。优化结构。",
                        ChunkKind.section, "（二）", "基本原则")
    outline = Outline(ClauseTree([principles]))
    book = CitationBook()
    text = structure_list(book, principles, outline.list_items(principles), principles.text)
    assert text.splitlines()[1:] == ["1. 科学谋划，服务发展[2]", "2. 稳妥有序，安全降碳[3]"]
    assert book.citations[1].quote == "——科学谋划，服务发展。" and book.citations[1].quote in principles.text


# A plan whose guarantees are called 政策保障, with no 组织实施 part, no principles and no task table.
GUARANTEES = _chunk("t/3", "三、政策保障", ChunkKind.part, "三、", "政策保障")
GUARANTEE_ITEMS = [_chunk(f"t/3.{i}", f"（{n}）{name}。", ChunkKind.section, f"（{n}）", name, "t/3")
                   for i, (n, name) in enumerate([("一", "加强组织领导"), ("二", "完善投资金融政策")], 1)]
PLAN = [PART, *ACTIONS, GUARANTEES, *GUARANTEE_ITEMS]


def _asked(question: str, terms: list[str], **fields) -> QuestionFrame:
    return QuestionFrame(text=question, regions=RegionQuery(regions=["云浮市"]), terms=terms, **fields)


@pytest.mark.parametrize("name, heading, fits_it", [
    ("保障措施", "政策保障", True),  # the word a heading ends in: the plan's own name for the part
    ("保障措施", "完善绿色低碳保障措施", True),
    ("工作原则", "基本原则", True),
    ("组织实施", "组织实施", True),
    ("组织实施", "加强组织领导", False),  # a word both share, but the head of neither
    ("工作原则", "重点任务", False),
])
def test_a_heading_answers_to_a_part_by_the_word_it_ends_in(name, heading, fits_it):
    assert fits(name, _chunk("t/9", heading, ChunkKind.part, "九、", heading)) is fits_it


def test_an_attachment_is_a_task_table_whatever_its_words():
    table = _chunk("t/table", "重点任务分工表", ChunkKind.table, "", "重点任务分工表")
    assert fits("重点任务分工表", table) and fits("附件", table)
    assert not fits("重点任务分工表", PART)  # 二、重点任务 is no attachment


def test_a_part_the_plan_lacks_is_named_with_the_plans_parts():
    outline = Outline(ClauseTree(PLAN))
    missing = outline.missing_part(_asked("云浮方案组织实施部分讲了啥", ["组织", "实施", "组织实施", "部分"]))
    assert missing is not None and (missing.title, missing.name, missing.attachment) == ("测试方案", "组织实施", False)
    assert [part.title for part in missing.parts] == ["二、重点任务", "三、政策保障"]
    table = outline.missing_part(_asked("后面有没有附重点任务分工表", ["重点任务分工表"]))
    assert table is not None and table.attachment and table.name == "重点任务分工表"
    assert outline.missing_part(_asked("第五部分是什么", [], part_number="五")).name == "第五部分"
    assert outline.missing_part(_asked("第三部分是什么", [], part_number="三")) is None


def test_a_part_the_plan_has_in_its_own_words_is_not_missing():
    outline = Outline(ClauseTree(PLAN))
    asked = _asked("保障措施第九条是什么", ["保障", "措施", "保障措施"], ordinal=9)
    assert outline.missing_part(asked) is None
    assert outline.named_section(asked) is GUARANTEES  # so its 2 items are what 第九条 is counted in
    # Asked of two plans, no part is said to be missing.
    both = QuestionFrame(text="组织实施部分", regions=RegionQuery(regions=["云浮市", "江门市"]), terms=["组织实施"])
    assert Outline(ClauseTree([*PLAN, _chunk("j/1", "一、总体要求", ChunkKind.part, "一、", "总体要求")
                               .model_copy(update={"doc_id": "j", "region": "江门市"})])).missing_part(both) is None


def test_a_part_is_named_by_a_heading_of_some_plan_or_marked_as_one():
    outline = Outline(ClauseTree(PLAN))
    assert outline.named_part(_asked("工作原则第五条", ["工作", "原则", "工作原则"])) == "工作原则"  # before 第五条
    assert outline.named_part(_asked("节能措施有哪些", ["节能", "措施", "节能措施"])) is None  # a topic, not a part
    assert outline.named_part(_asked("政策保障有哪些", ["政策", "保障", "政策保障"])) == "政策保障"  # a heading


def test_the_refusal_names_what_is_missing_and_cites_the_plans_parts_as_related():
    outline = Outline(ClauseTree(PLAN))
    reply = missing_part_reply(outline.missing_part(_asked("组织实施部分讲了啥", ["组织实施"])))
    assert reply.text == "《测试方案》没有名为“组织实施”的部分；它的部分是：二、重点任务[1]、三、政策保障[2]。"
    assert reply.refusal_reason == "topic_not_in_plan"
    assert [(c.chunk_id, c.related) for c in reply.book.citations] == [("t/2", True), ("t/3", True)]
    table = missing_part_reply(outline.missing_part(_asked("有没有附重点任务分工表", ["重点任务分工表"])))
    assert table.text.startswith("《测试方案》没有附“重点任务分工表”；")
    assert missing_part_reply(outline.missing_part(_asked("第五部分", [], part_number="五"))).text.startswith(
        "《测试方案》没有第五部分；")


@pytest.mark.parametrize("question, expected", [
    ("佛山建充换电站、加氢站有没有补贴？一个站补多少钱？", True),
    ("江门酒店装光伏光热有没有鼓励？补贴标准是多少", True),
    ("江门有没有编温室气体清单？多久编一次？", True),  # an attribute asked next, not a figure
    ("佛山买新能源车有没有购车补贴，补多少钱", False),  # one question: the figure is what it asks
    ("佛山靠港船舶岸电使用率有没有量化目标？多少？", False),  # whether a quantity is set asks the quantity
    ("云浮非化石能源比重要提到多少？", False),
])
def test_a_question_asking_whether_before_a_figure_is_two_questions(question, expected):
    assert asks_whether_then_figure(question) is expected
