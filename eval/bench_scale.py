"""Cost curve to a million clauses: build time, query p50/p95 and memory of each retrieval arm.

Run: .venv/bin/python -m carbonqa.eval.bench_scale [--sizes 10000 100000 1000000] [--report reports/scale]

Synthetic corpora are derived from the real index (data/index), because embedding a million clauses
with the model would take hours on 2 cores (the model's own throughput is measured and the time
extrapolated instead; the same for jieba tokenisation):
- clause i is real clause a = i mod R with a third of its tokens replaced by tokens of another real
  clause b and a new number token, so no two synthetic clauses are identical;
- its vector is normalise(v_a + 0.5 v_b + noise) from the real passage embeddings, so vectors keep
  the real ones' geometry (clusters by topic and plan) without duplicates;
- queries are the eval questions, tokenised by the index's tokenizer and embedded by the real model.
Each size runs in its own subprocess, so the memory it reports (resident set growth while building
an arm, and the peak) is its own. Arms: BM25 as an inverted index (index/bm25.py) and, up to
--rank-bm25-max, rank_bm25 for comparison; the product's dense arm (index/dense.py) exact (FAISS
IndexFlatIP, every row scored) and approximate (IndexIVFFlat, its best 50), with the approximate
index's recall of the exact top 10 / top 50; the product's fusion (retriever/fusion.py) of a
corpus-long BM25 array with 50 dense candidates. The whole search at a size is estimated as the sum of
the p50s of the question's embedding, BM25, the arm the product uses at that size
(CARBONQA_DENSE_EXACT_MAX_CHUNKS) and fusion. The plot goes to REPORT/scale.png, the numbers to
scale.json and scale.md.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from carbonqa.eval.metrics import percentile
from carbonqa.index.dense import DenseIndexConfig

CANDIDATES = 50  # per arm, as retriever.search.CANDIDATES
NPROBES = (16, 64)  # IVF lists searched per query
SEED = 12


def rss_mb() -> float:
    """Current resident set size of this process (Linux /proc)."""
    with open("/proc/self/statm") as file:
        return int(file.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    with open("/proc/self/status") as file:
        line = next(line for line in file if line.startswith("VmHWM"))
    return int(line.split()[1]) / 1024


def synthetic_corpus(tokens: list[list[str]], vectors: np.ndarray, size: int, rng: np.random.Generator):
    """size token lists and unit vectors derived from the real ones (see the module docstring)."""
    real = len(tokens)
    others = rng.integers(0, real, size)
    docs = []
    for i in range(size):
        base, other = tokens[i % real], tokens[others[i]]
        doc = list(base)
        if doc and other:
            for position in rng.integers(0, len(doc), max(1, len(doc) // 3)):
                doc[position] = other[position % len(other)]
        doc.append(f"{i % 9973}万千瓦")  # a number no real clause has at this position
        docs.append(doc)
    mixed = np.empty((size, vectors.shape[1]), dtype=np.float32)
    for start in range(0, size, 100_000):  # in blocks: the noise for a million rows at once is 1.5 GB
        rows = np.arange(start, min(size, start + 100_000))
        block = vectors[rows % real] + 0.5 * vectors[others[rows]]
        block += rng.normal(0, 0.02, block.shape).astype(np.float32)
        mixed[rows] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return docs, mixed


def timed_queries(run, queries, limit: int) -> dict:
    latencies = []
    for query in queries[:limit]:
        started = time.perf_counter()
        run(query)
        latencies.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": round(percentile(latencies, 50), 3), "p95_ms": round(percentile(latencies, 95), 3),
            "queries": len(latencies)}


def in_child(measure) -> dict:
    """Run measure() in a forked child and return its dict: the child starts with the parent's pages, so
    its resident-set growth is what the arm itself allocates (freed memory is not reused across arms)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read)
        try:
            payload = json.dumps(measure()).encode()
        except Exception as exc:  # reported by the parent
            payload = json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode()
        os.write(write, payload)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return json.loads(data)


def arm(build, query, queries: list, limit: int, extra=None) -> dict:
    """Build an arm, time its queries; memory = resident growth while building and keeping it."""
    before = rss_mb()
    started = time.perf_counter()
    built = build()
    result = {"build_s": round(time.perf_counter() - started, 2), "rss_mb": round(rss_mb() - before, 1)}
    result.update(timed_queries(lambda q: query(built, q), queries, limit))
    if extra:
        result.update(extra(built))
    return result


