"""Read a question once into a QuestionFrame: its regions, years, asked quantity, intent, facets and
follow-up cues.

`read_question` is the only code that parses a question's text; the retriever and the answerer read
the frame it returns (a facet's sub-question is read here too, into the facet's own frame). Its
patterns live in ingest/vocabulary.py.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from carbonqa.ingest.text import squash
from carbonqa.ingest.time_expressions import read_times, spelled_out, without_times
from carbonqa.ingest.vocabulary import (AGENCY_QUESTION, ALL_PLANS, ASKED_ASPECT, ASKED_UNIT,
                                        CLOSES_OWN_LIST, COUNTED_NOUN, COUNT_WORDS, FIGURE_NOUNS, FIGURE_WORDS, FIRST_ITEMS,
                                        FOLLOWUP_FILLER, FRAME_WORDS, FROM_THE_END, IN_CHARGE, ITEM_NOUN, LIST_VERB_END,
                                        LIST_WORDS, LOCATE_ASKED, MEANS_WORDS, MEASURE_ONLY, NOTICE_QUESTIONS, NUMBER,
                                        ORDINALS, OVERVIEW_WORDS, PART_ORDINAL, PART_POINTER, PLACE_POINTER, PLAN_PARTS,
                                        POINTER_WORDS, POINTS_BACK, REFERS_BACK, SHARE_WORDS, STATED_COUNT,
                                        STRUCTURAL_NOUNS, UNDER_ASKED, UNITS_ASKED, WHEN_WORDS, YEAR_MENTION,
                                        asked_attribute, chinese_number, english_spelled_out, figures_spelled_out,
                                        standard_question_words,
                                        unit_family)
from carbonqa.retriever.facets import PARTS, split_facets
from carbonqa.retriever.intent import compares_unnamed, read_analysis
from carbonqa.retriever.models import Facet, QuestionFrame, RegionQuery, RegionSource
from carbonqa.retriever.plans import PlanCatalog
from carbonqa.retriever.regions import RegionCatalog
from carbonqa.retriever.validation import matching_form


class Words(Protocol):
    """How question text is cut into words: BM25 tokens (topic terms) and a precise segmentation (facets)."""

    def tokenize(self, text: str) -> list[str]: ...

    def segment(self, text: str) -> list[str]: ...


def read_question(question: str, catalog: RegionCatalog, words: Words, regions: list[str] | None = None,
                  use_region_detection: bool = True, plans: PlanCatalog | None = None,
                  documents: list[str] | None = None) -> QuestionFrame:
    """The question's frame, its facets read into frames of their own. An explicit `regions` filter
    wins over detection (a name without a plan raises UnknownRegionError); with detection off and no
    filter, every plan is searched.

    With the `plans` catalog, the question may pick one of a region's several plans (2025年修订版); an
    explicit `documents` filter (doc ids, UnknownDocumentError for one not in the library) wins over
    that and narrows the regions it touches to its plans (PlanCatalog.resolve_filter)."""
    frame = _read(question, catalog, words, regions, use_region_detection, plans, documents)
    return frame.model_copy(update={"facets": _facets(frame, catalog, words, plans)})


def _read(question: str, catalog: RegionCatalog, words: Words, regions: list[str] | None,
          use_region_detection: bool, plans: PlanCatalog | None, documents: list[str] | None) -> QuestionFrame:
    # "珠海２０２５年", "珠海25年": 2025; "省和珠佛江云": 全省和珠海、佛山、江门、云浮; "四成": 40%; "省级 benchmark": 省级基准
    asked, question = question, catalog.spelled_out(figures_spelled_out(english_spelled_out(standard_question_words(
        spelled_out(matching_form(question))))))
    named = catalog.detect(question)
    region_query = _region_query(question, catalog, named, regions, use_region_detection, plans, documents)
    topic = plans.without_cues(question) if plans is not None else question
    times = read_times(question)
    asked_unit = ASKED_UNIT.search(question)
    unit = asked_unit.group(1) if asked_unit else None
    wants_year = bool(WHEN_WORDS.search(question))
    wants_overview = bool(OVERVIEW_WORDS.search(question))
    names_figure = bool(FIGURE_NOUNS.search(question)) and not wants_overview and not MEANS_WORDS.search(question)
    wants_figure = (bool(FIGURE_WORDS.search(question)) or names_figure) and not wants_year  # "哪一年……省级以上……"
    family = unit_family(unit) if unit else ("share" if wants_figure and SHARE_WORDS.search(asking_clause(question))
                                             else None)
    places = [r for r in named.regions if r not in named.covering.values()] + list(named.covering) + named.unknown
    terms = topic_terms(topic, catalog.names_of(catalog.regions + region_query.unknown), words.tokenize)
    analysis = read_analysis(question, region_query, catalog)
    return QuestionFrame(
        text=question,
        asked=asked,
        regions=region_query,
        places_named=places,
        compared_regions=catalog.compared(region_query),
        terms=terms,
        years=read_times(topic).years,
        base_year=times.base_year,
        unit=unit,
        unit_family=family,
        wants_figure=wants_figure,
        wants_year=wants_year,
        asked_attribute=asked_attribute(question),
        wants_overview=wants_overview,
        notice=[asked for asked, pattern in NOTICE_QUESTIONS.items() if pattern.search(question)],
        analysis=analysis,
        years_mentioned=_years_mentioned(question, times.years),
        points_back=bool(POINTS_BACK.search(question)),
        refers_back=_refers_back(question, catalog.names_of(places)),
        own_topic=(bool(ASKED_ASPECT.sub("", analysis.subject).strip()) if analysis
                   else _names_topic(question, terms, catalog.names_of(places))),
        only_place_or_year=not _topic_left(question, catalog.names_of(places)),
        compares_unnamed=compares_unnamed(question, catalog),
        **_list_intent(question),
    )


def _region_query(question: str, catalog: RegionCatalog, named: RegionQuery, regions: list[str] | None,
                  use_region_detection: bool, plans: PlanCatalog | None, documents: list[str] | None) -> RegionQuery:
    """The plans searched: the filter's, else those the question names (detection on), else all."""
    if regions:
        region_query = catalog.resolve_filter(regions).model_copy(update={"covering": named.covering})
    elif documents and plans is not None:
        region_query = RegionQuery(source=RegionSource.filter)
    elif use_region_detection:
        region_query = named.model_copy()
    else:
        region_query = RegionQuery()
    if plans is not None and documents:
        asked, region_query.documents = plans.resolve_filter(documents, region_query.regions)
        region_query.regions = [region for region in catalog.regions if region in asked]
    elif plans is not None and region_query.source != RegionSource.off:
        region_query.documents = plans.named(question, region_query.regions)
    return region_query


