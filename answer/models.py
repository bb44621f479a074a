"""Contracts of the answer stage: what the Answerer is asked, and what /ask and `carbonqa ask` return."""
from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field, computed_field

from carbonqa.answer.outcomes import OutcomeStatus, outcome_status, vocabulary_table
from carbonqa.indicators.analysis import PlanStatus
from carbonqa.indicators.models import AnalysisOperation, Comparator, Extreme, Side
from carbonqa.retriever.models import Fusion, SearchHit, SearchMode


class AnswerRequest(BaseModel):
    """One question to answer, with everything the caller says about how."""

    question: str
    history: list[str] = Field(default_factory=list, description="earlier questions of the conversation, oldest "
                                                                  "first: a follow-up (那佛山呢？) is resolved against them")
    regions: list[str] | None = Field(default=None, description="region filter (珠海, 全省); None: the regions the "
                                                                "question names")
    documents: list[str] | None = Field(default=None, description="plans (doc ids) to answer from; None: every plan "
                                                                  "of the regions")
    top_k: int | None = Field(default=None, description="clauses retrieved; None: the Answerer's default")
    mode: SearchMode = Field(default=SearchMode.hybrid, description="bm25, dense or hybrid retrieval")
    fusion: Fusion | None = Field(default=None, description="overrides the retriever's fusion method (the eval's "
                                                            "ablation); None: the configured one")
    use_region_detection: bool = Field(default=True, description="read the regions from the question; off: every "
                                                                 "plan, unless filtered")


class Outcome(str, Enum):
    """What a reply does with the question."""

    answered = "answered"  # every part of the question is answered, with citations
    partial = "partial"  # some parts are answered and cited; `unstated` says which the plans do not state
    not_stated = "not_stated"  # the plans do not state it; `refusal_reason` says why


class Citation(BaseModel):
    marker: int = Field(description="the n of [n] in the answer text")
    chunk_id: str
    plan_title: str
    region: str
    path: list[str]
    quote: str = Field(description="the sentence(s) quoted verbatim from the clause")
    clause_text: str
    related: bool = Field(default=False, description="closest related text of a not_stated reply: not the answer")
    emphasis: list[str] = Field(default_factory=list, description="substrings of `quote` stating the figure asked "
                                "(value and unit, e.g. 14.5%以上), in order; shown emphasised")


class AnalysisRecord(BaseModel):
    """One plan's target figure an analytical answer quotes, as the plan writes it."""

    region: str
    plan: str = Field(description="the plan's title")
    doc_id: str
    indicator: str = Field(description="normalised indicator name")
    year: int = Field(description="target year")
    value: float = Field(description="the figure as written, in `unit`")
    unit: str
    direction: str = Field(description="达到 / 下降 / 不低于 / 新增 …")
    qualifiers: list[str] = Field(default_factory=list, description="力争 / 以上 / 左右 …")
    base_year: int | None = Field(default=None, description="比2020年下降 -> 2020")
    label: str = Field(description="the target as the plan qualifies it: 比2020年下降14.5%")
    clause_id: str = Field(description="the clause quoted (a citation's chunk_id)")
    marker: int | None = Field(default=None, description="the n of its [n] in the answer text")


class AnalysisPlan(BaseModel):
    """What one plan states about the compared indicator."""

    region: str
    status: PlanStatus = Field(description="figure (compared) | other_measure | other_year | in_words | not_mentioned")
    value: float | None = Field(default=None, description="figure: the compared value, in the analysis's unit")
    records: list[AnalysisRecord] = Field(default_factory=list, description="figure: the compared record first")
    note: str = Field(default="", description="why the plan's figure is not compared, in Chinese")
    mention_clause_id: str | None = Field(default=None, description="in_words: the clause naming it without a figure")


