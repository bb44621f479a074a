"""Which plans a question is about: region names, aliases, and places that have no plan here."""
from __future__ import annotations

import logging
import re

import jieba

from retriever.models import RegionQuery

jieba.setLogLevel(logging.WARNING)  # no dictionary-loading chatter on the first question

# Words that point at the province-level plan without naming 广东.
PROVINCE_ALIASES = ("全省", "省里", "省方案", "省级方案")  # not 省级: "省级森林公园" is a name
# Words that ask about every plan at once. Not 分别/对比/相比: "2025年和2030年分别" or "与2020年相比"
# compare years; a comparison of plans names them (two or more named regions).
ALL_PLANS = re.compile(r"各市|各地|各个?城市|各方案|所有方案|五个?城市|五个方案|五市|哪些城市|哪几个城市")

# Places a staff member might name that have no plan in this corpus: every other province and
# Guangdong city, and major cities elsewhere (not 香港/澳门: the plans name them as partners).
OTHER_PLACES = (
    "广州 深圳 东莞 惠州 中山 汕头 湛江 茂名 肇庆 清远 韶关 河源 梅州 潮州 揭阳 汕尾 阳江 "
    "北京 上海 天津 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 "
    "海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 "
    "杭州 南京 苏州 武汉 成都 西安 厦门 青岛 宁波 长沙 郑州 济南 合肥 福州 昆明 南宁 贵阳 海口 三亚"
).split()


def short_name(region: str) -> str:
    """珠海市 -> 珠海, 广东省 -> 广东."""
    return region[:-1] if region[-1:] in "省市县" and len(region) > 2 else region


def normalise_region(name: str, known_regions: list[str]) -> str | None:
    """An explicit region filter value (珠海 / 珠海市 / 全省) as a plan region, None if it has no plan."""
    name = name.strip()
    for region in known_regions:
        if name in (region, short_name(region)):
            return region
    if name in PROVINCE_ALIASES:
        return next((r for r in known_regions if r.endswith("省")), None)
    return None


def detect_regions(question: str, known_regions: list[str],
                   plan_texts: dict[str, str] | None = None) -> RegionQuery:
    """Regions named in the question, in the order of `known_regions`, plus places without a plan.

    With `plan_texts` (region -> its plan's text), a mention that is part of a longer name found only
    in other plans ("广东省实验室" in 云浮's plan) does not count as asking about that region.
    A place without a plan counts only where a word starts and outside any plan-region mention:
    "复合肥" is not 合肥, "珠江西岸" not 江西, "珠海口岸" not 海口, "佛山西部" not 山西.
    """
    found: list[str] = []
    spans: list[tuple[int, int]] = []
    for region in known_regions:
        aliases = {region, short_name(region)} | (set(PROVINCE_ALIASES) if region.endswith("省") else set())
        for alias in filter(None, aliases):  # an empty name would match every question
            for match in re.finditer(re.escape(alias), question):
                spans.append(match.span())
                if region not in found and not (plan_texts and _part_of_other_name(question, match, region, plan_texts)):
                    found.append(region)
    found.sort(key=known_regions.index)

    def overlaps_known(start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in spans)

    word_starts = {start for _, start, _ in jieba.tokenize(question)}
    unknown: list[str] = []
    for place in OTHER_PLACES:
        for match in re.finditer(place, question):
            if match.start() in word_starts and not overlaps_known(*match.span()) and place not in unknown:
                unknown.append(place)
    return RegionQuery(regions=found, unknown=unknown, all_regions=bool(ALL_PLANS.search(question)))


def _part_of_other_name(question: str, match: re.Match, region: str, plan_texts: dict[str, str]) -> bool:
    """The mention and the 3 characters after it occur in another plan's text but not in the region's own."""
    name = question[match.start() : match.end() + 3]
    if len(name) < match.end() - match.start() + 3 or not NAME_CONTINUATION.match(name[match.end() - match.start():]):
        return False
    own = plan_texts.get(region, "")
    return name not in own and any(name in text for other, text in plan_texts.items() if other != region)


# Characters that continue a proper name rather than start a new phrase (的/和/2025 do not).
NAME_CONTINUATION = re.compile(r"^[\u4e00-\u9fff]{3}$")
