"""The `carbonqa` command line: one subcommand per pipeline stage."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

import typer
from pydantic import ValidationError
from pydantic_settings import SettingsError
from rich.console import Console

from carbonqa.answer.models import Outcome
from carbonqa.api.settings import TOP_K_MAX, TOP_K_MIN, Settings, get_settings
from carbonqa.retriever.models import Fusion, SearchMode
from carbonqa.retriever.validation import QuestionError, validate_question

app = typer.Typer(help="carbonqa: cited answers from China's 碳达峰 implementation plans.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)


@app.callback()
def main() -> None:
    """carbonqa: cited answers from China's 碳达峰 implementation plans."""


def fail(message: str) -> None:
    """Print a clear error and exit non-zero, without a traceback."""
    err_console.print(f"[bold red]错误 / error:[/] {message}")
    raise typer.Exit(code=2)


def load_settings() -> Settings:
    """The settings, or a clear error naming the CARBONQA_ variable that is wrong (instead of a traceback)."""
    prefix = Settings.model_config["env_prefix"]
    where = "（环境变量或 .env 文件 / environment variable or .env file）"
    try:
        return get_settings()
    except ValidationError as error:
        problems = "; ".join(f"{prefix}{'_'.join(map(str, e['loc'])).upper()}={e['input']!r}: {e['msg']}"
                             for e in error.errors())
        fail(f"设置无效 / invalid setting {problems} {where}")
    except SettingsError as error:  # e.g. a list setting whose value is not JSON
        field = re.search(r'field "(\w+)"', str(error))
        name = f"{prefix}{field.group(1).upper()} " if field else ""
        fail(f"设置无效 / invalid setting {name}({error}; list settings take JSON such as [\"a\", \"b\"]) {where}")


def checked_question(question: str, settings: Settings) -> str:
    """The question stripped, or a clear error (blank, too long, control characters, no words)."""
    try:
        return validate_question(question, settings.max_question_chars)
    except QuestionError as error:
        fail(str(error))


def loaded_runtime(settings: Settings, progress: bool = False, rebuild: bool = False):
    """The pipeline loaded from settings, or a clear error (bad corpus, missing model, corrupt index)."""
    from carbonqa.api.runtime import load_runtime
    from carbonqa.index.chunk_store import StoreUnavailableError
    from carbonqa.index.embedder import EmbeddingModelError
    from carbonqa.index.store import IndexCorruptError

    try:
        return load_runtime(settings, progress=progress, rebuild=rebuild)
    except (IndexCorruptError, StoreUnavailableError, EmbeddingModelError, OSError, ValueError) as error:
        fail(str(error))


@app.command()
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

    corpus_dir = corpus or load_settings().corpus_path
    try:
        with Progress(console=err_console, transient=True) as progress:
            task = progress.add_task("解析 / parsing", total=None)

            def on_file(index: int, total: int, path: Path) -> None:
                progress.update(task, completed=index, total=total, description=f"解析 / parsing {path.name}")

            plans = load_corpus(corpus_dir, on_file=on_file)
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


@app.command("eval")
def eval_command(
    qa: Optional[Path] = typer.Option(None, "--qa", help="eval set, JSON Lines (default: eval/qa.jsonl)"),
    predictions: Optional[Path] = typer.Option(None, "--predictions", help="also write the predictions here"),
    report: Optional[Path] = typer.Option(None, "--report", help="report folder (default: reports/latest)"),
    mode: SearchMode = typer.Option(SearchMode.hybrid, "--mode", help="retrieval mode of the answer run"),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="only the first N items"),
    ablation: bool = typer.Option(True, "--ablation/--no-ablation", help="also compare retrieval configs"),
) -> None:
    """Answer every question of an eval set; write predictions, metrics, plots and report.md."""
    # Imported here: the report loads matplotlib.
    from carbonqa.eval.qa_models import DEFAULT_QA_PATH, EvalFileError, load_qa, write_jsonl
    from carbonqa.eval.report import DEFAULT_REPORT_DIR, fmt_metric, write_report
    from carbonqa.eval.run import run_eval

    settings = load_settings()
    qa_path = qa or DEFAULT_QA_PATH
    try:
        items = load_qa(qa_path)[:limit]
    except EvalFileError as error:
        fail(str(error))
    runtime = loaded_runtime(settings)
    has_gold = any(item.has_gold for item in items)
    run = run_eval(runtime.answerer, items, mode=mode, ablation=ablation and has_gold)

    out_dir = report or DEFAULT_REPORT_DIR
    about = {"eval set": str(qa_path), "embedding model": settings.embedding_model}
    try:
        overall = write_report(run, items, out_dir, about)
        if predictions:
            write_jsonl(predictions, run.predictions)
    except OSError as error:
        fail(f"无法写入 / cannot write: {error}")
    if overall is not None:
        recall = ", ".join(f"R@{k} {fmt_metric(v)}" for k, v in overall.recall.items())
        console.print(f"{recall}, MRR@10 {fmt_metric(overall.mrr)}; answer-key accuracy "
                      f"{fmt_metric(overall.answer_key_accuracy)}; refusal accuracy {fmt_metric(overall.refusal_accuracy)}")
    console.print(f"report: {out_dir / 'report.md'}")


