"""Contract of the indicator stage: one quantitative target of one plan, with its citation."""
from __future__ import annotations

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