def measure_size(size: int, rank_bm25_max: int, queries_limit: int, exact_queries: int) -> dict:
    """All arms at one corpus size (runs inside its own subprocess, each arm in a forked child)."""
    from carbonqa.index.bm25 import BM25Index
    from carbonqa.index.dense import build_dense, dense_scores, ivf_lists
    from carbonqa.index.store import load_index
    from carbonqa.index.store import finite_top_rows
    from carbonqa.retriever.fusion import FusionConfig, fuse

    real = load_index(Path(os.environ.get("CARBONQA_INDEX_DIR", "data/index")))
    real_vectors = real.dense.reconstruct_n(0, real.dense.ntotal)
    query_data = json.loads(Path(os.environ["BENCH_SCALE_QUERIES"]).read_text(encoding="utf-8"))
    query_tokens, query_vectors = query_data["tokens"], np.array(query_data["vectors"], dtype=np.float32)

    rng = np.random.default_rng(SEED)
    started = time.perf_counter()
    docs, vectors = synthetic_corpus(real.chunk_tokens, real_vectors, size, rng)
    result = {"size": size, "synthesis_s": round(time.perf_counter() - started, 1), "arms": {}}
    arms = result["arms"]
    gc.collect()

    arms["bm25 inverted index"] = in_child(lambda: arm(
        lambda: BM25Index(docs), lambda index, q: index.get_scores(q), query_tokens, queries_limit))
    if size <= rank_bm25_max:
        from rank_bm25 import BM25Okapi

        arms["bm25 rank_bm25"] = in_child(lambda: arm(
            lambda: BM25Okapi(docs), lambda index, q: index.get_scores(q), query_tokens, min(queries_limit, 20)))
    del docs
    gc.collect()

    # Both dense arms are the product's own (index/dense.py): built by build_dense, searched by
    # dense_scores (the exact one scores every row, the approximate one its best CANDIDATES).
    def search(index, q):
        return dense_scores(index, q[None], None, CANDIDATES)

    def exact_top(index):
        return {"top": index.search(query_vectors, CANDIDATES)[1].tolist()}

    exact_config = DenseIndexConfig(exact_max_chunks=size)
    arms["dense exact (flat)"] = in_child(lambda: arm(
        lambda: build_dense(vectors, exact_config), search, query_vectors, min(queries_limit, exact_queries), exact_top))
    exact = np.array(arms["dense exact (flat)"].pop("top"))

    for nprobe in NPROBES:
        def recall(index):
            approx = np.array([np.argsort(-search(index, q), kind="stable")[:CANDIDATES] for q in query_vectors])
            return {f"recall@{k}_vs_exact": round(float(np.mean(
                [len(set(a[:k]) & set(e[:k])) / k for a, e in zip(approx, exact)])), 4) for k in (10, CANDIDATES)}

        config = DenseIndexConfig(exact_max_chunks=0, nprobe=nprobe)
        name = f"dense approximate (IVF, nprobe {nprobe})"
        arms[name] = in_child(lambda: arm(lambda: build_dense(vectors, config), search, query_vectors,
                                          queries_limit, recall))
        arms[name]["nlist"] = ivf_lists(size)

    # What the FAISS store does per arm over a corpus-long score array (the best 50 finite scores), then
    # the retriever's fusion of two arms' 50 candidates.
    bm25_like = (vectors @ query_vectors[0]).astype(np.float64)
    dense_rows = np.linspace(0, size - 1, CANDIDATES, dtype=int)

    def select_and_fuse(_):
        rows = finite_top_rows(bm25_like, CANDIDATES)
        bm25_arm = {int(row): (float(bm25_like[row]), rank) for rank, row in enumerate(rows, 1)}
        dense_arm = {int(row): (0.5, rank) for rank, row in enumerate(dense_rows, 1)}
        return fuse(bm25_arm, dense_arm, FusionConfig())

    arms["candidates + fusion (weighted, 50 per arm)"] = {"build_s": 0.0, "rss_mb": 0.0, **timed_queries(
        select_and_fuse, list(range(queries_limit)), queries_limit)}
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)  # the parent: synthetic corpus and vectors
    return result


