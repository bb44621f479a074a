"""Questions across plans answered from their targets: which plan is highest or strictest, which go
beyond the province, how far apart two plans are, which reach a figure, which state a target and how
many. Every figure is a record quoted from its clause (indicators/extract.py).

`IndicatorAnalysis.run(intent, question)` matches the question's indicator to the records' names
(indicators/matching.py), takes each plan's record for the year asked, and computes. Records that
cannot be compared (another year, unit, base year or definition) are said to be so and never ranked; a
plan that names the indicator only in words (完成省下达指标) is quoted as such, never counted as zero.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from enum import Enum

from pydantic import BaseModel, Field

from carbonqa.indicators.matching import Meaning, NameMatcher, character_score, related_measure, same_measure, unified
from carbonqa.indicators.mentions import Mention, MentionFinder
from carbonqa.indicators.names import written_out
from carbonqa.indicators.models import AnalysisIntent, AnalysisOperation, Comparator, Extreme, Indicator, Side
from carbonqa.ingest.models import Chunk
from carbonqa.ingest.vocabulary import (ACTIONS, APPROXIMATE, ASPIRATIONAL, CEILING_QUALIFIERS, CEILINGS, CHANGES,
                                        INDICATOR_TERMS, MAGNITUDES, QUOTED_FIGURE, YEAR, unit_family)

# What a plan's line says of a figure its words state without a target year.
UNDATED = "该句写明了数值，未写明目标年份"
# Figures marked 约/左右 (or 力争) this close to each other, relative to the larger, may be in either order.
APPROXIMATE_SHARE = Decimal("0.05")
PERCENT = ("%", "％")
# The question's own words for the indicator find a plan's words for it only when this long: shorter ones (能源消费)
# are in too many sentences.
MIN_SAID_CHARS = 6
# An indicator no plan sets a figure for is compared in words only when this many plans use them.
MIN_PLANS_IN_WORDS = 2


class PlanStatus(str, Enum):
    """What a plan states about the indicator asked."""

    figure = "figure"  # a figure comparable with the other plans'
    other_measure = "other_measure"  # a figure for a differently defined indicator, or a 新增 for a total
    other_year = "other_year"  # a figure for other years only
    in_words = "in_words"  # names the indicator without a figure (完成省下达指标, 进一步提升)
    not_mentioned = "not_mentioned"


class PlanLine(BaseModel):
    """One plan's answer to the question: its figure, or why it gives none that can be compared."""

    region: str
    status: PlanStatus
    records: list[Indicator] = Field(default_factory=list, description="figure: the compared record first")
    mention: Mention | None = Field(default=None, description="in_words: where the plan names the indicator")
    value: float | None = Field(default=None, description="figure: the compared figure in the result's unit")
    note: str = Field(default="", description="why the figure is not compared; in_words: that the words state the "
                                              "figure asked without its year; in Chinese")


