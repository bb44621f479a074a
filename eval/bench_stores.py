"""Store benchmark: build time, reopen time and query latency of the FAISS store and the Milvus Lite store,
on the corpus and on synthetic clauses (default 100,000).

Run: .venv/bin/python -m carbonqa.eval.bench_stores [--synthetic 20000 100000] [--repeat 2]
Prints numbers only; nothing is asserted. Embedding is the same work for both stores and is left out:
the passage vectors come from the FAISS index in CARBONQA_INDEX_DIR (built first if missing), so build
times are each store's own work on vectors already computed (FAISS: jieba tokens, inverted BM25, flat
index, indicator extraction; Milvus: upserts in batches, the engine's jieba BM25 analyzer, then the same
indicator extraction). Queries use question vectors computed once (the e5 forward pass is the same for
both). Synthetic clauses are corpus clauses with their comma-pieces shuffled, spread over synthetic
plans (400 clauses each) besides the five real ones; their vectors are the source clause's vector plus
noise, renormalised. Milvus Lite runs on a temporary file and listens on loopback only. Each size is
printed as soon as it is done.
"""
from __future__ import annotations

import argparse
import random
import re
import tempfile
import time
from pathlib import Path

import numpy as np

from carbonqa.eval.bench_retrieval import wrong_plan_share
from carbonqa.eval.metrics import percentile
from carbonqa.eval.qa_models import load_qa
from carbonqa.index import milvus_store
from carbonqa.index.chunk_store import embedding_text
from carbonqa.index.embedding_cache import EmbeddingCache
from carbonqa.index.files import text_sha256
from carbonqa.index.interface import TextEmbedder
from carbonqa.index.sentence_vectors import SentenceVectors
from carbonqa.index.store import build_index, load_index, save_index
from carbonqa.index.tokenizer import widen
from carbonqa.ingest.models import Chunk
from carbonqa.ingest.sentences import content_sentences
from carbonqa.retriever.models import SearchMode
from carbonqa.retriever.search import Retriever
from carbonqa.service.runtime import load_runtime
from carbonqa.service.settings import StoreKind, get_settings

PLAN_SIZE = 400  # clauses per synthetic plan
PIECES = re.compile(r"(?<=[，。；])")


class CachedQueries:
    """Question vectors computed once, so query timings are the store's and the retriever's work."""

    def __init__(self, embedder: TextEmbedder, questions: list[str]):
        self.vectors = {widen(q): embedder.embed_queries([widen(q)]) for q in questions}  # as the retriever asks
        self.embedder = embedder

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.vectors[texts[0]] if texts[0] in self.vectors else self.embedder.embed_queries(texts)


def synthetic(chunks: list[Chunk], vectors: np.ndarray, size: int, seed: int = 0) -> tuple[list[Chunk], np.ndarray]:
    """`size` clauses: the corpus first, then shuffled copies in synthetic plans 模拟市0001, 模拟市0002, ..."""
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    out, rows = list(chunks), list(range(len(chunks)))
    while len(out) < size:
        plan = (len(out) - len(chunks)) // PLAN_SIZE + 1
        row = rng.randrange(len(chunks))
        source = chunks[row]
        pieces = PIECES.split(source.text)
        rng.shuffle(pieces)
        doc_id = f"synth-{plan:04d}"
        out.append(source.model_copy(update={
            "id": f"{doc_id}/{len(out)}", "doc_id": doc_id, "region": f"模拟市{plan:04d}",
            "title": f"模拟市{plan:04d}碳达峰实施方案", "parent_id": None, "text": "".join(pieces)}))
        rows.append(row)
    extra = vectors[rows[len(chunks):]] + noise.normal(0, 0.02, (len(rows) - len(chunks), vectors.shape[1]))
    extra /= np.linalg.norm(extra, axis=1, keepdims=True)
    return out, np.vstack([vectors, extra.astype(np.float32)])


def timed(label: str, work):
    started = time.perf_counter()
    result = work()
    print(f"  {label}: {time.perf_counter() - started:.2f} s", flush=True)
    return result


