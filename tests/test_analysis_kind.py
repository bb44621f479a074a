"""The Analysis answer kind (answer/kinds/analysis.py) on hand-made target records: the conclusion first,
every figure cited, the structured `analysis` matching the text, no ranking over figures that cannot be
compared, a plan stating the target in words listed as such; and the fallback to the other kinds."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from test_indicator_analysis import CITIES, Plans, superlative
from test_indicator_analysis import ask as intent_of

from carbonqa.answer.kinds.analysis import Analysis
from carbonqa.answer.kinds.base import Asked
from carbonqa.answer.policy import AnswerPolicy
from carbonqa.answer.selection import Evidence
from carbonqa.index.tokenizer import Tokenizer
from carbonqa.indicators.analysis import PlanStatus
from carbonqa.indicators.models import AnalysisIntent, AnalysisOperation, Extreme
from carbonqa.retriever.corpus import Corpus
from carbonqa.retriever.models import QuestionFrame, RegionQuery, SearchMode, SearchResult

pytestmark = pytest.mark.unit


def asked(plans: Plans, intent: AnalysisIntent | None, question: str = "") -> Asked:
    """What the Answerer hands the kind: the frame with the intent, over a corpus of the hand-made plans."""
    corpus = Corpus.build(plans.chunks, Tokenizer(), plans.records)
    frame = QuestionFrame(text=question or (intent.subject if intent else ""), regions=RegionQuery(), analysis=intent)
    result = SearchResult(question=frame.text, mode=SearchMode.hybrid, regions=RegionQuery(), hits=[])
    return Asked(frame, result, Evidence(corpus, AnswerPolicy()))


def reply_of(plans: Plans, intent: AnalysisIntent, question: str = ""):
    kind, question_asked = Analysis(), asked(plans, intent, question)
    assert kind.applies(question_asked)
    return kind.answer(question_asked)


def first_line(reply) -> str:
    return reply.text.split("\n")[0]


def test_the_conclusion_comes_first_and_every_figure_is_cited_with_its_clause():
    plans = Plans()
    for region, value in zip(CITIES, ("14.5", "15", "14")):
        plans.target(region, "单位地区生产总值能源消耗", 2025, value, direction="下降", base_year=2020)
    reply = reply_of(plans, superlative("单位地区生产总值能源消耗", Extreme.strict, years=(2025,)))
    assert first_line(reply).startswith("丙市最严：到2025年单位地区生产总值能源消耗比2020年下降15%[1]")
    assert reply.outcome.value == "answered"
    analysis = reply.analysis
    assert analysis.operation is AnalysisOperation.superlative and analysis.comparable
    assert analysis.winners == ["丙市"] and analysis.year == 2025 and analysis.unit == "%"
    citations = {citation.marker: citation for citation in reply.book.citations}
    for plan in analysis.plans:
        record = plan.records[0]
        assert plan.status is PlanStatus.figure and plan.value == record.value
        assert (record.region, record.plan, record.direction, record.base_year) == \
               (plan.region, f"{plan.region}碳达峰实施方案", "下降", 2020)
        cited = citations[record.marker]  # the record's marker is the citation of its own clause and words
        assert cited.chunk_id == record.clause_id and record.label in cited.quote and cited.quote in cited.clause_text
        assert f"{record.label}[{record.marker}]" in reply.text


def test_a_difference_is_computed_and_carried():
    plans = Plans()
    plans.target("乙市", "非化石能源消费比重", 2025, "32")
    plans.target("丙市", "非化石能源消费比重", 2025, "31.5")
    intent = intent_of(AnalysisOperation.difference, "非化石能源消费比重", regions=["乙市", "丙市"], focus=["乙市", "丙市"],
                 years=[2025])
    reply = reply_of(plans, intent)
    assert first_line(reply).startswith("乙市比丙市高0.5个百分点")
    assert (reply.analysis.difference, reply.analysis.difference_text) == (0.5, "0.5个百分点")


@pytest.mark.parametrize("build, intent, why", [
    (lambda p: (p.target("乙市", "再生水利用率", 2030, "30"), p.target("丙市", "再生水利用率", 2025, "20")),
     superlative("再生水利用率", regions=["乙市", "丙市"], years=(2030,)), "只给出了2025年的数值"),
    (lambda p: (p.target("乙市", "生活污水集中收集率", 2025, "70", qualifiers=("以上",)),
                p.target("丙市", "生活污水集中收集率", 2025, "5", unit="个百分点", direction="提高", base_year=2020)),
     superlative("生活污水集中收集率", regions=["乙市", "丙市"], years=(2025,)), "变化幅度"),
    (lambda p: (p.target("乙市", "单位地区生产总值能源消耗", 2025, "14.5", direction="下降", base_year=2020),
                p.target("丙市", "单位地区生产总值能源消耗", 2025, "18", direction="下降", base_year=2015)),
     superlative("单位地区生产总值能源消耗", Extreme.strict, ["乙市", "丙市"], (2025,)), "比较基年不同"),
], ids=["different years", "different units", "different base years"])
def test_figures_that_cannot_be_compared_are_not_ranked_and_the_answer_says_so(build, intent, why):
    plans = Plans()
    build(plans)
    reply = reply_of(plans, intent)
    assert first_line(reply).startswith("无法直接比较") and why in first_line(reply)
    analysis = reply.analysis
    assert not analysis.comparable and why in analysis.reason
    assert analysis.winners == [] and analysis.ranking == {} and analysis.difference is None
    assert "最高" not in reply.text and "最严" not in reply.text


def test_a_plan_stating_the_target_only_in_words_is_listed_as_such_never_as_zero():
    plans = Plans()
    plans.target("乙市", "森林覆盖率", 2030, "32.2", direction="达")
    plans.target("丙市", "森林覆盖率", 2030, "44.14", direction="达")
    words = plans.clause("丁市", "到2030年，全市森林覆盖率和森林蓄积量完成省下达指标。")
    reply = reply_of(plans, superlative("森林覆盖率", Extreme.low))
    assert first_line(reply).startswith("乙市最低") and "丁市" not in first_line(reply)
    line = next(plan for plan in reply.analysis.plans if plan.region == "丁市")
    assert line.status is PlanStatus.in_words and line.value is None and line.records == []
    assert line.mention_clause_id == words.id
    assert "丁市：未给出2030年的数值，方案写的是“全市森林覆盖率和森林蓄积量完成省下达指标”" in reply.text
    assert "丁市（0" not in reply.text and reply.analysis.winners == ["乙市"]


def test_coverage_counts_the_plans_stating_a_figure():
    plans = Plans()
    plans.target("乙市", "新型储能装机容量", 2025, "50", unit="万千瓦")
    plans.target("丙市", "新型储能装机容量", 2030, "80", unit="万千瓦")
    plans.clause("丁市", "积极发展新型储能。")
    reply = reply_of(plans, intent_of(AnalysisOperation.count, "新型储能装机容量"))
    assert first_line(reply) == "共2个给出了新型储能装机容量的具体数值：乙市、丙市。"
    assert reply.analysis.count == 2 and reply.analysis.selected == ["乙市", "丙市"]
    assert [plan.status for plan in reply.analysis.plans][-1] is PlanStatus.not_mentioned


def test_without_a_figure_or_a_mention_of_the_indicator_the_other_kinds_answer():
    plans = Plans()
    plans.target("乙市", "森林覆盖率", 2030, "40")
    plans.target("丙市", "森林覆盖率", 2030, "45")
    kind = Analysis()
    assert kind.answer(asked(plans, superlative("学校数量"), "哪个市的学校数量最多？")) is None  # no such indicator
    assert not kind.applies(asked(plans, None, "乙市森林覆盖率是多少？"))  # not analytical

    mentioned_nowhere = Plans()  # the indicator exists, but none of the plans asked names it
    mentioned_nowhere.target("乙市", "森林覆盖率", 2030, "40")
    mentioned_nowhere.clause("丙市", "推进绿色发展。")
    mentioned_nowhere.clause("丁市", "推进绿色发展。")
    intent = superlative("森林覆盖率", regions=["丙市", "丁市"])
    assert kind.answer(asked(mentioned_nowhere, intent)) is None


def test_the_answerer_serves_the_analysis_and_other_answers_have_none(ask):
    answer = ask("到2030年风电和光伏发电装机容量哪个地方最高？")
    assert answer.answer.split("\n")[0].startswith("广东省最多：到2030年风电和光伏发电装机容量达到7400万千瓦以上[1]")
    assert answer.analysis.winners == ["广东省"] and answer.outcome.value == "answered"
    record = answer.analysis.plans[0].records[0]
    assert answer.citations[record.marker - 1].chunk_id == record.clause_id
    assert answer.model_dump(mode="json")["analysis"]["operation"] == "superlative"
    assert ask("珠海2025年单位地区生产总值能源消耗要比2020年下降多少？").analysis is None


def test_a_common_word_another_plan_uses_marks_no_topic_the_plan_lacks():
    plans = Plans()
    for n in range(10):  # 核电 and 地方 are words of 甲省's plan, never of 乙市's
        plans.clause("甲省", f"有序发展核电，支持地方开展试点示范第{n}批。")
        plans.clause("乙市", f"推进既有建筑节能改造第{n}批。")
    corpus = Corpus.build(plans.chunks, Tokenizer(), plans.records)
    evidence = Evidence(corpus, AnswerPolicy())
    frame = QuestionFrame(text="乙市哪些地方发展核电", terms=["地方", "核电"], regions=RegionQuery(regions=["乙市"]))
    assert evidence.absent_terms(frame, ["乙市"]) == ["核电"]  # 地方 (general IDF 4.4) is the asker's word
    assert Evidence(corpus, AnswerPolicy(absent_term_min_idf=0)).absent_terms(frame, ["乙市"]) == ["地方", "核电"]


def _evidence_of_two_plans() -> Evidence:
    plans = Plans()
    for n in range(6):  # 小区, 风电 and 装机 are plan words: 甲省 writes them, 乙市 writes no 小区 and no 风电
        plans.clause("甲省", f"推进老旧小区改造第{n}批，风电和光伏发电装机容量达到{n}万千瓦。")
        plans.clause("乙市", f"全市生活垃圾分类覆盖率达到{80 + n}%以上，光伏发电装机容量达到{n}万千瓦。")
    return Evidence(Corpus.build(plans.chunks, Tokenizer(), plans.records), AnswerPolicy())


def _sentence(flat: str):
    return SimpleNamespace(flat=flat, states_asked_figure=True, slots=None)


def test_a_plan_answering_all_but_a_modifier_no_plan_writes_with_the_rest_is_not_refused_for_it():
    evidence = _evidence_of_two_plans()
    frame = QuestionFrame(text="乙市小区垃圾分类覆盖率要达到多少", terms=["小区", "垃圾", "分类", "覆盖率"],
                          regions=RegionQuery(regions=["乙市"]), wants_figure=True)
    assert evidence.absent_topics(frame, ["乙市"]) == ["小区"]
    figure = _sentence("全市生活垃圾分类覆盖率达到80%以上")
    assert evidence.answered_without(frame, ["小区"], [figure])
    assert not evidence.answered_without(frame, ["小区"], [_sentence("推进生活垃圾处理")]), "holds too little of the rest"


def test_a_plan_silent_on_what_other_plans_write_with_the_rest_is_a_near_miss():
    evidence = _evidence_of_two_plans()
    frame = QuestionFrame(text="乙市风电装机目标多少", terms=["风电", "装机"], regions=RegionQuery(regions=["乙市"]),
                          wants_figure=True)
    assert evidence.absent_topics(frame, ["乙市"]) == ["风电"]
    # 光伏's figure holds every other word; but 甲省 writes 风电 beside 装机: the plan lacks the thing asked.
    assert not evidence.answered_without(frame, ["风电"], [_sentence("光伏发电装机容量达到1万千瓦")])


def test_a_verb_the_plan_does_not_use_is_absent_but_names_no_topic():
    plans = Plans()
    for n in range(6):
        plans.clause("甲省", f"将重点用能单位接入省能耗在线监测平台第{n}批。")
        plans.clause("乙市", f"将重点用能单位纳入省能耗在线监测平台第{n}批。")
    evidence = Evidence(Corpus.build(plans.chunks, Tokenizer(), plans.records), AnswerPolicy())
    frame = QuestionFrame(text="乙市哪些单位要接入监测平台", terms=["接入", "监测", "平台"],
                          regions=RegionQuery(regions=["乙市"]))
    assert evidence.absent_terms(frame, ["乙市"]) == ["接入"]
    assert evidence.absent_topics(frame, ["乙市"]) == []


def test_the_front_of_a_longer_word_is_named_as_that_word_when_other_plans_write_it():
    plans = Plans()
    for n in range(6):  # 甲省 writes 收集率 and 挖掘 (never 挖掘机); 乙市 writes neither
        plans.clause("甲省", f"生活污水集中收集率达到{70 + n}%，深入挖掘节能潜力第{n}批。")
        plans.clause("乙市", f"推进生活污水处理第{n}批。")
    evidence = Evidence(Corpus.build(plans.chunks, Tokenizer(), plans.records), AnswerPolicy())
    rates = QuestionFrame(text="乙市生活污水集中收集率目标多少", terms=["生活", "污水", "集中", "收集"],
                          regions=RegionQuery(regions=["乙市"]), wants_figure=True)
    assert evidence.absent_terms(rates, ["乙市"]) == ["收集"]
    assert evidence.absent_topics(rates, ["乙市"]) == ["收集率"]
    machines = QuestionFrame(text="乙市的挖掘机要不要换成电动的", terms=["挖掘", "挖掘机"],
                             regions=RegionQuery(regions=["乙市"]))
    assert evidence.absent_terms(machines, ["乙市"]) == ["挖掘"]
    assert evidence.absent_topics(machines, ["乙市"]) == []  # no plan writes 挖掘机: nothing to name
