"""The Answerer's kinds of answer, on the tiny three-plan corpus (tests/data/tiny) with the fake embedder:
each kind's reply and refusal, the decision among kinds, the request, streaming and follow-ups."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from carbonqa.answer.kinds.base import Asked, first_reply
from carbonqa.answer.kinds.facets import TOO_MANY_FACETS
from carbonqa.answer.kinds.refusal import NotStated, TopicNotInPlan
from carbonqa.answer.models import AnswerRequest
from carbonqa.answer.pipeline import KINDS, Answerer
from carbonqa.answer.policy import AnswerPolicy
from carbonqa.answer.selection import Evidence
from carbonqa.ingest.models import ChunkKind
from carbonqa.ingest.text import squash
from carbonqa.retriever.models import QuestionFrame, RegionQuery
from carbonqa.retriever.search import EmptyQueryError, UnknownDocumentError, UnknownRegionError

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def cited(tiny_corpus):
    def check(answer):
        """Every marker has a citation and every citation a marker; each quote is verbatim from its
        clause and appears (line breaks aside) in the answer; returns the answer."""
        markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.answer)}
        assert markers == {c.marker for c in answer.citations}
        for citation in answer.citations:
            chunk = tiny_corpus.tree[citation.chunk_id]
            assert citation.quote in chunk.text and citation.quote in citation.clause_text
            assert citation.plan_title == chunk.title and citation.region == chunk.region
            assert squash(citation.quote).rstrip("；。，") in squash(answer.answer)
        return answer
    return check


# ---- one plan: a figure, a fact, who is responsible ----------------------------------------------

def test_a_figure_is_quoted_for_the_year_asked(ask, cited):
    answer = cited(ask("珠海到2030年生物质发电装机容量要达到多少？"))
    assert answer.outcome == "answered" and answer.regions == ["珠海市"]
    assert "20万千瓦" in answer.answer and answer.answer.startswith("据《珠海市碳达峰实施方案》")
    assert all("2030" in c.quote for c in answer.citations)


def test_a_topic_question_answers_from_the_plan_named(ask, cited):
    answer = cited(ask("江门核电方面有什么安排？"))
    assert answer.outcome == "answered" and "台山核电后续项目" in answer.answer
    assert {c.region for c in answer.citations} == {"江门市"}


def test_a_question_typed_in_traditional_characters_is_answered_as_in_simplified(ask, cited):
    simplified = cited(ask("江门核电方面有什么安排？"))
    traditional = cited(ask("江門核電方面有什麼安排？"))
    assert traditional.question == "江門核電方面有什麼安排？" and traditional.regions == ["江门市"]  # kept as typed
    assert (traditional.answer, traditional.citations) == (simplified.answer, simplified.citations)


def test_a_department_question_needs_a_sentence_naming_one(ask, cited):
    answer = cited(ask("珠海方案由哪个部门牵头推进碳达峰工作？"))
    assert answer.outcome == "answered" and "市发展改革局" in answer.answer
    refused = cited(ask("江门方案由哪个部门牵头推进碳达峰工作？"))  # 江门's plan names none
    assert refused.refused and refused.answer.startswith("方案未写明负责的部门或单位。")
    assert all(c.related for c in refused.citations)


def test_a_question_naming_no_plan_names_the_plan_it_answers_from(ask, cited):
    answer = cited(ask("哪个方案提出打造粤东粤西两个千万千瓦级海上风电基地？"))
    assert answer.regions == [] and answer.answer.startswith("据《广东省碳达峰实施方案》")


# ---- refusals ------------------------------------------------------------------------------------

@pytest.mark.parametrize("question, reason, named", [
    ("深圳到2025年光伏装机目标是多少？", "no_plan_for_region", "方案未给出深圳市的数字或目标"),  # 广东 covers 深圳
    ("珠海2040年碳排放要下降多少？", "year_not_stated", "方案未提及2040年"),
    ("珠海有哪些核电项目？", "topic_not_in_plan", "方案未提及“核电”"),  # 广东 and 江门 speak of 核电
    ("珠海2030年单位地区生产总值能源消耗要比2020年下降多少？", "figure_not_stated", "没有给出所问的2030年比2020年的百分比"),
    ("江门2025年森林覆盖率要达到多少万亩？", "figure_not_stated", "以“万亩”计的具体数值"),  # it gives 51%
    ("广东2030年风电和光伏发电量要达到多少亿千瓦时？", "figure_not_stated", "以“亿千瓦时”计"),  # it gives 万千瓦
    ("珠海2025年单位地区生产总值能源消耗比2015年下降多少？", "figure_not_stated", "2025年比2015年的百分比"),
    ("江门红树林保护修复多久开展一次？", "attribute_not_stated", "没有给出所问的频次"),  # no frequency is written
    ("江门红树林保护修复投资多少钱？", "attribute_not_stated", "没有给出所问的金额"),
])
def test_what_the_plans_do_not_state_is_refused_with_the_reason(ask, cited, question, reason, named):
    answer = cited(ask(question))
    assert answer.refused and answer.refusal_reason == reason and named in answer.answer
    assert all(c.related for c in answer.citations)


def test_whether_the_plan_does_it_is_answered_and_the_attribute_asked_next_said_missing(ask, cited):
    answer = cited(ask("江门有没有开展红树林保护修复？投资多少钱？"))
    assert answer.outcome == "partial" and answer.unstated == ["金额"]
    assert "开展红树林保护修复" in answer.answer and answer.answer.endswith("方案未给出所问的金额。")


def test_a_refusal_cites_the_closest_clause_as_related(ask):
    answer = ask("珠海有哪些核电项目？")
    assert "以下是方案中最接近的内容，并非所问的答案" in answer.answer
    assert [c.chunk_id for c in answer.citations] == ["zhuhai-2023/2.1.1"] and answer.citations[0].related


# ---- several facets, several plans ---------------------------------------------------------------

def test_each_facet_is_answered_or_said_to_be_not_stated(ask, cited):
    answer = cited(ask("珠海2030年生物质发电和海上风电装机容量各是多少？"))
    assert answer.outcome == "partial" and answer.unstated == ["海上风电装机容量"]
    assert "20万千瓦" in answer.answer and "方案未给出“海上风电装机容量”的2030年具体数值。" in answer.answer


@pytest.mark.parametrize("question, outcome, figures, unstated", [
    ("江门新型储能2025年和2030年装机容量分别是多少？", "partial", ["50万千瓦"], ["2030年"]),
    ("江门2025年和2030年非化石能源消费比重各是多少？", "answered", ["32%左右", "35%左右"], []),
])
def test_each_year_asked_is_a_facet(ask, cited, question, outcome, figures, unstated):
    answer = cited(ask(question))
    assert answer.outcome == outcome and answer.unstated == unstated
    assert all(figure in answer.answer for figure in figures)
    assert all(f"方案未给出{label}的具体数值。" in answer.answer for label in unstated)


def test_facets_beyond_the_policys_limit_are_named_not_dropped(tiny_retriever, tiny_corpus):
    answerer = Answerer(tiny_retriever, tiny_corpus, policy=AnswerPolicy(max_facets=2))
    answer = answerer.ask(AnswerRequest(question="江门2025年非化石能源消费比重、星级绿色建筑占比和森林覆盖率分别是多少？"))
    assert answer.skipped == ["森林覆盖率"] and answer.outcome == "partial"
    assert f"{TOO_MANY_FACETS}森林覆盖率。" in answer.answer and "32%左右" in answer.answer


def test_a_comparison_gives_a_line_per_plan_province_first(ask, cited):
    answer = cited(ask("江门和广东2025年新型储能装机目标分别是多少？"))
    lines = answer.answer.split("\n")
    assert [line.split("：", 1)[0] for line in lines] == ["广东省", "江门市"]
    assert "200万千瓦" in lines[0] and "50万千瓦" in lines[1]


def test_a_comparison_says_which_plan_is_silent(ask, cited):
    answer = cited(ask("广东和珠海的核电项目分别有哪些？"))
    lines = dict(line.split("：", 1) for line in answer.answer.split("\n"))
    assert "太平岭核电" in lines["广东省"] and lines["珠海市"] == "方案未提及相关内容。"
    assert answer.outcome == "partial" and answer.unstated == ["珠海市"]


def test_a_comparison_by_facets_answers_each_facet_in_each_plans_line(ask, cited):
    answer = cited(ask("广东和江门2025年非化石能源消费比重和星级绿色建筑占比分别是多少？"))
    guangdong, jiangmen = answer.answer.split("\n")
    assert "32%以上" in guangdong and "方案未提及“星级绿色建筑占比”" in guangdong
    assert "32%左右" in jiangmen and "30%以上" in jiangmen
    assert answer.unstated == ["广东省：星级绿色建筑占比"]


# ---- a plan's parts and its notice ---------------------------------------------------------------

@pytest.mark.parametrize("question, lines, expected", [
    ("广东方案有哪些重点行动？", 4, "（三）交通运输绿色低碳行动"),
    ("广东方案第二项重点行动是什么？", 2, "其中第2项是"),
    ("广东方案重点实施几大行动？", 4, "重点实施“碳达峰三大行动”"),
    ("广东方案第三部分包括哪些方面？", 3, "“三、保障措施”包括以下2项"),
    ("广东能源绿色低碳转型行动下设哪些任务？", 3, "2.大力发展新能源"),  # a section's own items
])
def test_a_list_question_lists_the_section_then_each_item_cited_to_its_clause(ask, cited, tiny_corpus, question,
                                                                             lines, expected):
    answer = cited(ask(question))
    assert answer.outcome == "answered" and expected in answer.answer
    assert len(answer.answer.splitlines()) == len(answer.citations) == lines
    section, *items = [tiny_corpus.tree[c.chunk_id] for c in answer.citations]
    assert all(item.parent_id == section.id for item in items)


def test_one_item_asked_by_position_comes_with_the_items_under_it(ask, cited, tiny_corpus):
    answer = cited(ask("广东方案排在第一位的行动是哪个？"))
    assert "其中第1项是：\n（一）能源绿色低碳转型行动" in answer.answer and "下设2条" in answer.answer
    section, item, *under = [tiny_corpus.tree[c.chunk_id] for c in answer.citations]
    assert item.parent_id == section.id and [c.parent_id for c in under] == [item.id, item.id]
    assert cited(ask("广东十三大行动里倒数第二个是什么？")).answer.count("（二）节能降碳增效行动") == 1


def test_a_clause_number_asked_of_a_plan_is_its_clause_under_its_list(ask, cited, tiny_corpus):
    answer = cited(ask("广东方案第4条讲的什么内容？"))
    # the clause's heading under its list's, then what it sets out
    assert answer.answer.endswith("“（三）交通运输绿色低碳行动”[1]下的一条是：\n4.推动运输工具装备低碳转型[2]\n"
                                  "大力推广节能及新能源汽车，推进船舶靠岸使用岸电。[3]")


def test_where_a_topic_sits_is_the_item_holding_its_clause_at_its_position(ask, cited):
    answer = cited(ask("广东方案推广节能及新能源汽车、推进船舶靠岸使用岸电，归在哪一项行动下？是第几项？"))
    assert "“二、重点任务”包括以下3项[1]，其中第3项是：\n（三）交通运输绿色低碳行动[2]" in answer.answer
    assert "4.推动运输工具装备低碳转型" in answer.answer


def test_a_part_pointed_at_by_its_topic_is_the_list_retrieval_points_at(ask, cited):
    answer = cited(ask("广东方案关于核电和海上风电的那个行动下面有哪些条？"))
    assert answer.answer.startswith("据《广东省碳达峰实施方案》，“（一）能源绿色低碳转型行动”包括以下2项[1]：\n"
                                    "1.安全有序发展核电[2]\n2.大力发展新能源[3]")


def test_the_plans_parts_as_a_whole(ask, cited):
    answer = cited(ask("珠海方案一共分成几个部分？每部分标题是什么"))
    assert answer.answer == ("据《珠海市碳达峰实施方案》，正文共分为以下3个部分：\n"
                             "一、总体要求[1]\n二、重点任务[2]\n三、保障措施[3]")


def test_plans_lists_side_by_side_are_counted_each_in_its_own_words(ask, cited):
    answer = cited(ask("广东和珠海的方案各有几大行动？"))
    assert answer.answer.split("\n") == [
        "广东省：重点实施“碳达峰三大行动”[1]，“二、重点任务”共3项：（一）能源绿色低碳转型行动[2]；"
        "（二）节能降碳增效行动[3]；（三）交通运输绿色低碳行动[4]。",
        "珠海市：“二、重点任务”共2项[5]：（一）能源绿色低碳转型行动[6]；（二）交通运输绿色低碳行动[7]。"]


def test_another_position_after_a_structure_question_asks_the_same_list(ask, cited):
    answer = cited(ask("第三个呢", history=["广东方案第一项重点行动是什么？"]))
    assert answer.understood_as == "广东方案第三个重点行动是什么？" and "（三）交通运输绿色低碳行动" in answer.answer


def test_an_item_beyond_the_list_is_refused(ask):
    answer = ask("广东方案第五项重点行动是什么？")
    assert answer.refused and answer.answer == "“二、重点任务”只有3项。"


@pytest.mark.parametrize("question, outcome, quotes", [
    ("广东省碳达峰实施方案的文号是多少，哪天印发的？", "answered", ["粤府〔2022〕56号", "2022年6月23日"]),
    ("珠海方案是哪个部门印发的？", "answered", ["珠海市人民政府"]),
    ("江门方案的文号和印发日期是什么？", "partial", ["2023年7月3日"]),  # its notice has no number
    ("江门方案的文号是什么？", "not_stated", []),
    ("珠海方案发文机关是谁 发给哪些单位", "answered", ["珠海市人民政府", "各区人民政府，市政府各部门："]),
    ("江门方案哪天发的？有问题找谁反映", "partial", ["2023年7月3日"]),  # its notice names no contact
])
def test_a_notice_question_quotes_the_number_date_or_issuer(ask, cited, tiny_corpus, question, outcome, quotes):
    answer = cited(ask(question))
    assert answer.outcome == outcome and [c.quote for c in answer.citations] == quotes
    assert all(tiny_corpus.tree[c.chunk_id].kind == ChunkKind.preamble for c in answer.citations)
    assert len(answer.unstated) == (outcome == "partial")


@pytest.mark.parametrize("question", ["江门和珠海的碳达峰方案哪个先印发的？", "珠海的方案比江门的早还是晚印发？"])
def test_which_plan_came_out_first_is_answered_first_from_the_cited_dates(ask, cited, question):
    answer = cited(ask(question))
    first_line = answer.answer.splitlines()[0]
    assert first_line == "《珠海市碳达峰实施方案》（2023年5月19日[1]）印发较早，《江门市碳达峰实施方案》（2023年7月3日[2]）较晚。"
    assert [c.quote for c in answer.citations] == ["2023年5月19日", "2023年7月3日"]
    assert not ask("江门方案是哪天印发的？").answer.startswith("《")  # one plan: nothing to compare


# ---- the decision among kinds --------------------------------------------------------------------

def test_a_decision_sees_every_kind_that_applies_and_picks_one(tiny_retriever, tiny_corpus):
    seen = {}

    def last_reply(asked: Asked, kinds):
        """A decision of another rule: every kind's reply is a candidate; the last one wins."""
        replies = [(type(kind).__name__, kind.answer(asked)) for kind in kinds if kind.applies(asked)]
        seen["replies"] = [(name, reply.outcome.value) for name, reply in replies if reply is not None]
        return [reply for _, reply in replies if reply is not None][-1]

    answerer = Answerer(tiny_retriever, tiny_corpus, decide=last_reply)
    answer = answerer.ask(AnswerRequest(question="广东方案有哪些重点行动？"))
    assert seen["replies"] == [("Structure", "answered"), ("SentenceAnswer", "answered"), ("NotStated", "not_stated")]
    assert answer.refused and answer.refusal_reason == "no_supporting_clause"