class AnalysisResult(BaseModel):
    """What an analytical question computes, with every plan's line and the records used."""

    operation: AnalysisOperation
    indicator: str = Field(description="the normalised name compared")
    year: int | None = Field(description="the target year compared; None: every year (coverage)")
    unit: str = Field(default="", description="the unit the values are given in")
    lines: list[PlanLine] = Field(description="the plans asked about, in answer order")
    reference: PlanLine | None = Field(default=None, description="reference: the province's line")
    comparable: bool = Field(default=True, description="False: the figures cannot be ranked or subtracted")
    reason: str | None = Field(default=None, description="why not comparable, in Chinese")
    extreme: Extreme | None = None
    side: Side | None = None
    spread: bool = Field(default=False, description="superlative: also how far apart the two ends are")
    ratio: bool = Field(default=False, description="reference/difference: also what share or multiple of the other "
                                                   "the first plan's figure is")
    ratio_text: str | None = Field(default=None, description="e.g. 25%, 约1.17倍")
    lower_is_stricter: bool = Field(default=False, description="the targets are ceilings (不高于)")
    winners: list[str] = Field(default_factory=list, description="superlative: the plans at the end asked (ties)")
    positions: dict[str, int] = Field(default_factory=dict, description="rank: 1 = strictest; ties share a place")
    focus: list[str] = Field(default_factory=list, description="the plans singled out (rank, difference, reference)")
    selected: list[str] = Field(default_factory=list,
                                description="reference: beyond the province on the side asked (level with it for "
                                            "Side.same); threshold: reaching the figure; coverage/count: stating it "
                                            "(not stating it, when unstated)")
    equal: list[str] = Field(default_factory=list, description="reference: the same figure as the province")
    difference: float | None = Field(default=None, description="first focus minus the other (or the province); "
                                                                "spread: the first end minus the other")
    difference_text: str | None = Field(default=None, description="e.g. 0.5个百分点, 约260万千瓦")
    gaps: dict[str, str] = Field(default_factory=dict, description="reference asked how far, of several plans: each "
                                                                   "plan's distance from the province (低约26.8个百分点)")
    threshold: float | None = Field(default=None, description="threshold: the figure to reach, as asked")
    threshold_text: str | None = None
    comparator: Comparator | None = None
    stated: str | None = Field(default=None, description="coverage/count: the figure the question quotes")
    unstated: bool = Field(default=False, description="coverage/count: asks for the plans that do not state it")
    counted_with: str = Field(default="个", description="count: the measure word the answer counts plans with")
    how_far: bool = Field(default=False, description="reference: asks how far the plans are from the province")
    cautions: list[str] = Field(default_factory=list, description="what makes the conclusion uncertain, in Chinese")

    @property
    def figures(self) -> list[PlanLine]:
        return [line for line in self.lines if line.status is PlanStatus.figure]

    def line(self, region: str) -> PlanLine | None:
        return next((line for line in [*self.lines, self.reference] if line and line.region == region), None)


