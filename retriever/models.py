"""Contracts of the retrieval stage."""
from __future__ import annotations

from enum import Enum
from typing import Any

import numpy as np
from pydantic import BaseModel, Field, PrivateAttr

from carbonqa.indicators.models import AnalysisIntent
from carbonqa.ingest.models import Chunk


class SearchMode(str, Enum):
    bm25 = "bm25"
    dense = "dense"
    hybrid = "hybrid"


class Fusion(str, Enum):
    rrf = "rrf"
    weighted = "weighted"


class RegionSource(str, Enum):
    filter = "filter"  # the caller's explicit region filter
    detected = "detected"  # names found in the question's text
    off = "off"  # region detection switched off and no filter: every plan


class RegionQuery(BaseModel):
    """What regions a question is about, and how they were found."""

    regions: list[str] = Field(default_factory=list, description="plan regions named, e.g. ['珠海市']")
    covering: dict[str, str] = Field(
        default_factory=dict, description="places named without a plan of their own, each with the plan region "
                                          "containing it, searched in its stead, e.g. {'南海区': '佛山市'}")
    unknown: list[str] = Field(default_factory=list, description="places named that have no plan, e.g. ['深圳']")
    all_regions: bool = Field(default=False, description="the question asks about every plan (各市/哪些城市/所有方案)")
    source: RegionSource = Field(default=RegionSource.off, description="filter, detected, or off")
    documents: list[str] = Field(
        default_factory=list, description="the plans (doc ids) the question is restricted to, by the `documents` "
                                          "filter or by the plan it names (2025年修订版); empty = every plan of its regions")


class PlanInfo(BaseModel):
    """What tells a plan from the other plans of its region, read from its own title and date."""

    doc_id: str = Field(description="e.g. zhuhai-2025")
    title: str = Field(description="e.g. 珠海市碳达峰实施方案（2025年修订）")
    region: str
    year: int | None = Field(default=None, description="year of issue (from the notice's date line or number)")
    revision: bool = Field(default=False, description="the title marks a revision (修订/调整)")
    sector: str = Field(default="", description="a sector plan's sector (工业领域); empty for a region's overall plan")


