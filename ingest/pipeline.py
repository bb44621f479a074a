"""The ingest stage's entry points: corpus folder -> parsed plans, and chunks <-> JSON Lines."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

from carbonqa.ingest.clean import clean_blocks
from carbonqa.ingest.errors import IngestError
from carbonqa.ingest.headings import match_heading
from carbonqa.ingest.limits import DEFAULT_LIMITS, IngestLimits
from carbonqa.ingest.metadata import extract_meta
from carbonqa.ingest.models import Chunk, ParsedPlan
from carbonqa.ingest.readers import PLAN_SUFFIXES, read_blocks
from carbonqa.ingest.runs import limit_runs
from carbonqa.ingest.tree import build_chunks

FRONT_LINES_WITHOUT_HEADINGS = 30  # where to look for metadata in a file without numbered headings

__all__ = ["IngestError", "load_corpus", "parse_files", "parse_plan", "plan_files", "read_chunks_jsonl", "write_chunks_jsonl"]


def plan_files(corpus_dir: Path) -> list[Path]:
    """The plan files (.txt/.md/.docx/.pdf/.html) of a corpus folder, sorted by name."""
    if not corpus_dir.is_dir():
        raise IngestError(f"语料目录不存在 / corpus folder not found: {corpus_dir}")
    files = sorted(path for path in corpus_dir.iterdir()
                   if path.is_file() and path.suffix.lower() in PLAN_SUFFIXES and not path.name.startswith("."))
    if not files:
        raise IngestError(f"语料目录中没有方案文件（{' '.join(PLAN_SUFFIXES)}）/ no plan files "
                          f"({' '.join(PLAN_SUFFIXES)}) in corpus folder: {corpus_dir}")
    return files


def parse_plan(path: Path, limits: IngestLimits = DEFAULT_LIMITS) -> ParsedPlan:
    """One plan file -> its metadata, cleaned text and clause-tree chunks, read within the limits."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(f"无法读取文件 / cannot read file: {path.name} ({error.strerror})") from error
    if not data:
        raise IngestError(f"文件为空 / file is empty: {path.name}")
    doc, cut_warnings = limit_runs(clean_blocks(read_blocks(data, path, limits)), limits)
    if not doc.text.strip():
        raise IngestError(f"去除网页残留后没有正文 / no text left after removing boilerplate: {path.name}")
    table_lines = doc.table_line_indexes()
    prose = [doc.line(i) for i in range(len(doc.lines)) if i not in table_lines]
    headings = [i for i, line in enumerate(prose) if match_heading(line)]
    front = prose[:headings[0]] if headings else prose[:FRONT_LINES_WITHOUT_HEADINGS]
    meta, meta_warnings = extract_meta(front, path.name, hashlib.sha256(data).hexdigest())
    chunks, tree_warnings = build_chunks(doc, meta, limits)
    return ParsedPlan(meta=meta, clean_text=doc.text, chunks=chunks,
                      warnings=cut_warnings + meta_warnings + tree_warnings)


def load_corpus(corpus_dir: Path, on_file: Callable[[int, int, Path], None] | None = None,
                limits: IngestLimits = DEFAULT_LIMITS) -> list[ParsedPlan]:
    """Parse every plan of a corpus folder; `on_file(index, total, path)` is called before each file."""
    return parse_files(plan_files(corpus_dir), on_file, limits)


def parse_files(files: list[Path], on_file: Callable[[int, int, Path], None] | None = None,
                limits: IngestLimits = DEFAULT_LIMITS) -> list[ParsedPlan]:
    """Parse plan files; two files giving the same doc id are an error."""
    plans: list[ParsedPlan] = []
    for index, path in enumerate(files):
        if on_file:
            on_file(index, len(files), path)
        plan = parse_plan(path, limits)
        for other in plans:
            if other.meta.doc_id == plan.meta.doc_id:
                raise IngestError(f"两个文件得到相同的文档编号 {plan.meta.doc_id}（重复的方案？）/ two files give the "
                                  f"same doc id {plan.meta.doc_id} (a duplicated plan?): "
                                  f"{other.meta.source_file}, {path.name}")
        plans.append(plan)
    return plans


def write_chunks_jsonl(chunks: list[Chunk], path: Path) -> None:
    """One chunk per line, UTF-8 JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for chunk in chunks:
            out.write(chunk.model_dump_json() + "\n")


def read_chunks_jsonl(path: Path) -> list[Chunk]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise IngestError(f"无法读取分块文件 / cannot read chunks file: {path} ({error})") from error
    chunks = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            chunks.append(Chunk.model_validate_json(line))
        except ValidationError as error:
            raise IngestError(f"分块文件第 {number} 行无效 / invalid chunk on line {number} of {path}: "
                              f"{error.errors()[0]['msg']}") from error
    return chunks

