"""Read an analytical question across plans into an AnalysisIntent: what to compute from the plans'
targets (the highest, against the province, a difference, which plans reach a figure, which state it,
how many), over which plans and year, about which indicator.

Called by `read_question` (retriever/frame.py) once per question; the patterns live in ingest/vocabulary.py.
A question about one plan, or without any of these operations, has no intent (None).
"""
from __future__ import annotations

import re

from carbonqa.indicators.models import AnalysisIntent, AnalysisOperation, Comparator, Extreme, Side
from carbonqa.ingest.time_expressions import read_times
from carbonqa.ingest.vocabulary import (
    ABOVE_WORDS, ALL_PLANS, ANALYSIS_NOISE, ASKS_IF_END, AT_LEAST, AT_MOST, BASE_YEAR, BELOW_WORDS, CITY_SCOPE,
    COMPARATIVE_END, COMPARED_WITH, COVERAGE_WORDS, DIFFERENCE_WORDS, EACH_PLAN, EXCEPT, EXTREME, FRAME_WORDS,
    HIGHER_OR_LOWER, INDICATOR_TERM, INDICATOR_TERMS, LEADING_DIRECTION, LEADING_POINTER, LESS_THAN, MORE_QUESTION,
    MORE_THAN, NOT_STATED, ORDER_WORDS, PAIR_COMPARATIVE, PERIOD, PLANS_ASKED_AFTER, PLAN_COUNT_WORDS,
    PLAN_MEASURE_WORD, PLAN_SCOPE, PROVINCE_CITIES, PROVINCE_SHORTHAND, PROVINCE_TARGET, QUESTION_LEFTOVERS,
    QUOTED_FIGURE, QUOTED_TARGET, RANK_WORDS, RATIO_WORDS, REFERENCE_AFTER, REFERENCE_BEFORE, REFERENCE_JOINED,
    REFERENCE_POINTER, SAME_AS, SAME_QUESTION, SET_BESIDE, SHARE_OF, SHORT_YEAR, SIDE_WORDS, SPREAD, SUBJECT_BREAKS,
    SUBJECT_EDGES, TARGET_UNIT, TARGET_YEAR, THRESHOLD, TRAILING_DIRECTION, WHICH, YEAR
)
from carbonqa.retriever.models import RegionQuery
from carbonqa.retriever.regions import RegionCatalog

MIN_SUBJECT_CHARS = 2  # a single character left over names nothing
# Cut out of a question before its indicator's words remain, in this order (scopes before 各地, years before figures).
NOT_SUBJECT = (PROVINCE_TARGET, PLAN_SCOPE, CITY_SCOPE, ALL_PLANS, BASE_YEAR, TARGET_YEAR, YEAR, SHORT_YEAR, PERIOD,
               QUOTED_TARGET, EXTREME, RATIO_WORDS, PAIR_COMPARATIVE, MORE_QUESTION, RANK_WORDS, *ORDER_WORDS.values(),
               DIFFERENCE_WORDS, PLANS_ASKED_AFTER, COVERAGE_WORDS, PLAN_COUNT_WORDS, ANALYSIS_NOISE, FRAME_WORDS,
               SIDE_WORDS, QUESTION_LEFTOVERS)


