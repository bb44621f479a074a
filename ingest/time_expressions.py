"""Time as the plans and the people asking about them write it, read by one grammar.

- Years: 2025年, 二〇二五年 / 二零三零年; in questions also the short forms staff type: 25年, 30年, 三零年.
  A number without 年 is no year (25万千瓦, 30%, "1.5万千瓦，2025").
- Year ranges: 2021—2025年, 2021年至2025年: a period that ends in its last year.
- Five-year-plan periods: 十四五, “十四五”期间 / 时期 (2021–2025), 十四五末 / “十四五”时期末 / 十四五结束时
  (a deadline, 2025), 十五五 (2026–2030).
- Deadlines: 到2025年底, 2025年前, 2030年以前, 2025年末; base years: 比2020年, 较2020年, 与2020年相比,
  以2020年为基数 / 基准.

A period counts as its last year wherever years are compared: a plan writes “十四五”期间新增460万千瓦 where
another writes 到2025年, and a question about 十四五末 asks about 2025. `read_times` gives the typed reading,
`years_in` the years alone, `spelled_out` a question with its short years written as the plans write them
(25年 -> 2025年), so every later pattern reads one form, and `without_times` what a question asks about.
"""
from __future__ import annotations

import re

from pydantic import BaseModel, Field

from carbonqa.ingest.vocabulary import CN_DIGITS, NUMBER_UNITS, PERIOD_END_YEAR, YEAR_NUMBER

_CN_DIGIT = "[〇零一二三四五六七八九]"
_DIGITS = {**CN_DIGITS, "零": 0, **{str(d): d for d in range(10)}}
# A two-digit year stands for 20xx only in this range (25年, 30年, 60年碳中和); outside it, and before the
# words of a duration (30年以上, 三五年内), it is a number of years.
SHORT_YEARS = range(20, 61)
_DURATION = r"(?!\s*(?:以上|以内|之内|内|左右|来|多|间|后|时间|期间|一遇))"
_YEAR = (rf"(?<![\d.])(?P<long>{YEAR_NUMBER})(?!\d)|(?<!{_CN_DIGIT})(?P<cn_long>{_CN_DIGIT}{{4}})")
_SHORT = rf"(?<![\d.])(?P<short>\d{{2}})(?!\d)|(?<![{_CN_DIGIT[1:-1]}十])(?P<cn_short>{_CN_DIGIT}{{2}})"
YEAR_TOKEN = re.compile(rf"(?:{_YEAR})\s*年{_DURATION}")
YEAR_TOKEN_WITH_SHORT = re.compile(rf"(?:{_YEAR}|{_SHORT})\s*年{_DURATION}")
# The first year of a range written without its 年: 2021—2025年, 2021-2025年.
RANGE_START = re.compile(rf"(?<![\d.])({YEAR_NUMBER})\s*年?\s*(?:[-—–~～]|至|到)\s*$")
PERIOD = re.compile("[“\"‘']?(" + "|".join(PERIOD_END_YEAR) + r")[”\"’']?(?:规划)?(?:时期|期间)?"
                    r"(?P<end>末|期末|结束时|结束前)?")
DEADLINE_AFTER = re.compile(r"\s*(?:底|末)?\s*(?:前|以前|之前)|\s*(?:底|末)")
YEAR_WITH_DEADLINE = re.compile(rf"{YEAR_TOKEN_WITH_SHORT.pattern}(?:{DEADLINE_AFTER.pattern})?")
# What makes a year the one a change is measured from: 比/较/与…2020年 (not 占比2025年, 2025年与2030年),
# 以2020年为基数, 2020年为基准. A bare 比 counts only before a change in the same clause ("比2020年下降",
# "2030比2020降多少"): 比 also ends ratios ("桩车比2025年要达到多少").
BASE_BEFORE = re.compile(r"(?:较|相较|相对于?|(?<!年)(?:与|同))\s*$")
COMPARED_BEFORE = re.compile(r"(?<!占)比\s*$")
CHANGE_AFTER = re.compile(r"[^，,。；;？?]*?(?:降|减|提|升|增|高|低|多(?!少)|(?<!多)少)")  # not 多少: it asks
BASE_AFTER = re.compile(r"\s*为(?:基数|基准|基期)")


class Period(BaseModel):
    """A span of years named as one: 十四五 (2021–2025) or 2021—2025年."""

    name: str = Field(description="as written: 十四五, 2021—2025年")
    first: int
    last: int