class IndicatorAnalysis:
    """Answers AnalysisIntents from the plans' target records and the plans' text."""

    def __init__(self, records: Iterable[Indicator], chunks: Iterable[Chunk], meaning: Meaning | None = None):
        """`meaning` (the embedding) lets a question name an indicator in other words than its name."""
        self.records = list(records)
        self.names = sorted({r.indicator for r in self.records})
        self.matcher = NameMatcher(self.names, meaning, self.records)
        self.mentions = MentionFinder(chunks)

    def run(self, intent: AnalysisIntent, question: str) -> AnalysisResult | None:
        """The computed answer, or None when the question names no indicator the plans set figures for."""
        counting = intent.operation in (AnalysisOperation.coverage, AnalysisOperation.count)
        everyone = intent.regions + ([intent.reference] if intent.reference else [])
        quoted = [] if counting else quoted_figures(question, intent)
        said = [written_out(piece) for piece in intent.subject.split() if len(piece) >= MIN_SAID_CHARS]
        match = self.matcher.run(question, intent.subject)
        names = match.names if match else self._held_by_figures(everyone, quoted)
        if not names:
            return None if counting else self._in_words_only(intent, said)
        primary = self._quoted_name(names, everyone, quoted, intent.subject) or names[0]
        # A count takes every name spelled by the question and each name's other wordings (城市绿色出行比例 /
        # 绿色出行比例); a comparison, the primary name's wordings only.
        asked = ([n for n in self.names if any(same_measure(n, m) for m in names)] if counting
                 else [n for n in self.names if same_measure(n, primary)])
        year = self._year(intent, asked, everyone, counting)
        result = AnalysisResult(operation=intent.operation, indicator=primary, year=year,
                                lines=[self._line(region, asked, primary, year, quoted, said)
                                       for region in intent.regions],
                                extreme=intent.extreme, side=intent.side, spread=intent.spread, focus=intent.focus,
                                threshold=intent.threshold, threshold_text=intent.threshold_text,
                                comparator=intent.comparator, stated=intent.stated, unstated=intent.unstated,
                                counted_with=intent.counted_with, how_far=intent.how_far, ratio=intent.ratio)
        if intent.reference:
            result.reference = self._line(intent.reference, asked, primary, year, quoted, said)
        if counting:
            self._keep_same_kind(result, primary)
            result.unit = display_unit([r.unit for r in self.records if r.indicator in asked])
        else:
            self._set_comparable(result, primary)
        compute = {
            AnalysisOperation.superlative: _superlative,
            AnalysisOperation.rank: _rank,
            AnalysisOperation.reference: _reference,
            AnalysisOperation.difference: _difference,
            AnalysisOperation.threshold: _threshold,
            AnalysisOperation.coverage: _stating,
            AnalysisOperation.count: _stating,
        }[intent.operation]
        compute(result)
        return result

    def _year(self, intent: AnalysisIntent, asked: list[str], regions: list[str], counting: bool) -> int | None:
        """The year asked; without one, every year for coverage, else the year the most plans set it for
        (the later one on a tie)."""
        if intent.years:
            return intent.years[0]
        if counting:
            return None
        by_year = Counter(year for year, _ in {(r.year, r.region) for r in self.records
                                                if r.indicator in asked and r.region in regions})
        return max(by_year, key=lambda y: (by_year[y], y), default=None)

    def _quoted_name(self, names: list[str], regions: list[str], quoted: list[str], subject: str) -> str | None:
        """The indicator whose figures the question quotes for the plans asked ("佛山光伏200万千瓦和珠海风光
        355万千瓦"), when the names matched hold none of them: of the quoted records' names, the one the
        question's words spell best. None: nothing quoted, or a matched name holds a quoted figure."""
        said = [(r, f) for r in self.records for f in quoted
                if r.region in regions and _states(r.value_text, r.unit, f)]
        if not said or any(same_measure(r.indicator, n) for r, _ in said for n in names):
            return None

        def covered(name: str) -> int:  # the quoted figures it or a related indicator holds (光伏 for 风电和光伏)
            return len({f for r, f in said if same_measure(r.indicator, name) or related_measure(name, r.indicator)})
        words = subject.replace(" ", "")
        return max(dict.fromkeys(r.indicator for r, _ in said),
                   key=lambda name: (covered(name), character_score(words, unified(name))))

    def _in_words_only(self, intent: AnalysisIntent, said: list[str]) -> AnalysisResult | None:
        """A comparison of an indicator no plan sets a figure for ("十四五末碳排放强度降幅，哪个市定得最高": each plan
        only 完成省下达指标), asked in its own words or a term for them (碳排放强度): each plan's words for it, never
        compared; None when fewer than two plans use them (words in one plan are no comparison)."""
        forms = said + [term for term, name in INDICATOR_TERMS.items() if name in said]
        year = intent.years[0] if intent.years else None
        lines = {region: _in_words(region, self.mentions.run(region, forms, year) or self.mentions.run(region, forms))
                 for region in intent.regions + ([intent.reference] if intent.reference else [])}
        if sum(line.status is PlanStatus.in_words for line in lines.values()) < MIN_PLANS_IN_WORDS:
            return None
        result = AnalysisResult(operation=intent.operation, indicator=said[0], year=year,
                                lines=[lines[region] for region in intent.regions],
                                reference=lines.get(intent.reference) if intent.reference else None)
        _not_comparable(result, list(lines))
        return result

    def _held_by_figures(self, regions: list[str], quoted: list[str]) -> list[str]:
        """The indicator of a question naming it only by the figures it quotes ("跟全省32%的目标比，云浮的16%差了多
        少"): the one indicator (in any of its wordings) whose records of the plans asked hold every figure quoted,
        two or more; [] when none or several do."""
        if len(quoted) < 2:
            return []
        holding = [[r.indicator for r in self.records if r.region in regions and _states(r.value_text, r.unit, figure)]
                   for figure in quoted]
        fits = [name for name in dict.fromkeys(holding[0])
                if all(any(same_measure(name, other) for other in names) for names in holding[1:])]
        return fits[:1] if fits and all(same_measure(name, fits[0]) for name in fits) else []

    def _line(self, region: str, asked: list[str], primary: str, year: int | None, quoted: list[str],
              said: list[str]) -> PlanLine:
        """What the region's plans state of the asked indicator; `said` are the question's own words for it, which
        a plan naming it in other words than any record's may use ("红树林营造修复任务")."""
        mine = [r for r in self.records if r.region == region and r.indicator in asked]
        in_year = [r for r in mine if year is None or r.year == year]
        if in_year:
            return PlanLine(region=region, status=PlanStatus.figure,
                            records=sorted(in_year, key=lambda r: r.indicator != primary))
        related, quoted_here = self._related(region, primary, year, quoted)
        # The question quotes this plan's figure, or the plan sets it for part of what is asked (城区常住人口100万
        # 以上的城市绿色出行比例 for 绿色出行比例): a reader would take that record, not a line in words.
        if related and (quoted_here or unified(primary) in unified(related.indicator)):
            return _other_measure(region, primary, year, related)
        mention = self.mentions.run(region, asked, year)
        if mention:  # said in words for the year asked; figures of other years are shown beside it
            return PlanLine(region=region, status=PlanStatus.in_words, mention=mention, records=mine)
        if mine:
            return PlanLine(region=region, status=PlanStatus.other_year, records=mine,
                            note=f"只给出了{'、'.join(str(y) for y in sorted({r.year for r in mine}))}年的数值")
        if related:
            return _other_measure(region, primary, year, related)
        return _in_words(region, self.mentions.run(region, asked) or self.mentions.run(region, said))

    def _related(self, region: str, primary: str, year: int | None,
                 quoted: list[str]) -> tuple[Indicator | None, bool]:
        """The region's record a reader would otherwise take for the asked indicator: one whose figure the
        question quotes in the asked indicator's kind of unit ("和珠海的14.5%比"), else the one most like it
        (先进制造业… for 高技术制造业…, 风电和光伏… for 可再生能源…, 大宗工业固体废物年综合利用率 for 大宗固体废物年利用量),
        preferring the same kind of unit and the year asked; and whether the question quotes it."""
        families = {unit_family(base_unit(r.unit)) for r in self.records if r.indicator == primary}

        def rank(record: Indicator) -> tuple[bool, bool, bool, bool, float]:
            in_family = unit_family(base_unit(record.unit)) in families
            said = in_family and any(_states(record.value_text, record.unit, figure) for figure in quoted)
            share = related_measure(primary, record.indicator)
            return said, share > 0, in_family, record.year == year, share

        ranked = [(rank(r), r) for r in self.records if r.region == region and r.indicator != primary]
        best = max(ranked, key=lambda pair: pair[0], default=None)
        if best is None or not (best[0][0] or best[0][1]):
            return None, False
        return best[1], best[0][0]

    @staticmethod
    def _keep_same_kind(result: AnalysisResult, primary: str) -> str | None:
        """Mark as another measure each figure of another kind (a level, a change from a base year, an amount
        added) or unit than the asked indicator's: a total capacity is no 新增 to count or compare. The kind
        kept, None without figures."""
        lines = [line for line in [*result.lines, result.reference] if line and line.status is PlanStatus.figure]
        if not lines:
            return None
        compared = [line.records[0] for line in lines]
        primary_records = [r for r in compared if r.indicator == primary] or compared
        kind = Counter(kind_of(r) for r in primary_records).most_common(1)[0][0]
        unit = Counter(base_unit(r.unit) for r in primary_records if kind_of(r) == kind).most_common(1)[0][0]
        for line, record in zip(lines, compared):
            if kind_of(record) != kind:
                line.status = PlanStatus.other_measure
                line.note = f"给出的是{KIND_NAMES[kind_of(record)]}（{record.label}），与{KIND_NAMES[kind]}不可比"
            elif base_unit(record.unit) != unit:
                line.status = PlanStatus.other_measure
                line.note = f"单位为{record.unit}，与其他方案（{unit}）不同"
        return kind

    def _set_comparable(self, result: AnalysisResult, primary: str) -> None:
        """Keep as figures only the records of the asked indicator's kind and unit (_keep_same_kind); set the
        result's unit and each figure's value; mark the result not comparable when the figures' base years
        differ."""
        kind = self._keep_same_kind(result, primary)
        figures = [line for line in [*result.lines, result.reference] if line and line.status is PlanStatus.figure]
        if not figures:
            return
        result.unit = display_unit([line.records[0].unit for line in figures])
        for line in figures:
            line.value = float(in_unit(line.records[0], result.unit))
        result.lower_is_stricter = sum(map(is_ceiling, (l.records[0] for l in figures))) * 2 > len(figures)
        bases = {line.records[0].base_year for line in figures if line.records[0].base_year}
        if kind == "change" and len(bases) > 1:
            stated = "、".join(f"{line.region}比{line.records[0].base_year}年" for line in figures
                               if line.records[0].base_year)
            result.comparable = False
            result.reason = f"各方案的比较基年不同（{stated}），不能直接比较"
        elif kind == "change" and bases:
            result.cautions += [f"{line.region}未写明比较基年（其他方案为比{min(bases)}年）"
                                for line in figures if not line.records[0].base_year]