def test_the_decision_in_use_takes_the_first_kind_that_replies(tiny_answerer):
    assert tiny_answerer.decide is first_reply and tiny_answerer.kinds == list(KINDS)
    assert type(KINDS[-1]).__name__ == "NotStated"  # the last kind always replies


# ---- the request ---------------------------------------------------------------------------------

def test_filters_restrict_the_answer(ask):
    answer = ask("珠海到2025年风电和光伏装机目标是多少？", regions=["江门"])
    assert answer.regions == ["江门市"] and all(hit.chunk.region == "江门市" for hit in answer.retrieved)
    answer = ask("光伏装机目标", documents=["zhuhai-2023"])
    assert answer.documents == ["zhuhai-2023"] and all(hit.chunk.doc_id == "zhuhai-2023" for hit in answer.retrieved)


def test_unknown_filters_and_empty_questions_are_clear_errors(ask):
    with pytest.raises(UnknownRegionError, match="深圳"):
        ask("光伏装机目标是多少？", regions=["深圳"])
    with pytest.raises(UnknownDocumentError, match="shenzhen-2024"):
        ask("光伏装机目标是多少？", documents=["shenzhen-2024"])
    with pytest.raises(EmptyQueryError, match="不能为空"):
        ask(" \u3000")


def test_top_k_defaults_to_the_answerers_and_the_request_may_set_it(tiny_retriever, tiny_corpus):
    question = "珠海2025年风电和光伏发电装机容量目标是多少？"
    answerer = Answerer(tiny_retriever, tiny_corpus, top_k=3)
    assert len(answerer.ask(AnswerRequest(question=question)).retrieved) == 3
    assert len(answerer.ask(AnswerRequest(question=question, top_k=5)).retrieved) == 5
    assert Answerer(tiny_retriever, tiny_corpus).top_k == tiny_retriever.fusion.top_k


