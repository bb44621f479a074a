"""Scoring the sentences of retrieved clauses against a question.

A sentence's coverage is the IDF-weighted share of the question's topic terms it contains; terms
found only in its clause's heading path (or, for a table row, in the row's other cells) count half.
Terms the corpus never uses (everyday wording of a paraphrase, leftover frame words) weigh nothing:
they can neither support nor undermine an answer. The score adds a small prior from the clause's
retrieval rank and what the question asks for: the year it names, a figure, a date.

Each candidate also records the evidence the answerer's acceptance rule needs: whether it holds the
question's most specific terms, whether the dense arm ranked its clause first (a paraphrase), and how
far it stands out from the other retrieved sentences in meaning: the cosine of its vector (embedded at
index time) to the question's, as a z-score among them. A paraphrase ("山林面积" for 森林覆盖率) shares
few words with its answer but is much closer to it in meaning than to the sentences around it.
"""
from __future__ import annotations

import heapq
import math
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from carbonqa.answer.candidate import Candidate
from carbonqa.answer.policy import AnswerPolicy
from carbonqa.answer.slots import PIECE_SPLIT, check_slots
from carbonqa.answer.text import longest_only
from carbonqa.index.sentence_vectors import SentenceVectors
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.sentences import Sent, content_sentences
from carbonqa.ingest.text import squash
from carbonqa.ingest.vocabulary import figure_families, term_forms
from carbonqa.retriever.models import QuestionFrame, SearchHit


