"""Which plans a question is about: the corpus's regions, the names they go by, places without a plan.

`RegionCatalog` is built from the plans' own metadata (region name and level), never from a list
written here: add a plan of any 省/市/县/区 and its names are recognised. The naming rules are in
ingest/vocabulary.py. With the administrative divisions (retriever/divisions.py), a place inside a
planned province that has no plan of its own (佛山市南海区, 台山市, 深圳市) is answered from the plan of
the nearest region that contains it; an added plan of that place takes precedence by itself.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping

import jieba

from carbonqa.ingest.vocabulary import (ALL_PLANS, CITY_SHORTHAND_AFTER, MIN_HEAD_RUN, NOT_REGION_UNITS, OTHER_PLACES,
                                        OWN_PLAN, PAIRING, PROVINCE_ALIASES, SHORT_PROVINCE, SHORTHAND_BEFORE,
                                        is_province, region_aliases, region_level, region_units, short_name)
from carbonqa.index.tokenizer import default_dictionary
from carbonqa.retriever.divisions import Division, Divisions
from carbonqa.retriever.models import RegionQuery, RegionSource

jieba.setLogLevel(logging.WARNING)  # no dictionary-loading chatter on the first question

# The suffixes of a city's or province's full name, whose short name (大连市 -> 大连) names it in a question.
CITY_OR_PROVINCE = ("市", "省", "自治区")
# A follow-up that is a city's first character alone: "那云呢", "江呢？".
ALONE_FOLLOW_UP = re.compile(r"那?\S市?呢[？?]?")
# Names ending in 区 that are no district: a province (广西壮族自治区) or a prefecture (阿里地区).
WIDE_AREAS = ("自治区", "地区")
# Characters that continue a proper name rather than start a new phrase (的/和/2025 do not).
NAME_CONTINUATION = re.compile(r"^[\u4e00-\u9fff]{3}$")


def _is_word(text: str) -> bool:
    """A word of two or three characters in jieba's dictionary (长江, 江水, 推广)."""
    frequencies, _ = default_dictionary()
    return len(text) in (2, 3) and frequencies.get(text, 0) > 0


class UnknownRegionError(ValueError):
    """A region filter names a place with no plan in the corpus."""


