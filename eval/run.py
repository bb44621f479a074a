"""Run the pipeline over an eval set and record what it returned, one Prediction per item.

The caller (the `carbonqa eval` command) loads the pipeline and passes its Answerer in; eval/ does not
know about settings or the service.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from pydantic import BaseModel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from carbonqa.answer.models import AnswerRequest
from carbonqa.answer.pipeline import Answerer
from carbonqa.eval.metrics import K_MAX
from carbonqa.eval.qa_models import Prediction, QAItem
from carbonqa.ingest.models import Chunk
from carbonqa.retriever.models import Fusion, SearchHit, SearchMode
from carbonqa.retriever.search import Retriever


class RetrievalConfig(BaseModel):
    """One retrieval set-up compared in the ablation."""

    label: str
    mode: SearchMode
    fusion: Fusion | None = None
    use_region_detection: bool = True


def ablation_configs(default_fusion: Fusion) -> list[RetrievalConfig]:
    """Each retrieval mode and fusion, and the default hybrid search without region detection."""
    return [
        RetrievalConfig(label="bm25", mode=SearchMode.bm25),
        RetrievalConfig(label="dense", mode=SearchMode.dense),
        RetrievalConfig(label="hybrid-rrf", mode=SearchMode.hybrid, fusion=Fusion.rrf),
        RetrievalConfig(label="hybrid-weighted", mode=SearchMode.hybrid, fusion=Fusion.weighted),
        RetrievalConfig(
            label=f"hybrid-{default_fusion.value} no-region",
            mode=SearchMode.hybrid,
            fusion=default_fusion,
            use_region_detection=False,
        ),
    ]


def distinct_chunks(hits: list[SearchHit], limit: int = K_MAX) -> list[Chunk]:
    """The first `limit` different chunks, in rank order (a chunk can come back twice, e.g. via the tree)."""
    chunks: dict[str, Chunk] = {}
    for hit in hits:
        chunks.setdefault(hit.chunk.id, hit.chunk)
        if len(chunks) == limit:
            break
    return list(chunks.values())


def retrieve(retriever: Retriever, item: QAItem, config: RetrievalConfig) -> Prediction:
    """Retrieval only: the top K_MAX distinct chunks for the question."""
    started = time.perf_counter()
    result = retriever.search(
        item.question,
        top_k=K_MAX,
        mode=config.mode,
        fusion=config.fusion,
        use_region_detection=config.use_region_detection,
    )
    latency_ms = (time.perf_counter() - started) * 1000
    chunks = distinct_chunks(result.hits)
    return Prediction(
        id=item.id,
        question=item.question,
        retrieved=[c.text for c in chunks],
        retrieved_ids=[c.id for c in chunks],
        latency_ms=latency_ms,
        timings_ms=result.timings_ms,
        writer=item.writer,
        split=item.split,
    )


def predict(answerer: Answerer, item: QAItem, mode: SearchMode, fusion: Fusion | None) -> Prediction:
    """The full pipeline, as a user would call it: no gold regions, region detection on, and a
    follow-up's earlier questions as its history (as /ask passes them)."""
    started = time.perf_counter()
    answer = answerer.ask(AnswerRequest(question=item.question, mode=mode, fusion=fusion, history=item.history))
    latency_ms = (time.perf_counter() - started) * 1000

    hits = answer.retrieved
    if len(distinct_chunks(hits)) < K_MAX:
        # The answer may consider fewer than K_MAX chunks; fill the ranking from a wider search (for the
        # question as understood: a follow-up with its history) so Recall@10 means the same for every configuration.
        hits = hits + answerer.retriever.search(answer.understood_as, top_k=K_MAX, mode=mode, fusion=fusion).hits
    chunks = distinct_chunks(hits)

    cited: dict[str, str] = {}
    for citation in answer.citations:
        if not citation.related:  # "related" citations only point at nearby text in a refusal
            cited.setdefault(citation.chunk_id, citation.clause_text)
    return Prediction(
        id=item.id,
        question=item.question,
        retrieved=[c.text for c in chunks],
        retrieved_ids=[c.id for c in chunks],
        answer=answer.answer,
        citations=list(cited.values()),
        citation_ids=list(cited),
        refused=answer.refused,
        outcome=answer.outcome,
        latency_ms=latency_ms,
        timings_ms=answer.timings_ms,
        candidates=candidate_sentences(answerer, answer.retrieved),
        writer=item.writer,
        split=item.split,
    )


def candidate_sentences(answerer: Answerer, hits: list[SearchHit]) -> list[str]:
    """The sentences the answer stage scored: the content sentences of the clauses it retrieved (the
    answer's `retrieved` hits are the pool its sentence scorer draws from), each once."""
    return list(dict.fromkeys(sent.sentence.text for hit in hits for sent in answerer.evidence.sentences.sents(hit.chunk)))


class EvalRun(BaseModel):
    mode: SearchMode
    fusion: Fusion
    predictions: list[Prediction]
    ablation: dict[str, list[Prediction]] = {}  # config label -> retrieval-only predictions


Row = TypeVar("Row")


def _each(items: list[QAItem], step: Callable[[QAItem], Row], description: str, progress: Progress) -> list[Row]:
    task = progress.add_task(description, total=len(items))
    rows = []
    for item in items:
        rows.append(step(item))
        progress.advance(task)
    return rows


def run_eval(
    answerer: Answerer,
    items: Iterable[QAItem],
    mode: SearchMode = SearchMode.hybrid,
    fusion: Fusion | None = None,
    ablation: bool = True,
    show_progress: bool = True,
) -> EvalRun:
    """Answer every item; with `ablation`, also run retrieval alone under each ablation config.

    `fusion` defaults to the retriever's configured one (settings: CARBONQA_FUSION).
    """
    items = list(items)
    fusion = fusion or answerer.retriever.fusion.method
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, disable=not show_progress) as progress:
        predictions = _each(items, lambda item: predict(answerer, item, mode, fusion), "answer", progress)
        configs = ablation_configs(fusion) if ablation else []
        extra = {
            config.label: _each(items, lambda item, c=config: retrieve(answerer.retriever, item, c), config.label, progress)
            for config in configs
        }
    return EvalRun(mode=mode, fusion=fusion, predictions=predictions, ablation=extra)