class SentenceIndex:
    """Content sentences of every chunk, and IDF weights of terms counted over all of them."""

    def __init__(self, chunks: list[Chunk], domain_terms: Iterable[str] = (), policy: AnswerPolicy | None = None,
                 vectors: SentenceVectors | None = None, segment: Callable[[str], list[str]] | None = None):
        self.policy = policy or AnswerPolicy()
        self.vectors = vectors  # the index's sentence vectors; without them no semantic evidence
        self.domain_terms = set(domain_terms)  # the index's dictionary: curated terms, headings, names
        self._sents: dict[str, list[Sent]] = {}
        self._flat: dict[str, str] = {}
        self._context: dict[str, str] = {}
        for chunk in chunks:
            self.sents(chunk)
        # Document frequency over distinct sentences (the same words can sit in a section and a row).
        self._corpus = list({s.flat for sents in self._sents.values() for s in sents})
        self._df: dict[str, int] = {}
        # The words the plans write on their own (precise segmentation): 树林 inside 红树林 is not one.
        self._words = {word for text in self._corpus for word in segment(text)} if segment else None
        # A question's terms are weighed once, then matched against every candidate sentence.
        self._weighed = lru_cache(maxsize=1024)(self._weigh)

    def sents(self, chunk: Chunk) -> list[Sent]:
        if chunk.id not in self._sents:
            self._sents[chunk.id] = content_sentences(chunk, self.policy.min_sentence_chars)
            self._flat[chunk.id] = squash(chunk.text)
            context = "".join(chunk.path)
            if chunk.kind == ChunkKind.table_row:
                context += chunk.text
            self._context[chunk.id] = squash(context)
        return self._sents[chunk.id]

    def df(self, term: str) -> int:
        """How many distinct sentences of the corpus contain the term (or a synonym)."""
        if term not in self._df:
            forms = term_forms(term)
            self._df[term] = sum(1 for text in self._corpus if any(f in text for f in forms))
        return self._df[term]

    def idf(self, term: str) -> float:
        """0 for a term no sentence of the corpus contains."""
        df = self.df(term)
        return math.log((len(self._corpus) + 1) / (df + 0.5)) if df else 0.0

    def coverage(self, terms: list[str], text: str, context: str = "") -> float:
        """Weighted share of terms in text; a term only in context gets policy.context_credit."""
        weighted = self._weighed(tuple(terms))
        total = sum(weight for _, weight in weighted)
        if total == 0:
            return 0.0
        got = 0.0
        for forms, weight in weighted:
            if any(f in text for f in forms):
                got += weight
            elif context and any(f in context for f in forms):
                got += self.policy.context_credit * weight
        return got / total

    def _weigh(self, terms: tuple[str, ...]) -> tuple[tuple[tuple[str, ...], float], ...]:
        """Each term's forms with its IDF weight."""
        return tuple((term_forms(t), max(self.idf(t), 0.0)) for t in terms)

    def states(self, term: str, candidate: Candidate, figure: bool = False, family: str | None = None) -> bool:
        """Does the sentence hold the term (or another form of it)? For a figure, in a piece stating a
        figure (of that unit family, if given): "二氧化碳排放强度下降率确保完成省下达的目标" states none."""
        forms = term_forms(term)
        if not figure:
            return any(f in candidate.flat for f in forms)
        return any(any(f in piece for f in forms) and states_figure(piece, family)
                   for piece in PIECE_SPLIT.split(candidate.flat))

    def written_together(self, terms: list[str]) -> bool:
        """Does some sentence of the corpus hold every one of the terms (in some form)?"""
        forms = [term_forms(t) for t in terms]
        return any(all(any(f in text for f in each) for each in forms) for text in self._corpus)

    def known_terms(self, terms: list[str]) -> list[str]:
        return [t for t in terms if self.df(t) > 0]

    def vocabulary_terms(self, terms: list[str]) -> list[str]:
        """Terms the plans use often enough to be their vocabulary, not a paraphrase's chance wording."""
        return [t for t in terms if self.df(t) >= self.policy.domain_term_min_df]

    def plan_words(self, terms: list[str]) -> list[str]:
        """The plans' vocabulary among the terms (common in the plans, or a dictionary term however rare:
        抽水蓄能电站 is in four sentences) that the plans also write as words of their own (in some form),
        not only inside longer words: the plans' 树林 is all 红树林, so a plan without it says nothing
        about 树林 either way."""
        common = set(self.vocabulary_terms(terms))
        vocabulary = [t for t in terms if t in common or (t in self.domain_terms and self.df(t))]
        if self._words is None:
            return vocabulary
        return [t for t in vocabulary if any(form in self._words for form in term_forms(t))]

    def candidates(self, question: QuestionFrame, hits: list[SearchHit],
                   query_vector: np.ndarray | None = None, unused: Iterable[str] = ()) -> list[Candidate]:
        """Every content sentence of the hits, best first; with the question's vector, each also gets
        its semantic standing among them. `unused`: terms the plans searched never use (the asker's word,
        充电桩 for a plan's 充电设施), which no sentence is missed for."""
        vocabulary = self.vocabulary_terms(question.terms)
        # A dictionary term is plan vocabulary however rare (抽水蓄能电站 is in four sentences).
        unused = set(unused)
        term = most_specific(self, [t for t in question.terms
                                    if t in self.domain_terms and self.df(t) and t not in unused])
        topic = Topic(
            key_term=most_specific(self, vocabulary),
            term=term,
            broader=[t for t in vocabulary if term and t != term and t in term],
            chunks={h.chunk.id for h in hits if term and self._holds(term, h.chunk)},
            rare_terms=tuple(t for t in question.terms if 0 < self.df(t) < self.policy.domain_term_min_df),
        )
        dense_firsts = sorted(h.dense_rank for h in hits if h.dense_rank is not None)[:self.policy.dense_top_hits]
        dense_best = max((h.dense_score for h in hits if h.dense_score is not None), default=None)
        # Rank by fused score: a list question's hits come in tree order, not relevance order.
        rank = {id(hit): i for i, hit in enumerate(sorted(hits, key=lambda h: -h.score))}
        out: list[Candidate] = []
        seen: set[tuple[str, str]] = set()
        for hit in hits:
            near_best = hit.dense_score is not None and hit.dense_score >= dense_best - self.policy.dense_tie
            dense_top = self._dense_near(hit) and (hit.dense_rank in dense_firsts or near_best)
            for sent in self.sents(hit.chunk):
                if (hit.chunk.region, sent.flat) in seen:  # the same words in a section and in a row
                    continue
                seen.add((hit.chunk.region, sent.flat))
                out.append(self._score(question, topic, hit.chunk, sent, rank[id(hit)], dense_top))
        out.sort(key=lambda c: -c.score)
        if query_vector is not None and self.vectors is not None:
            self._standing(out, query_vector, question, {h.chunk.id for h in hits if self._dense_near(h)})
            if not question.wants_figure:
                out = self._ties_by_meaning(out)
        return out

    def _ties_by_meaning(self, candidates: list[Candidate]) -> list[Candidate]:
        """Sentences holding the question's words as fully as the best one and scoring nearly as well
        go first in order of meaning ("文明餐桌、“光盘行动”" before "倡导简约适度……" for 吃饭不剩菜). Not
        for a figure question: there the plan's own statement of its targets comes first."""
        if not candidates:
            return candidates
        best = candidates[0]
        tied, rest = [], []
        for c in candidates:
            as_good = c.coverage >= best.coverage and c.figure_coverage >= best.figure_coverage and \
                c.score >= best.score - self.policy.near_best
            (tied if as_good else rest).append(c)
        return sorted(tied, key=lambda c: -c.semantic) + rest

    def _dense_near(self, hit: SearchHit) -> bool:
        """Did the dense arm rank the hit's clause high (within dense_top_max), if not first?"""
        return hit.dense_rank is not None and hit.dense_rank <= self.policy.dense_top_max

    def _standing(self, candidates: list[Candidate], query_vector: np.ndarray, question: QuestionFrame,
                  dense_near: set[str]) -> None:
        """Set each candidate's similarity to the question, its z-score among the candidates, and which one
        a description in everyday words points at (`leads`); `dense_near`: the clauses the dense arm ranked high."""
        similarities = self.vectors.similarities(query_vector, [c.flat for c in candidates])
        for candidate, similarity in zip(candidates, similarities):
            candidate.similarity = similarity
        known = [s for s in similarities if s is not None]
        if len(known) < self.policy.semantic_min_sentences:
            return
        mean, spread = statistics.fmean(known), statistics.pstdev(known)
        if spread == 0:
            return
        for candidate, similarity in zip(candidates, similarities):
            if similarity is not None:
                candidate.semantic = (similarity - mean) / spread
        # Where the plan names the question's topic and that sentence is nearer in meaning, a sentence
        # without the name is about something else ("铁路……综合能耗下降10%" for 单位GDP能耗). One standing out
        # in meaning itself is outshone only by a sentence about the year asked: "到2030年，9种主要再生资源回收量
        # 达到506万吨" continues the 2025 sentence naming 废钢铁、废纸、废塑料, and answers for 2030.
        named = [c.semantic for c in candidates if c.has_key_term]
        in_year = [c.semantic for c in candidates if c.has_key_term and not other_years_only(question, c.years)]
        for candidate in candidates:
            rivals = in_year if candidate.semantic >= self.policy.semantic_min_z else named
            candidate.outshone = bool(rivals) and not candidate.has_key_term and candidate.semantic < max(rivals)
        # A description in everyday words ("田里盖的那种塑料薄膜") is nearest to the one sentence saying it in the
        # plan's words ("全生物降解农膜或标准地膜"), well ahead of the sentences merely sharing its words (塑料). A
        # question all in the plans' words ("江门核电方面有什么安排") describes nothing: its words decide.
        known = [term for term in question.terms if self.df(term)]
        if len(known) == len(question.terms):
            return
        nearest, runner_up = heapq.nlargest(2, candidates, key=lambda c: c.semantic)
        # The dense arm corroborates it: it chose its clause first, or ranked it high when the question also
        # names something in the plans' words ("晚上制冰、白天放冷气的空调办法" of 商场, for 冰蓄冷, whose clause
        # ranked fourth behind clauses about 商场). A question in no plan word at all ("会不会收碳税") is
        # nearest to something only by chance unless the dense arm chose it.
        corroborated = nearest.dense_top or (bool(known) and nearest.chunk.id in dense_near)
        nearest.leads = corroborated and nearest.semantic >= self.policy.semantic_min_z and \
            nearest.semantic - runner_up.semantic >= self.policy.meaning_lead

    def _holds(self, term: str, chunk: Chunk, text: str | None = None) -> bool:
        """Is the term (or a synonym) in the text (default: the whole chunk) or the chunk's context?"""
        return self.coverage([term], self._flat[chunk.id] if text is None else text, self._context[chunk.id]) > 0

    def _score(self, question: QuestionFrame, topic: Topic, chunk: Chunk, sent: Sent, rank: int,
               dense_top: bool) -> Candidate:
        context = self._context[chunk.id]
        coverage = self.coverage(question.terms, sent.flat, context)
        figure_coverage = max((self.coverage(question.terms, piece, sent.flat + context)
                               for piece in PIECE_SPLIT.split(sent.flat) if states_figure(piece, question.unit_family)),
                              default=0.0)
        score = coverage + self.policy.rank_prior / (1 + rank)
        if question.target_years:
            stated = question.targets_among(sent.years)
            if stated & question.target_years:
                score += self.policy.year_match
            elif stated:
                score -= self.policy.year_mismatch
        if question.wants_figure:
            score += self.policy.figure_match * figure_coverage
            if any("目标" in heading for heading in chunk.path):
                score += self.policy.goals_bonus
        if question.wants_year and sent.years:
            score += self.policy.figure_match
        has_topic = topic.term is None or self._holds(topic.term, chunk, sent.flat)
        misses_topic = not has_topic and (bool(topic.chunks - {chunk.id}) or any(t in sent.flat for t in topic.broader))
        return Candidate(
            chunk, sent.sentence, sent.flat, coverage, figure_coverage, score, sent.years, dense_top,
            has_key_term=topic.key_term is None or self._holds(topic.key_term, chunk, sent.flat),
            misses_topic=misses_topic,
            states_asked_figure=states_figure(sent.flat, question.unit_family),
            slots=check_slots(question, sent.flat, sent.years, chunk.region,
                              lambda piece: self.coverage(question.terms, piece),
                              self.policy.answer_min_coverage, term_forms(topic.key_term) if topic.key_term else (),
                              topic.rare_terms)
            if question.wants_figure else None,
            word_share=word_share(question.terms, sent.flat + context),
        )


