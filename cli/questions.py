"""Questions from the command line: `carbonqa search` prints the ranked clauses, `carbonqa ask` the cited answer."""
from __future__ import annotations

from typing import Optional

import typer

from carbonqa.answer.models import AnswerAnalysis, Outcome
from carbonqa.cli.common import checked_question, console, fail, load_settings, loaded_runtime
from carbonqa.retriever.models import Fusion, SearchMode
from carbonqa.service.settings import TOP_K_MAX, TOP_K_MIN


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


OUTCOME_STYLES = {Outcome.answered: "green", Outcome.partial: "yellow", Outcome.not_stated: "yellow"}
OPERATIONS = {"superlative": "最值", "rank": "排名", "reference": "与省级目标对照", "difference": "差值",
              "threshold": "达到给定数值", "coverage": "哪些方案给出", "count": "几个方案给出"}
PLAN_STATUSES = {"figure": "参与比较", "other_measure": "口径或单位不同", "other_year": "只有其他年份",
                 "in_words": "仅文字表述，无数值", "not_mentioned": "未提及"}


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
    status = answer.status  # the outcome vocabulary the chat and its export show too (answer/outcomes.py)
    reason = f" ({answer.refusal_reason})" if answer.refusal_reason else ""
    console.print(f"【{status.label} / {status.label_en}】{status.detail}{reason}", style=OUTCOME_STYLES[answer.outcome],
                  markup=False, highlight=False)
    console.print(answer.answer, markup=False, highlight=False)
    if answer.mode_note:
        console.print(f"（{answer.mode}: {answer.mode_note}）", style="dim", markup=False)
    if answer.analysis:
        print_analysis(answer.analysis)
    if answer.citations:
        console.print("\n引用 / citations:", style="bold")
    for citation in answer.citations:
        related = "（相关条款，并非答案 / related, not the answer）" if citation.related else ""
        where = " ".join([f"《{citation.plan_title}》", " > ".join(citation.path)]).strip()  # a notice has no path
        console.print(f"[{citation.marker}] {where}{related}", markup=False, highlight=False)
        console.print(f"    “{' '.join(citation.quote.split())}”", style="dim", markup=False, highlight=False)


def print_analysis(analysis: AnswerAnalysis) -> None:
    """The computation behind an analytical answer: what was compared, each plan's figure and clause, the result."""
    year = f"，{analysis.year}年" if analysis.year else ""
    console.print(f"\n计算 / analysis: {OPERATIONS[analysis.operation.value]}（{analysis.indicator}{year}）", style="bold",
                  markup=False, highlight=False)
    plans = ([analysis.reference] if analysis.reference else []) + analysis.plans
    for plan in plans:
        figures = "；".join(f"{record.year}年 {record.label} [{record.marker}] {record.clause_id}"
                            for record in plan.records)
        console.print(f"  {plan.region}：{PLAN_STATUSES[plan.status.value]}" + (f"  {figures}" if figures else ""),
                      markup=False, highlight=False)
    console.print(f"  结果 / result: {analysis_result(analysis)}", markup=False, highlight=False)


def analysis_result(analysis: AnswerAnalysis) -> str:
    if not analysis.comparable:
        return f"不可比较：{analysis.reason}"
    if analysis.winners:
        return "、".join(analysis.winners)
    if analysis.ranking:
        return "，".join(f"{region} 第{place}" for region, place in analysis.ranking.items())
    if analysis.difference_text:
        return analysis.difference_text
    return f"{len(analysis.selected)}个：{'、'.join(analysis.selected)}" if analysis.selected else "无"
