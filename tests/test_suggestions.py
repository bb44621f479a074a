"""Starter questions and follow-ups built from the clause trees, and the filter-vs-question conflict."""
from __future__ import annotations

import re

import pytest

from carbonqa.answer.models import Answer, AnswerRequest, Citation
from carbonqa.answer.suggestions import FollowUps, SuggestionKind, starter_questions
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.tree import ClauseTree


def chunk(id_: str, text: str, heading: str = "", parent: str | None = None, start: int = 0) -> Chunk:
    return Chunk(id=id_, doc_id="demo-2023", title="示范市碳达峰实施方案", region="示范市", level="市",
                 kind=ChunkKind.clause, heading=heading, parent_id=parent, text=text, start=start,
                 end=start + len(text))


def answer_citing(chunk_id: str, quote: str, question: str) -> Answer:
    citation = Citation(marker=1, chunk_id=chunk_id, plan_title="示范市碳达峰实施方案", region="示范市", path=[],
                        quote=quote, clause_text=quote)
    return Answer(question=question, understood_as=question, answer=quote + "[1]", citations=[citation])


def longest_shared(question: str, text: str) -> str:
    pieces = (question[i:j] for i in range(len(question)) for j in range(i + 1, len(question) + 1))
    return max((piece for piece in pieces if piece in text), key=len, default="")


@pytest.mark.unit
def test_starters_one_per_plan_and_kind_from_the_corpus(plans):
    starters = starter_questions(plans, ClauseTree(c for plan in plans for c in plan.chunks))
    kinds = {(s.regions[0], s.kind) for s in starters if s.kind != SuggestionKind.compare}
    regions = [plan.meta.region for plan in plans]
    assert kinds == {(r, k) for r in regions for k in (SuggestionKind.target, SuggestionKind.measure,
                                                         SuggestionKind.structure)}
    assert [s.kind for s in starters].count(SuggestionKind.compare) == 1
    assert len({s.question for s in starters}) == len(starters)
    for starter in starters:
        if starter.kind == SuggestionKind.compare:
            continue
        plan = next(p for p in plans if p.meta.region == starter.regions[0])
        assert starter.question.startswith(plan.meta.region.removesuffix("市").removesuffix("省"))
        # Built from the plan's own words: a heading or target subject of the plan is in the question.
        without_years = re.sub(r"到?\d+年", "", starter.question)
        assert len(longest_shared(without_years, plan.clean_text.replace(" ", ""))) >= 4, starter.question


@pytest.mark.unit
def test_follow_ups_take_the_next_target_year_the_next_clause_and_the_parent():
    section = chunk("demo-2023/1.1", "（一）主要目标", heading="主要目标", start=0)
    targets = chunk("demo-2023/1.1.1", "到2025年，非化石能源消费比重达到20%。到2030年，非化石能源消费比重达到30%。",
                    heading="能源目标", parent=section.id, start=10)
    next_clause = chunk("demo-2023/1.1.2", "2.发展绿色建筑。推广装配式建筑。", heading="发展绿色建筑",
                        parent=section.id, start=60)
    follow_ups = FollowUps(ClauseTree([section, targets, next_clause]))
    answer = answer_citing(targets.id, "到2025年，非化石能源消费比重达到20%。", "示范市2025年非化石能源消费比重目标？")
    assert follow_ups.run(answer) == [
        "示范市2030年非化石能源消费比重目标？",
        "示范在发展绿色建筑方面有什么安排？",
        "示范方案的主要目标包括哪些方面？",
    ]


@pytest.mark.unit
def test_no_follow_ups_for_a_refusal_or_without_a_year_to_change():
    clause = chunk("demo-2023/1", "推广装配式建筑。", heading="发展绿色建筑")
    follow_ups = FollowUps(ClauseTree([clause]))
    refusal = answer_citing(clause.id, "推广装配式建筑。", "示范市2040年目标？")
    refusal.citations[0].related = True
    assert follow_ups.run(refusal) == []
    assert follow_ups.run(answer_citing(clause.id, "推广装配式建筑。", "示范市如何推广装配式建筑？")) == []


@pytest.mark.unit
def test_another_year_is_suggested_only_where_the_plan_gives_a_figure_on_the_topic():
    targets = chunk("demo-2023/1", "到2025年，单位地区生产总值能源消耗下降14%。到2030年，单位地区生产总值能源消耗确保完成省下达指标。"
                                   "到2035年，森林覆盖率达到60%。", heading="主要目标")
    answer = answer_citing(targets.id, "到2025年，单位地区生产总值能源消耗下降14%。", "示范市2025年单位地区生产总值能源消耗下降多少？")
    assert FollowUps([targets]).run(answer) == []  # 2030: no figure; 2035: another topic


def test_every_starter_question_is_answered_from_its_plans(runtime):
    for starter in starter_questions(runtime.plans, runtime.tree):
        answer = runtime.answerer.ask(AnswerRequest(question=starter.question))
        assert not answer.refused, starter.question
        assert {c.region for c in answer.citations} <= set(starter.regions), starter.question


@pytest.mark.unit
def test_a_filter_that_leaves_out_the_named_plan_is_reported(ask):
    answer = ask("珠海到2025年风电和光伏装机目标是多少？", regions=["江门"])
    assert answer.filter_conflict is not None
    assert answer.filter_conflict.model_dump() == {"selected": ["江门市"], "named": ["珠海市"], "outside": ["珠海市"]}
    assert answer.regions == ["江门市"]  # the answer itself still follows the filter
    # A place with no plan of its own (广东 covers 深圳) is outside the filter; none when the question fits it.
    assert ask("深圳的碳达峰目标是什么？", regions=["江门"]).filter_conflict.outside == ["深圳市"]
    assert ask("江门的光伏发展目标", regions=["江门"]).filter_conflict is None
    assert ask("光伏发展目标", regions=["江门"]).filter_conflict is None
    assert ask("珠海的光伏发展目标").filter_conflict is None  # no filter, nothing to conflict