@app.command("bench-retrieval")
def bench_retrieval_command(
    repeat: int = typer.Option(3, "--repeat", min=1, help="passes over the eval questions per mode"),
) -> None:
    """Benchmark retrieval: model load, index build, query latency per mode (prints numbers only)."""
    from carbonqa.api.runtime import load_embedder
    from carbonqa.eval.bench_retrieval import bench

    settings = load_settings()
    bench(settings.corpus_path, lambda: load_embedder(settings), settings.fusion_config, repeat=repeat,
          out=console.print)


@app.command("index")
def index_command(
    rebuild: bool = typer.Option(False, "--rebuild", help="rebuild even if the index is current (fixes a corrupt one)"),
) -> None:
    """Build (or check) the index in the selected store (CARBONQA_STORE): FAISS + jieba BM25, or Milvus."""
    runtime = loaded_runtime(load_settings(), progress=True, rebuild=rebuild)
    manifest = runtime.index.manifest
    console.print(f"索引 / index {runtime.index_status}: {manifest.chunk_count} chunks, "
                  f"{len(runtime.index.indicators)} targets, model {manifest.model_id}, dim {manifest.dimension}, "
                  f"build {manifest.build_seconds}s -> {runtime.settings.store.value} {runtime.settings.store_location}")


@app.command()
def search(
    question: str = typer.Argument(..., help="the question, in Chinese"),
    region: Optional[list[str]] = typer.Option(None, "--region", "-r", help="restrict to a plan region (repeatable)"),
    document: Optional[list[str]] = typer.Option(None, "--document", "-d",
                                                 help="restrict to a plan by doc id, e.g. zhuhai-2025 (repeatable)"),
    k: Optional[int] = typer.Option(None, "-k", min=TOP_K_MIN, max=TOP_K_MAX, help="chunks (default: settings)"),
    mode: SearchMode = typer.Option(SearchMode.hybrid, "--mode", help="retrieval mode"),
    fusion: Optional[Fusion] = typer.Option(None, "--fusion", help="hybrid fusion (default: settings)"),
    as_json: bool = typer.Option(False, "--json", help="print the SearchResult as JSON"),
) -> None:
    """Print the ranked chunks for a question, with their scores."""
    from rich.table import Table

    from carbonqa.retriever.search import UnknownDocumentError, UnknownRegionError

    settings = load_settings()
    question = checked_question(question, settings)
    runtime = loaded_runtime(settings)
    try:
        result = runtime.retriever.search(question, regions=region, top_k=k or settings.top_k, mode=mode,
                                          fusion=fusion, documents=document)
    except (UnknownRegionError, UnknownDocumentError) as error:
        fail(str(error))
    if as_json:
        print(result.model_dump_json(indent=2))
        return
    table = Table(title=f"{question}  (regions: {'、'.join(result.regions.regions) or '全部'})")
    for column in ("#", "id", "region", "path", "score", "bm25", "dense"):
        table.add_column(column)
    for rank, hit in enumerate(result.hits, 1):
        table.add_row(str(rank) + ("*" if hit.via_tree else ""), hit.chunk.id, hit.chunk.region,
                      " > ".join(hit.chunk.path)[-40:], f"{hit.score:.4f}",
                      "" if hit.bm25_score is None else f"{hit.bm25_score:.2f}",
                      "" if hit.dense_score is None else f"{hit.dense_score:.3f}")
    console.print(table)


OUTCOME_LABELS = {
    Outcome.answered: "【已回答 / answered】",
    Outcome.partial: "【部分回答 / partly answered】",
    Outcome.not_stated: "【方案未说明 / not stated in the plans】",
}
OUTCOME_STYLES = {Outcome.answered: "green", Outcome.partial: "yellow", Outcome.not_stated: "yellow"}