class AnswerAnalysis(BaseModel):
    """An analytical answer's computation across plans (哪个市最高, 高于全省的有哪些, 相差多少, 哪些方案提出了…)."""

    operation: AnalysisOperation = Field(description="superlative | rank | reference | difference | threshold | "
                                                     "coverage | count")
    indicator: str = Field(description="the normalised indicator name compared")
    year: int | None = Field(description="the target year compared; None: every year (coverage, count)")
    unit: str = Field(default="", description="the unit of the compared values")
    comparable: bool = Field(description="false: the figures are not ranked or subtracted; `reason` says why")
    reason: str | None = Field(default=None, description="why not comparable, in Chinese")
    plans: list[AnalysisPlan] = Field(description="the plans asked about, in answer order")
    reference: AnalysisPlan | None = Field(default=None, description="reference: the province's plan")
    lower_is_stricter: bool = Field(default=False, description="the targets are ceilings (不高于)")
    extreme: Extreme | None = Field(default=None, description="superlative: the end asked for")
    winners: list[str] = Field(default_factory=list, description="superlative: the plans at that end (ties)")
    ranking: dict[str, int] = Field(default_factory=dict, description="rank: 1 = strictest; ties share a place")
    selected: list[str] = Field(default_factory=list, description="reference: beyond the province on the side "
                                "asked; threshold: reaching the figure; coverage/count: stating it")
    equal: list[str] = Field(default_factory=list, description="reference: the same figure as the province")
    side: Side | None = Field(default=None, description="reference/difference: the side asked about")
    difference: float | None = Field(default=None, description="difference/reference: first plan minus the other")
    difference_text: str | None = Field(default=None, description="e.g. 0.5个百分点")
    ratio_text: str | None = Field(default=None, description="reference/difference asked a share or multiple: the "
                                                             "first plan's figure over the other's, e.g. 25%, 约1.17倍")
    gaps: dict[str, str] = Field(default_factory=dict, description="reference asked how far, of several plans: each "
                                                                   "plan's distance from the province (低约26.8个百分点)")
    threshold_text: str | None = Field(default=None, description="threshold: the figure asked, e.g. 40%")
    comparator: Comparator | None = None
    count: int | None = Field(default=None, description="coverage/count: how many plans state it")
    cautions: list[str] = Field(default_factory=list, description="what makes the conclusion uncertain, in Chinese")


class FilterConflict(BaseModel):
    """The question names places outside the region filter it was asked with (filter 江门, "珠海到2025年…")."""

    selected: list[str] = Field(description="the filter's plan regions, e.g. ['江门市']")
    named: list[str] = Field(description="every place the question names: plan regions, then places without a plan")
    outside: list[str] = Field(description="the named places the filter leaves out, e.g. ['珠海市']")


class Answer(BaseModel):
    question: str
    understood_as: str = Field(description="the question as interpreted, after history and region detection")
    regions: list[str] = Field(default_factory=list)
    documents: list[str] = Field(
        default_factory=list, description="the plans (doc ids) the answer was restricted to, by the `documents` "
                                          "filter or by the plan the question names; empty = every plan of its regions")
    answer: str = Field(description="Chinese answer text with inline [n] markers")
    citations: list[Citation] = Field(default_factory=list)
    outcome: Outcome = Field(default=Outcome.answered, description="answered | partial | not_stated")
    unstated: list[str] = Field(default_factory=list,
                                description="parts of the question the plans do not state (partial replies)")
    skipped: list[str] = Field(default_factory=list,
                               description="parts of an over-long question that were not answered (ask them separately)")
    refused: bool = Field(default=False, description="outcome is not_stated")
    refusal_reason: str | None = Field(default=None, description="why not_stated: no_plan_for_region, "
                                       "year_not_stated, topic_not_in_plan, figure_not_stated, attribute_not_stated, "
                                       "no_supporting_clause")
    mode: str = Field(default="extractive", description="extractive | llm | llm_fallback")
    mode_note: str | None = Field(default=None, description="why an LLM reply was trimmed or replaced")
    filter_conflict: FilterConflict | None = Field(
        default=None, description="set when the question names places outside `regions` filter; the answer "
                                  "still follows the filter, and the client offers to answer for the named places")
    follow_ups: list[str] = Field(default_factory=list, description="up to three next questions, built from "
                                                                     "the cited clauses' neighbours")
    analysis: AnswerAnalysis | None = Field(
        default=None, description="an analytical question's computation from the plans' targets (operation, the "
                                  "records used with clause ids, the result); None for any other answer")
    retrieved: list[SearchHit] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)

    @computed_field(description="the label every reply is shown with (chat, export, CLI): " + vocabulary_table())
    @property
    def status(self) -> OutcomeStatus:
        return outcome_status(self.outcome.value, self.unstated, self.skipped, self.refusal_reason)
