"""What a question asks for: its topic terms, the years it names, and the kind of reply it wants."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from answer.text import NUMBER, years_in
from index.tokenizer import ABBREVIATIONS
from ingest.text import squash
from retriever.models import RegionQuery
from retriever.regions import PROVINCE_ALIASES, short_name

# Asks for a quantity: a share, a target value, a capacity, a count.
FIGURE_WORDS = re.compile(r"多少|多大|多高|几[个项座家辆条所]|比重|比例|占比|百分|[%％]|规模|容量|装机|覆盖率|利用率|什么水平|以内|以下|以上")
# Asks for a point in time.
YEAR_WORDS = re.compile(r"哪一?年|何时|什么时候|什么时间|时间节点|年份|时限")
# An enumeration word, then what is enumerated: "包括哪些行动", "有哪几项", "保障措施有哪些".
LIST_WORD = re.compile(r"哪些|哪几|几大|几项|几条|几个方面|什么内容|讲什么|包括什么|包含什么")
# What a structure question enumerates: the plan's own parts, not things named inside them.
STRUCTURAL_NOUNS = re.compile(r"行动|任务|措施|方面|内容|原则|部分|保障|举措|重点工作|领域")
MEASURE_ONLY = re.compile(r"^(?:项|条|个方面|方面)?[？?。\s]*$")
# Asks what a plan says about a topic, not for one fact: a few sentences make the answer.
OVERVIEW_WORDS = re.compile(r"有什么安排|有何安排|怎么说|说了什么|提到了?什么|有哪些(?:举措|措施|安排|要求|部署)|怎样推进|如何推进|有什么(?:要求|举措|措施)")
ORDINAL_PART = re.compile(r"第([一二三四五六七八九十]+)部分")
# Words of the question's frame, not its topic; region names are removed separately.
FRAME_WORDS = re.compile(
    r"碳达峰实施方案|实施方案|方案|政策文件|文件|里面|是什么|怎么说|怎么样|怎样的|怎样|如何|请问|吗|呢|"
    r"有什么|什么样|安排|要求|规定|做法|打算|相关|各自|分别|各是|各为|几大|具体|表述|不同|区别|差异|异同|"
    r"数量|目标|情况|计划|提出了?|包括|包含|分为|哪些|哪几|哪个|哪里|哪"
)
# Words the plans use interchangeably: matching only.
SYNONYMS = ABBREVIATIONS | {
    "规模以上": ("规上",),
    "天然气发电": ("气电",),
    "负责": ("责任",),
    "比例": ("占比", "比重"),
    "占比": ("比例", "比重"),
}


@dataclass
class QuestionInfo:
    text: str  # the question as understood
    terms: list[str]  # topic terms, region names and frame words removed
    years: set[int]
    wants_figure: bool
    wants_year: bool
    wants_structure: bool  # enumerates the plan's own parts ("保障措施包括哪些")
    wants_overview: bool  # what a plan says about a topic ("氢能方面有什么安排")
    part_number: str | None  # "三" for "第三部分"
    region_query: RegionQuery


def region_aliases(regions: list[str]) -> list[str]:
    """Every way a question may name these places: 珠海市, 珠海; for the province also 全省 etc."""
    aliases: set[str] = set()
    for region in regions:
        aliases.update({region, short_name(region)})
        if region.endswith("省"):
            aliases.update(PROVINCE_ALIASES)
    return sorted(aliases, key=len, reverse=True)


def analyse(question: str, region_query: RegionQuery, known_regions: list[str],
            tokenize: Callable[[str], list[str]]) -> QuestionInfo:
    topic = question
    for alias in region_aliases(known_regions + region_query.unknown):
        topic = topic.replace(alias, " ")
    topic = ORDINAL_PART.sub(" ", FRAME_WORDS.sub(" ", topic))
    terms: list[str] = []
    for token in tokenize(topic):
        token = squash(token)
        # Numbers are matched as years/figures, not as topic words; single characters say too little.
        if len(token) < 2 or NUMBER.search(token) or token in terms:
            continue
        terms.append(token)
    part = ORDINAL_PART.search(question)
    return QuestionInfo(
        text=question,
        terms=terms,
        years=years_in(question),
        wants_figure=bool(FIGURE_WORDS.search(question)),
        wants_year=bool(YEAR_WORDS.search(question)),
        wants_structure=asks_for_structure(question),
        wants_overview=bool(OVERVIEW_WORDS.search(question)),
        part_number=part.group(1) if part else None,
        region_query=region_query,
    )


def asks_for_structure(question: str) -> bool:
    """Does the question enumerate parts of a plan (actions, tasks, measures), not things in them?"""
    return any(_enumerates_parts(question, match) for match in LIST_WORD.finditer(question))


def _enumerates_parts(question: str, match: re.Match) -> bool:
    after = question[match.end():]
    if STRUCTURAL_NOUNS.search(after[:6]):  # "包括哪些行动" / "提出了哪些基本原则"
        return True
    if not MEASURE_ONLY.match(after):  # "以哪些地区为重点"
        return False
    before = re.sub(r"(?:包括|包含|分为|有|是|都有|主要有|具体有)$", "", question[:match.start()])
    return bool(STRUCTURAL_NOUNS.search(before.rstrip("”’\"")[-4:]))  # "保障措施有哪几项"