def _in_words(region: str, mention: Mention | None) -> PlanLine:
    """The plan names the indicator in words, or never: a figure in words without a year ("LED等高效能节能灯具使用占比
    100%") is not ranked, but said."""
    if mention is None:
        return PlanLine(region=region, status=PlanStatus.not_mentioned)
    return PlanLine(region=region, status=PlanStatus.in_words, mention=mention,
                    note=UNDATED if QUOTED_FIGURE.search(mention.quote) else "")


def _other_measure(region: str, primary: str, year: int | None, record: Indicator) -> PlanLine:
    return PlanLine(region=region, status=PlanStatus.other_measure, records=[record],
                    note=f"未给出{primary}的数值，给出的是{record.indicator}（{record.label}），口径不同"
                         + (f"、年份不同（{record.year}年）" if year and record.year != year else ""))


# ---- the kinds of targets and their units ------------------------------------------------------------

KIND_NAMES = {"level": "目标水平", "change": "变化幅度", "added": "新增量"}


def kind_of(record: Indicator) -> str:
    """level (达到35%), change (比2020年下降14.5%) or added (新增460万千瓦)."""
    if record.direction in ACTIONS:
        return "added"
    return "change" if record.direction in CHANGES or record.unit.endswith("百分点") else "level"


def is_ceiling(record: Indicator) -> bool:
    """A smaller figure is stricter: 不高于300吨, 控制在8%以内."""
    return record.direction in CEILINGS or any(q in CEILING_QUALIFIERS for q in record.qualifiers)