class QuestionFrame(BaseModel):
    """What a question asks, read once from its text (retriever/frame.py); retrieval and answering
    both use it and nothing re-parses the question. Patterns: ingest/vocabulary.py."""

    text: str = Field(description="the question as understood (after follow-up resolution), in matching form (NFKC)")
    asked: str = Field(default="", description="the same as given, before matching form: what a follow-up rewrites")
    regions: RegionQuery
    places_named: list[str] = Field(
        default_factory=list, description="plan regions, then places without a plan, the text names (whatever the filter)")
    compared_regions: list[str] = Field(
        default_factory=list, description="plans answered side by side, answer order; empty unless a comparison")
    terms: list[str] = Field(default_factory=list, description="topic terms: region names and frame words removed")
    years: set[int] = Field(default_factory=set, description="every year named (2025年, 25年, 十四五末 -> 2025), base year included")
    base_year: int | None = Field(default=None, description="the year a change is measured from (比2020年下降)")
    unit: str | None = Field(default=None, description="the unit asked for, if named (万千瓦, %)")
    unit_family: str | None = Field(
        default=None, description="what the asked quantity measures: share/power/energy/mass/money/volume/area/count")
    wants_figure: bool = Field(default=False, description="asks for a quantity (多少/比重/装机…)")
    wants_year: bool = Field(default=False, description="asks for a point in time (哪一年/何时)")
    asked_attribute: str | None = Field(
        default=None, description="an attribute of its topic it asks, which the answering sentence must express: "
                                  "frequency/money/level/charge/clock (ingest/vocabulary.py ASKED_ATTRIBUTES)")
    wants_list: bool = Field(default=False, description="has an enumeration word (哪些/列举/主要内容…)")
    wants_structure: bool = Field(default=False, description="enumerates a plan's own parts (保障措施包括哪些)")
    wants_count: bool = Field(default=False, description="asks how many (几项/多少个)")
    wants_agency: bool = Field(default=False, description="asks who is responsible (哪个部门/责任单位/由谁负责)")
    wants_overview: bool = Field(default=False, description="asks what a plan says about a topic (有什么安排)")
    ordinal: int | None = Field(default=None, description="asks for one item by position: 第3项/排第3的 -> 3, "
                                                          "最后一项 -> -1, 倒数第二个 -> -2")
    ordinal_words: str | None = Field(default=None, description="the words asking for the position, as written "
                                                                "(排第9的, 第三条): what a follow-up swaps")
    ordinal_measure: str | None = Field(default=None, description="the word counting the position: 第35条 -> 条 "
                                                                  "(may be the plan's continuous clause number)")
    item_noun: str | None = Field(default=None, description="what the listed items are: 第三项行动, 十三大行动里 -> 行动")
    list_size: int | None = Field(default=None, description="the size of the list the question names: 十三大行动 -> 13")
    first_items: int | None = Field(default=None, description="asks for the first items: 前三项 -> 3")
    part_number: str | None = Field(default=None, description="第三部分 -> 三")
    locates: bool = Field(default=False, description="asks which item of a plan's lists holds a topic, at which "
                                                     "position (归在哪一项行动下, 是第几项)")
    points_to_part: bool = Field(default=False, description="points at a part by what it is about (生态碳汇那一部分)")
    wants_plan_parts: bool = Field(default=False, description="asks for the plan's own parts as a whole "
                                                              "(分成几个部分, 一级标题, 整体框架)")
    notice: list[str] = Field(default_factory=list, description="what it asks of a plan's notice (印发通知): number, "
                                                                "date, issuer; empty for a question about the content")
    analysis: AnalysisIntent | None = Field(
        default=None, description="an analytical question across plans (哪个市最高, 高于全省的有哪些, 相差多少, "
                                  "哪些方案提出了…): what to compute from the targets; None for any other question")
    facets: list[Facet] = Field(default_factory=list, description="its facets, each with its own frame; fewer than "
                                                                  "two: a single question (retriever/facets.py)")
    # What a follow-up resolution needs (answer/followup.py).
    years_mentioned: list[str] = Field(default_factory=list,
                                       description="years named, bare ones and times too: 那2030呢, "
                                                   "30年, 十五五末 -> 2030年")
    points_back: bool = Field(default=False, description="continues the previous question (那……, ……呢)")
    refers_back: bool = Field(default=False, description="stands a word for the previous question's topic "
                                                         "(这个谁负责, 它的文号, 下面有哪几条)")
    own_topic: bool = Field(default=True, description="names a topic beyond what it asks and of which plans (not "
                                                      "谁牵头, 具体数字是多少, 其他城市呢)")
    only_place_or_year: bool = Field(default=False, description="says no more than places and years (那佛山2030年呢？)")
    compares_unnamed: bool = Field(default=False, description="asks which plan is higher or how far apart without "
                                                              "naming what (那跟佛山比谁定得高, 跟江门差几个点)")

    @property
    def target_years(self) -> set[int]:
        """The years asked about: a base year (比2020年) is what a change is measured from, not a target."""
        return self.targets_among(self.years)

    def targets_among(self, years: set[int]) -> set[int]:
        """Years a text names, without the question's base year: "到2025年……比2020年" targets only 2025."""
        return years - {self.base_year}

    def for_region(self, region: str) -> QuestionFrame:
        """The frame asked of one plan region: a comparison answers each facet plan by plan."""
        return self.model_copy(update={"regions": RegionQuery(regions=[region], source=RegionSource.filter),
                                       "compared_regions": []})


class Facet(BaseModel):
    """One part of a multi-part question ("风电和光伏装机目标": 风电, 光伏装机), answered on its own."""

    label: str = Field(description="the facet as the question words it: 风电, 2030年, 风电 · 2030年")
    question: str = Field(description="the question with only this facet's conjuncts left")
    key: list[str] = Field(default_factory=list, description="its own words, not shared with its siblings")
    year: int | None = Field(default=None, description="a year facet's year")
    frame: QuestionFrame | None = Field(default=None, description="the sub-question read (set by the frame reader)")


QuestionFrame.model_rebuild()


class SearchHit(BaseModel):
    chunk: Chunk
    score: float = Field(description="fused score, higher is better")
    fused_rank: int | None = Field(default=None, description="1-based rank by fused score among the candidates of "
                                                              "the plans searched (a comparison then takes turns "
                                                              "between plans); None for a chunk added only as a child")
    # Per arm: None when the arm was not run or did not return this chunk among its candidates;
    # ranks are 1-based among the candidates of the plans searched.
    bm25_score: float | None = None
    dense_score: float | None = None
    bm25_rank: int | None = None
    dense_rank: int | None = None
    via_tree: bool = Field(default=False, description="added as a child of a matched part/section")


class SearchResult(BaseModel):
    question: str
    mode: SearchMode
    regions: RegionQuery
    hits: list[SearchHit]
    timings_ms: dict[str, float] = Field(default_factory=dict)
    # The question's vector from the dense arm (None without one): the answer stage compares it with
    # the retrieved clauses' sentence vectors. Not part of the API's JSON.
    _query_vector: Any = PrivateAttr(default=None)
    # The frame the search used: the one passed in, with the intent its vector means (retriever/intent_prototypes.py).
    _frame: Any = PrivateAttr(default=None)

    @property
    def query_vector(self) -> np.ndarray | None:
        return self._query_vector

    @property
    def frame(self) -> QuestionFrame | None:
        return self._frame
