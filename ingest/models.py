"""Contracts of the ingest stage: a parsed plan and its clause chunks."""
from __future__ import annotations

from datetime import date
from enum import Enum

from pydantic import BaseModel, Field


class ChunkKind(str, Enum):
    preamble = "preamble"  # text before the first numbered heading (notice, 指导思想 lead-in)
    part = "part"  # 一、
    section = "section"  # （一）
    clause = "clause"  # 1. / 1．
    item = "item"  # （1）
    table = "table"  # a task table's caption and column header row; its rows are table_row children
    table_row = "table_row"  # one row of a task table, with its column names
    paragraph = "paragraph"  # fallback for files without numbered headings


class PlanMeta(BaseModel):
    """Metadata extracted from a plan's own text."""

    doc_id: str = Field(description="stable id, e.g. zhuhai-2023")
    title: str = Field(description="e.g. 珠海市碳达峰实施方案")
    region: str = Field(description="e.g. 珠海市 / 广东省")
    level: str = Field(description="省, 市 or 县 (a county-level 区 too)")
    issuer: str | None = Field(default=None, description="e.g. 珠海市人民政府")
    doc_number: str | None = Field(default=None, description="e.g. 珠府〔2023〕39号")
    issue_date: date | None = None
    source_file: str
    sha256: str = Field(description="hash of the raw file bytes")


class Chunk(BaseModel):
    """One node of the clause tree, text verbatim from the cleaned document."""

    id: str = Field(description="doc id + position, e.g. zhuhai-2023/2.1.2 or zhuhai-2023/table.3")
    doc_id: str
    title: str
    region: str
    level: str
    kind: ChunkKind
    number: str = Field(default="", description="the heading's own label, e.g. （一） or 2.")
    heading: str = Field(default="", description="the heading title without its number")
    path: list[str] = Field(default_factory=list, description="heading titles from the root, this one last")
    parent_id: str | None = None
    text: str
    start: int = Field(description="offset of text in the cleaned document")
    end: int


class ParsedPlan(BaseModel):
    meta: PlanMeta
    clean_text: str
    chunks: list[Chunk]
    warnings: list[str] = Field(default_factory=list)
