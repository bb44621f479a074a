"""Who is responsible, on tiny hand-made data: reading who-questions in other wordings (and telling them
from which kinds of entities a measure targets), the notice's contact, the task-division table's row for the
task a sentence lies under, and the leading body of the plan's whole work."""
from __future__ import annotations

import pytest

from carbonqa.answer.followup import resolve_followup
from carbonqa.answer.kinds.department import (DepartmentNotStated, LeadingBody, other_parts_asked, row_quote, rows_naming,
                                              task_row)
from carbonqa.answer.models import AnswerRequest
from carbonqa.answer.pipeline import Answerer
from carbonqa.answer.policy import AnswerPolicy
from carbonqa.answer.selection import Evidence
from carbonqa.answer.task_parts import TaskParts
from carbonqa.index.tokenizer import Tokenizer
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.tree import ClauseTree
from carbonqa.ingest.vocabulary import NOTICE_QUESTIONS
from carbonqa.retriever.frame import asks_who_is_in_charge, read_question
from carbonqa.retriever.models import QuestionFrame, RegionQuery
from carbonqa.retriever.regions import RegionCatalog

pytestmark = pytest.mark.unit
REGIONS = RegionCatalog(["珠海市", "广东省", "佛山市"])
WORDS = Tokenizer()


@pytest.mark.parametrize("question", [
    "这片林子的改造归谁管？", "这摊子事谁来领导", "老旧小区改造是谁的活", "海绵城市建设主要是哪个局在管",
    "垃圾分类这块是哪些单位负责", "分工表写的是哪些单位", "能耗统计由谁统筹", "负责这件事的是谁",
])
def test_who_is_in_charge_is_read_in_other_wordings(question):
    assert asks_who_is_in_charge(question)


@pytest.mark.parametrize("question", [
    "鼓励哪些单位在楼顶装光伏？",  # which kinds of entities: 学校、医院……
    "哪类主体要开展碳排放核算", "要求哪些单位实施合同能源管理",  # 管理 is not 管
    "谁定的目标更高", "牵头推进什么城市群建设？",
    "不管是谁都能申请补贴吗", "珠海领导干部考核的对象是谁",  # whoever; the object of an assessment
])
def test_which_kinds_of_entities_or_what_is_not_who_is_in_charge(question):
    assert not asks_who_is_in_charge(question)


def test_an_entity_question_is_answered_as_a_list_not_as_a_department_question():
    frame = read_question("佛山鼓励哪些单位在楼顶装光伏？", REGIONS, WORDS)
    assert not frame.wants_agency
    assert read_question("佛山屋顶光伏由哪些单位负责？", REGIONS, WORDS).wants_agency


def test_a_follow_up_asking_who_keeps_the_previous_topic_without_its_entity_question():
    def read(text):
        return read_question(text, REGIONS, WORDS)
    understood = resolve_followup(read("这块归谁管？"), read("佛山鼓励哪些单位在楼顶装光伏？"), REGIONS, read)
    assert understood.startswith("佛山鼓励") and "哪些单位" not in understood and understood.endswith("这块归谁管？")
    assert read(understood).wants_agency


def test_where_to_report_problems_is_the_notices_contact_in_other_wordings():
    def parts(question):
        return [part for part, pattern in NOTICE_QUESTIONS.items() if pattern.search(question)]
    assert parts("这个方案的问题反映渠道是哪个局") == ["contact"]
    assert parts("对方案执行有疑问，该向哪个局反映") == ["contact"]
    assert parts("落实中有疑问找哪个部门") == ["contact"]
    assert parts("重大问题要向哪里报告") == []  # the plan's own reporting line, not the notice
    assert parts("方案是谁印发的，啥时候印发的？") == ["date", "issuer"]
    # terse: the date asked by 几号, or by a when-piece of its own after the issuing; the notice's 成文日期
    assert parts("省方案几号发的") == ["date"]
    assert parts("珠海方案谁发的 什么时候") == ["date", "issuer"]
    assert parts("云浮方案的印发文号和成文日期") == ["number", "date"]
    assert parts("什么时候出台补贴政策") == []  # the content, not the notice
    assert parts("珠海方案通知里留的联系人和联系电话是什么？") == ["phone"]
    assert parts("江门方案抄送了哪些单位？") == ["copied"]
    # a contact person the plan's measures would name, not the notice's
    assert parts("佛山有没有建立重点用能单位联系人制度？") == []
    assert parts("每个重点项目都要明确联系人吗") == []


