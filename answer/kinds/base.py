"""The interface of the answer kinds, and what they share.

Each kind (one module of answer/kinds/) says whether it `applies` to a question and builds its `Reply`,
or None when it has nothing to say after all. The Answerer hands every kind the same `Asked`: the
question's frame, what retrieval found, and the scored sentences (the candidates). A `Decide`
function picks the reply among the kinds; the one in use takes the first, in priority order.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from carbonqa.answer.candidate import Candidate
from carbonqa.answer.compose import CitationBook
from carbonqa.answer.models import AnswerAnalysis, Outcome
from carbonqa.answer.selection import Evidence
from carbonqa.retriever.models import Facet, QuestionFrame, SearchHit, SearchResult


@dataclass
class Reply:
    text: str
    book: CitationBook
    refusal_reason: str | None = None  # set: the plans do not state it
    unstated: list[str] = field(default_factory=list)  # parts of the question the plans do not state
    skipped: list[str] = field(default_factory=list)  # parts of an over-long question not answered
    analysis: AnswerAnalysis | None = None  # an analytical reply's computation from the targets

    @property
    def outcome(self) -> Outcome:
        if self.refusal_reason is not None:
            return Outcome.not_stated
        return Outcome.partial if self.unstated or self.skipped else Outcome.answered


@dataclass
class Asked:
    """One question being answered, and the evidence drawn from it once for every kind."""

    frame: QuestionFrame
    result: SearchResult
    evidence: Evidence

    @property
    def hits(self) -> list[SearchHit]:
        return self.result.hits

    @cached_property
    def candidates(self) -> list[Candidate]:
        """Every sentence of the retrieved clauses, best first, with its standing in meaning."""
        return self.evidence.sentences.candidates(self.frame, self.hits, self.result.query_vector, self.absent_terms)

    @cached_property
    def usable(self) -> list[Candidate]:
        """The candidates that answer the question."""
        return self.evidence.usable(self.frame, self.candidates)

    @cached_property
    def absent_terms(self) -> list[str]:
        """Plan vocabulary the question uses that the plans asked about never do."""
        return self.evidence.absent_terms(self.frame, self.frame.regions.regions)

    @cached_property
    def absent_topics(self) -> list[str]:
        """The absent terms that name what the question asks about (not its verbs, places or pronouns)."""
        return self.evidence.absent_topics(self.frame, self.frame.regions.regions)

    @cached_property
    def unused_nouns(self) -> list[str]:
        """The question's nouns no plan's text contains: what it asks about that the plans never name."""
        return self.evidence.unused_nouns(self.frame)

    @cached_property
    def unused_topics(self) -> list[str]:
        """The unused nouns that name what the question asks about (not 时候, 这事, 挖掘 of 挖掘机)."""
        return self.evidence.unused_topics(self.frame)

    @property
    def facets(self) -> list[Facet]:
        """The facets answered (policy.max_facets at most); fewer than two: a single question."""
        return self.frame.facets[:self.evidence.policy.max_facets]

    @property
    def skipped_facets(self) -> list[str]:
        """The labels of the facets beyond them: named as not answered."""
        return [facet.label for facet in self.frame.facets[self.evidence.policy.max_facets:]]


class AnswerStrategy(Protocol):
    def applies(self, asked: Asked) -> bool:
        """Is the question of this kind (read from its frame and what retrieval found)?"""

    def answer(self, asked: Asked) -> Reply | None:
        """The reply, or None when this kind has nothing to say after all (the next kind is tried)."""


Decide = Callable[[Asked, Sequence[AnswerStrategy]], Reply]


# Whether a kind's reply stands (a learned gate may turn one down: answer/gate.py); None: every reply does.
Accept = Callable[[AnswerStrategy, Asked], bool]


def first_reply(asked: Asked, kinds: Sequence[AnswerStrategy], accept: Accept | None = None) -> Reply:
    """The decision in use: the first kind, in priority order, that applies and replies (and whose reply
    `accept` lets stand)."""
    for kind in kinds:
        if kind.applies(asked) and (reply := kind.answer(asked)) is not None and \
                (accept is None or accept(kind, asked)):
            return reply
    raise LookupError("no answer kind replied; the last kind must always reply")
