"""Retrieval benchmark: index build time and query latency per mode, on this machine.

Run: .venv/bin/python -m eval.bench_retrieval [--repeat 3]
Prints numbers only; nothing is asserted (speed goals are read from here, not from tests). Also prints
the share of top-5 chunks that come from a plan the question did not ask about.
"""
from __future__ import annotations

import argparse
import time

from api.settings import get_settings
from eval.metrics import percentile
from eval.qa_models import load_qa
from index.embedder import Embedder
from index.store import build_index
from ingest.pipeline import load_corpus
from retriever.models import SearchMode
from retriever.search import Retriever


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="passes over the eval questions per mode")
    args = parser.parse_args()
    settings = get_settings()

    started = time.perf_counter()
    plans = load_corpus(settings.corpus_path)
    chunks = [chunk for plan in plans for chunk in plan.chunks]
    print(f"ingest: {len(plans)} plans, {len(chunks)} chunks in {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    embedder = Embedder.load(settings.embedding_model, settings.model_path, settings.allow_hub_download)
    print(f"model load ({embedder.model_id}): {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    index = build_index(chunks, embedder, progress=False)
    print(f"index build (model loaded): {time.perf_counter() - started:.2f} s")

    retriever = Retriever(index, embedder, settings.fusion)
    items = load_qa()
    questions = [item.question for item in items]
    retriever.search(questions[0])  # warm-up
    # Top-5 chunks from a plan the question did not ask about, over questions that name their plans.
    named = [item for item in items if item.docs and retriever.resolve_regions(item.question, None, True).regions]
    wrong = total = 0
    for item in named:
        for hit in retriever.search(item.question, top_k=5).hits[:5]:
            total += 1
            wrong += hit.chunk.region not in item.docs
    share = f"{wrong / total:.1%}" if total else "n/a"
    print(f"wrong-plan share of top-5 chunks: {wrong}/{total} = {share} ({len(named)} questions naming plans)")
    for mode in SearchMode:
        latencies = []
        for _ in range(args.repeat):
            for question in questions:
                started = time.perf_counter()
                retriever.search(question, top_k=10, mode=mode)
                latencies.append((time.perf_counter() - started) * 1000)
        print(f"{mode.value:7s} queries={len(latencies)}  p50={percentile(latencies, 50):.1f} ms  "
              f"p95={percentile(latencies, 95):.1f} ms")


if __name__ == "__main__":
    main()