class RegionCatalog:
    """The plan regions in corpus order, each with its level and the names a question may use.

    `levels` maps region -> 省/市/县 (from PlanMeta.level); a region without one gets the level its
    name's suffix implies. `plan_texts` (region -> its plan's squashed text) lets detection tell a
    region's name from a longer name that contains it ("广东省实验室" in another plan). `divisions`
    (the administrative divisions) adds the places without a plan: `places` maps each name a question
    may use for one (南海区, 南海) to (its full name, the plan region containing it or None).
    """

    def __init__(self, regions: Iterable[str], levels: Mapping[str, str] | None = None,
                 plan_texts: Mapping[str, str] | None = None, divisions: Divisions | None = None):
        self.regions = [r for r in dict.fromkeys(regions) if r]
        self.levels = {r: (levels or {}).get(r) or region_level(r) for r in self.regions}
        self.plan_texts = dict(plan_texts or {})
        self.aliases = {r: region_aliases(r, self.levels[r]) for r in self.regions}
        self.places = self._places(divisions) if divisions is not None else {}
        heads: dict[str, list[str]] = {}
        for region in self.regions:
            heads.setdefault(short_name(region)[0], []).append(short_name(region))
        # A plan by the first character of its name, for runs like 珠佛江云; one that two names start with names none.
        self.heads = {head: names[0] for head, names in heads.items() if len(names) == 1}
        # The cities' first characters may also stand alone (the province goes by 省).
        provinces = {short_name(region) for region in self.regions if is_province(self.levels[region])}
        self.city_heads = {head: name for head, name in self.heads.items() if name not in provinces}
        self._head_run = re.compile(f"[{''.join(map(re.escape, self.heads))}]{{{MIN_HEAD_RUN},}}") if self.heads else None
        city, end = f"[{''.join(map(re.escape, self.city_heads))}]", f"(?:$|[{CITY_SHORTHAND_AFTER}])"
        self._city_alone = re.compile(f"(?<![^{SHORTHAND_BEFORE}]){city}(?={end})|{city}(?={PAIRING}{city})|"
                                      f"(?<={city}{PAIRING}){city}") if self.city_heads else None
        # Two city characters joined by a pairing word (云和江): the words a dictionary forms across the join
        # (云和, a county elsewhere) do not count against them.
        self._paired = re.compile(f"(?=({city}{PAIRING}{city}))") if self.city_heads else None  # overlapping
        # What a neighbour in a list of city characters may be: another plan, by any of its names, or 省/市.
        self._plan_names = tuple(self.names_of(self.regions))
        self._list_neighbours = (*self.heads, *PROVINCE_ALIASES, "省", "市", *self._plan_names)

    def _places(self, divisions: Divisions) -> dict[str, tuple[str, str | None]]:
        """The divisions of the provinces holding a plan, except the planned regions themselves, by the
        names a question may use (full, and without its suffix), each with the nearest planned region
        above it. A name that could be places covered by different plans is left out: no guessing."""
        located = {region: self._locate(divisions, region) for region in self.regions}
        plan_of = {division.code: region for region, division in located.items() if division is not None}
        provinces = {code[:2] for code in plan_of}
        forms: dict[str, set[tuple[str, str | None]]] = {}
        for division in divisions.by_code.values():
            if division.code[:2] not in provinces or division.code in plan_of:
                continue
            above = [plan_of[d.code] for d in divisions.chain(division)[:-1] if d.code in plan_of]
            for form in {division.name, short_name(division.name)} - NOT_REGION_UNITS:
                forms.setdefault(form, set()).add((division.name, above[-1] if above else None))
        places = {form: next(iter(meant)) for form, meant in forms.items() if len(meant) == 1}
        elsewhere = self._elsewhere(divisions, provinces)
        return places | {form: (name, None) for form, name in elsewhere.items() if form not in forms}

    def _elsewhere(self, divisions: Divisions, provinces: set[str]) -> dict[str, str]:
        """The divisions of the provinces without a plan (no plan covers them), by their full names of three
        characters or more (not 和县 in "市和县"; not a district's: 老城区, 新城区 and 城东区 are words too) and, for
        cities and provinces, also by their short names (大连, 昆山, 宁夏; a county's or district's is too often a
        word) unless the plans use that word themselves. A name two places share is left out."""
        plans_text = "\n".join(self.plan_texts.values())
        meant: dict[str, set[str]] = {}
        for division in divisions.by_code.values():
            if division.code[:2] in provinces:
                continue
            district = division.name.endswith("区") and not division.name.endswith(WIDE_AREAS)
            forms = {division.name} if len(division.name) >= 3 and not district else set()
            short = short_name(division.name)
            if division.name.endswith(CITY_OR_PROVINCE) and len(short) >= 2 and short not in plans_text:
                forms.add(short)
            for form in forms - NOT_REGION_UNITS:
                meant.setdefault(form, set()).add(division.name)
        return {form: next(iter(names)) for form, names in meant.items() if len(names) == 1}

    @staticmethod
    def _locate(divisions: Divisions, region: str) -> Division | None:
        """The division a plan region is, if its name (深圳市南山区 as its chain of units) tells one."""
        candidates = divisions.locate(region_units(region) or [region])
        return candidates[0] if len(candidates) == 1 else None

    @property
    def provinces(self) -> list[str]:
        return [r for r in self.regions if is_province(self.levels[r])]

    @property
    def answer_order(self) -> list[str]:
        """Provinces first, then corpus order: the order of lines in a comparison."""
        return self.provinces + [r for r in self.regions if r not in self.provinces]

    def spelled_out(self, question: str) -> str:
        """The question with the plans it names in office shorthand written out: "省" alone as 全省 (with
        one province), a run of first characters as the cities' names (珠佛江云 -> 珠海、佛山、江门、云浮), and a
        city's first character standing for it (珠比佛高多少 -> 珠海比佛山高多少, 江 氢能 谁牵头, 那云呢)."""
        if len(self.provinces) == 1:
            question = SHORT_PROVINCE.sub(PROVINCE_ALIASES[0], question)

        def written(match: re.Match) -> str:
            run = match.group()
            return "、".join(self.heads[head] for head in run) if len(set(run)) == len(run) else run
        question = self._head_run.sub(written, question) if self._head_run else question
        return self._cities_alone_written(question) if self._city_alone else question

    def _cities_alone_written(self, question: str) -> str:
        """A city's first character alone (or joined to another's) written out where it stands for the city: two
        such cities, or one beside a plan written out (江门和云, 省和珠), or one that is the whole subject
        ("江 氢能 谁牵头" starts with it, "那云呢" is it)."""
        pairs = [m.span(1) for m in self._paired.finditer(question)]
        meant = [m.start() for m in self._city_alone.finditer(question)
                 if self._stands_for_city(question, m.start(), pairs)]
        named = any(name in question for name in self._plan_names)
        leads = meant == [0] and question[1:2].isspace()
        alone = len(meant) == 1 and (leads or bool(ALONE_FOLLOW_UP.fullmatch(question)))
        if not meant or not (len({question[i] for i in meant}) > 1 or named or alone):
            return question
        for i in reversed(meant):
            question = question[:i] + self.city_heads[question[i]] + question[i + 1:]
        return question

    def _stands_for_city(self, question: str, i: int, pairs: list[tuple[int, int]]) -> bool:
        """Not when the city is written out in the question, nor inside a word (长江, 江水, 云计算) other than one
        formed across the join of a pair (云和江; `pairs`: the spans of the question's pairs), nor listed among
        things that are no places ("5G、云、大数据")."""
        mine = [(first, last) for first, last in pairs if first <= i < last]
        around = [text for start, end in ((i - 2, i + 1), (i - 1, i + 1), (i, i + 2), (i, i + 3))
                  if (text := question[max(start, 0):end])
                  and not any(first <= max(start, 0) and end <= last for first, last in mine)]
        if self.city_heads[question[i]] in question or any(_is_word(text) for text in around):
            return False
        if i > 0 and question[i - 1] == "、" and not question[:i - 1].endswith(self._list_neighbours):
            return False
        return question[i + 1:i + 2] != "、" or question[i + 2:].startswith(self._list_neighbours)

    def resolve(self, name: str) -> str | None:
        """An explicit filter value (珠海 / 珠海市 / 全省) as a plan region, None if it has no plan."""
        name = name.strip()
        return next((r for r in self.regions if name in self.aliases[r]), None)

    def resolve_filter(self, names: list[str]) -> RegionQuery:
        """A region filter as a RegionQuery; a name without a plan is an UnknownRegionError."""
        resolved: list[str] = []
        for name in names:
            region = self.resolve(name)
            if region is None:
                raise UnknownRegionError(
                    f"未知地区“{name}”，可选：{'、'.join(self.regions)} / unknown region {name!r}")
            if region not in resolved:
                resolved.append(region)
        return RegionQuery(regions=sorted(resolved, key=self.regions.index), source=RegionSource.filter)

    def names_of(self, places: Iterable[str]) -> list[str]:
        """Every name of these places (plan regions by all their aliases, others as written), longest first,
        then in code-point order: the same order in every process (a set's order is not)."""
        names = {alias for place in places for alias in self.aliases.get(place) or region_aliases(place)}
        return sorted(names, key=lambda name: (-len(name), name))

    def detect(self, question: str) -> RegionQuery:
        """Regions named in the question, in corpus order, plus places without a plan.

        A place inside a planned region (南海区 in 佛山市) brings that region in and is `covering` it,
        unless the question names the region itself; a place none contains, or whose own plan is asked
        for (惠州碳达峰方案), is `unknown`. Its full name
        counts where a word starts, its short name (南海) only as a whole word (not 新兴 in 新兴产业).

        A mention that is part of a longer name found only in other plans ("广东省实验室" in 云浮's
        plan) does not count as asking about that region. A place without a plan counts only where a
        word starts and outside any plan-region mention: "复合肥" is not 合肥, "珠江西岸" not 江西,
        "珠海口岸" not 海口, "佛山西部" not 山西.
        """
        found: list[str] = []
        spans: list[tuple[int, int]] = []
        for region in self.regions:
            for alias in self.aliases[region]:
                for match in re.finditer(re.escape(alias), question):
                    spans.append(match.span())
                    if region not in found and not self._part_of_other_name(question, match, region):
                        found.append(region)

        def overlaps_known(start: int, end: int) -> bool:
            return any(s < end and start < e for s, e in spans)

        words = list(jieba.tokenize(question))
        word_starts, word_ends = {start for _, start, _ in words}, {end for _, _, end in words}
        covering: dict[str, str] = {}
        unknown: dict[str, int] = {}  # each place without a plan at its first mention
        for form in sorted((f for f in self.places if f in question), key=lambda f: (-len(f), f)):
            place, region = self.places[form]
            for match in re.finditer(re.escape(form), question):
                whole = match.start() in word_starts and (form == place or match.end() in word_ends)
                if not whole or overlaps_known(*match.span()):
                    continue
                spans.append(match.span())
                if OWN_PLAN.match(question, match.end()):  # 惠州碳达峰方案: a plan the corpus lacks
                    region = None
                if region is None:
                    unknown[place] = min(unknown.get(place, match.start()), match.start())
                elif region not in found:
                    covering.setdefault(place, region)
        found += [region for region in dict.fromkeys(covering.values()) if region not in found]
        found.sort(key=self.regions.index)
        for place in OTHER_PLACES:
            for match in re.finditer(place, question):
                if match.start() in word_starts and not overlaps_known(*match.span()) and place not in unknown:
                    unknown[place] = match.start()
        return RegionQuery(regions=found, covering=covering, unknown=sorted(unknown, key=unknown.get),
                           all_regions=bool(ALL_PLANS.search(question)), source=RegionSource.detected)

    def _part_of_other_name(self, question: str, match: re.Match, region: str) -> bool:
        """The mention and the 3 characters after it occur in another plan's text but not in the region's own."""
        if not self.plan_texts:
            return False
        name = question[match.start(): match.end() + 3]
        if len(name) < match.end() - match.start() + 3 or not NAME_CONTINUATION.match(name[match.end() - match.start():]):
            return False
        own = self.plan_texts.get(region, "")
        return name not in own and any(name in text for other, text in self.plan_texts.items() if other != region)

    def compared(self, region_query: RegionQuery) -> list[str]:
        """The plans a comparison spans, in answer order: those named (two or more), or all of them
        for 各市/哪些城市 questions; empty when the question is about one plan or none."""
        if len(region_query.regions) > 1:
            compared = region_query.regions
        elif region_query.all_regions and not region_query.regions:
            compared = self.regions
        else:
            return []
        return [r for r in self.answer_order if r in compared]