class TimeMentions(BaseModel):
    """The times a text names, read by `read_times`."""

    years: set[int] = Field(default_factory=set, description="every year named; a period counts as its last year")
    periods: list[Period] = Field(default_factory=list, description="the periods named, in text order")
    deadline: int | None = Field(default=None, description="a year something is due by: 2025年底前, 十四五末")
    base_year: int | None = Field(default=None, description="the year a change is measured from: 比2020年")

    @property
    def target_years(self) -> set[int]:
        """The years asked about or aimed at: the base year is what a change is measured from."""
        return self.years - {self.base_year}


def read_times(text: str, short_years: bool = False) -> TimeMentions:
    """The years, periods, deadline and base year `text` names. `short_years` reads 25年 / 三零年 as
    years too: staff type them, the plans never do (in a plan, 30年 is a duration)."""
    found = TimeMentions()
    pattern = YEAR_TOKEN_WITH_SHORT if short_years else YEAR_TOKEN
    for match in pattern.finditer(text):
        year = _value(match)
        if year is None:
            continue
        found.years.add(year)
        before, after = text[:match.start()], text[match.end():]
        start = RANGE_START.search(before)
        if start and int(start.group(1)) < year:
            found.periods.append(Period(name=text[start.start():match.end()], first=int(start.group(1)), last=year))
            found.years.discard(int(start.group(1)))
        compared = COMPARED_BEFORE.search(before) and CHANGE_AFTER.match(after)
        if found.base_year is None and (BASE_BEFORE.search(before) or compared or BASE_AFTER.match(after)):
            found.base_year = year
        elif found.deadline is None and DEADLINE_AFTER.match(after):
            found.deadline = year
    for match in PERIOD.finditer(text):
        last = PERIOD_END_YEAR[match.group(1)]
        found.periods.append(Period(name=match.group(1), first=last - 4, last=last))
        found.years.add(last)
        if match.group("end") and found.deadline is None:
            found.deadline = last
    return found


def years_in(text: str, short_years: bool = False) -> set[int]:
    """Every year `text` names, a period as its last year: 到2025年，比2020年 -> {2025, 2020}."""
    return read_times(text, short_years).years


# A year a question writes without 年 ("云浮2030非化石能源占比多少", "2030比2020降多少"): four digits that no digit, unit
# (NUMBER_UNITS: 2030公顷), measure word or range mark follows (2000辆, 2030万千瓦, 2025-2030 are not such years).
_AFTER_NUMBER = "|".join(map(re.escape, NUMBER_UNITS))
BARE_YEAR = re.compile(rf"(?<![\d.])({YEAR_NUMBER})(?![\d.]|\s*(?:{_AFTER_NUMBER}|[%％万亿千百十个台座家辆吨元度米户人项条处所套张瓦余多]|"
                       rf"[-—~～到至]))")


def spelled_out(question: str) -> str:
    """The question with its years as the plans write them: 25年 / 二〇二五年 / a bare 2025 -> 2025年."""
    def spell(match: re.Match) -> str:
        year = _value(match)
        if year is None or match.group("long"):
            return match.group(0)
        number = next(name for name in ("cn_long", "short", "cn_short") if match.group(name))
        return str(year) + match.group(0)[match.end(number) - match.start():]
    return BARE_YEAR.sub(r"\1年", YEAR_TOKEN_WITH_SHORT.sub(spell, question))


def without_times(text: str, blank: str = " ") -> str:
    """`text` with each time replaced by `blank` (2025年底前, “十四五”期间, 十五五末): a question's topic is
    what remains, and its time is compared as years, not as words a plan may write another way."""
    text = YEAR_WITH_DEADLINE.sub(lambda match: blank if _value(match) else match.group(0), text)
    return PERIOD.sub(blank, text)


def _value(match: re.Match) -> int | None:
    """The year a matched token stands for, or None for a number that is no year (99年, 一二三四年)."""
    groups = match.groupdict()
    if groups["long"]:
        return int(groups["long"])
    digits = groups["cn_long"] or groups.get("short") or groups.get("cn_short")
    value = int("".join(str(_DIGITS[ch]) for ch in digits))
    if len(digits) == 4:
        return value if 1900 <= value <= 2099 else None
    return 2000 + value if value in SHORT_YEARS else None
