"""Contracts of the retrieval stage."""
from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field

from ingest.models import Chunk


class SearchMode(str, Enum):
    bm25 = "bm25"
    dense = "dense"
    hybrid = "hybrid"


class Fusion(str, Enum):
    rrf = "rrf"
    weighted = "weighted"


class RegionQuery(BaseModel):
    """What regions a question names, as detected from its text."""

    regions: list[str] = Field(default_factory=list, description="plan regions named, e.g. ['珠海市']")
    unknown: list[str] = Field(default_factory=list, description="places named that have no plan, e.g. ['深圳市']")
    all_regions: bool = Field(default=False, description="the question asks about every plan (各市/哪些城市/所有方案)")


class SearchHit(BaseModel):
    chunk: Chunk
    score: float = Field(description="fused score, higher is better")
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