def _chunk(id_: str, kind: ChunkKind, text: str, heading: str = "", parent: str | None = None, start: int = 0):
    return Chunk(id=f"p/{id_}", doc_id="p", title="某市碳达峰实施方案", region="某市", level="", kind=kind,
                 heading=heading, parent_id=f"p/{parent}" if parent else None, text=text, start=start,
                 end=start + len(text))


TREE = ClauseTree([
    _chunk("2", ChunkKind.section, "二、重点任务", "重点任务", start=0),
    _chunk("2.1", ChunkKind.section, "（一）能源转型行动", "能源转型行动", "2", 10),
    _chunk("2.1.1", ChunkKind.clause, "1.控制煤炭消费。推动甲电厂、乙电厂节能改造。", "控制煤炭消费", "2.1", 20),
    _chunk("2.1.2", ChunkKind.clause, "2.发展海上风电。建设丙风电场。", "发展海上风电", "2.1", 40),
    _chunk("2.2", ChunkKind.section, "（二）全民行动", "全民行动", "2", 60),
    _chunk("2.2.1", ChunkKind.clause, "1.开展宣传。办好节能宣传周。", "开展宣传", "2.2", 70),
    _chunk("table.1", ChunkKind.table_row, "序号：1\n重点任务：能源转型行动\n控制煤炭消费，推进电厂改造。\n"
           "主要责任单位：市发展改革局", start=100),
    _chunk("table.2", ChunkKind.table_row, "序号：2\n重点任务：能源转型行动\n发展海上风电。\n主要责任单位：市能源局",
           start=150),
    _chunk("table.3", ChunkKind.table_row, "序号：3\n重点任务：节能降碳行动\n控制煤炭消费。\n主要责任单位：市工业局",
           start=200),
])


def test_a_sentence_naming_no_one_is_answered_by_its_tasks_row_in_the_table():
    coal = TREE["p/2.1.1"]
    row, task = task_row(TREE, coal, "推动甲电厂、乙电厂节能改造。")
    assert (row.id, task) == ("p/table.1", "能源转型行动")  # its task's row that shares most with it
    row, _ = task_row(TREE, TREE["p/2.1.2"], "建设丙风电场。")
    assert row.id == "p/table.2"
    assert task_row(TREE, TREE["p/2.2.1"], "办好节能宣传周。") is None  # the table has no row for its task
    quote = row_quote(TREE["p/table.1"])
    assert quote.startswith("重点任务：能源转型行动") and quote in TREE["p/table.1"].text


def test_a_row_for_another_task_does_not_say_who_is_responsible_for_the_task_named():
    tree = ClauseTree([*(TREE[f"p/{n}"] for n in ("2", "2.1", "2.1.1", "2.2", "2.2.1")), _chunk(
        "table.1", ChunkKind.table_row, "序号：1\n重点任务：能源转型行动\n控制煤炭消费。\n主要责任单位：市发展改革局",
        "能源转型行动", start=100)])
    tasks, row = TaskParts(tree), tree["p/table.1"]
    assert tasks.tasks == {"p": {"能源转型行动", "全民行动"}}  # the rows' tasks and their siblings
    assert tasks.row_for_another_task("全民行动由哪些单位负责", row)  # the table has no row for it
    assert not tasks.row_for_another_task("能源转型行动谁牵头", row)
    assert not tasks.row_for_another_task("控制煤炭消费这项谁负责", row)  # a part under the task: no task named
    assert not tasks.row_for_another_task("重点任务由哪些部门负责", row)  # a part above it
    assert not tasks.row_for_another_task("全民行动谁牵头", tree["p/2.2.1"])  # not a row


