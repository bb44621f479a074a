"""Contracts of the indicator stage: one quantitative target of one plan, with its citation, and an
analytical question over the targets of several plans (AnalysisIntent)."""
from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field


class Indicator(BaseModel):
    """A figure a plan sets for a year (到2025年，X达到32%以上), quoted from one clause."""

    indicator: str = Field(description="normalised name, one for all wordings, e.g. 单位地区生产总值能源消耗")
    subject: str = Field(description="the subject as the plan words it, e.g. 单位地区生产总值能耗")
    region: str = Field(description="e.g. 广东省")
    level: str = Field(description="省 or 市")
    doc_id: str
    title: str = Field(description="the plan's title")
    year: int = Field(description="target year: 到2025年 -> 2025, “十四五”期间 -> 2025")
    value: float
    value_text: str = Field(description="the figure exactly as written, e.g. 15.0")
    unit: str = Field(description="e.g. %, 万千瓦, 个百分点; as written")
    direction: str = Field(description="the verb before the figure as written: 达到 / 下降 / 不低于 / 新增 …")
    qualifiers: list[str] = Field(default_factory=list, description="力争 / 确保 / 约 / 以上 / 左右 / 以内 …")
    base_year: int | None = Field(default=None, description="比2020年下降 -> 2020")
    label: str = Field(description="the target in short, as the plan qualifies it: 比2020年力争下降14.5%以上")
    clause_id: str = Field(description="the chunk the figure is quoted from")
    path: list[str] = Field(default_factory=list, description="heading path of that chunk")
    sentence: str = Field(description="the sentence holding the figure, verbatim from the chunk")
    quote: str = Field(description="the shortest verbatim part of the sentence naming the subject and the figure")


class AnalysisOperation(str, Enum):
    """What an analytical question computes from the plans' targets."""

    superlative = "superlative"  # which plan is highest / lowest / strictest (哪个市最高, 谁定得最狠, A和B谁多)
    rank = "rank"  # where a plan stands (珠海排第几)
    reference = "reference"  # against the province's plan (高于全省的有哪些, 比省里高多少)
    difference = "difference"  # how far apart two plans are (相差几个百分点)
    threshold = "threshold"  # which plans reach a figure (不低于40%的有哪些)
    coverage = "coverage"  # which plans state a target (哪些方案提出了…)
    count = "count"  # how many plans state it (几个市给了…)


class Extreme(str, Enum):
    """The end of a ranking asked for: the largest or smallest figure, or the strictest or loosest target
    (for 下降 the largest figure is strictest, for 不高于 the smallest)."""

    high = "high"
    low = "low"
    strict = "strict"
    loose = "loose"


class Comparator(str, Enum):
    at_least = "at_least"  # 不低于 / 以上
    more_than = "more_than"  # 高于 / 超过
    at_most = "at_most"  # 不高于 / 以下 / 以内
    less_than = "less_than"  # 低于


class Side(str, Enum):
    """Which way a reference or difference question looks: 高于/高多少, 低于/低多少, or level with (和省里一样)."""

    higher = "higher"
    lower = "lower"
    same = "same"


class AnalysisIntent(BaseModel):
    """An analytical question across plans, as read from its text (retriever/intent.py): what to compute,
    over which plans and year, about which indicator."""

    operation: AnalysisOperation
    subject: str = Field(description="the words naming the indicator, places, years and question words removed")
    regions: list[str] = Field(description="the plans compared, answer order: those named, else every plan "
                                           "(only the cities when the question asks about 市)")
    focus: list[str] = Field(default_factory=list, description="plans the question singles out: whose rank, "
                                                               "or which minus which in a difference")
    reference: str | None = Field(default=None, description="the province plan a reference question measures against")
    years: list[int] = Field(default_factory=list, description="target years asked (25年 -> 2025, “十四五” -> 2025)")
    extreme: Extreme | None = Field(default=None, description="superlative: the end asked for")
    side: Side | None = Field(default=None, description="reference/difference: the side asked about")
    ratio: bool = Field(default=False, description="reference/difference: asks what share or multiple of the other "
                                                   "one plan's figure is (是佛山的几倍, 占全省的比重)")
    spread: bool = Field(default=False, description="superlative: asks how far apart the two ends are (最高与最低相差"
                                                    "多少, 极差)")
    threshold: float | None = Field(default=None, description="threshold: the figure to reach")
    threshold_text: str | None = Field(default=None, description="the figure as asked, e.g. 40%")
    comparator: Comparator | None = None
    stated: str | None = Field(default=None, description="coverage/count: the figure the question quotes (降8%以上 -> 8)")
    how_far: bool = Field(default=False, description="reference: asks how far the plans are from the province (分别差"
                                                     "多少), not only which are beyond it")
    unstated: bool = Field(default=False, description="coverage/count: asks for the plans that do not state it "
                                                      "(哪个没写)")
    counted_with: str = Field(default="个", description="count: the measure word the question counts plans with "
                                                       "(几份 -> 份, 几家 -> 家)")
