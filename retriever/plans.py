"""Which plan of a region a question is about, when the region has several.

A region may have a plan and its revision (珠海市碳达峰实施方案 of 2023 and its 2025年修订), or an
overall plan and sector plans (广东省工业领域碳达峰实施方案). `PlanCatalog` describes each plan by what
tells it apart, read from its own title and doc id (never from a list written here): its year of issue,
whether its title marks a revision, the sector its title names. A question picks plans by the same
features: 2023年版 / 2025年修订, 修订后 / 最新 / 原方案, 工业领域方案 (patterns in ingest/vocabulary.py).
A question that picks none is about every plan of its regions; the answer then names the plans it
quotes (answer/pipeline.py).
"""
from __future__ import annotations

from collections.abc import Iterable

from carbonqa.ingest.metadata import issue_year, plan_topic
from carbonqa.ingest.models import Chunk
from carbonqa.ingest.time_expressions import years_in
from carbonqa.ingest.vocabulary import ORIGINAL_PLAN, PLAN_YEAR, REVISED_PLAN, REVISION_TITLE, sector_plan_name
from carbonqa.retriever.models import PlanInfo


class UnknownDocumentError(ValueError):
    """A documents filter names a plan that is not in the library."""


def describe(doc_id: str, title: str, region: str) -> PlanInfo:
    own = title[len(region):] if title.startswith(region) else title  # 珠海市 is no feature of 珠海's plans
    return PlanInfo(doc_id=doc_id, title=title, region=region, year=issue_year(doc_id),
                    revision=bool(REVISION_TITLE.search(own)), sector=plan_topic(title, region))


class PlanCatalog:
    """The plans in corpus order, each with the features that tell it from its region's other plans."""

    def __init__(self, plans: Iterable[PlanInfo]):
        self.plans = list(plans)
        self.by_id = {plan.doc_id: plan for plan in self.plans}
        self.regions = list(dict.fromkeys(plan.region for plan in self.plans))

    @classmethod
    def from_chunks(cls, chunks: Iterable[Chunk]) -> PlanCatalog:
        plans = dict.fromkeys((chunk.doc_id, chunk.title, chunk.region) for chunk in chunks)
        return cls(describe(*plan) for plan in plans)

    def of_region(self, region: str) -> list[PlanInfo]:
        return [plan for plan in self.plans if plan.region == region]

    def documents(self, regions: Iterable[str]) -> list[str]:
        """The ids of these regions' plans, region by region."""
        return [plan.doc_id for region in regions for plan in self.of_region(region)]

    def regions_with_several(self, regions: Iterable[str]) -> list[str]:
        """Those of these regions that have more than one plan."""
        return [region for region in regions if len(self.of_region(region)) > 1]

    def resolve_filter(self, doc_ids: list[str], regions: list[str] | None = None) -> tuple[list[str], list[str]]:
        """A documents filter, with the region filter given beside it: (the regions asked about, the plans
        searched), in corpus order. A region with a plan in the filter is searched in those plans only; a
        region of the region filter without one keeps all its plans; a plan outside the region filter adds
        its region. An id not in the library is an UnknownDocumentError."""
        wanted = [doc_id.strip() for doc_id in doc_ids]
        for doc_id in wanted:
            if doc_id not in self.by_id:
                raise UnknownDocumentError(f"未知方案“{doc_id}”，可选：{'、'.join(self.by_id)} / unknown plan "
                                           f"{doc_id!r} (GET /documents lists the ids)")
        narrowed = {self.by_id[doc_id].region for doc_id in wanted}
        asked = [region for region in self.regions if region in narrowed or region in (regions or [])]
        searched = [plan.doc_id for plan in self.plans if plan.region in asked
                    and (plan.doc_id in wanted or plan.region not in narrowed)]
        return asked, searched

    def without_cues(self, question: str) -> str:
        """The question with the words that name a plan blanked (2025年修订版, 原方案, 工业领域方案): they say
        which plan, not what about, and the year of issue is not a year asked about."""
        for pattern in (PLAN_YEAR, ORIGINAL_PLAN, REVISED_PLAN, *(sector_plan_name(p.sector) for p in self.plans if p.sector)):
            question = pattern.sub(" ", question)
        return question

    def named(self, question: str, regions: list[str]) -> list[str]:
        """The plans the question picks among those of its regions (of every region if it names none),
        as doc ids in corpus order; empty when it picks none of a region's several plans."""
        kept: list[PlanInfo] = []
        narrowed = False
        for region in regions or self.regions:
            plans = self.of_region(region)
            chosen = pick(question, plans) if len(plans) > 1 else plans
            narrowed |= len(chosen) < len(plans)
            kept += chosen
        return [plan.doc_id for plan in self.plans if plan in kept] if narrowed else []


def pick(question: str, plans: list[PlanInfo]) -> list[PlanInfo]:
    """The plans of one region that the question names, by the cues in turn: the sector, the year, then
    原方案 (the oldest plan that is no revision) or 修订/最新 (the revisions, else the newest). A cue
    that fits no plan narrows nothing; with a cue but no sector named, overall plans go before sector plans."""
    sectors = [plan for plan in plans if plan.sector and sector_plan_name(plan.sector).search(question)]
    years = {int(year) for year in PLAN_YEAR.findall(question)}
    original = bool(ORIGINAL_PLAN.search(question))
    revised = not original and bool(REVISED_PLAN.search(question))
    if not (sectors or years or original or revised):
        return plans
    chosen = sectors or [plan for plan in plans if not plan.sector] or plans
    chosen = [plan for plan in chosen if years & ({plan.year} | years_in(plan.title))] or chosen
    if original:
        return [min([plan for plan in chosen if not plan.revision] or chosen, key=_age)]
    if revised:
        return [plan for plan in chosen if plan.revision] or [max(chosen, key=_age)]
    return chosen


def _age(plan: PlanInfo) -> int:
    return plan.year or 0
