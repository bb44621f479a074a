"""Evaluation: `carbonqa eval` answers an eval set and writes the report, `carbonqa bench-retrieval` times retrieval."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from carbonqa.cli.common import console, fail, load_settings, loaded_runtime
from carbonqa.retriever.models import SearchMode


def eval_command(
    qa: Optional[list[Path]] = typer.Option(None, "--qa", help="eval set: a JSON Lines file or a folder of them, "
                                            "e.g. eval/bank/dev (default: eval/qa.jsonl); repeat it to score "
                                            "several together"),
    predictions: Optional[Path] = typer.Option(None, "--predictions", help="also write the predictions here"),
    report: Optional[Path] = typer.Option(None, "--report", help="report folder (default: reports/latest)"),
    mode: SearchMode = typer.Option(SearchMode.hybrid, "--mode", help="retrieval mode of the answer run"),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="only the first N items"),
    ablation: bool = typer.Option(True, "--ablation/--no-ablation", help="also compare retrieval configs"),
    sealed: bool = typer.Option(False, "--sealed", help="score the bank's sealed split (done once, and recorded "
                                "in eval/bank/sealed_runs.jsonl)"),
) -> None:
    """Answer every question of an eval set; write predictions, metrics, plots and report.md."""
    # Imported here: the report loads matplotlib.
    from carbonqa.eval.qa_models import (DEFAULT_QA_PATH, SEALED_SPLIT, EvalFileError, load_qa, qa_files, split_of,
                                         write_jsonl)
    from carbonqa.eval.report import DEFAULT_REPORT_DIR, fmt_metric, write_report
    from carbonqa.eval.run import run_eval
    from carbonqa.eval.sealed import SealedSplitError, check_sealed, record_sealed_run

    settings = load_settings()
    qa_paths = qa or [DEFAULT_QA_PATH]
    eval_set = " ".join(str(path) for path in qa_paths)
    try:
        items = load_qa(qa_paths)[:limit]
        # A sealed run is recorded beside the sealed folder of the first path holding sealed files.
        qa_path = next((path for path in qa_paths if any(split_of(file) == SEALED_SPLIT for file in qa_files(path))),
                       qa_paths[0])
        scores_sealed = check_sealed(items, qa_path, sealed)
    except (EvalFileError, SealedSplitError) as error:
        fail(str(error))
    runtime = loaded_runtime(settings)
    has_gold = any(item.has_gold for item in items)
    run = run_eval(runtime.answerer, items, mode=mode, ablation=ablation and has_gold)

    out_dir = report or DEFAULT_REPORT_DIR
    about = {"eval set": eval_set, "embedding model": settings.embedding_model}
    try:
        overall = write_report(run, items, out_dir, about)
        if predictions:
            write_jsonl(predictions, run.predictions)
        if scores_sealed:
            console.print(f"sealed run recorded: {record_sealed_run(qa_path, items, run.predictions, eval_set)}")
    except OSError as error:
        fail(f"无法写入 / cannot write: {error}")
    if overall is not None:
        recall = ", ".join(f"R@{k} {fmt_metric(v)}" for k, v in overall.recall.items())
        console.print(f"{recall}, MRR@10 {fmt_metric(overall.mrr)}; answer-key accuracy "
                      f"{fmt_metric(overall.answer_key_accuracy)}; refusal accuracy {fmt_metric(overall.refusal_accuracy)}")
    console.print(f"report: {out_dir / 'report.md'}")


def bench_retrieval_command(
    repeat: int = typer.Option(3, "--repeat", min=1, help="passes over the eval questions per mode"),
) -> None:
    """Benchmark retrieval: model load, index build, query latency per mode (prints numbers only)."""
    from carbonqa.eval.bench_retrieval import bench
    from carbonqa.service.runtime import load_embedder

    settings = load_settings()
    bench(settings.corpus_path, lambda: load_embedder(settings), settings.fusion_config, repeat=repeat,
          out=console.print)