def split_unit(unit: str) -> tuple[Decimal, str]:
    """0.31亿立方米 is 3100万立方米: the magnitude in front of the unit, and the unit without it."""
    if len(unit) > 1 and unit[0] in MAGNITUDES:
        return Decimal(MAGNITUDES[unit[0]]), unit[1:]
    return Decimal(1), "%" if unit in PERCENT else unit


def base_unit(unit: str) -> str:
    return split_unit(unit)[1]


def display_unit(units: list[str]) -> str:
    """The unit most figures are written in (the smaller magnitude on a tie)."""
    counts = Counter(units)
    return max(counts, key=lambda u: (counts[u], -split_unit(u)[0]))


def in_unit(record: Indicator, unit: str) -> Decimal:
    return Decimal(record.value_text) * split_unit(record.unit)[0] / split_unit(unit)[0]


def number_text(value: Decimal) -> str:
    """24.86, 0.5, 515: no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def amount_text(value: Decimal, unit: str, approximate: bool) -> str:
    """A difference as a reader says it: percentages in 个百分点, other units as they are."""
    text = number_text(abs(value)) + ("个百分点" if unit in PERCENT or unit.endswith("百分点") else unit)
    return ("约" if approximate else "") + text


def is_approximate(record: Indicator) -> bool:
    return any(q in APPROXIMATE + ASPIRATIONAL for q in record.qualifiers)


def qualified(record: Indicator) -> str:
    """The qualifiers that make a figure less than exact, as the plan writes them."""
    return "、".join(f"“{q}”" for q in record.qualifiers)


# ---- the operations ------------------------------------------------------------------------------------

def _value(line: PlanLine) -> Decimal:
    return Decimal(str(line.value))


def _close(a: PlanLine, b: PlanLine) -> bool:
    """The two figures' order may not hold: equal but qualified differently, or near and approximate."""
    gap = abs(_value(a) - _value(b))
    if gap == 0:
        return a.records[0].qualifiers != b.records[0].qualifiers
    return _either_approximate(a, b) and gap <= APPROXIMATE_SHARE * max(abs(_value(a)), abs(_value(b)))


def _caution(a: PlanLine, b: PlanLine) -> str:
    said = "，".join(f"{line.region}为“{line.records[0].label}”" for line in (a, b))
    return f"{said}，限定词使二者的先后不确定"


def _stricter_first(result: AnalysisResult) -> list[PlanLine]:
    return sorted(result.figures, key=_value, reverse=not result.lower_is_stricter)


