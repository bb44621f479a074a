"""Analytical questions answered from the indicator records: the share with every key in the answer and
every conclusion string in its first line, by operation.

    python -m carbonqa.eval.bench_analysis [--qa eval/bank/dev/a1.jsonl] [--corpus data/corpus] [--no-meaning] [--show]

Each item is read by the question frame (retriever/frame.py), answered by IndicatorAnalysis over the
records the index build extracts from the same corpus (indicators/extract.py), and written by
answer/analysis_text.py. An item whose figures cannot be compared (empty conclusion) passes only if the
answer says so instead of ranking. `--no-meaning` leaves out the match by meaning (no embedding model);
otherwise the configured model and question adapter are used, as the answerer uses them.
"""
from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel

from carbonqa.answer.analysis_text import analysis_text
from carbonqa.eval.metrics import has_all_keys
from carbonqa.eval.qa_models import QAItem, load_qa
from carbonqa.indicators.analysis import IndicatorAnalysis
from carbonqa.indicators.extract import extract_indicators
from carbonqa.indicators.matching import Meaning
from carbonqa.index.tokenizer import Tokenizer
from carbonqa.ingest.models import Chunk
from carbonqa.ingest.pipeline import load_corpus
from carbonqa.ingest.text import squash
from carbonqa.retriever.frame import read_question
from carbonqa.retriever.regions import RegionCatalog

DEV_SET = Path(__file__).resolve().parent / "bank" / "dev" / "a1.jsonl"
CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


class ItemOutcome(BaseModel):
    id: str
    operation: str  # the gold operation
    read_as: str | None  # the operation the frame read, None: not read as analytical
    keys: bool  # every answer key in the answer
    conclusion: bool  # every conclusion string in the first line; for an incomparable item: said so
    answer: str

    @property
    def passed(self) -> bool:
        return self.keys and self.conclusion


class OperationScore(BaseModel):
    items: int = 0
    read: int = 0  # read as the gold operation
    keys: int = 0
    conclusion: int = 0
    passed: int = 0


def catalog_of(chunks: list[Chunk]) -> RegionCatalog:
    """The regions as the retriever builds them from the index's chunks."""
    regions = list(dict.fromkeys(c.region for c in chunks))
    return RegionCatalog(regions, levels={c.region: c.level for c in chunks},
                         plan_texts={r: "".join(squash(c.text) for c in chunks if c.region == r) for r in regions})


def run_item(item: QAItem, analysis: IndicatorAnalysis, catalog: RegionCatalog, words: Tokenizer,
             chunks: dict[str, Chunk]) -> ItemOutcome:
    frame = read_question(item.question, catalog, words)
    intent = frame.analysis
    result = analysis.run(intent, frame.text) if intent else None
    gold = item.analysis
    if result is None:
        return ItemOutcome(id=item.id, operation=gold.operation.value, read_as=intent and intent.operation.value,
                           keys=False, conclusion=False, answer="")
    text, _ = analysis_text(result, chunks)
    first = squash(text.split("\n", 1)[0])
    conclusion = all(squash(c) in first for c in gold.conclusion) if gold.conclusion else not result.comparable
    return ItemOutcome(id=item.id, operation=gold.operation.value, read_as=intent.operation.value,
                       keys=has_all_keys(item.answer_keys, text), conclusion=conclusion, answer=text)


def score(outcomes: list[ItemOutcome]) -> dict[str, OperationScore]:
    scores: dict[str, OperationScore] = defaultdict(OperationScore)
    for outcome in outcomes:
        for name in (outcome.operation, "all"):
            tally = scores[name]
            tally.items += 1
            tally.read += outcome.read_as == outcome.operation
            tally.keys += outcome.keys
            tally.conclusion += outcome.conclusion
            tally.passed += outcome.passed
    return dict(scores)


def configured_meaning() -> Meaning:
    """The answerer's embedding: the configured model and question adapter (CARBONQA_QUERY_ADAPTER)."""
    from carbonqa.retriever.search import answer_meaning
    from carbonqa.service.runtime import load_embedder, question_adapter
    from carbonqa.service.settings import get_settings

    settings = get_settings()
    embedder = load_embedder(settings)
    return answer_meaning(embedder, question_adapter(settings, embedder), settings.query_adapter)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--qa", type=Path, default=DEV_SET)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--no-meaning", action="store_true", help="no match by meaning (no embedding model)")
    parser.add_argument("--show", action="store_true", help="print every failed item's answer")
    args = parser.parse_args()

    items = [item for item in load_qa(args.qa) if item.analysis is not None]
    chunks = [chunk for plan in load_corpus(args.corpus) for chunk in plan.chunks]
    meaning = None if args.no_meaning else configured_meaning()
    analysis = IndicatorAnalysis(extract_indicators(chunks), chunks, meaning)
    words = Tokenizer()
    by_id = {chunk.id: chunk for chunk in chunks}
    outcomes = [run_item(item, analysis, catalog_of(chunks), words, by_id) for item in items]

    print(f"{'operation':<12} {'items':>5} {'read':>5} {'keys':>5} {'concl':>5} {'both':>5}  share")
    for name, tally in sorted(score(outcomes).items(), key=lambda pair: pair[0] == "all"):
        print(f"{name:<12} {tally.items:>5} {tally.read:>5} {tally.keys:>5} {tally.conclusion:>5} {tally.passed:>5}"
              f"  {tally.passed / tally.items:.3f}")
    for outcome in outcomes:
        if not outcome.passed:
            print(f"\n{outcome.id} ({outcome.operation}, read as {outcome.read_as}): keys {outcome.keys}, "
                  f"conclusion {outcome.conclusion}")
            if args.show:
                print(outcome.answer)


if __name__ == "__main__":
    main()