def query_latency(retriever: Retriever, questions: list[str], repeat: int) -> None:
    """Hybrid searches; each arm's own time comes from the search's timings."""
    timings: dict[str, list[float]] = {"search": [], "bm25": [], "dense": []}
    for _ in range(repeat):
        for question in questions:
            started = time.perf_counter()
            result = retriever.search(question, top_k=10, mode=SearchMode.hybrid)
            timings["search"].append((time.perf_counter() - started) * 1000)
            timings["bm25"].append(result.timings_ms["bm25"])
            timings["dense"].append(result.timings_ms["dense"])
    print(f"  query p50/p95 over {len(timings['search'])} hybrid searches (question vectors cached): " + ", ".join(
        f"{name} {percentile(values, 50):.1f}/{percentile(values, 95):.1f} ms" for name, values in timings.items()),
        flush=True)


def bench(label: str, chunks: list[Chunk], vectors: np.ndarray, embedder: TextEmbedder, queries: CachedQueries,
          items, questions: list[str], repeat: int, workdir: Path) -> None:
    print(f"\n== {label}: {len(chunks)} clauses ==", flush=True)
    print("FAISS + BM25 in process")
    # Speed only: each content sentence takes its clause's vector, so neither store embeds anything.
    sentence_vector = {sent.flat: vector for chunk, vector in zip(chunks, vectors) for sent in content_sentences(chunk)}
    sentences = SentenceVectors(list(sentence_vector), np.array(list(sentence_vector.values()), dtype=np.float32))
    cache = EmbeddingCache(embedder.model_fingerprint,
                           {text_sha256(embedding_text(chunk)): vector for chunk, vector in zip(chunks, vectors)}
                           | {text_sha256(text): vector for text, vector in sentence_vector.items()})
    faiss_store = timed("build from vectors", lambda: build_index(chunks, embedder, progress=False, cache=cache))
    timed("save", lambda: save_index(faiss_store, workdir / label))
    faiss_store = timed("reopen (read and verify, nothing embedded)", lambda: load_index(workdir / label))
    retriever = Retriever(faiss_store, queries)
    if label == "corpus":
        print(f"  wrong-plan share of top-5 chunks: {wrong_plan_share(retriever, items)}")
    query_latency(retriever, questions, repeat)
    del faiss_store, retriever

    print(f"Milvus Lite (file {workdir / (label + '.db')})")
    client = milvus_store.connect(str(workdir / f"{label}.db"))

    def build_milvus():
        store = milvus_store.build_store(client, "bench", chunks, embedder, progress=False, vectors=vectors,
                                         sentence_vectors=sentences)
        len(store.indicators)  # extracted now, as the FAISS build does
        return store

    timed("build from vectors (upsert in batches; engine BM25 analyzer, FLAT IP)", build_milvus)
    client.release_collection("bench")  # as after a restart
    manifest = milvus_store.read_manifest(client, "bench")
    store = timed("reopen (read chunks back and verify, nothing embedded)",
                  lambda: milvus_store.open_store(client, "bench", manifest))
    retriever = Retriever(store, queries)
    if label == "corpus":
        print(f"  wrong-plan share of top-5 chunks: {wrong_plan_share(retriever, items)}")
    query_latency(retriever, questions, repeat)
    client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--synthetic", type=int, nargs="*", default=[100_000],
                        help="clause counts of the synthetic runs (none: corpus only)")
    parser.add_argument("--repeat", type=int, default=2, help="passes over the eval questions on the corpus")
    parser.add_argument("--synthetic-questions", type=int, default=10,
                        help="eval questions timed at the synthetic sizes (Milvus Lite is slow there)")
    args = parser.parse_args()
    settings = get_settings().model_copy(update={"store": StoreKind.faiss})
    runtime = load_runtime(settings, progress=True)  # the vectors of the persisted index
    chunks, embedder = runtime.index.chunks, runtime.embedder
    vectors = runtime.index.dense.reconstruct_n(0, runtime.index.dense.ntotal)
    items = load_qa()
    questions = [item.question for item in items]
    queries = CachedQueries(embedder, questions)
    with tempfile.TemporaryDirectory(prefix="carbonqa-bench-") as workdir:
        bench("corpus", chunks, vectors, embedder, queries, items, questions, args.repeat, Path(workdir))
        sample = questions[:: max(1, len(questions) // args.synthetic_questions)][: args.synthetic_questions]
        for size in args.synthetic:
            big_chunks, big_vectors = synthetic(chunks, vectors, size)
            bench(f"synthetic-{size}", big_chunks, big_vectors, embedder, queries, items, sample, 1, Path(workdir))


if __name__ == "__main__":
    main()
