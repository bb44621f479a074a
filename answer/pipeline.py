"""The answer stage: read the question, retrieve, let the answer kinds reply, return a cited Answer.

Extractive by default: every sentence of a reply is quoted verbatim from a retrieved clause. The kinds
(answer/kinds/) are tried in the order of KINDS; `decide` picks the reply (the first that comes). With
an LLM client the clauses go to the model, and its reply is kept only as far as it verifies.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence

from carbonqa.answer.compose import CitationBook, coverage_note, plans_note
from carbonqa.answer.emphasis import with_emphasis
from carbonqa.answer.followup import read_in_context
from carbonqa.answer.kinds.analysis import Analysis
from carbonqa.answer.kinds.base import AnswerStrategy, Asked, Decide, first_reply
from carbonqa.answer.kinds.comparison import Comparison
from carbonqa.answer.kinds.department import DepartmentNotStated, LeadingBody, ResponsibleForTask, TasksOfAgency
from carbonqa.answer.kinds.facets import FacetAnswer
from carbonqa.answer.kinds.indicator_table import IndicatorTable
from carbonqa.answer.kinds.notice import NoticeAnswer
from carbonqa.answer.kinds.refusal import NoPlan, NotStated, PlaceFigureNotStated, TopicNotInPlan, YearNotStated
from carbonqa.answer.kinds.section_text import SectionText
from carbonqa.answer.kinds.single import AttributeNotStated, FigureNotStated, SentenceAnswer
from carbonqa.answer.kinds.structure import Structure, StructureAcrossPlans
from carbonqa.answer.llm import LLMClient
from carbonqa.answer.llm_reply import Draft, LLMReplier
from carbonqa.answer.models import Answer, AnswerRequest, FilterConflict, Outcome
from carbonqa.answer.policy import AnswerPolicy
from carbonqa.answer.selection import Evidence
from carbonqa.answer.suggestions import FollowUps
from carbonqa.answer.text import sentence_pieces
from carbonqa.retriever.corpus import Corpus
from carbonqa.retriever.models import QuestionFrame, RegionSource
from carbonqa.retriever.search import Retriever

# Priority order: a question no plan covers, a figure of a place its covering plan does not state, then
# one about a notice, a computation across plans from their targets (before the comparisons: on the 87
# bank questions read as analytical, keys 84 here vs 80 after the indicator table and 54 without it), the
# tasks of a department named (its task-table rows), a comparison (plans' lists counted side by side, by
# facets, from the indicator table, by sentences), a plan's list or a section named by its heading, then a
# single plan's answer or the reason it has none (who is responsible: the task's row, the leading body, else
# not stated).
KINDS: tuple[AnswerStrategy, ...] = (
    NoPlan(), PlaceFigureNotStated(), NoticeAnswer(), Analysis(), TasksOfAgency(), StructureAcrossPlans(),
    Comparison(by_facets=True), IndicatorTable(), Comparison(), Structure(), SectionText(), YearNotStated(),
    FacetAnswer(), TopicNotInPlan(), SentenceAnswer(),
    AttributeNotStated(), FigureNotStated(), ResponsibleForTask(), LeadingBody(), DepartmentNotStated(), NotStated(),
)
# Called with every finished Answer (the service's metrics and request logs); process-wide, like the
# Prometheus metrics they feed.
ANSWER_LISTENERS: list[Callable[[Answer], None]] = []


class Answerer:
    def __init__(self, retriever: Retriever, corpus: Corpus, llm: LLMClient | None = None, top_k: int | None = None,
                 policy: AnswerPolicy | None = None, kinds: Sequence[AnswerStrategy] = KINDS,
                 decide: Decide = first_reply):
        """`retriever` searches `corpus`, which gives the tree, catalogs and indicators; every threshold
        comes from `policy`; `kinds` and `decide` choose the reply (answer/kinds/base.py)."""
        self.retriever = retriever
        self.corpus = corpus
        self.top_k = top_k or retriever.fusion.top_k  # for a request without top_k
        self.policy = policy or AnswerPolicy()
        self.evidence = Evidence(corpus, self.policy, retriever.meaning)
        self.kinds = list(kinds)
        self.decide = decide
        self.llm = LLMReplier(llm, self.policy) if llm is not None else None
        self.follow_ups = FollowUps(corpus.tree)

    def ask(self, request: AnswerRequest) -> Answer:
        """The whole answer at once: the Answer of `stream`'s final "done" event."""
        *_, done = self.stream(request)
        return Answer.model_validate(done["data"])

    def stream(self, request: AnswerRequest) -> Iterator[dict]:
        """Events: delta (text pieces), then citations, then done with the whole Answer.

        Joined, the deltas are the answer's text exactly. Extractive, they are its sentences. In LLM
        mode they are the model's sentences as each one completes and passes verification: no
        unverified text is ever sent.
        """
        started = time.perf_counter()
        draft = self.draft(request)
        answer = draft.answer
        if self.llm is not None and answer.outcome is Outcome.answered:
            llm_started = time.perf_counter()
            answer = yield from self.llm.stream(draft)
            answer.timings_ms["llm"] = _ms(llm_started)
        else:
            for piece in sentence_pieces(answer.answer):
                yield {"event": "delta", "data": {"text": piece}}
        answer.timings_ms["total"] = _ms(started)
        for listener in ANSWER_LISTENERS:
            listener(answer)
        yield {"event": "citations", "data": {"citations": [c.model_dump() for c in answer.citations]}}
        yield {"event": "done", "data": answer.model_dump(mode="json")}

    def draft(self, request: AnswerRequest) -> Draft:
        """The extractive answer, and the search it was built from."""
        question = request.question.strip()
        frame, understood = self._read(question, request)
        k = request.top_k or self.top_k
        if frame.compared_regions:  # each plan needs its own evidence
            k = max(k, self.policy.per_region_hits * len(frame.compared_regions))
        started = time.perf_counter()
        result = self.retriever.search(understood, top_k=k, mode=request.mode, fusion=request.fusion, frame=frame)
        frame = result.frame  # with the intent the question's vector means
        timings = {"retrieve": _ms(started)}
        started = time.perf_counter()
        reply = self.decide(Asked(frame, result, self.evidence), self.kinds)
        notes = self._plans_notes(frame, reply.book)
        timings["answer"] = _ms(started)
        answer = Answer(
            question=question, understood_as=understood, regions=result.regions.regions,
            documents=result.regions.documents, answer="\n".join([*self._coverage_notes(frame), reply.text, *notes]),
            citations=with_emphasis(reply.book.citations, frame), outcome=reply.outcome, unstated=reply.unstated,
            skipped=reply.skipped,
            refused=reply.outcome is Outcome.not_stated, refusal_reason=reply.refusal_reason,
            filter_conflict=_filter_conflict(frame) if frame.regions.source == RegionSource.filter else None,
            retrieved=result.hits, timings_ms=timings, analysis=reply.analysis,
        )
        answer.follow_ups = self.follow_ups.run(answer)
        return Draft(answer=answer, result=result)

    def _read(self, question: str, request: AnswerRequest) -> tuple[QuestionFrame, str]:
        """The question's frame, resolved against the earlier turns, and the question as understood."""
        filters = (request.regions, request.use_region_detection, request.documents)
        return read_in_context(question, request.history, lambda text: self.retriever.read(text, *filters),
                               self.corpus.regions, read_turn=self.retriever.read, concluded=self._concluded)

    def _concluded(self, frame: QuestionFrame) -> list[str]:
        """The plans an analytical question concludes with: the ends of a comparable superlative."""
        result = self.evidence.analysis.run(frame.analysis, frame.text) if frame.analysis else None
        return result.winners if result and result.comparable else []

    def _coverage_notes(self, frame: QuestionFrame) -> list[str]:
        """A line per place without a plan of its own that the reply answers from the plan containing it."""
        searched = frame.regions.regions
        return [coverage_note(place, self.corpus.plans.of_region(region))
                for place, region in frame.regions.covering.items() if region in searched]

    def _plans_notes(self, frame: QuestionFrame, book: CitationBook) -> list[str]:
        """A note per region with several plans when the question picks none: every plan of the region
        is searched (a revision changes only part of its plan, a sector plan adds to the overall one),
        so the reply names them and the ones it quotes."""
        if frame.regions.documents:
            return []
        tree, plans = self.corpus.tree, self.corpus.plans
        quoted = {tree[citation.chunk_id].doc_id for citation in book.citations}
        regions = frame.regions.regions or [r for r in self.corpus.regions.regions
                                            if any(c.region == r for c in book.citations)]
        return [plans_note(region, plans.of_region(region), quoted) for region in plans.regions_with_several(regions)]


def _filter_conflict(frame: QuestionFrame) -> FilterConflict | None:
    """The places the question names that the explicit region filter leaves out, if any."""
    outside = [place for place in frame.places_named if place not in frame.regions.regions]
    if not outside:
        return None
    return FilterConflict(selected=frame.regions.regions, named=frame.places_named, outside=outside)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
