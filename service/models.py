"""What the live library shows of itself: its plans, their outlines and text, its targets by name, and
whether it is ready. Read by the HTTP API, which returns them as they are."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from carbonqa.ingest.models import Chunk, ChunkKind


class PlanSummary(BaseModel):
    doc_id: str
    title: str
    region: str
    level: str
    issuer: str | None
    doc_number: str | None
    issue_date: date | None
    source_file: str
    chunk_count: int
    counts_by_kind: dict[ChunkKind, int] = Field(description="how many parts, sections, clauses, items, rows")
    added: bool = Field(default=False, description="added to the library by a user (false: shipped with carbonqa)")


class OutlineNode(BaseModel):
    id: str
    kind: ChunkKind
    number: str
    label: str = Field(description="the heading, or the start of the text for unheaded items")
    children: list[OutlineNode] = Field(default_factory=list)


class PlanOutline(BaseModel):
    plan: PlanSummary
    outline: list[OutlineNode]


class ChunkContext(BaseModel):
    """One chunk with what the UI's source panel shows around it."""

    chunk: Chunk
    plan: PlanSummary
    ancestors: list[OutlineNode] = Field(description="root part first, parent last (without their children)")
    parent: Chunk | None
    previous: Chunk | None = Field(description="the sibling just before, in document order")
    next: Chunk | None
    children: list[Chunk]


class Limits(BaseModel):
    """Request limits from the settings, so the chat UI enforces the same ones."""

    max_question_chars: int
    max_history_turns: int
    top_k: int = Field(description="chunks used per question when a request names no top_k")
    top_k_min: int
    top_k_max: int


class Readiness(BaseModel):
    status: str = Field(description="loading | ready | failed")
    detail: str
    limits: Limits
    plans: int = 0
    chunks: int = 0
    load_seconds: float | None = None


class IndicatorName(BaseModel):
    """One normalised indicator name with where and for which years the plans set it."""

    indicator: str
    regions: list[str] = Field(description="plans that set it, province first")
    years: list[int]
    count: int = Field(description="number of targets under this name")
