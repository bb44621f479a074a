"""Retrieval benchmark: index build time and query latency per mode, on this machine.

Run: carbonqa bench-retrieval [--repeat 3]   (the CLI loads the settings and calls `bench`)
Prints numbers only; nothing is asserted (speed goals are read from here, not from tests). Also prints
the share of top-5 chunks that come from a plan the question did not ask about.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from carbonqa.eval.metrics import percentile
from carbonqa.eval.qa_models import QAItem, load_qa
from carbonqa.index.interface import TextEmbedder
from carbonqa.index.store import build_index
from carbonqa.ingest.pipeline import load_corpus
from carbonqa.retriever.fusion import FusionConfig
from carbonqa.retriever.models import SearchMode
from carbonqa.retriever.search import Retriever


def wrong_plan_share(retriever: Retriever, items: list[QAItem]) -> str:
    """Top-5 chunks from a plan the question did not ask about (neither named in it nor a gold plan),
    over questions that name their plans. A named plan that turns out silent (q200 names 江门, which
    sets no such target) was still asked about."""
    named = [(item, retriever.read(item.question).regions.regions) for item in items if item.docs]
    named = [(item, regions) for item, regions in named if regions]
    wrong = total = 0
    for item, regions in named:
        for hit in retriever.search(item.question, top_k=5).hits[:5]:
            total += 1
            wrong += hit.chunk.region not in {*item.docs, *regions}
    share = f"{wrong / total:.1%}" if total else "n/a"
    return f"{wrong}/{total} = {share} ({len(named)} questions naming plans)"


def bench(corpus_dir: Path, load_embedder: Callable[[], TextEmbedder], fusion: FusionConfig, repeat: int = 3,
          out: Callable[[str], None] = print) -> None:
    started = time.perf_counter()
    plans = load_corpus(corpus_dir)
    chunks = [chunk for plan in plans for chunk in plan.chunks]
    out(f"ingest: {len(plans)} plans, {len(chunks)} chunks in {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    embedder = load_embedder()
    out(f"model load ({embedder.model_id}): {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    index = build_index(chunks, embedder, progress=False)
    out(f"index build (model loaded): {time.perf_counter() - started:.2f} s")

    retriever = Retriever(index, embedder, fusion)
    items = load_qa()
    questions = [item.question for item in items]
    retriever.search(questions[0])  # warm-up
    out(f"wrong-plan share of top-5 chunks: {wrong_plan_share(retriever, items)}")
    for mode in SearchMode:
        latencies = []
        for _ in range(repeat):
            for question in questions:
                started = time.perf_counter()
                retriever.search(question, top_k=10, mode=mode)
                latencies.append((time.perf_counter() - started) * 1000)
        out(f"{mode.value:7s} queries={len(latencies)}  p50={percentile(latencies, 50):.1f} ms  "
            f"p95={percentile(latencies, 95):.1f} ms")