def test_who_leads_the_whole_work_is_the_plans_leading_body(tiny_retriever, tiny_corpus):
    answerer = Answerer(tiny_retriever, tiny_corpus, kinds=[LeadingBody(), DepartmentNotStated()])
    answer = answerer.ask(AnswerRequest(question="广东碳达峰这摊子事谁来领导？"))
    assert answer.outcome == "answered" and "领导小组" in answer.answer
    # A task the leading body's sentence does not name is not answered by it.
    refused = answerer.ask(AnswerRequest(question="广东海上风电这摊子事谁来领导？"))
    assert refused.refused


def test_who_asked_beside_other_parts_leaves_them_answered_and_names_the_department_missing(ask):
    # The tiny 江门 plan states its storage target and names no one responsible for it.
    answer = ask("江门新型储能装机多少 哪年 谁牵头")
    assert answer.outcome == "partial" and answer.unstated == ["负责的部门或单位"]
    assert "50万千瓦" in answer.answer and "2025" in answer.answer and "方案未写明负责的部门或单位" in answer.answer
    assert all(c.region == "江门市" and "50万千瓦" in c.quote for c in answer.citations)
    # A figure asked beside who: the figure the plan states is no figure missing, the department is.
    figure = ask("江门新型储能装机多少 谁负责")
    assert figure.outcome == "partial" and "50万千瓦" in figure.answer and figure.unstated == ["负责的部门或单位"]
    # Asked only who, the question is refused as before.
    assert ask("江门新型储能由谁牵头？").refused


@pytest.mark.parametrize("question, other", [
    ("佛山光伏目标多少 哪年 谁牵头", True), ("佛山光伏目标多少，由哪个部门负责？", True),
    ("佛山光伏由哪个部门负责？", False), ("江门碳达峰任务分工里，文广旅体局负责哪些事", False),
])
def test_who_in_a_part_of_its_own_beside_parts_asking_else(question, other):
    assert other_parts_asked(question) is other


def test_who_is_asked_of_each_coordinated_task_not_made_part_of_the_last():
    frame = read_question("珠海的老旧基站、小数据中心改造这事归谁管？", REGIONS, WORDS)
    assert [facet.label for facet in frame.facets] == ["老旧基站", "小数据中心改造这事"]
    assert all(facet.question.rstrip("？?").endswith("归谁管") and facet.frame.wants_agency for facet in frame.facets)


def test_the_tasks_of_a_department_named_are_the_rows_naming_it():
    rows = [TREE[f"p/table.{n}"] for n in (1, 2, 3)] + [_chunk(
        "table.4", ChunkKind.table_row, "序号：4\n重点任务：节能降碳行动\n推广节能技术。\n主要责任单位：市工业局、发展改革局",
        start=250)]
    names, found = rows_naming("某市发展改革局在分工表里参与了哪些行动", rows)
    assert names == ["市发展改革局"] and [row.id for row in found] == ["p/table.1", "p/table.4"]
    names, found = rows_naming("工业局牵头哪些任务", rows)  # what it leads: the rows naming it first
    assert names == ["工业局"] and [row.id for row in found] == ["p/table.3", "p/table.4"]
    assert rows_naming("文旅局负责哪些事", rows) == ([], [])  # a department the table never names


@pytest.mark.parametrize("asked", ["具体由谁来落实", "这事谁来抓", "归谁管？"])
def test_a_follow_up_asking_only_who_asks_it_of_the_previous_topic(asked):
    def read(text):
        return read_question(text, REGIONS, WORDS)
    understood = resolve_followup(read(asked), read("珠海重点用能单位节能降碳有什么要求"), REGIONS, read)
    assert understood.startswith("珠海重点用能单位节能降碳") and read(understood).wants_agency


def test_a_term_the_plan_writes_with_quotation_marks_inside_is_not_absent(tiny_corpus, monkeypatch):
    # "能耗双控" asked of a plan writing 能耗“双控”: the plan's term, not one it never uses.
    evidence = Evidence(tiny_corpus, AnswerPolicy())
    monkeypatch.setattr(evidence.sentences, "plan_words", lambda terms: terms)
    frame = QuestionFrame(text="q", regions=RegionQuery(), terms=["实施碳达峰三大行动", "核聚变电站"])
    assert evidence.absent_terms(frame, ["广东省"]) == ["核聚变电站"]
