"""The corpus and its index: `carbonqa ingest` parses the plans, `carbonqa index` builds or checks the index."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from carbonqa.cli.common import console, err_console, fail, load_settings, loaded_runtime


def ingest(
    out: Optional[Path] = typer.Option(None, "--out", help="write the chunks as JSON Lines to this file"),
    corpus: Optional[Path] = typer.Option(None, "--corpus", help="folder of .txt/.md plans (default: settings)"),
) -> None:
    """Parse the corpus into a clause tree and print a per-plan summary."""
    from collections import Counter

    from rich.progress import Progress
    from rich.table import Table

    from carbonqa.ingest.models import ChunkKind
    from carbonqa.ingest.pipeline import IngestError, load_corpus, write_chunks_jsonl

    settings = load_settings()
    corpus_dir = corpus or settings.corpus_path
    try:
        with Progress(console=err_console, transient=True) as progress:
            task = progress.add_task("解析 / parsing", total=None)

            def on_file(index: int, total: int, path: Path) -> None:
                progress.update(task, completed=index, total=total, description=f"解析 / parsing {path.name}")

            plans = load_corpus(corpus_dir, on_file=on_file, limits=settings.ingest_limits)
    except IngestError as error:
        fail(str(error))

    counted = {"parts": ChunkKind.part, "sections": ChunkKind.section, "clauses": ChunkKind.clause,
               "table rows": ChunkKind.table_row}
    table = Table(title=f"语料 / corpus: {corpus_dir}")
    for column in ("id", "title", "region", "date"):
        table.add_column(column)
    for column in (*counted, "characters"):
        table.add_column(column, justify="right")
    for plan in plans:
        counts = Counter(chunk.kind for chunk in plan.chunks)
        meta = plan.meta
        table.add_row(meta.doc_id, meta.title, meta.region, str(meta.issue_date or "—"),
                      *(str(counts[kind]) for kind in counted.values()), str(len(plan.clean_text)))
    console.print(table)
    for plan in plans:
        for warning in plan.warnings:
            err_console.print(f"[yellow]警告 / warning:[/] {plan.meta.source_file}: {warning}")

    chunks = [chunk for plan in plans for chunk in plan.chunks]
    if out is None:
        console.print(f"{len(chunks)} chunks (use --out FILE.jsonl to write them)")
        return
    try:
        write_chunks_jsonl(chunks, out)
    except OSError as error:
        fail(f"无法写入 / cannot write {out}: {error.strerror}")
    console.print(f"{len(chunks)} chunks -> {out}")


def index_command(
    rebuild: bool = typer.Option(False, "--rebuild", help="rebuild even if the index is current (fixes a corrupt one)"),
) -> None:
    """Build (or check) the index in the selected store (CARBONQA_STORE): FAISS + jieba BM25, or Milvus."""
    runtime = loaded_runtime(load_settings(), progress=True, rebuild=rebuild)
    manifest = runtime.index.manifest
    console.print(f"索引 / index {runtime.index_status}: {manifest.chunk_count} chunks, "
                  f"{len(runtime.index.indicators)} targets, model {manifest.model_id}, dim {manifest.dimension}, "
                  f"build {manifest.build_seconds}s -> {runtime.settings.store.value} {runtime.settings.store_location}")