def read_analysis(question: str, region_query: RegionQuery, catalog: RegionCatalog) -> AnalysisIntent | None:
    """The question's analytical intent, or None for a question that computes nothing across plans."""
    named = _question_order(question, region_query.regions, catalog)
    reference, side_word = _reference(question, catalog)
    left_out = _left_out(question, catalog)
    others = [region for region in named if region != reference and region not in left_out
              and not _names_its_cities(question, region, catalog)]
    across_plans = len(others) >= 2 or bool(PLAN_SCOPE.search(question) or CITY_SCOPE.search(question)
                                            or ASKS_IF_END.search(question))
    spread = bool(SPREAD.search(question))  # "最高与最低相差多少", "极差": the two ends and how far apart
    how_far, asks_same = bool(DIFFERENCE_WORDS.search(question)), bool(SAME_QUESTION.search(question))
    # "广东、江门和云浮的要求是否一致": of three or more, the highest and those below it (of two: their difference)
    level = asks_same and len(others) >= 3 and reference is None
    extreme = _extreme(question, across_plans) or (Extreme.high if spread or level else None) or (
        _beyond_another(question, others, catalog) if len(others) >= 2 and not how_far
        else None)  # "领先江门多少" asks how far
    threshold = _threshold(question)
    ratio = bool(RATIO_WORDS.search(question)) or side_word in SHARE_OF  # "是佛山的几倍", "占全省的比重"
    # One plan against the province ("珠海与全省相比孰高孰低") is measured against it, not ranked.
    if extreme is not None and (across_plans or reference is None):
        operation = AnalysisOperation.superlative
    elif RANK_WORDS.search(question) and others:
        operation = AnalysisOperation.rank
    elif reference is not None:
        operation = AnalysisOperation.reference
    elif (how_far or ratio or asks_same) and len(others) >= 2 \
            and not EACH_PLAN.search(question):  # "珠海和佛山的降幅一样吗": how far apart, if at all
        operation = AnalysisOperation.difference
    elif threshold is not None:
        operation = AnalysisOperation.threshold
    elif PLAN_COUNT_WORDS.search(question):
        operation = AnalysisOperation.count
    elif COVERAGE_WORDS.search(question):
        operation = AnalysisOperation.coverage
    else:
        return None

    regions, focus = _plans_compared(question, operation, others, reference, region_query, catalog)
    regions = regions and [region for region in regions if region not in left_out]
    if regions is None or len(regions) + (reference is not None) < 2:
        return None
    intent = AnalysisIntent(operation=operation, subject=subject_words(question, catalog), regions=regions,
                            focus=focus, reference=reference, years=target_years(question))
    if operation is AnalysisOperation.superlative:
        intent.extreme, intent.spread = extreme, spread
    elif operation in (AnalysisOperation.reference, AnalysisOperation.difference):
        intent.side = _side(question, side_word)
        intent.how_far, intent.ratio = how_far, ratio
    elif operation is AnalysisOperation.threshold:
        intent.threshold, intent.threshold_text, intent.comparator = threshold
    elif operation in (AnalysisOperation.coverage, AnalysisOperation.count):
        figure = QUOTED_FIGURE.search(PLAN_SCOPE.sub(" ", YEAR.sub(" ", question)))  # not "5个方案里"
        intent.stated = figure.group(1) + figure.group(2) if figure else None
        intent.unstated = bool(NOT_STATED.search(question))
        measure = PLAN_MEASURE_WORD.search(question)
        intent.counted_with = measure.group(1) if measure else "个"
    return intent


def _left_out(question: str, catalog: RegionCatalog) -> list[str]:
    """The plans a question leaves out ("除省方案外有几个市写了", "除了珠海还有哪些")."""
    left_out = []
    for match in EXCEPT.finditer(question):
        words = match.group(1)
        named = catalog.detect(words).regions
        left_out += named or (catalog.provinces if PROVINCE_SHORTHAND.fullmatch(words) else [])
    return left_out


def compares_unnamed(question: str, catalog: RegionCatalog) -> bool:
    """Asks which plan is higher or how far apart they are without naming what ("那跟佛山比谁定得高", "跟江门差
    几个点", "比云浮高还是低", "和珠海比呢"): a follow-up comparing the plans it names with the previous question's,
    on its indicator."""
    asks = PAIR_COMPARATIVE.search(question) or DIFFERENCE_WORDS.search(question) or SET_BESIDE.search(question) or (
        EXTREME.search(question) and WHICH.search(question))
    return bool(asks) and not subject_words(question, catalog)


