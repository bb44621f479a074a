"""How well the question frame reads what a question asks for, per intent, on the question bank's train
and dev splits: precision and recall of the frame's patterns alone, and of the frame as the retriever
refines it by the nearest semantic prototype (retriever/intent_prototypes.py, its shipped thresholds).
It also prints, per intent, the threshold with the best F1 on train (how the shipped ones were chosen).

    python -m carbonqa.eval.intent_accuracy [--splits train dev]

Gold intents come from each item's writer-given type and tags (eval/bank/BRIEF.md):
structure = type `structure` or tag `structure`; list, ordinal, notice, department, yes_no = the tag of that name; count =
tag `count` on an item that is not a comparison (counting plans across plans is the analysis intent,
scored by eval.bench_analysis). The frame's intents: structure = wants_structure, list = wants_list,
ordinal = an ordinal, first-N or last item, count = wants_count, notice = any notice field asked,
department = wants_agency; the frame reads no yes/no (its row shows what prototypes alone would add).
The bank holds no overview tag, so overview is not measured. A follow-up is read without its history.
The question vector is the one the retriever's dense arm embeds (the widened frame text, query prefix).
Never reads the sealed split.
"""
from __future__ import annotations

import argparse
from collections.abc import Iterable

import numpy as np
from pydantic import BaseModel

from carbonqa.eval.qa_models import BANK_PATH, QAItem, QAType, Tag, load_qa
from carbonqa.index.tokenizer import widen
from carbonqa.retriever.intent_prototypes import IntentPrototypes
from carbonqa.retriever.models import QuestionFrame

INTENTS = ("structure", "list", "ordinal", "count", "notice", "department", "yes_no")
SPLITS = ("train", "dev")  # the sealed split is scored once, by `carbonqa eval --sealed`, never here
THRESHOLDS = [float(t) for t in np.round(np.arange(0.80, 0.951, 0.005), 3)]  # cosines e5 gives related questions


class Score(BaseModel):
    intent: str
    n: int  # gold items
    predicted: int
    correct: int

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.n if self.n else None

    @property
    def f1(self) -> float:
        p, r = self.precision or 0.0, self.recall or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


def gold_intents(item: QAItem) -> set[str]:
    intents = {tag.value for tag in item.tags if tag.value in INTENTS and tag is not Tag.count}
    if item.type is QAType.structure:
        intents.add("structure")
    if Tag.count in item.tags and item.type is not QAType.compare:
        intents.add("count")
    return intents


def frame_intents(frame: QuestionFrame) -> set[str]:
    read = {"structure": frame.wants_structure, "list": frame.wants_list, "count": frame.wants_count,
            "ordinal": frame.ordinal is not None or frame.first_items is not None, "notice": bool(frame.notice),
            "department": frame.wants_agency}
    return {intent for intent, asked in read.items() if asked}


def score(intent: str, gold: list[set[str]], predicted: list[set[str]]) -> Score:
    return Score(intent=intent, n=sum(intent in g for g in gold), predicted=sum(intent in p for p in predicted),
                 correct=sum(intent in g and intent in p for g, p in zip(gold, predicted)))


def with_prototypes(patterns: list[set[str]], nearest: list[tuple[str, float, float]],
                    thresholds: dict[str, float]) -> list[set[str]]:
    """Patterns first; an intent they did not read is added when its prototype is the nearest, that close."""
    return [read | {intent} if similarity >= thresholds.get(intent, 2.0) else read
            for read, (intent, similarity, _) in zip(patterns, nearest)]


def choose_thresholds(gold: list[set[str]], patterns: list[set[str]],
                      nearest: list[tuple[str, float, float]]) -> dict[str, float]:
    """Per intent, the threshold with the best F1 on these (train) items; an intent whose best does not
    beat its patterns' F1 gets none."""
    chosen = {}
    for intent in INTENTS:
        best, best_f1 = None, score(intent, gold, patterns).f1
        for threshold in THRESHOLDS:
            f1 = score(intent, gold, with_prototypes(patterns, nearest, {intent: threshold})).f1
            if f1 > best_f1:
                best, best_f1 = threshold, f1
        if best is not None:
            chosen[intent] = best
    return chosen


def table(title: str, scores: Iterable[Score]) -> str:
    def show(value: float | None) -> str:
        return "  —  " if value is None else f"{value:.3f}"
    lines = [f"\n{title}", "| intent | n | predicted | precision | recall | F1 |", "|---|---|---|---|---|---|"]
    lines += [f"| {s.intent} | {s.n} | {s.predicted} | {show(s.precision)} | {show(s.recall)} | {s.f1:.3f} |"
              for s in scores]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--splits", nargs="+", choices=SPLITS, default=list(SPLITS))
    args = parser.parse_args()
    from carbonqa.service.runtime import load_runtime
    from carbonqa.service.settings import Settings

    runtime = load_runtime(Settings(), progress=False)
    retriever, embedder = runtime.retriever, runtime.embedder
    prototypes = IntentPrototypes(embedder)
    gold, patterns, refined, nearest = {}, {}, {}, {}
    for name in ("train", *args.splits):
        items = load_qa(BANK_PATH / name)
        frames = [retriever.read(item.question) for item in items]
        vectors = embedder.embed_queries([widen(frame.text) for frame in frames])
        gold[name] = [gold_intents(item) for item in items]
        patterns[name] = [frame_intents(frame) for frame in frames]
        refined[name] = [frame_intents(prototypes.refine(frame, vector)) for frame, vector in zip(frames, vectors)]
        nearest[name] = prototypes.nearest(vectors)
    print("best threshold per intent on train:", choose_thresholds(gold["train"], patterns["train"], nearest["train"]))
    for name in args.splits:
        print(table(f"{name} ({len(gold[name])} items), patterns",
                    (score(intent, gold[name], patterns[name]) for intent in INTENTS)))
        print(table(f"{name}, patterns + prototypes as the retriever applies them",
                    (score(intent, gold[name], refined[name]) for intent in INTENTS)))


if __name__ == "__main__":
    main()
