"""Multi-turn questions without an LLM: "那佛山呢？" or "2030年呢？" after a full question.

A follow-up that names only regions and/or years takes the previous question with those swapped in;
one that points back ("那交通领域呢？") but names no region takes the previous regions and years.
Earlier turns are resolved in order first, so a chain of follow-ups keeps its topic.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from carbonqa.ingest.time_expressions import read_times, spelled_out, without_times
from carbonqa.ingest.vocabulary import YEAR_MENTION as YEAR
from carbonqa.retriever.regions import RegionCatalog

# Words that, at the start or end, mark a question as continuing the previous one.
POINTS_BACK = re.compile(r"^(?:那么|那|还有|另外|此外|同样|换成|如果是)|呢\W*$")
# What may stand around the region/year in a pure substitution follow-up ("那2030年的呢？").
FILLER = re.compile(r"那么|那|到|至|还有|另外|此外|同样|换成|如果是|的话|的情况|情况|怎么样|如何|分别|呢|吗|的|又|和|与|跟|及|以及|\W")
LEADING_POINTER = re.compile(r"^(?:那么|那|还有|另外|此外|同样)\s*")
# Two mentions joined by a connector form one run, replaced as a whole ("珠海和佛山" -> "江门市").
SLOT = "\0"
SLOT_RUN = re.compile(f"{SLOT}(?:[和与及、，,]*{SLOT})*")


def resolve_followup(question: str, history: Sequence[str], catalog: RegionCatalog) -> str:
    """`question` as a standalone question, resolved against the earlier ones in `history` (oldest first)."""
    previous: str | None = None
    for earlier in history:
        previous = _resolve(spelled_out(earlier), previous, catalog)
    return _resolve(spelled_out(question), previous, catalog)  # "那30年呢" swaps in 2030年


def _resolve(question: str, previous: str | None, catalog: RegionCatalog) -> str:
    question = question.strip()
    if not previous:
        return question
    places = _places(question, catalog)
    named = read_times(question).years | {int(_year(mention)[:4]) for mention in YEAR.findall(question)}
    years = [f"{year}年" for year in sorted(named)]  # 2030年, 那2030呢, 十五五末 (-> 2030年)
    if (places or years) and not _topic_left(question, catalog.names_of(places)):
        text = previous
        if places:
            text = _swap(text, catalog.names_of(_places(previous, catalog)), "、".join(places))
        if years:
            text = _swap_years(text, "、".join(years))
        return text
    before = _places(previous, catalog)
    if not places and before and POINTS_BACK.search(question):
        context = "、".join(before) + ("" if years else "".join(map(_year, YEAR.findall(previous))))
        return context + LEADING_POINTER.sub("", question)
    return question


def _places(text: str, catalog: RegionCatalog) -> list[str]:
    """Plan regions named (canonical names), then places that have no plan (as written)."""
    found = catalog.detect(text)
    return found.regions + found.unknown


def _topic_left(question: str, place_names: list[str]) -> bool:
    """Does the question say more than which place / year (and filler words)?"""
    rest = YEAR.sub("", without_times(question, ""))
    for name in place_names:
        rest = rest.replace(name, "")
    return bool(FILLER.sub("", rest))


def _year(mention: str) -> str:
    return mention.replace(" ", "").rstrip("年") + "年"


def _swap(text: str, aliases: list[str], replacement: str) -> str:
    """Replace the first run of alias mentions with `replacement` (drop the rest); prefix if none."""
    marked = text
    for alias in aliases:  # longest first, so 珠海市 is taken before 珠海
        marked = marked.replace(alias, SLOT)
    if SLOT not in marked:
        return replacement + text
    return SLOT_RUN.sub(replacement, marked, count=1).replace(SLOT, "")


def _swap_years(text: str, replacement: str) -> str:
    marked = YEAR.sub(SLOT, without_times(text, SLOT))
    return _swap(marked, [], replacement) if SLOT in marked else replacement + text