def _plans_compared(question: str, operation: AnalysisOperation, others: list[str], reference: str | None,
                    region_query: RegionQuery, catalog: RegionCatalog) -> tuple[list[str] | None, list[str]]:
    """The plans compared (answer order) and those singled out; None for a question about one plan. A
    question naming no plan spans every plan, or the cities only when it asks about 市 ("哪个市")."""
    everyone = [r for r in catalog.answer_order if r != reference]
    if CITY_SCOPE.search(question) and not any(catalog.levels[r] == "省" for r in others):
        everyone = [r for r in everyone if catalog.levels[r] != "省"]
    in_order = [r for r in catalog.answer_order if r in others]
    if operation is AnalysisOperation.reference:
        return (in_order, others) if others else (everyone, [])
    if operation is AnalysisOperation.rank:
        return everyone, others
    if operation is AnalysisOperation.difference:
        return in_order, others[:2]
    if len(others) >= 2:
        return in_order, []
    # One plan named and no scope asks about that plan, unless it is the province beside 哪个市 ("哪个市最高？
    # 省里的也列一下"): the cities and the province.
    beside_cities = len(others) == 1 and catalog.levels[others[0]] == "省" and bool(CITY_SCOPE.search(question))
    if len(others) == 1 and not (PLAN_SCOPE.search(question) or region_query.all_regions or beside_cities
                                 or ASKS_IF_END.search(question)):  # "最高的是不是珠海": of every plan
        return None, []
    return [r for r in catalog.answer_order if r in everyone or r in others], []


def _question_order(question: str, regions: list[str], catalog: RegionCatalog) -> list[str]:
    """The regions in the order the question names them ("江门比珠海高…": 江门 first)."""
    def first_position(region: str) -> int:
        found = [question.find(alias) for alias in catalog.aliases.get(region, [region]) if alias in question]
        return min(found, default=len(question))
    return sorted(regions, key=first_position)


def _names_its_cities(question: str, region: str, catalog: RegionCatalog) -> bool:
    """"全省各市": the province names the scope (its cities), it is not one of the plans compared."""
    return catalog.levels[region] == "省" and any(
        PROVINCE_CITIES.match(question, match.end())
        for alias in catalog.aliases[region] for match in re.finditer(re.escape(alias), question))


def _extreme(question: str, across_plans: bool) -> Extreme | None:
    """The end asked for: 最高 with a 哪/谁 or across plans ("…最高的城市是？"; not "最严格的制度"), an order
    ("从高到低", "孰高孰低": before the comparison of two would read its last word), or a comparison of two ("谁的更
    严格"; of plans named, also asked yes or no: "是云浮更严吗")."""
    word = EXTREME.search(question)
    if word and (WHICH.search(question) or across_plans):
        return Extreme(word.lastgroup)
    order = next((Extreme(end) for end, pattern in ORDER_WORDS.items() if pattern.search(question)), None)
    if order is not None:
        return order
    pair = PAIR_COMPARATIVE.search(question) or (
        MORE_QUESTION.search(question) if across_plans and not WHICH.search(question) else None)
    return Extreme(COMPARATIVE_END[pair.group(1)]) if pair else None


def _beyond_another(question: str, others: list[str], catalog: RegionCatalog) -> Extreme | None:
    """"江门的森林覆盖率目标是否高于珠海", "江门的比珠海高吗": a side word in front of another plan named, or a
    comparison word in front of it and a side word right after it, asks which of them is higher (lower)."""
    for region in others:
        for alias in catalog.aliases.get(region, [region]):
            for match in re.finditer(re.escape(alias), question):
                word = REFERENCE_BEFORE.search(question[:match.start()])
                if word and word.group(1) in ABOVE_WORDS + BELOW_WORDS:
                    return Extreme.high if word.group(1) in ABOVE_WORDS else Extreme.low
                said = HIGHER_OR_LOWER.match(question, match.end()) if word else None
                if said:
                    return Extreme.high if said.group(1) else Extreme.low
    return None


def _reference(question: str, catalog: RegionCatalog) -> tuple[str | None, str]:
    """The province plan the question measures against ("高于全省", "比省里", "与全省相比", "和省里一样"), and the
    comparison word in front of its name ("" for 比/与…相比; the words after it for 一样/一致)."""
    for province in catalog.provinces:
        names = [re.escape(alias) for alias in catalog.aliases[province]]
        if len(catalog.provinces) == 1:  # "省级目标" can only mean the one province's
            names.append(PROVINCE_TARGET.pattern)
        for match in re.finditer("|".join(names), question):
            before, after = question[:match.start()], question[match.end():]
            verb = REFERENCE_BEFORE.search(before)
            if verb:
                return province, verb.group(1)
            if REFERENCE_JOINED.search(before):
                same = SAME_AS.match(after)
                if same:  # "和省里一样的有几个": the plans level with it
                    return province, same.group()
                if REFERENCE_AFTER.match(after):
                    return province, ""
            pointer = REFERENCE_POINTER.search(after)
            if pointer:  # "全省的目标是30%，哪些市高出这个标准"
                return province, pointer.group(1)
    return None, ""