@dataclass
class Topic:
    """What a sentence must speak of to answer: the question's most specific terms."""

    key_term: str | None  # the rarest plan-vocabulary term
    term: str | None  # the rarest domain term (the index dictionary's: 核电, 海上风电)
    broader: list[str]  # question terms inside it (风电 in 海上风电): a sentence with only these is off topic
    chunks: set[str]  # retrieved chunks that hold it
    rare_terms: tuple[str, ...] = ()  # its terms the plans use, but too rarely to be their vocabulary (PUE)


def other_years_only(question: QuestionFrame, years: set[int]) -> bool:
    """Is a sentence about years, none of them a year the question asks about?"""
    stated = question.targets_among(years)
    return bool(question.target_years and stated and not stated & question.target_years)


@lru_cache(maxsize=65536)  # the same sentence pieces are checked question after question
def states_figure(text: str, family: str | None) -> bool:
    """Does the text state a figure (not a year), of this unit family if one is given? A plan's
    200万千瓦 is no answer to "多少亿千瓦时"; its 14.5% none to "多少万吨标准煤"."""
    families = figure_families(text)
    return bool(families) and (family is None or family in families)


def most_specific(index: SentenceIndex, terms: list[str]) -> str | None:
    """The rarest term, the longest among equally rare ones (海上风电 over 海上)."""
    return max(terms, key=lambda t: (index.idf(t), len(t))) if terms else None


def word_share(terms: list[str], text: str) -> float:
    """The share of the question's wording the text holds: characters of its terms (of two or more, the longest
    only), whether the plans use them or not. 1.0 for a question without terms."""
    words = longest_only([term for term in terms if len(term) > 1])
    total = sum(len(word) for word in words)
    held = sum(len(word) for word in words if any(form in text for form in term_forms(word)))
    return held / total if total else 1.0
