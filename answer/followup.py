"""Multi-turn questions without an LLM: "那佛山呢？" or "2030年呢？" after a full question.

A follow-up that names only regions and/or years takes the previous question with those swapped in;
one that points back ("那交通领域呢？") but names no region takes the previous regions and years.
A follow-up that compares the previous question's plan with another without naming what ("那跟佛山比谁定得高",
"跟江门差几个点") asks it of both: the previous question without its asking words, then the comparison (of
the plans it names alone when it names two: "那云浮比珠海高多少"). After an analytical question naming no plan
("哪个市最高"), such a follow-up asks about the plans it names, or points at the conclusion ("它比省里高多少").
A follow-up that asks only for another position ("第二个呢", "第三条具体讲什么") after a question on a
plan's parts asks it of the same list. The cues come from the questions' frames (retriever/frame.py); here
the previous question is rewritten as it was asked, its years spelled out (25年 -> 2025年). Earlier turns
are resolved in order first, so a chain of follow-ups keeps its topic.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from carbonqa.ingest.time_expressions import spelled_out, without_times
from carbonqa.ingest.vocabulary import ASKING_TAIL, LEADING_POINTER, PREVIOUS_ANSWER, YEAR_MENTION
from carbonqa.retriever.models import QuestionFrame
from carbonqa.retriever.regions import RegionCatalog

# Two mentions joined by a connector form one run, replaced as a whole ("珠海和佛山" -> "江门市").
SLOT = "\0"
SLOT_RUN = re.compile(f"{SLOT}(?:[和与及、，,]*{SLOT})*")


# The plans an earlier analytical question concluded with ("哪个市最高" -> its highest), for "它比省里高多少".
Concluded = Callable[[QuestionFrame], list[str]]


def resolve_history(history: Sequence[str], read: Callable[[str], QuestionFrame],
                    catalog: RegionCatalog, concluded: Concluded | None = None) -> QuestionFrame | None:
    """The frame of the last earlier question, each resolved against the one before (oldest first;
    blank turns skipped); None without history."""
    previous = None
    for turn in history:
        if turn.strip():
            frame = read(turn)
            resolved = resolve_followup(frame, previous, catalog, concluded)
            previous = frame if resolved is None else read(resolved)
    return previous


def read_in_context(question: str, history: Sequence[str], read: Callable[[str], QuestionFrame],
                    catalog: RegionCatalog, read_turn: Callable[[str], QuestionFrame] | None = None,
                    concluded: Concluded | None = None) -> tuple[QuestionFrame, str]:
    """The question's frame resolved against the earlier turns (each read by `read_turn`, by default `read`),
    and the question as understood: the rewritten follow-up, or the question itself. `concluded` gives an
    earlier analytical question's conclusion, which a follow-up may point at ("它")."""
    previous = resolve_history(history, read_turn or read, catalog, concluded)
    frame = read(question)
    understood = resolve_followup(frame, previous, catalog, concluded)
    return (frame, question) if understood is None else (read(understood), understood)


def resolve_followup(frame: QuestionFrame, previous: QuestionFrame | None, catalog: RegionCatalog,
                     concluded: Concluded | None = None) -> str | None:
    """The question of `frame` as a standalone question, after the (resolved) `previous` one; None
    when it stands alone as asked."""
    if previous is None:
        return None
    if frame.compares_unnamed and previous.analysis is not None and not previous.places_named:
        return _after_analysis(frame, previous, catalog, concluded)
    places, years = frame.places_named, frame.years_mentioned
    if (places or years) and frame.only_place_or_year:
        text = spelled_out(previous.asked)  # "那30年呢" after "25年…" swaps 2025年 for 2030年
        if places:
            text = _swap(text, catalog.names_of(previous.places_named), "、".join(places))
        if years:
            text = _swap_years(text, "、".join(years))
        return text
    if places and frame.compares_unnamed and previous.places_named and not set(places) & set(previous.places_named):
        topic = ASKING_TAIL.sub("", spelled_out(previous.asked)).rstrip("，,。？? ")
        if len(places) > 1:  # "那云浮比珠海高多少": the plans compared are these, not the previous one
            topic = _swap(topic, catalog.names_of(previous.places_named), "")
        return f"{topic}，{LEADING_POINTER.sub('', frame.asked)}"
    if frame.ordinal and previous.wants_structure and not (places or years or frame.terms):
        return _another_position(frame, previous)
    before = previous.places_named
    if not places and before and frame.points_back:
        context = "、".join(before) + ("" if years else "".join(previous.years_mentioned))
        return context + LEADING_POINTER.sub("", spelled_out(frame.asked))
    return None


def _after_analysis(frame: QuestionFrame, previous: QuestionFrame, catalog: RegionCatalog,
                    concluded: Concluded | None) -> str | None:
    """A comparison without its indicator after an analytical question across plans ("2025年星级绿色建筑占比
    哪个市最高？"): asked of that indicator, for the plans it names ("那佛山比省级基准高多少") or else for the
    earlier conclusion ("它比省里高多少", "比全省高几个点" -> 珠海市比…); None when there is no conclusion to point at."""
    asked = LEADING_POINTER.sub("", frame.asked)
    named = ""
    if not set(frame.places_named) - set(catalog.provinces):  # the province alone is what it is measured against
        winners = concluded(previous) if concluded else []
        if not winners:
            return None
        asked, named = PREVIOUS_ANSWER.sub("", asked), "、".join(winners)
    topic = ASKING_TAIL.sub("", spelled_out(previous.asked)).rstrip("，,。？? ")
    return f"{topic}，{named}{asked}"


def _another_position(frame: QuestionFrame, previous: QuestionFrame) -> str:
    """"第二个呢" / "那第十个是啥" after a question on a plan's parts: that question with this position in place
    of its own ("十五大行动第一个是什么" -> "……第二个是什么"), or asked after it ("保障措施有哪些，第三条讲什么")."""
    asked = LEADING_POINTER.sub("", frame.asked)
    if previous.ordinal_words and previous.ordinal_words in previous.asked:
        return previous.asked.replace(previous.ordinal_words, frame.ordinal_words or "", 1)
    return f"{previous.asked.rstrip('？?。！! ')}，{asked}"


def _swap(text: str, aliases: list[str], replacement: str) -> str:
    """Replace the first run of alias mentions with `replacement` (drop the rest); prefix if none."""
    marked = text
    for alias in aliases:  # longest first, so 珠海市 is taken before 珠海
        marked = marked.replace(alias, SLOT)
    if SLOT not in marked:
        return replacement + text
    return SLOT_RUN.sub(replacement, marked, count=1).replace(SLOT, "")


def _swap_years(text: str, replacement: str) -> str:
    marked = YEAR_MENTION.sub(SLOT, without_times(text, SLOT))
    return _swap(marked, [], replacement) if SLOT in marked else replacement + text