def _side(question: str, word: str) -> Side | None:
    if SAME_AS.fullmatch(word):
        return Side.same
    if word in ABOVE_WORDS:
        return Side.higher
    if word in BELOW_WORDS:
        return Side.lower
    # The last side word: the first may be inside the indicator's name (高技术制造业…落后多少).
    said = HIGHER_OR_LOWER.findall(question[question.find(word) + len(word):] if word else question)
    if not said:
        return None
    higher, _ = said[-1]
    return Side.higher if higher else Side.lower


def _threshold(question: str) -> tuple[float, str, Comparator] | None:
    """"不低于40%的市": the figure, as written, and how targets compare with it; None without a
    comparator or 以上/以下 (a bare "30%的" quotes a value, it sets no threshold); 比 takes the side said after
    the figure ("比60%还高的"). A figure ending the question counts only in one asking which ("哪个达到40%及以上")."""
    for match in THRESHOLD.finditer(question):
        verb, number, unit, post = match.group(1), match.group(2), match.group(3) or "", match.group(4) or ""
        if verb and verb.startswith("没有") and question[match.start(1) - 1:match.start(1)] == "有":
            verb = verb.removeprefix("没有")  # "有没有超过60%的": whether any is more than it
        if YEAR.match(question, match.start(2)) or (match.group(5) is not None and not WHICH.search(question)):
            continue
        if verb == COMPARED_WITH and post and post[-1] in "高多大低少小":  # "比60%还高的", "比20%还低的"
            comparator = Comparator.more_than if post[-1] in "高多大" else Comparator.less_than
        elif verb in MORE_THAN:
            comparator = Comparator.more_than
        elif verb in LESS_THAN:
            comparator = Comparator.less_than
        elif verb in AT_MOST or post in ("以下", "及以下", "以内"):
            comparator = Comparator.at_most
        elif (verb in AT_LEAST and (verb not in ("在", "为") or post)) or post in ("以上", "及以上"):
            comparator = Comparator.at_least
        else:
            continue
        return float(number), number + unit, comparator
    return None


def target_years(question: str) -> list[int]:
    """The target years asked: 2025年 (not the base year of 比2020年), 25年, “十四五” (its end year)."""
    return sorted(read_times(question, short_years=True).target_years)


def subject_words(question: str, catalog: RegionCatalog) -> str:
    """The words naming the indicator: the question without places, years, figures and the words of
    the comparison itself; its pieces joined by spaces ("星级绿建占比 …")."""
    question = LEADING_POINTER.sub("", question)  # "那不到14.5%的呢": 那 points back, it names nothing
    names = "|".join(map(re.escape, catalog.names_of(catalog.regions)))  # longest first
    # "…占比比全省高", "它比省级目标高": the 比 goes with the place
    text = re.sub(f"(?:比|较)?(?:{names}|{PROVINCE_TARGET.pattern})", " ", question)
    for pattern in NOT_SUBJECT[:NOT_SUBJECT.index(QUOTED_TARGET)]:  # places and times first: "25年能耗降幅"
        text = pattern.sub(" ", text)
    text = INDICATOR_TERM.sub(lambda term: INDICATOR_TERMS[term.group()], text)  # 能耗降幅 is one indicator
    for pattern in NOT_SUBJECT[NOT_SUBJECT.index(QUOTED_TARGET):]:
        text = pattern.sub(" ", text)
    pieces = [SUBJECT_EDGES.sub("", LEADING_DIRECTION.sub("", TRAILING_DIRECTION.sub("", SUBJECT_EDGES.sub("", piece))))
              for piece in SUBJECT_BREAKS.split(text)]
    return " ".join(piece for piece in pieces if len(piece) >= MIN_SUBJECT_CHARS and not TARGET_UNIT.fullmatch(piece))