def test_a_follow_up_takes_the_topic_from_the_history(ask):
    answer = ask("那江门呢？", history=["广东2025年新型储能装机容量目标是多少？"])
    assert answer.understood_as == "江门市2025年新型储能装机容量目标是多少？" and answer.regions == ["江门市"]
    assert "50万千瓦" in answer.answer


def test_the_stream_is_the_answers_sentences_then_citations_then_the_answer(tiny_answerer, ask):
    question = "江门和广东2025年新型储能装机目标分别是多少？"
    events = list(tiny_answerer.stream(AnswerRequest(question=question)))
    assert [e["event"] for e in events[-2:]] == ["citations", "done"]
    deltas = [e["data"]["text"] for e in events[:-2]]
    assert all(e["event"] == "delta" for e in events[:-2]) and len(deltas) >= 2
    done = events[-1]["data"]
    assert "".join(deltas) == done["answer"]  # exactly: line breaks between the plans' lines too
    assert events[-2]["data"]["citations"] == done["citations"]
    assert done == ask(question).model_dump(mode="json") | {"timings_ms": done["timings_ms"]}
    assert {"retrieve", "answer", "total"} <= set(done["timings_ms"])


def test_the_nouns_no_plan_uses_are_found_longest_only_and_named_in_the_refusal():
    plans = SimpleNamespace(corpus=SimpleNamespace(regions=SimpleNamespace(plan_texts={
        "甲市": "大力推广节能及新能源汽车，推动车辆电动化。", "乙市": "建设充电设施。"})))
    terms = ["推不推", "甲醇", "汽车", "电动", "自行车", "电动自行车", "充电"]
    question = QuestionFrame(text="问题", regions=RegionQuery(), terms=terms)
    unused = Evidence.unused_nouns(plans, question)
    assert unused == ["甲醇", "电动自行车"]  # 推不推 is a verb; 自行车 lies inside a longer unused noun
    asked = Asked(question, result=None, evidence=SimpleNamespace(policy=AnswerPolicy()))
    asked.__dict__.update(candidates=[], unused_topics=unused)
    reply = NotStated().answer(asked)
    assert reply.text == "方案中没有找到能回答该问题的条款。各方案均未出现“甲醇”“电动自行车”一词。"
    assert reply.refusal_reason == "no_supporting_clause"