def model_throughput(passages: list[str], questions: list[str]):
    """Real-model numbers: passages/s when building, one question's latency, jieba clauses/s."""
    from carbonqa.index.store import load_index
    from carbonqa.service.runtime import load_embedder
    from carbonqa.service.settings import get_settings

    settings = get_settings()
    embedder = load_embedder(settings)
    tokenizer = load_index(settings.index_path).tokenizer
    embedder.embed_passages(passages[:8])
    started = time.perf_counter()
    embedder.embed_passages(passages)
    passages_per_s = len(passages) / (time.perf_counter() - started)
    started = time.perf_counter()
    for text in passages:
        tokenizer.tokenize(text)
    clauses_per_s = len(passages) / (time.perf_counter() - started)
    query_vectors = embedder.embed_queries(questions)
    single = timed_queries(lambda q: embedder.embed_queries([q]), questions, len(questions))
    return {"passages_per_s": round(passages_per_s, 1), "jieba_clauses_per_s": round(clauses_per_s, 1),
            "query_embedding": single}, [tokenizer.tokenize(q) for q in questions], query_vectors


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, middle, right) = plt.subplots(1, 3, figsize=(15, 4.5))
    names = list(dict.fromkeys(name for r in results for name in r["arms"]))
    for name in names:
        points = [(r["size"], r["arms"][name]) for r in results if name in r["arms"]]
        sizes = [s for s, _ in points]
        left.plot(sizes, [a["p50_ms"] for _, a in points], marker="o", label=name)
        if name.startswith(("bm25", "dense")) and "nprobe 64" not in name:
            middle.plot(sizes, [a["build_s"] for _, a in points], marker="o", label=name)
            right.plot(sizes, [max(a["rss_mb"], 0.1) for _, a in points], marker="o", label=name)
    for axis, title in ((left, "query p50 (ms)"), (middle, "build (s)"), (right, "memory growth (MB)")):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("clauses")
        axis.set_title(title)
        axis.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def markdown(results: list[dict], model: dict, real_chunks: int) -> str:
    lines = [
        f"Real model on this machine: {model['passages_per_s']} passages/s when building "
        f"(embedding 1,000,000 clauses would take ~{1e6 / model['passages_per_s'] / 3600:.1f} h), one question "
        f"p50 {model['query_embedding']['p50_ms']} ms; jieba {model['jieba_clauses_per_s']} clauses/s "
        f"(~{1e6 / model['jieba_clauses_per_s'] / 60:.0f} min for a million). Synthetic corpora derived from "
        f"the {real_chunks} real clauses and their embeddings (see eval/bench_scale.py).",
        "",
        "| clauses | arm | build (s) | memory growth (MB) | query p50 (ms) | p95 (ms) | notes |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        for name, arm in r["arms"].items():
            notes = ", ".join(f"{k} {v}" for k, v in arm.items() if k.startswith(("recall", "nlist", "error")))
            lines.append(f"| {r['size']:,} | {name} | {arm['build_s']} | {arm['rss_mb']} | {arm['p50_ms']} | "
                         f"{arm['p95_ms']} | {notes} |")
        lines.append(f"| {r['size']:,} | (synthetic corpus in memory: peak RSS) | {r['synthesis_s']} | "
                     f"{r['peak_rss_mb']} | | | |")
        dense = "dense approximate (IVF, nprobe 64)" if r["size"] > DenseIndexConfig().exact_max_chunks \
            else "dense exact (flat)"
        parts = [model["query_embedding"]["p50_ms"]] + [r["arms"][name]["p50_ms"] for name in
                                                        ("bm25 inverted index", dense, "candidates + fusion (weighted, 50 per arm)")]
        lines.append(f"| {r['size']:,} | **whole search, estimated** (embedding + BM25 + {dense.split(' (')[0]} "
                     f"+ fusion) | | | **{sum(parts):.1f}** | | sum of the p50s |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=100, help="eval questions timed per arm")
    parser.add_argument("--rank-bm25-max", type=int, default=100_000, help="largest size rank_bm25 is run at")
    parser.add_argument("--exact-queries", type=int, default=30, help="questions timed on the exact dense arm")
    parser.add_argument("--report", type=Path, default=Path("reports/scale"))
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: measure one size, print JSON
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_size(args.one, args.rank_bm25_max, args.queries, args.exact_queries)))
        return

    from carbonqa.eval.qa_models import load_qa
    from carbonqa.index.chunk_store import embedding_text
    from carbonqa.index.store import load_index
    from carbonqa.service.settings import get_settings

    args.report.mkdir(parents=True, exist_ok=True)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work on the machine "
          f"slows every number here)", flush=True)
    real = load_index(get_settings().index_path)
    questions = [item.question for item in load_qa()]
    model, query_tokens, query_vectors = model_throughput(
        [embedding_text(c) for c in real.chunks[::6]], questions)  # every 6th clause: all plans, all kinds
    print(json.dumps(model), flush=True)
    queries_file = args.report / "queries.json"
    queries_file.write_text(json.dumps({"tokens": query_tokens, "vectors": query_vectors.tolist()}),
                            encoding="utf-8")
    results = []
    for size in args.sizes:
        env = {**os.environ, "BENCH_SCALE_QUERIES": str(queries_file),
               "CARBONQA_INDEX_DIR": str(get_settings().index_path)}
        command = [sys.executable, "-m", "carbonqa.eval.bench_scale", "--one", str(size), "--queries", str(args.queries),
                   "--rank-bm25-max", str(args.rank_bm25_max), "--exact-queries", str(args.exact_queries)]
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"size {size} failed:\n{done.stderr[-3000:]}")
        output = done.stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), flush=True)
        (args.report / "scale.json").write_text(json.dumps({"model": model, "sizes": results}, indent=2),
                                                encoding="utf-8")
    plot(results, args.report / "scale.png")
    table = markdown(results, model, len(real.chunks))
    (args.report / "scale.md").write_text(table + "\n![cost curve](scale.png)\n", encoding="utf-8")
    print(table)
    print(f"report: {args.report / 'scale.md'}")


if __name__ == "__main__":
    main()