def _not_comparable(result: AnalysisResult, regions: list[str]) -> bool:
    """Fewer than two figures to compare among `regions`: say why, from their lines."""
    if not result.comparable:
        return True
    figures = [line for region in regions if (line := result.line(region)) and line.status is PlanStatus.figure]
    if len(figures) >= 2:
        return False
    result.comparable = False
    missing = [result.line(region) for region in regions if region not in {line.region for line in figures}]
    why = "；".join(f"{line.region}{_why_missing(line, result)}" for line in missing if line)
    if len(figures) == 1:
        result.reason = f"只有{figures[0].region}给出了可比的数值（{why}），无法比较"
    else:
        result.reason = f"没有方案给出可比的数值（{why}）"
    return True


def _why_missing(line: PlanLine, result: AnalysisResult) -> str:
    if line.status is PlanStatus.in_words and line.note:
        return f"方案写的是“{line.mention.quote}”，{line.note}"
    if line.status is PlanStatus.in_words:
        return f"未给出{f'{result.year}年的' if result.year else ''}数值，方案写的是“{line.mention.quote}”"
    if line.status is PlanStatus.not_mentioned:
        return "未提及该指标"
    return line.note


def _superlative(result: AnalysisResult) -> None:
    if _not_comparable(result, [line.region for line in result.lines]):
        return
    order = _stricter_first(result)
    if result.extreme in (Extreme.high, Extreme.low):
        order = sorted(result.figures, key=_value, reverse=result.extreme is Extreme.high)
    elif result.extreme is Extreme.loose:
        order.reverse()
    best = _value(order[0])
    result.winners = [line.region for line in order if _value(line) == best]
    runner_up = next((line for line in order if _value(line) != best), None)
    tied = [line for line in order if _value(line) == best]
    pairs = [(tied[0], other) for other in tied[1:]] + ([(tied[-1], runner_up)] if runner_up else [])
    result.cautions += [_caution(a, b) for a, b in pairs if _close(a, b)]
    if result.spread and runner_up:  # "最高与最低相差多少": the first end minus the other
        _set_difference(result, order[0], order[-1])


def _rank(result: AnalysisResult) -> None:
    if _not_comparable(result, [line.region for line in result.lines]):
        return
    order = _stricter_first(result)
    for position, line in enumerate(order, start=1):
        ahead = next((result.positions[o.region] for o in order[:position - 1] if _value(o) == _value(line)), None)
        result.positions[line.region] = ahead or position


def _reference(result: AnalysisResult) -> None:
    province = result.reference
    if province is None or province.status is not PlanStatus.figure:
        result.comparable = False
        result.reason = (f"{province.region}{_why_missing(province, result)}，无从比较" if province
                         else "问题没有可作参照的省级方案")
        return
    if result.focus and _not_comparable(result, [province.region, *result.focus]):
        return
    base = _value(province)
    higher = result.side is not Side.lower
    for line in result.figures:
        if _value(line) == base:  # level with it: what a question about the same target asks for
            (result.selected if result.side is Side.same else result.equal).append(line.region)
        elif result.side is not Side.same and (_value(line) > base) == higher:
            result.selected.append(line.region)
        if _close(line, province):
            result.cautions.append(_caution(line, province))
    if len(result.focus) == 1:  # one plan singled out: how far it is from the province; several: which are beyond
        line = result.line(result.focus[0])
        _set_difference(result, line, province)
        _set_ratio(result, line, province)
    elif result.how_far:  # "各市与全省的差距分别是多少": each plan's distance, not only which are beyond
        more, less = ("高", "低") if result.unit in PERCENT or result.unit.endswith("百分点") else ("多", "少")
        for line in result.figures:
            amount = _value(line) - base
            result.gaps[line.region] = "相同" if amount == 0 else (
                (more if amount > 0 else less) + amount_text(amount, result.unit, _either_approximate(line, province)))


def _difference(result: AnalysisResult) -> None:
    if _not_comparable(result, result.focus):
        return
    first, second = (result.line(region) for region in result.focus[:2])
    _set_difference(result, first, second)
    _set_ratio(result, first, second)


def _either_approximate(line: PlanLine, other: PlanLine) -> bool:
    """Either figure is marked 约/左右 or 力争: so is their difference, or the share one is of the other."""
    return is_approximate(line.records[0]) or is_approximate(other.records[0])


