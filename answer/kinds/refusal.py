"""Refusals: the plans do not state what is asked. Each says what they lack and cites the closest thing
they do say, marked related."""
from __future__ import annotations

from carbonqa.answer.candidate import Candidate
from carbonqa.answer.compose import CitationBook, attributed
from carbonqa.answer.kinds.base import Asked, Reply
from carbonqa.answer.policy import AnswerPolicy
from carbonqa.answer.slots import PIECE_SPLIT
from carbonqa.answer.text import clause_years
from carbonqa.ingest.vocabulary import EVERY_UNIT, NUMBER, PLACES_AS_SUBJECT, TARGET_WORDS


def refusal(policy: AnswerPolicy, message: str, reason: str, candidates: list[Candidate]) -> Reply:
    """Say what the plans lack; cite the closest thing they do say, marked related."""
    book = CitationBook()
    if nearest := closest(policy, candidates):
        message += f"\n以下是方案中最接近的内容，并非所问的答案：{attributed(book, [nearest], related=True)}"
    return Reply(message, book, reason)


def closest(policy: AnswerPolicy, candidates: list[Candidate]) -> Candidate | None:
    """Closest by topic, whatever year or figure it states: that is what the plans do say."""
    return min((c for c in candidates if policy.related(c)), key=lambda c: (-c.coverage, -c.score), default=None)


class NoPlan:
    """The question names only places that have no plan in the library."""

    def applies(self, asked: Asked) -> bool:
        return bool(asked.frame.regions.unknown) and not asked.frame.regions.regions

    def answer(self, asked: Asked) -> Reply:
        evidence = asked.evidence
        places = "、".join(asked.frame.regions.unknown)
        have = "、".join(evidence.corpus.regions.answer_order)
        return refusal(evidence.policy, f"现有语料只收录了{have}的碳达峰实施方案，没有{places}的方案。",
                       "no_plan_for_region", evidence.sentences.candidates(asked.frame, asked.hits))


class PlaceFigureNotStated:
    """A figure or target asked of a place without a plan of its own, for which no answering sentence of
    the plan containing it states one: that plan's figures and targets are its whole region's, not the
    place's, and a sentence naming the place among others (在广州、深圳等地开展试点) sets it none."""

    def applies(self, asked: Asked) -> bool:
        frame = asked.frame
        wants_target = frame.wants_figure or bool(TARGET_WORDS.search(frame.text))
        return wants_target and not frame.compared_regions and bool(self._unnamed(asked))

    def answer(self, asked: Asked) -> Reply:
        places = "、".join(self._unnamed(asked))
        return refusal(asked.evidence.policy, f"方案未给出{places}的数字或目标。", "no_plan_for_region", asked.candidates)

    @staticmethod
    def _unnamed(asked: Asked) -> list[str]:
        regions = asked.evidence.corpus.regions
        covering = asked.frame.regions.covering
        return [place for place, region in covering.items() if region in asked.frame.regions.regions
                and not any(states_for(regions.names_of([place]), c.flat, place[-1]) for c in asked.usable)]


def states_for(names: list[str], text: str, kind: str = "") -> bool:
    """Some piece of the text names the place, or every place of its `kind` (its suffix: 区 in "各区", 市 in
    "各县（市、区）"), and holds a figure or a target word; or the sentence opens with the places it is
    about (台山市、开平市和恩平市，要…): all it asks is asked of them."""
    def names_it(piece: str) -> bool:
        return any(name in piece for name in names) or bool(kind) and any(
            kind in every.group() for every in EVERY_UNIT.finditer(piece))
    pieces = PIECE_SPLIT.split(text)
    if len(pieces) > 1 and PLACES_AS_SUBJECT.fullmatch(pieces[0].strip()) and names_it(pieces[0]):
        return True
    return any(names_it(piece) and (NUMBER.search(piece) or TARGET_WORDS.search(piece)) for piece in pieces)


class YearNotStated:
    """The question names a year no retrieved clause mentions."""

    def applies(self, asked: Asked) -> bool:
        years = asked.frame.years
        return bool(years) and not any(years & clause_years(hit.chunk.text) for hit in asked.hits)

    def answer(self, asked: Asked) -> Reply:
        years = "、".join(str(year) for year in sorted(asked.frame.years))
        return refusal(asked.evidence.policy, f"方案未提及{years}年的相关内容。", "year_not_stated", asked.candidates)


class TopicNotInPlan:
    """The question names a thing in plan vocabulary the plans asked about never use (核电 in a plan without
    it), no retrieved sentence says what it asks in other words (充电桩 for the plan's 居民小区充电设施), and no
    usable sentence answers all the rest of it (Evidence.answered_without: 小区 of "小区垃圾分类" is a modifier).
    When the plan word it lacks names no thing (沿海 of "沿海游艇"), the things the question asks about that no
    plan names (游艇) are what it lacks, unless a usable sentence matches the question's words or stands out in
    meaning (挖掘机 for the plan's 新能源工程机械)."""

    def applies(self, asked: Asked) -> bool:
        evidence = asked.evidence
        if not self._missing(asked) or evidence.policy.said_in_other_words(asked.candidates):
            return False
        if asked.absent_topics:
            return not evidence.answered_without(asked.frame, asked.absent_topics, asked.usable)
        policy = evidence.policy
        return not any(policy.matches_words(asked.frame, c) or c.semantic >= policy.semantic_min_z
                       for c in asked.usable)

    def answer(self, asked: Asked) -> Reply:
        return refusal(asked.evidence.policy, f"方案未提及“{'”“'.join(self._missing(asked))}”。", "topic_not_in_plan",
                       asked.candidates)

    @staticmethod
    def _missing(asked: Asked) -> list[str]:
        if asked.absent_topics:
            return asked.absent_topics[:1]
        return asked.unused_topics if asked.absent_terms else []


class NotStated:
    """No sentence answers: the last kind, it always replies, naming the question's nouns no plan uses."""

    def applies(self, asked: Asked) -> bool:
        return True

    def answer(self, asked: Asked) -> Reply:
        message = "方案中没有找到能回答该问题的条款。"
        if asked.unused_topics:
            message += f"各方案均未出现“{'”“'.join(asked.unused_topics)}”一词。"
        return refusal(asked.evidence.policy, message, "no_supporting_clause", asked.candidates)
