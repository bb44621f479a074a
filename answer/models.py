"""Contracts of the answer stage: what /ask and `carbonqa ask` return."""
from __future__ import annotations

from pydantic import BaseModel, Field

from retriever.models import SearchHit


class Citation(BaseModel):
    marker: int = Field(description="the n of [n] in the answer text")
    chunk_id: str
    plan_title: str
    region: str
    path: list[str]
    quote: str = Field(description="the sentence(s) quoted verbatim from the clause")
    clause_text: str
    related: bool = Field(default=False, description="cited as closest related text in a refusal")


class Answer(BaseModel):
    question: str
    understood_as: str = Field(description="the question as interpreted, after history and region detection")
    regions: list[str] = Field(default_factory=list)
    answer: str = Field(description="Chinese answer text with inline [n] markers")
    citations: list[Citation] = Field(default_factory=list)
    refused: bool = False
    refusal_reason: str | None = None
    mode: str = Field(default="extractive", description="extractive | llm | llm_fallback")
    mode_note: str | None = Field(default=None, description="why an LLM reply was trimmed or replaced")
    retrieved: list[SearchHit] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)