def _set_difference(result: AnalysisResult, line: PlanLine, other: PlanLine) -> None:
    """The line's figure minus the other's, as a number and as text (0.5个百分点, 约260万千瓦)."""
    amount = _value(line) - _value(other)
    result.difference = float(amount)
    result.difference_text = amount_text(amount, result.unit, _either_approximate(line, other))


def _set_ratio(result: AnalysisResult, line: PlanLine, other: PlanLine) -> None:
    """What share of the other's figure the line's is ("25%"), or how many times it ("约1.17倍"), when asked."""
    if not result.ratio or _value(other) == 0:
        return
    share = _value(line) / _value(other)
    exact = share.quantize(Decimal("0.001")) if share < 1 else share.quantize(Decimal("0.01"))
    approximate = exact != share or _either_approximate(line, other)
    text = number_text(exact * 100) + "%" if share < 1 else number_text(exact) + "倍"
    result.ratio_text = ("约" if approximate else "") + text


def _threshold(result: AnalysisResult) -> None:
    if not result.comparable or result.threshold is None:
        return
    asked_unit = (result.threshold_text or "").lstrip("0123456789.")
    if asked_unit and result.unit and base_unit(asked_unit) != base_unit(result.unit):
        result.comparable = False
        result.reason = f"问题的单位（{asked_unit}）与方案的（{result.unit}）不同"
        return
    scale = split_unit(asked_unit)[0] / split_unit(result.unit)[0] if asked_unit and result.unit else Decimal(1)
    bar = Decimal(str(result.threshold)) * scale
    reaches = {
        Comparator.at_least: lambda v: v >= bar, Comparator.more_than: lambda v: v > bar,
        Comparator.at_most: lambda v: v <= bar, Comparator.less_than: lambda v: v < bar,
    }[result.comparator or Comparator.at_least]
    for line in result.figures:
        if reaches(_value(line)):
            result.selected.append(line.region)
        record = line.records[0]
        if is_approximate(record) and abs(_value(line) - bar) <= APPROXIMATE_SHARE * max(abs(bar), abs(_value(line))):
            result.cautions.append(f"{line.region}为“{record.label}”，是否达到{result.threshold_text}不确定")


def _stating(result: AnalysisResult) -> None:
    """Coverage and count: the plans that state a figure (the figure the question quotes, if it quotes one),
    or those that do not, when asked so. A plan whose words quote that figure (without one quoted: a figure in
    the indicator's unit) in a sentence without its year ("到2030年，…。…利用率达到55%", "LED等高效能节能灯具使用占比
    100%") states it too, and is said to."""
    for line in result.lines:
        if line.status is PlanStatus.figure:
            if result.stated is None or any(_states(r.value_text, r.unit, result.stated) for r in line.records):
                result.selected.append(line.region)
            else:
                line.note = f"给出的数值不是{result.stated}"
        elif line.status is PlanStatus.in_words and any(
                _states(figure.group(1), figure.group(2), result.stated) if result.stated
                else result.unit and base_unit(figure.group(2)) == base_unit(result.unit)
                for figure in QUOTED_FIGURE.finditer(line.mention.quote)):
            result.selected.append(line.region)
            line.note = UNDATED
    if result.unstated:
        result.selected = [line.region for line in result.lines if line.region not in result.selected]


def quoted_figures(question: str, intent: AnalysisIntent) -> list[str]:
    """The figures the question quotes for the plans ("和珠海的14.5%比"), as written; not years, nor the figure a
    threshold asks about."""
    figures = [m.group(1) + m.group(2) for m in QUOTED_FIGURE.finditer(YEAR.sub(" ", question))]
    return [f for f in figures if f != intent.threshold_text]


def _states(value_text: str, unit: str, stated: str) -> bool:
    """Is the figure (value and unit as written) the one the question quotes (8% for 降8%以上)?"""
    figure = QUOTED_FIGURE.fullmatch(stated)
    if figure is None:
        return False
    asked_unit = figure.group(2)
    return base_unit(asked_unit) == base_unit(unit) and \
        Decimal(figure.group(1)) * split_unit(asked_unit)[0] == Decimal(value_text) * split_unit(unit)[0]