@app.command()
def ask(
    question: str = typer.Argument(..., help="the question, in Chinese"),
    region: Optional[list[str]] = typer.Option(None, "--region", "-r", help="restrict to a plan region (repeatable)"),
    document: Optional[list[str]] = typer.Option(None, "--document", "-d",
                                                 help="restrict to a plan by doc id, e.g. zhuhai-2025 (repeatable)"),
    as_json: bool = typer.Option(False, "--json", help="print the whole Answer as JSON"),
) -> None:
    """Answer a question, citing the clauses it quotes (or say what the plans do not cover)."""
    from carbonqa.answer.models import AnswerRequest
    from carbonqa.retriever.search import UnknownDocumentError, UnknownRegionError

    settings = load_settings()
    question = checked_question(question, settings)
    runtime = loaded_runtime(settings)
    try:
        answer = runtime.answerer.ask(AnswerRequest(question=question, regions=region, documents=document))
    except (UnknownRegionError, UnknownDocumentError) as error:
        fail(str(error))
    if as_json:
        print(answer.model_dump_json(indent=2))
        return
    console.print(OUTCOME_LABELS[answer.outcome], style=OUTCOME_STYLES[answer.outcome], markup=False)
    console.print(answer.answer, markup=False, highlight=False)
    if answer.unstated:
        console.print(f"（方案未提及 / not stated: {'、'.join(answer.unstated)}）", style="yellow", markup=False)
    if answer.skipped:
        console.print(f"（未回答，请分开提问 / not answered, ask separately: {'、'.join(answer.skipped)}）",
                      style="yellow", markup=False)
    if answer.refused:
        console.print(f"（原因 / reason: {answer.refusal_reason}）", style="yellow", markup=False)
    if answer.mode_note:
        console.print(f"（{answer.mode}: {answer.mode_note}）", style="dim", markup=False)
    if answer.citations:
        console.print("\n引用 / citations:", style="bold")
    for citation in answer.citations:
        related = "（相关条款，并非答案 / related, not the answer）" if citation.related else ""
        where = " ".join([f"《{citation.plan_title}》", " > ".join(citation.path)]).strip()  # a notice has no path
        console.print(f"[{citation.marker}] {where}{related}", markup=False, highlight=False)
        console.print(f"    “{' '.join(citation.quote.split())}”", style="dim", markup=False, highlight=False)


@app.command("list")
def list_command() -> None:
    """List the plans in the library: shipped (data/corpus) and added (the library folder)."""
    from rich.table import Table

    from carbonqa.api.runtime import plan_library
    from carbonqa.ingest.errors import IngestError

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


@app.command()
def add(
    files: list[Path] = typer.Argument(..., help="plan files: .txt .md .docx .pdf .html"),
    replace: bool = typer.Option(False, "--replace", help="replace an added plan with the same doc id"),
) -> None:
    """Add plans to the library and index only their chunks (a running service switches to them within a second)."""
    from carbonqa.api.app import Service
    from carbonqa.index.chunk_store import StoreUnavailableError
    from carbonqa.ingest.errors import IngestError
    from carbonqa.ingest.library import Upload

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


@app.command()
def remove(doc_id: str = typer.Argument(..., help="the plan's id, see `carbonqa list`")) -> None:
    """Remove an added plan; its original file is kept in the library's .removed/ folder."""
    from carbonqa.api.app import Service
    from carbonqa.index.chunk_store import StoreUnavailableError
    from carbonqa.ingest.errors import IngestError

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


@app.command()
def serve(
    host: Optional[str] = typer.Option(None, "--host", help="address to listen on (default: settings, 127.0.0.1)"),
    port: Optional[int] = typer.Option(None, "--port", min=1, max=65535, help="port (default: settings, 8000)"),
) -> None:
    """Serve the chat UI (/) and the JSON API (/docs); the index is built on first start."""
    import logging

    from carbonqa.api.app import create_app
    from carbonqa.api.serving import serve as run_server

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    host, port = host or settings.host, port or settings.port
    console.print(f"carbonqa: http://{host}:{port}/  (API docs: /docs, ready when /readyz returns 200)")
    run_server(create_app(settings), settings, host, port)


feedback_app = typer.Typer(help="Staff feedback stored by the service (POST /feedback).", no_args_is_help=True)
app.add_typer(feedback_app, name="feedback")


@feedback_app.command("export")
def feedback_export(
    out: Optional[Path] = typer.Option(None, "--out", help="write to this file instead of stdout"),
) -> None:
    """Write the 👎 feedback as eval-format JSON Lines (type "unknown", the answer given, the note), oldest first."""
    import json
    import sqlite3

    from carbonqa.api.feedback import FeedbackStore, Rating, eval_item

    settings = load_settings()
    path = settings.feedback_path
    if not path.is_file():
        err_console.print(f"还没有反馈 / no feedback stored yet: {path}")
        records = []
    else:
        try:
            records = FeedbackStore(path, settings.feedback_max_rows).list(Rating.down)[::-1]
        except sqlite3.Error as error:
            fail(f"无法读取反馈数据库 / cannot read the feedback database {path}: {error}")
    lines = "".join(json.dumps(eval_item(record), ensure_ascii=False) + "\n" for record in records)
    if out is None:
        print(lines, end="")
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(lines, encoding="utf-8")
    except OSError as error:
        fail(f"无法写入 / cannot write {out}: {error}")
    err_console.print(f"{len(records)} 条负面反馈 / negative feedback items -> {out}")


if __name__ == "__main__":
    app()
