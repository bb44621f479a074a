"""A candidate sentence: one content sentence of a retrieved clause, with the evidence that decides
whether it answers (answer/evidence.py scores it, answer/policy.py decides)."""
from __future__ import annotations

from dataclasses import dataclass

from carbonqa.answer.slots import SlotCheck
from carbonqa.ingest.models import Chunk
from carbonqa.ingest.sentences import Sentence


@dataclass
class Candidate:
    chunk: Chunk
    sentence: Sentence
    flat: str
    coverage: float  # weighted share of question terms present (context terms at half credit)
    figure_coverage: float  # best coverage of a comma-piece that states a figure (0 if none)
    score: float
    years: set[int]
    dense_top: bool  # its clause is among the semantic arm's first choices (policy.dense_top_*, dense_tie)
    has_key_term: bool  # it (or its context) holds the question's most specific plan-vocabulary term
    misses_topic: bool  # it lacks the question's most specific domain term (核电), which another
    # retrieved clause has, or has only a broader form of it (风电 for 海上风电)
    states_asked_figure: bool  # it states a figure of the asked unit family (any figure if none asked)
    semantic: float = 0.0  # z-score of its similarity to the question among the candidates (0: unknown)
    outshone: bool = False  # it lacks the key term, and a sentence holding it is closer to the question in meaning
    # The nearest in meaning, standing out and well ahead of the next (policy.meaning_lead), its clause chosen by
    # the dense arm (or ranked high, when the question names something in plan words).
    leads: bool = False
    slots: SlotCheck | None = None  # for a figure question: how its figure fits the slots asked (answer/slots.py)
    similarity: float | None = None  # cosine of its vector to the question's (None: unknown)
    word_share: float = 1.0  # share of the question's wording (plan words or not) it holds (evidence.word_share)