# ---- a section named by its heading --------------------------------------------------------------

def test_a_section_named_by_its_heading_alone_is_quoted_paragraph_by_paragraph(ask, cited):
    answer = cited(ask("珠海方案的主要目标是什么？"))
    assert answer.outcome == "answered" and answer.answer.startswith("据《珠海市碳达峰实施方案》，“（一）主要目标”：")
    assert {c.chunk_id for c in answer.citations} == {"zhuhai-2023/1.1"}
    assert "2025" in answer.answer


def test_a_section_asked_for_its_content_is_quoted_when_it_lists_nothing(ask, cited):
    # "讲了什么内容" reads as a structure question; a section of paragraphs has no list to give
    answer = cited(ask("珠海方案的主要目标讲了什么内容？"))
    assert answer.outcome == "answered" and answer.answer.startswith("据《珠海市碳达峰实施方案》，“（一）主要目标”：")
    assert {c.chunk_id for c in answer.citations} == {"zhuhai-2023/1.1"}


def test_a_greeting_a_verb_and_what_the_asker_only_tells_ask_nothing_more_of_the_section(ask):
    answer = ask("您好，能否概括一下珠海方案的主要目标？我在写对比材料。")
    assert answer.answer.startswith("据《珠海市碳达峰实施方案》，“（一）主要目标”：")


