"""How the plans write a quantitative target: target years, base years, directions, qualifiers, units,
and the rules that turn the subject they measure into one indicator name across plans.

Everything here is the plans' general grammar ("到2025年，X比2020年下降14.5%以上"), never a list of
particular indicators or regions, so a plan added later is read the same way.
"""
from __future__ import annotations

import re

from index.tokenizer import ABBREVIATIONS, CURATED_TERMS

# A target year: 到2025年 / 2025年底前 / 2030年前; a five-year-plan period ends in a known year.
TARGET_YEAR = re.compile(r"(?<![比较\d])((?:19|20)\d{2})年(?:底|末)?(?:前|以前)?")
PERIOD_END_YEAR = {"十三五": 2020, "十四五": 2025, "十五五": 2030, "十六五": 2035}
PERIOD = re.compile("“?(" + "|".join(PERIOD_END_YEAR) + ")”?(?:期间|时期|末)?")
# The year a change is measured against: 比2020年下降…
BASE_YEAR = re.compile(r"(?:比|较)((?:19|20)\d{2})年(?:末|底)?")

# Words between a subject and its figure, longest first so 达到 wins over 达.
COMPARATIVES = (
    "提高到", "提高至", "提升到", "提升至", "下降到", "下降至", "降低到", "降低至", "控制在", "稳定在", "保持在",
    "不低于", "不高于", "不超过", "不少于", "不多于", "超过", "低于", "高于", "达到", "累计", "具备",
    "下降", "降低", "减少", "提高", "提升", "增长", "增加", "降到", "降至", "达",
)
# Verbs that open a verb-object target (新增…1万平方米, 培育…超过170家): part of the indicator's name.
ACTIONS = ("新增", "完成", "建成", "建设", "培育", "打造", "创建", "实施")
PRE_QUALIFIERS = ("力争", "确保", "原则上", "约")
POST_QUALIFIERS = ("及以上", "以上", "左右", "以内", "以下")
# Units of a target figure; a figure without one (4A级, 5G) is not a target value.
UNIT = re.compile(
    r"个百分点|%|‰|"
    r"(?:万|亿)?(?:千瓦时|千瓦|吨标准煤|吨二氧化碳|吨|立方米|平方米|平方公里|公里|千米|亩|辆|家|个|处|座|项|台|套|艘|条|公顷)"
    r"(?:/(?:万|亿)?(?:平方公里|平方米|人|年|万人))?|MW|GW|kW"
)
NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?")
# A number that is part of a range (5-10个, 1—2个, 3~5个) or a ratio (1:6.4) is not one target value.
RANGE_OR_RATIO = re.compile(r"\d\s*[-—–~～－:：]\s*$|^\s*[-—–~～－:：]\s*\d")
# Plan-wide scope words in front of a subject: 全市森林覆盖率 is the 森林覆盖率 of the plan's region.
SCOPE_PREFIX = re.compile(r"^(?:全[省市区县]|[我本][省市区县]|各[县市区]+|推动|推进|实现)+")
# Adverbs and particles left at the edges of a subject once the figure is cut out.
EDGE_WORDS = re.compile(r"^(?:或|和|及|并|且|其中|的|、|力争|确保)+|(?:基本|力争|确保|进一步|原则上|约|均|分别|全部|的|要|将|和|及)+$")
NOTE = re.compile(r"（[^（）]*）|\([^()]*\)|《[^》]*》|[“”\"]")
# An enumeration in front of its category: 废钢铁、废铜…等9种主要再生资源 -> 9种主要再生资源.
ENUMERATION = re.compile(r"^[^，]*、[^，]*?等(?=.)")
# Variant wordings of one measure across plans (佛山 装机规模 / 广东 装机容量).
MEASURE_VARIANTS = {"装机规模": "装机容量"}


def indicator_name(subject: str) -> str:
    """One name for a subject however a plan words it: notes and scope dropped, abbreviations written out.

    单位地区生产总值能耗 and 单位GDP能耗 both become 单位地区生产总值能源消耗.
    """
    name = NOTE.sub("", subject)
    name = ENUMERATION.sub("", name)
    previous = None
    while name != previous:  # prefixes and edge words can nest: 全市推动…的
        previous = name
        name = EDGE_WORDS.sub("", SCOPE_PREFIX.sub("", name))
    for short, forms in ABBREVIATIONS.items():
        if short in name and forms[0] not in name:
            name = expand(name, short, forms[0])
    for variant, canonical in MEASURE_VARIANTS.items():
        name = name.replace(variant, canonical)
    return name


def expand(name: str, short: str, full: str) -> str:
    """Write out an abbreviation except inside a domain term that contains it (超低能耗建筑 stays)."""
    kept = [term for term in CURATED_TERMS if short in term and term != short and term in name]
    parts = re.split("(" + "|".join(map(re.escape, kept)) + ")", name) if kept else [name]
    return "".join(part if part in kept else part.replace(short, full) for part in parts)


def share_modifier(parts: list[str]) -> list[str]:
    """A和B分别: B takes the domain term that opens A (公共机构单位建筑面积能耗和人均综合能耗 ->
    公共机构人均综合能耗), when that term is only a modifier of A and B does not name it itself."""
    head = max((t for t in CURATED_TERMS if parts[0].startswith(t) and len(t) < len(parts[0])), key=len, default="")
    return [parts[0]] + [p if not head or p.startswith(head) else head + p for p in parts[1:]]
