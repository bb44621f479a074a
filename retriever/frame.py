"""Read a question once into a QuestionFrame: its regions, years, asked quantity and intent.

`read_question` is the only code that parses a question's text; the retriever and the answerer read
the frame it returns. Its patterns live in ingest/vocabulary.py.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from carbonqa.ingest.text import squash
from carbonqa.ingest.time_expressions import read_times, spelled_out, without_times
from carbonqa.ingest.vocabulary import (AGENCY_QUESTION, ASKED_UNIT, COUNT_WORDS, FIGURE_NOUNS, FIGURE_WORDS,
                               FIRST_ITEMS, FRAME_WORDS, LAST_ITEM, LIST_VERB_END, LIST_WORDS, MEASURE_ONLY,
                               NOTICE_QUESTIONS, NUMBER, ORDINAL, OVERVIEW_WORDS, PART_ORDINAL, SHARE_WORDS,
                               STRUCTURAL_NOUNS, WHEN_WORDS, chinese_number, unit_family)
from carbonqa.retriever.models import QuestionFrame, RegionQuery, RegionSource
from carbonqa.retriever.plans import PlanCatalog
from carbonqa.retriever.regions import RegionCatalog
from carbonqa.retriever.validation import matching_form

def read_question(question: str, catalog: RegionCatalog, tokenize: Callable[[str], list[str]],
                  regions: list[str] | None = None, use_region_detection: bool = True,
                  plans: PlanCatalog | None = None, documents: list[str] | None = None) -> QuestionFrame:
    """The question's frame. An explicit `regions` filter wins over detection (a name without a plan
    raises UnknownRegionError); with detection off and no filter, every plan is searched.

    With the `plans` catalog, the question may pick one of a region's several plans (2025年修订版); an
    explicit `documents` filter (doc ids, UnknownDocumentError for one not in the library) wins over
    that and narrows the regions it touches to its plans (PlanCatalog.resolve_filter)."""
    question = spelled_out(matching_form(question))  # "珠海２０２５年", "珠海25年" are about 2025
    named = catalog.detect(question)
    if regions:
        region_query = catalog.resolve_filter(regions)
    elif documents and plans is not None:
        region_query = RegionQuery(source=RegionSource.filter)
    elif use_region_detection:
        region_query = named
    else:
        region_query = RegionQuery()
    if plans is not None and documents:
        asked, region_query.documents = plans.resolve_filter(documents, region_query.regions)
        region_query.regions = [region for region in catalog.regions if region in asked]
    elif plans is not None and region_query.source != RegionSource.off:
        region_query.documents = plans.named(question, region_query.regions)
    topic = plans.without_cues(question) if plans is not None else question
    ordinal = ORDINAL.search(question)
    first = FIRST_ITEMS.search(question)
    part = PART_ORDINAL.search(question)
    asked_unit = ASKED_UNIT.search(question)
    unit = asked_unit.group(1) if asked_unit else None
    wants_year = bool(WHEN_WORDS.search(question))
    # "重点任务分工表里……由哪些单位负责" asks who, not for the plan's list of 重点任务.
    wants_agency = bool(AGENCY_QUESTION.search(question))
    wants_overview = bool(OVERVIEW_WORDS.search(question))
    names_figure = bool(FIGURE_NOUNS.search(question)) and not wants_overview
    wants_figure = (bool(FIGURE_WORDS.search(question)) or names_figure) and not wants_year  # "哪一年……省级以上……"
    family = unit_family(unit) if unit else ("share" if wants_figure and SHARE_WORDS.search(question) else None)
    return QuestionFrame(
        text=question,
        regions=region_query,
        places_named=named.regions + named.unknown,
        compared_regions=catalog.compared(region_query),
        terms=topic_terms(topic, catalog.names_of(catalog.regions + region_query.unknown), tokenize),
        years=read_times(topic).years,
        base_year=read_times(question).base_year,
        unit=unit,
        unit_family=family,
        wants_figure=wants_figure,
        wants_year=wants_year,
        wants_list=bool(LIST_WORDS.search(question)) and not wants_agency,
        wants_structure=(asks_for_structure(question) and not wants_agency)
        or bool(ordinal or first or LAST_ITEM.search(question)),
        wants_count=bool(COUNT_WORDS.search(question)),
        wants_agency=wants_agency,
        wants_overview=wants_overview,
        ordinal=-1 if LAST_ITEM.search(question) else (chinese_number(ordinal.group(1)) if ordinal else None),
        first_items=chinese_number(first.group(1)) if first else None,
        part_number=part.group(1) if part else None,
        notice=[asked for asked, pattern in NOTICE_QUESTIONS.items() if pattern.search(question)],
    )


def topic_terms(question: str, place_names: list[str], tokenize: Callable[[str], list[str]]) -> list[str]:
    """The question's topic words: place names, frame words (方案/是什么/目标…), times (十四五末: compared as
    years) and numbers removed, single characters dropped (they say too little), each term once."""
    topic = without_times(question)
    for name in place_names:  # longest first, so 珠海市 goes before 珠海
        topic = topic.replace(name, " ")
    for pattern in (FRAME_WORDS, PART_ORDINAL, ORDINAL, FIRST_ITEMS, LAST_ITEM):  # 第三项/前三项: no topic
        topic = pattern.sub(" ", topic)
    terms: list[str] = []
    for token in tokenize(topic):
        token = squash(token)
        if len(token) < 2 or NUMBER.search(token) or token in terms:
            continue
        terms.append(token)
    return terms


def asks_for_structure(question: str) -> bool:
    """Does the question enumerate parts of a plan (actions, tasks, measures), not things in them?"""
    return any(_enumerates_parts(question, match) for match in LIST_WORDS.finditer(question))


def _enumerates_parts(question: str, match: re.Match) -> bool:
    after = question[match.end():]
    if STRUCTURAL_NOUNS.search(after[:6]):  # "包括哪些行动" / "提出了哪些基本原则"
        return True
    if not MEASURE_ONLY.match(after):  # "以哪些地区为重点"
        return False
    before = LIST_VERB_END.sub("", question[:match.start()])
    return bool(STRUCTURAL_NOUNS.search(before.rstrip("”’\"")[-4:]))  # "保障措施有哪几项"