def _list_intent(question: str) -> dict:
    """Whether it wants a list, a plan's own parts, a count, an item by position, or who is responsible."""
    # "重点任务分工表里……由哪些单位负责" asks who, not for the plan's list of 重点任务; "排第一的责任单位"
    # ranks the units named, not the plan's parts.
    wants_agency = asks_who_is_in_charge(question)
    position = None if wants_agency else _position(question)
    first = FIRST_ITEMS.search(question)
    part = PART_ORDINAL.search(question)
    stated = STATED_COUNT.search(question.replace(position[1].group(), " ") if position else question)  # 最后一个行动
    wants_list, wants_count = bool(LIST_WORDS.search(question)) and not wants_agency, bool(COUNT_WORDS.search(question))
    locates = bool(LOCATE_ASKED.search(question)) and not wants_agency
    plan_parts = bool(PLAN_PARTS.search(question)) and not wants_agency
    # "第三部分……一共几条": the items of that part
    asks_part = bool(part) and (wants_list or wants_count)
    return dict(
        wants_list=wants_list,
        wants_structure=(asks_for_structure(question) and not wants_agency) or bool(position or first) or locates
        or plan_parts or asks_part or (wants_count and bool(COUNTED_NOUN.search(question))),  # 下设多少个行动
        wants_count=wants_count,
        wants_agency=wants_agency,
        locates=locates,
        wants_plan_parts=plan_parts,
        points_to_part=bool(PART_POINTER.search(question)),
        ordinal=position[0] if position else None,
        ordinal_words=position[1].group() if position else None,
        ordinal_measure=position[2] if position else None,
        item_noun=_item_noun(question, position[1] if position else None),
        list_size=chinese_number(stated.group(1)) if stated else None,
        first_items=chinese_number(first.group(1)) if first else None,
        part_number=part.group(1) if part else None,
    )


def asking_clause(question: str) -> str:
    """The clause asking for the figure, if one does ("为防止城市无序扩张、提高土地利用效率，划定的范围有多大": the
    second); a share word in another clause names a purpose or a topic, not the unit asked."""
    return next((clause for clause in PARTS.split(question) if FIGURE_WORDS.search(clause)), question)


def asks_who_is_in_charge(question: str) -> bool:
    """Does it ask which department or unit is in charge, not which kinds of entities a measure targets
    ("哪些单位负责" asks who; "鼓励哪些单位装光伏" asks for 学校、医院……)?"""
    return bool(AGENCY_QUESTION.search(question)) or bool(UNITS_ASKED.search(question) and IN_CHARGE.search(question))


def _position(question: str) -> tuple[int, re.Match, str | None] | None:
    """The position asked for (negative from the end: -1 the last), its words and its measure word; the
    first such words in the question."""
    found: list[tuple[int, int, re.Match]] = []
    for patterns, sign in ((ORDINALS, 1), (FROM_THE_END, -1)):
        for pattern in patterns:
            for match in pattern.finditer(question):
                number = match.groupdict().get("n")
                n = (chinese_number(number) or 0) if number else 1  # 头一条 / 最后一个: no number written
                if n:
                    found.append((match.start(), sign * n, match))
    if not found:
        return None
    _, n, match = min(found, key=lambda f: (f[0], -len(f[2].group())))
    measure = match.groupdict().get("measure")
    # "第3条行动" counts actions, not the plan's numbered clauses
    if measure == "条" and ITEM_NOUN.match(question, match.end()):
        measure = "项"
    return n, match, measure


