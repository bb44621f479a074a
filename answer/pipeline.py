"""The answer stage: retrieve, pick the sentences that answer, compose a cited reply or refuse.

Extractive by default: every sentence of a reply is quoted verbatim from a retrieved clause. With an
LLM client the numbered clauses go to the model, and its reply is kept only as far as it verifies.
"""
from __future__ import annotations

import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field

import numpy as np

from carbonqa.answer.compose import CitationBook, attributed, comparison_line, plans_note, structure_list
from carbonqa.answer.candidate import Candidate
from carbonqa.answer.evidence import SentenceIndex, most_specific
from carbonqa.answer.grounding import Clause, build_messages, complete_part, numbered_clauses, verify
from carbonqa.answer.indicator_table import indicator_comparison
from carbonqa.answer.followup import resolve_followup, resolve_history
from carbonqa.answer.llm import LLMClient, LLMError
from carbonqa.answer.models import Answer, FilterConflict, Outcome
from carbonqa.answer.notice import notice_line, read_notice
from carbonqa.answer.policy import AnswerPolicy
from carbonqa.answer.structure import Outline
from carbonqa.answer.suggestions import FollowUps
from carbonqa.answer.text import clause_years, first_sentence, sentence_pieces, strip_end
from carbonqa.ingest.text import squash
from carbonqa.ingest.vocabulary import term_forms
from carbonqa.retriever.corpus import Corpus
from carbonqa.retriever.models import Facet, Fusion, QuestionFrame, RegionSource, SearchHit, SearchMode, SearchResult
from carbonqa.retriever.search import Retriever
from carbonqa.retriever.validation import non_empty

TOO_MANY_FACETS = "问题包含的方面较多，以下未作回答，请分开提问："


@dataclass
class Reply:
    text: str
    book: CitationBook
    refusal_reason: str | None = None  # set: the plans do not state it
    unstated: list[str] = field(default_factory=list)  # parts of the question the plans do not state
    skipped: list[str] = field(default_factory=list)  # parts of an over-long question not answered

    @property
    def outcome(self) -> Outcome:
        if self.refusal_reason is not None:
            return Outcome.not_stated
        return Outcome.partial if self.unstated or self.skipped else Outcome.answered


@dataclass
class Facets:
    facets: list[Facet]  # at most policy.max_facets
    skipped: list[str]  # labels of the facets beyond them


@dataclass
class Draft:
    """The extractive answer and what it was built from (the LLM mode's starting point)."""

    answer: Answer
    result: SearchResult


