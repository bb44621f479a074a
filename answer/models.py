"""Contracts of the answer stage: what the Answerer is asked, and what /ask and `carbonqa ask` return."""
from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field, computed_field

from carbonqa.answer.outcomes import OutcomeStatus, outcome_status, vocabulary_table
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
                                       "year_not_stated, topic_not_in_plan, figure_not_stated, no_supporting_clause")
    mode: str = Field(default="extractive", description="extractive | llm | llm_fallback")
    mode_note: str | None = Field(default=None, description="why an LLM reply was trimmed or replaced")
    filter_conflict: FilterConflict | None = Field(
        default=None, description="set when the question names places outside `regions` filter; the answer "
                                  "still follows the filter, and the client offers to answer for the named places")
    follow_ups: list[str] = Field(default_factory=list, description="up to three next questions, built from "
                                                                     "the cited clauses' neighbours")
    retrieved: list[SearchHit] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)

    @computed_field(description="the label every reply is shown with (chat, export, CLI): " + vocabulary_table())
    @property
    def status(self) -> OutcomeStatus:
        return outcome_status(self.outcome.value, self.unstated, self.skipped, self.refusal_reason)