def _item_noun(question: str, position: re.Match | None) -> str | None:
    """What the listed items are: the noun right after the position ("第三项行动", "排第9的是哪个行动"),
    else the noun counted ("十三大行动里", "有几大行动")."""
    if position is not None:
        clause = re.split(r"[，,。？?；;！!]", question[position.end():])[0]
        noun = ITEM_NOUN.search(clause[:8])
        if noun:
            return noun.group(1)
    counted = COUNTED_NOUN.search(question)
    return counted.group(1) if counted else None


def _facets(frame: QuestionFrame, catalog: RegionCatalog, words: Words, plans: PlanCatalog | None) -> list[Facet]:
    """The question's facets, each read into its own frame for the plans the question is about (a
    comparison's plans, narrowed to one plan by QuestionFrame.for_region); a year named once holds
    for every facet ("X是什么，Y是多少" after "2025年")."""
    facets = split_facets(frame.text, words.segment, catalog.names_of(catalog.answer_order + frame.regions.unknown))
    if len(facets) < 2:
        return []
    regions = frame.compared_regions or frame.regions.regions or None
    read = []
    for facet in facets:
        sub = _read(facet.question, catalog, words, regions, True, plans, None)
        read.append(facet.model_copy(update={"frame": sub.model_copy(update={"years": sub.years or frame.years})}))
    return read


def _years_mentioned(question: str, years: set[int]) -> list[str]:
    """The years a follow-up names, as "2030年": times (30年, 十五五末 -> 2030年) and bare years (那2030呢)."""
    bare = {int(_year(mention)[:4]) for mention in YEAR_MENTION.findall(question)}
    return [f"{year}年" for year in sorted(years | bare)]


def _topic_left(question: str, place_names: list[str]) -> bool:
    """Does the question say more than which places and times (and filler words)?"""
    rest = YEAR_MENTION.sub("", without_times(question, ""))
    for name in place_names:
        rest = rest.replace(name, "")
    return bool(FOLLOWUP_FILLER.sub("", rest))


def _refers_back(question: str, place_names: list[str]) -> bool:
    """Does a word in it stand for the previous question's topic (not for a list of its own: "钢铁、石化这些"), or
    point at it right after a place ("全省那个数")?"""
    if any(not CLOSES_OWN_LIST.search(question[:match.end()]) for match in REFERS_BACK.finditer(question)):
        return True
    return any(PLACE_POINTER.match(question, match.end()) for name in place_names
               for match in re.finditer(re.escape(name), question))


def _names_topic(question: str, terms: list[str], place_names: list[str]) -> bool:
    """Does the question name a topic, beyond what it asks (谁牵头, 具体数字, 哪一年), of which plans (其他城市,
    南海区: a place without a plan stays among the search terms) and the words pointing back (那, 还有, 这个)?"""
    rest = WHEN_WORDS.sub(" ", ALL_PLANS.sub(" ", question))
    return any(term in rest and term not in POINTER_WORDS and REFERS_BACK.sub("", ASKED_ASPECT.sub("", term))
               and not any(term in name for name in place_names) for term in terms)


def _year(mention: str) -> str:
    """A year as a follow-up names it ("2030", "2030 年"), written "2030年"."""
    return mention.replace(" ", "").rstrip("年") + "年"


def topic_terms(question: str, place_names: list[str], tokenize: Callable[[str], list[str]]) -> list[str]:
    """The question's topic words: place names, frame words (方案/是什么/目标…), times (十四五末: compared as
    years) and numbers removed, single characters dropped (they say too little), each term once."""
    topic = without_times(question)
    for name in place_names:  # longest first, so 珠海市 goes before 珠海
        topic = topic.replace(name, " ")
    # 第三项/前三项: no topic; nor the unit asked (多少个百分点): a figure's unit is compared by its family.
    for pattern in (FRAME_WORDS, PART_ORDINAL, PLAN_PARTS, LOCATE_ASKED, *ORDINALS, *FROM_THE_END, FIRST_ITEMS, ASKED_UNIT):
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
    return bool(UNDER_ASKED.search(question)) or any(_enumerates_parts(question, match)
                                                      for match in LIST_WORDS.finditer(question))


def _enumerates_parts(question: str, match: re.Match) -> bool:
    after = question[match.end():]
    if STRUCTURAL_NOUNS.search(after[:6]):  # "包括哪些行动" / "提出了哪些基本原则"
        return True
    if not MEASURE_ONLY.match(re.split(r"[，,；;\s]", after)[0]):  # "以哪些地区为重点"; "有几条，分别是？"
        return False
    before = LIST_VERB_END.sub("", question[:match.start()])
    return bool(STRUCTURAL_NOUNS.search(before.rstrip("”’\"")[-4:]))  # "保障措施有哪几项"