class Answerer:
    def __init__(self, retriever: Retriever, corpus: Corpus, llm: LLMClient | None = None, top_k: int | None = None,
                 policy: AnswerPolicy | None = None):
        """`retriever` searches; `corpus` (the one the retriever searches) gives the tree, catalogs and
        indicators; every threshold comes from `policy` (answer/policy.py)."""
        self.retriever = retriever
        self.corpus = corpus
        self.llm = llm
        self.top_k = top_k or retriever.fusion.top_k  # used when ask/stream get top_k=None
        self.policy = policy or AnswerPolicy()
        self.region_order = corpus.regions.answer_order  # province first: the order of comparison lines
        self.sentences = SentenceIndex(corpus.tree.chunks, corpus.tokenizer.user_terms, self.policy,
                                       corpus.sentences, corpus.tokenizer.segment)
        self.outline = Outline(corpus.tree, self.policy)
        self.follow_ups = FollowUps(corpus.tree)

    # ---- public API -------------------------------------------------------------------------

    def ask(self, question: str, regions: list[str] | None = None, top_k: int | None = None,
            mode: SearchMode = SearchMode.hybrid, fusion: Fusion | None = None,
            use_region_detection: bool = True, history: list[str] | None = None,
            documents: list[str] | None = None) -> Answer:
        """The whole answer at once: the Answer of `stream`'s final "done" event."""
        *_, done = self.stream(question, regions, top_k, mode, fusion, use_region_detection, history, documents)
        return Answer.model_validate(done["data"])

    def stream(self, question: str, regions: list[str] | None = None, top_k: int | None = None,
               mode: SearchMode = SearchMode.hybrid, fusion: Fusion | None = None,
               use_region_detection: bool = True,
               history: list[str] | None = None, documents: list[str] | None = None) -> Iterator[dict]:
        """Events: delta (text pieces), then citations, then done with the whole Answer.

        Joined, the deltas are the answer's text exactly. Extractive, they are its sentences. In LLM
        mode they are the model's sentences as each one completes and passes verification: no
        unverified text is ever sent.
        """
        started = time.perf_counter()
        draft = self._draft(question, regions, top_k, mode, fusion, use_region_detection, history, documents)
        answer = draft.answer
        if self.llm is not None and answer.outcome is Outcome.answered:
            llm_started = time.perf_counter()
            answer = yield from self._llm_stream(draft)
            answer.timings_ms["llm"] = _ms(llm_started)
        else:
            for piece in sentence_pieces(answer.answer):
                yield {"event": "delta", "data": {"text": piece}}
        answer.timings_ms["total"] = _ms(started)
        yield {"event": "citations", "data": {"citations": [c.model_dump() for c in answer.citations]}}
        yield {"event": "done", "data": answer.model_dump(mode="json")}

    # ---- the extractive answer --------------------------------------------------------------

    def _draft(self, question: str, regions: list[str] | None, top_k: int | None, mode: SearchMode,
               fusion: Fusion | None, use_region_detection: bool,
               history: list[str] | None, documents: list[str] | None) -> Draft:
        question = non_empty(question)
        info, understood = self._read(question, history, regions, use_region_detection, documents)
        k = top_k or self.top_k
        compared = info.compared_regions
        if compared:
            k = max(k, self.policy.per_region_hits * len(compared))
        started = time.perf_counter()
        result = self.retriever.search(understood, top_k=k, mode=mode, fusion=fusion, frame=info)
        timings = {"retrieve": _ms(started)}

        started = time.perf_counter()
        if result.regions.unknown and not result.regions.regions:
            reply = self._no_plan(info, result.hits)
        elif info.notice:
            reply = self._notice(info)
        elif compared:
            split = self._facets(info)
            if len(split.facets) >= 2:  # "珠海、江门的A和B分别是多少": a line per plan, each facet in it
                reply = self._comparison(info, result.hits, compared, split)
            else:
                reply = self._indicator_table(info) or self._comparison(info, result.hits, compared)
        else:
            reply = self._structure(info, result.hits) or self._single(info, result.hits, result.query_vector)
        notes = self._plans_notes(info, reply.book)
        timings["answer"] = _ms(started)

        answer = Answer(
            question=question,
            understood_as=understood,
            regions=result.regions.regions,
            documents=result.regions.documents,
            answer="\n".join([reply.text, *notes]),
            citations=reply.book.citations,
            outcome=reply.outcome,
            unstated=reply.unstated,
            skipped=reply.skipped,
            refused=reply.outcome is Outcome.not_stated,
            refusal_reason=reply.refusal_reason,
            filter_conflict=self._filter_conflict(info) if info.regions.source == RegionSource.filter else None,
            retrieved=result.hits,
            timings_ms=timings,
        )
        answer.follow_ups = self.follow_ups.run(answer)
        return Draft(answer=answer, result=result)

    def _read(self, question: str, history: list[str] | None, regions: list[str] | None,
              use_region_detection: bool, documents: list[str] | None) -> tuple[QuestionFrame, str]:
        """The question's frame, resolved against the earlier turns, and the question as understood."""
        previous = resolve_history(history or [], self.retriever.read, self.corpus.regions)
        frame = self.retriever.read(question, regions, use_region_detection, documents)
        understood = resolve_followup(frame, previous, self.corpus.regions)
        if understood is None:
            return frame, question
        return self.retriever.read(understood, regions, use_region_detection, documents), understood

    def _plans_notes(self, info: QuestionFrame, book: CitationBook) -> list[str]:
        """A note per region with several plans when the question picks none: every plan of the region
        is searched (a revision changes only part of its plan, a sector plan adds to the overall one),
        so the reply names them and the ones it quotes."""
        if info.regions.documents:
            return []
        quoted = {self.corpus.tree[citation.chunk_id].doc_id for citation in book.citations}
        regions = info.regions.regions or [r for r in self.corpus.regions.regions
                                           if any(c.region == r for c in book.citations)]
        plans = self.corpus.plans
        return [plans_note(region, plans.of_region(region), quoted) for region in plans.regions_with_several(regions)]

    def _filter_conflict(self, info: QuestionFrame) -> FilterConflict | None:
        """The places the question names that the explicit region filter leaves out, if any."""
        outside = [place for place in info.places_named if place not in info.regions.regions]
        if not outside:
            return None
        return FilterConflict(selected=info.regions.regions, named=info.places_named, outside=outside)

    def _indicator_table(self, info: QuestionFrame) -> Reply | None:
        """A comparison about one extracted indicator: a line per plan from the target records."""
        found = indicator_comparison(info.text, info.target_years, info.compared_regions,
                                     self.corpus.indicators, self.corpus.tree)
        if found is None:
            return None
        text, book, silent = found
        return Reply(text, book, unstated=silent)

    def _single(self, info: QuestionFrame, hits: list[SearchHit], query_vector: np.ndarray | None = None) -> Reply:
        """One plan named, or none (then the best plan(s) answer and are named). With the question's
        vector, a sentence that stands out in meaning can answer a paraphrase."""
        candidates = self.sentences.candidates(info, hits, query_vector)
        if info.years and not any(info.years & clause_years(h.chunk.text) for h in hits):
            years = "、".join(str(y) for y in sorted(info.years))
            return self._refusal(f"方案未提及{years}年的相关内容。", "year_not_stated", candidates)
        split = self._facets(info)
        if len(split.facets) >= 2:
            reply = self._facet_reply(info, hits, split)
            if reply is not None:
                return reply
        absent = self._absent_terms(info, info.regions.regions)
        if absent:
            return self._refusal(f"方案未提及“{absent[0]}”。", "topic_not_in_plan", candidates)
        usable = [c for c in candidates if self.policy.answers(info, c)]
        if not usable:
            if self.policy.figure_missing(info, candidates):
                return self._refusal(f"方案提到了相关内容，但没有给出所问的{asked_figure(info)}。", "figure_not_stated",
                                     candidates)
            if info.wants_agency:
                return self._refusal("方案未写明负责的部门或单位。", "no_supporting_clause", candidates)
            return self._refusal("方案中没有找到能回答该问题的条款。", "no_supporting_clause", candidates)
        if not any(self.policy.matches_words(info, c) for c in usable):
            usable.sort(key=lambda c: -c.semantic)  # a paraphrase: the sentence closest in meaning first
        book = CitationBook()
        return Reply(attributed(book, self._pick(info, usable, self.policy.max_sentences, self.policy.max_clauses)), book)

    def _facets(self, info: QuestionFrame) -> Facets:
        most = self.policy.max_facets
        return Facets(info.facets[:most], [facet.label for facet in info.facets[most:]])

    def _facet_reply(self, info: QuestionFrame, hits: list[SearchHit], split: Facets) -> Reply | None:
        """One answer per facet, each cited; the facets the plans do not state are named. None if no
        facet is answered (the question is then refused as a whole)."""
        picked, notes, unstated = self._answer_facets(hits, split)
        if not picked:
            return None
        book = CitationBook()
        lines = [attributed(book, picked), *notes]
        if split.skipped:
            lines.append(f"{TOO_MANY_FACETS}{'、'.join(split.skipped)}。")
        return Reply("\n".join(lines), book, unstated=unstated, skipped=split.skipped)

    def _answer_facets(self, hits: list[SearchHit], split: Facets,
                       region: str | None = None) -> tuple[list[Candidate], list[str], list[str]]:
        """The sentences answering the facets from these hits (of one plan region, in a comparison),
        a note for each facet they do not state, and those facets' labels."""
        picked: list[Candidate] = []
        notes, unstated = [], []
        for facet in split.facets:
            sub = facet.frame.for_region(region) if region else facet.frame
            found = self._facet_answer(sub, facet, hits)
            if found:
                picked += [c for c in found if all(c.flat != p.flat for p in picked)]
            else:
                unstated.append(facet.label)
                notes.append(self._not_stated_note(sub, facet))
        return picked, notes, unstated

    def _facet_answer(self, sub: QuestionFrame, facet: Facet, hits: list[SearchHit]) -> list[Candidate]:
        """The sentence answering one facet: it answers the facet's sub-question and states the
        facet's own words (in the piece giving the figure, for a figure question)."""
        keys = self.sentences.known_terms(facet.key)
        key = most_specific(self.sentences, keys)
        if key and key in self._absent_terms(sub, sub.regions.regions):
            return []
        # The rarest word where the figure is, and every other word of the facet's own in the sentence:
        # "光伏装机" is not answered by "新型储能装机容量".
        usable = [c for c in self.sentences.candidates(sub, hits) if self.policy.answers(sub, c)
                  and (key is None or self.sentences.states(key, c, sub.wants_figure, sub.unit_family))
                  and all(self.sentences.states(k, c) for k in keys)]
        return self._pick(sub, usable, 1, 1) if usable else []

    def _not_stated_note(self, sub: QuestionFrame, facet: Facet) -> str:
        key = most_specific(self.sentences, self.sentences.known_terms(facet.key))
        label = facet.label if facet.year else f"“{facet.label}”"
        if key and key in self._absent_terms(sub, sub.regions.regions):
            return f"方案未提及{label}。"
        if sub.wants_figure:
            return f"方案未给出{label}的{asked_figure(sub, with_years=not facet.year)}。"
        return f"方案未提及{label}的相关内容。"

    def _absent_terms(self, info: QuestionFrame, regions: list[str]) -> list[str]:
        """Plan vocabulary the question uses that these plans never do (longest first): other plans
        speak of 核电, this one does not, so it has nothing to say about it."""
        if not regions:
            return []
        plan_texts = self.corpus.regions.plan_texts  # squashed, like the terms
        absent = [t for t in self.sentences.plan_words(info.terms)
                  if not any(form in plan_texts[r] for r in regions for form in term_forms(t))]
        return sorted(absent, key=len, reverse=True)

    def _pick(self, info: QuestionFrame, candidates: list[Candidate], max_sentences: int,
              max_clauses: int) -> list[Candidate]:
        """The best sentence, then those scoring nearly as well; a further clause is cited only if
        its sentence adds a question term or an asked year the picked ones lack, or, for an overview
        question ("……方面有什么安排"), if it is as much on topic as the best one."""
        best = candidates[0]
        picked = [best]
        topic = most_specific(self.sentences, self.sentences.known_terms(info.terms))
        for candidate in candidates[1:]:
            if len(picked) == max_sentences or not self.policy.close_enough(info, best, candidate):
                break
            clauses = {p.chunk.id for p in picked}
            if candidate.chunk.id not in clauses:
                # A clause about the topic names it at least twice, one that lists it in passing once.
                about = squash("".join(candidate.chunk.path) + candidate.chunk.text).count(topic or "\0") >= 2
                on_topic = info.wants_overview and about and candidate.coverage >= best.coverage
                if len(clauses) == max_clauses or not (on_topic or self._adds(info, picked, candidate)):
                    continue
            if any(candidate.flat in p.flat or p.flat in candidate.flat for p in picked):
                continue
            picked.append(candidate)
        return picked

    def _adds(self, info: QuestionFrame, picked: list[Candidate], candidate: Candidate) -> bool:
        have = "".join(p.flat + squash("".join(p.chunk.path)) for p in picked)
        years = set().union(*(p.years for p in picked))
        new_terms = [t for t in self.sentences.known_terms(info.terms) if t in candidate.flat and t not in have]
        return bool(new_terms) or bool((candidate.years & info.years) - years)

    def _comparison(self, info: QuestionFrame, hits: list[SearchHit], regions: list[str],
                    split: Facets | None = None) -> Reply:
        """A line per plan; with facets, each plan's line answers every facet or says which it does not state."""
        book = CitationBook()
        lines = []
        silent = []
        for region in regions:
            region_hits = [h for h in hits if h.chunk.region == region]
            notes: list[str] = []
            if split is not None:
                picked, notes, unstated = self._answer_facets(region_hits, split, region)
                silent += [f"{region}：{label}" for label in unstated] if picked else []
            else:
                candidates = self.sentences.candidates(info, region_hits)
                usable = [] if self._absent_terms(info, [region]) else \
                    [c for c in candidates if self.policy.answers(info, c)]
                picked = self._pick(info, usable, self.policy.max_per_region, 1) if usable else []
            name_plans = len(self.corpus.plans.of_region(region)) > 1
            lines.append(comparison_line(book, region, picked, name_plans=name_plans) + "".join(notes if picked else []))
            if not picked:
                silent.append(region)
        if not book.citations:
            return self._refusal("各方案均未找到能回答该问题的条款。", "no_supporting_clause",
                                 self.sentences.candidates(info, hits))
        for place in info.regions.unknown:
            lines.append(f"{place}：现有语料未收录该地的碳达峰实施方案。")
        skipped = split.skipped if split is not None else []
        if skipped:
            lines.append(f"{TOO_MANY_FACETS}{'、'.join(skipped)}。")
        return Reply("\n".join(lines), book, unstated=silent + info.regions.unknown, skipped=skipped)

    def _structure(self, info: QuestionFrame, hits: list[SearchHit]) -> Reply | None:
        """A question enumerating a plan's parts: list the items of the best-matching section."""
        section = self.outline.best_section(info, hits, self.sentences) if info.wants_structure else None
        if section is None:
            return None
        items = self.outline.list_items(section)
        picked = asked_items(info)
        if picked is not None and not items[picked]:
            heading = strip_end(first_sentence(section.text))
            return self._refusal(f"“{heading}”只有{len(items)}项。", "no_supporting_clause", [])
        count = self.outline.count_sentence(section, len(items)) if info.wants_count else None
        book = CitationBook()
        text = structure_list(book, section, items, self.outline.tree.whole_text(section.id), picked, count)
        return Reply(text, book)

    def _notice(self, info: QuestionFrame) -> Reply:
        """The 文号, 印发日期 or 印发机关 asked, for each plan asked about (every plan when the question names
        none), quoted from the plans' notices; what a notice does not state is said to be unstated."""
        plans = self.corpus.plans
        regions = [region for region in self.region_order if region in (info.regions.regions or plans.regions)]
        doc_ids = info.regions.documents or [plan.doc_id for region in regions for plan in plans.of_region(region)]
        book = CitationBook()
        lines, unstated = [], []
        for doc_id in doc_ids:
            chunks = [chunk for chunk in self.corpus.tree if chunk.doc_id == doc_id]
            line, missing = notice_line(book, plans.by_id[doc_id].title, read_notice(chunks), info.notice)
            lines.append(line)
            unstated += [label for label in missing if label not in unstated]
        if not book.citations:
            return Reply("\n".join(lines), book, "no_supporting_clause")
        return Reply("\n".join(lines), book, unstated=unstated)

    def _no_plan(self, info: QuestionFrame, hits: list[SearchHit]) -> Reply:
        places = "、".join(info.regions.unknown)
        have = "、".join(self.region_order)
        return self._refusal(f"现有语料只收录了{have}的碳达峰实施方案，没有{places}的方案。",
                             "no_plan_for_region", self.sentences.candidates(info, hits))

    def _refusal(self, message: str, reason: str, candidates: list[Candidate]) -> Reply:
        """Say what the plans lack; cite the closest thing they do say, marked related."""
        book = CitationBook()
        # Closest by topic, whatever year or figure it states: that is what the plans do say.
        closest = sorted((c for c in candidates if self.policy.related(c)),
                         key=lambda c: (-c.coverage, -c.score))[:1]
        if closest:
            message += f"\n以下是方案中最接近的内容，并非所问的答案：{attributed(book, closest, related=True)}"
        return Reply(message, book, reason)

    # ---- LLM mode ---------------------------------------------------------------------------

    def _llm_prompt(self, draft: Draft) -> tuple[list[dict[str, str]], list[Clause]]:
        """The clauses the extractive answer cites first, then the other retrieved ones."""
        retrieved = {hit.chunk.id: hit.chunk for hit in draft.result.hits}
        ids = [c.chunk_id for c in draft.answer.citations] + list(retrieved)
        chunks = [retrieved[i] for i in dict.fromkeys(ids) if i in retrieved][:self.policy.llm_clauses]
        clauses = numbered_clauses(chunks, self.policy.llm_clause_chars)
        return build_messages(draft.answer.understood_as, clauses), clauses

    def _llm_stream(self, draft: Draft) -> Generator[dict, None, Answer]:
        """Delta events of the model's verified sentences as they complete; returns the Answer. If the
        reply fails (error, timeout) after some sentences were shown, those stand; if nothing verified
        was shown, the extractive answer replaces it."""
        messages, clauses = self._llm_prompt(draft)
        reply, shown, failure = "", "", None
        try:
            for piece in self.llm.stream(messages):
                reply += piece
                verified = verify(complete_part(reply), clauses, self.policy.llm_min_support).text
                if len(verified) > len(shown):
                    yield {"event": "delta", "data": {"text": verified[len(shown):]}}
                    shown = verified
        except LLMError as error:
            failure = str(error)
            reply = complete_part(reply)
        answer = self._checked(draft, reply, clauses, failure)
        # What was shown is a prefix of the answer: verification keeps the same sentences of a prefix.
        rest = answer.answer[len(shown):]
        for text in [rest] if shown else sentence_pieces(rest):
            if text:
                yield {"event": "delta", "data": {"text": text}}
        return answer

    def _checked(self, draft: Draft, reply: str, clauses: list[Clause], failure: str | None = None) -> Answer:
        verified = verify(reply, clauses, self.policy.llm_min_support)
        if not verified.citations:
            reason = failure or (verified.removed[0] if verified.removed else "empty reply")
            return self._fallback(draft, reason if failure else f"LLM reply failed verification ({reason})")
        answer = draft.answer.model_copy(deep=True)
        answer.answer = verified.text
        answer.citations = verified.citations
        answer.mode = "llm"
        notes = [f"reply cut short ({failure}); kept its verified sentences"] if failure else []
        if verified.removed:
            notes.append(f"removed {len(verified.removed)} unverified sentence(s): " + "; ".join(verified.removed))
        answer.mode_note = "; ".join(notes) or None
        return answer

    def _fallback(self, draft: Draft, why: str) -> Answer:
        answer = draft.answer.model_copy(deep=True)
        answer.mode = "llm_fallback"
        answer.mode_note = f"{why}; showing the extractive answer"
        return answer


def asked_items(info: QuestionFrame) -> slice | None:
    """The list items asked for: 第3项 [2:3], 最后一项 [-1:], 前3项 [:3]; None for all."""
    if info.first_items:
        return slice(0, info.first_items)
    if info.ordinal == -1:
        return slice(-1, None)
    if info.ordinal:
        return slice(info.ordinal - 1, info.ordinal)
    return None


def asked_figure(info: QuestionFrame, with_years: bool = True) -> str:
    """The figure asked, in words: "2025年比2015年的具体数值", "以“亿千瓦时”计的具体数值"."""
    years = "、".join(f"{y}年" for y in sorted(info.target_years)) if with_years else ""
    base = f"比{info.base_year}年的" if info.base_year else ""
    unit = f"以“{info.unit}”计的" if info.unit and info.unit_family != "share" else ""
    kind = "百分比" if info.unit_family == "share" else "具体数值"
    return f"{years}{base}{unit}{kind}"


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