def test_a_section_heading_with_more_asked_is_not_quoted_whole(ask):
    # a figure asked of the section is a sentence's answer, not the section's text
    answer = ask("珠海主要目标里2025年能耗下降多少？")
    assert "“（一）主要目标”：" not in answer.answer


def test_a_section_asked_of_no_plan_is_quoted_from_each(ask, cited):
    # 碳达峰 names the plans themselves: every plan's 主要目标, each cited to its own section
    answer = cited(ask("碳达峰的主要目标是什么？"))
    assert {c.chunk_id.split("/")[0] for c in answer.citations} == {"guangdong-2022", "zhuhai-2023", "jiangmen-2023"}


# ---- a plan lacking only a modifier --------------------------------------------------------------

def _asked_lacking(absent_terms: list[str], absent_topics: list[str], unused_topics: list[str], usable: list) -> Asked:
    question = QuestionFrame(text="江门沿海游艇的电动化改造怎么部署", regions=RegionQuery(regions=["江门市"]))
    asked = Asked(question, result=None, evidence=SimpleNamespace(policy=AnswerPolicy()))
    asked.__dict__.update(candidates=usable, usable=usable, absent_terms=absent_terms, absent_topics=absent_topics,
                          unused_topics=unused_topics)
    return asked


def test_a_plan_lacking_only_a_modifier_lacks_the_things_asked_that_no_plan_names():
    asked = _asked_lacking(["沿海"], [], ["游艇"], usable=[])
    assert TopicNotInPlan().applies(asked)
    reply = TopicNotInPlan().answer(asked)
    assert reply.text == "方案未提及“游艇”。" and reply.refusal_reason == "topic_not_in_plan"
    # A usable sentence standing out in meaning says the thing in the plan's words (挖掘机: 新能源工程机械).
    near = SimpleNamespace(coverage=0.2, has_key_term=False, figure_coverage=0.0, semantic=2.5, dense_top=False)
    assert not TopicNotInPlan().applies(_asked_lacking(["沿海"], [], ["游艇"], usable=[near]))
    # Without an absent plan word, or without a thing no plan names, there is nothing to say it lacks.
    assert not TopicNotInPlan().applies(_asked_lacking([], [], ["游艇"], usable=[]))
    assert not TopicNotInPlan().applies(_asked_lacking(["沿海"], [], [], usable=[]))
