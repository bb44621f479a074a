"""The library: `carbonqa list` its plans, `carbonqa add` and `remove` plans (a running service follows)."""
from __future__ import annotations

from pathlib import Path

import typer

from carbonqa.cli.common import console, fail, load_settings, loaded_runtime


def list_command() -> None:
    """List the plans in the library: shipped (data/corpus) and added (the library folder)."""
    from rich.table import Table

    from carbonqa.ingest.errors import IngestError
    from carbonqa.service.runtime import plan_library

    library = plan_library(load_settings())
    try:
        plans = library.load()
    except IngestError as error:
        fail(str(error))
    table = Table(title=f"文库 / library: {len(plans)} plans")
    for column in ("id", "title", "issuer", "number", "date", "clauses", "source"):
        table.add_column(column)
    for plan in plans:
        meta = plan.meta
        table.add_row(meta.doc_id, meta.title, meta.issuer or "—", meta.doc_number or "—", str(meta.issue_date or "—"),
                      str(len(plan.chunks)), "shipped" if library.is_shipped(plan) else f"added: {meta.source_file}")
    console.print(table)


def add(
    files: list[Path] = typer.Argument(..., help="plan files: .txt .md .docx .pdf .html"),
    replace: bool = typer.Option(False, "--replace", help="replace an added plan with the same doc id"),
) -> None:
    """Add plans to the library and index only their chunks (a running service switches to them within a second)."""
    from carbonqa.index.chunk_store import StoreUnavailableError
    from carbonqa.ingest.errors import IngestError
    from carbonqa.ingest.library import Upload
    from carbonqa.service.live import Service

    uploads = []
    for path in files:
        try:
            uploads.append(Upload(path.name, path.read_bytes()))
        except OSError as error:
            fail(f"无法读取文件 / cannot read file: {path} ({error.strerror})")
    settings = load_settings()
    service = Service(settings)
    service.attach(loaded_runtime(settings, progress=True))
    try:
        added, runtime = service.add_plans(uploads, replace)
    except (IngestError, StoreUnavailableError) as error:
        fail(str(error))
    for plan in added:
        console.print(f"已添加 / added {plan.meta.doc_id}: 《{plan.meta.title}》 {len(plan.chunks)} chunks")
    console.print(f"索引 / index {runtime.index_status}; {len(runtime.plans)} plans")


def remove(doc_id: str = typer.Argument(..., help="the plan's id, see `carbonqa list`")) -> None:
    """Remove an added plan; its original file is kept in the library's .removed/ folder."""
    from carbonqa.index.chunk_store import StoreUnavailableError
    from carbonqa.ingest.errors import IngestError
    from carbonqa.service.live import Service

    settings = load_settings()
    service = Service(settings)
    service.attach(loaded_runtime(settings, progress=True))
    try:
        kept, runtime = service.remove_plan(doc_id)
    except KeyError:
        fail(f"文库中没有方案 {doc_id}（见 carbonqa list）/ no plan {doc_id!r} in the library (see carbonqa list)")
    except (IngestError, StoreUnavailableError) as error:
        fail(str(error))
    console.print(f"已删除 / removed {doc_id}; 原文件保留在 / original file kept at {kept}")
    console.print(f"索引 / index {runtime.index_status}; {len(runtime.plans)} plans")
