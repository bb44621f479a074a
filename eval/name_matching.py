"""How often the question's words for an indicator find the plans' name for it (indicators/matching.py).

    python -m carbonqa.eval.name_matching [--split train --split dev --split qa] [--no-meaning] [--misses]

Pairs come from the eval sets: an item whose gold evidence span lies inside one of the plans' target
records' quotes (or holds one) asks about that record's indicator (the records the index build extracts
from the shipped corpus, data/index/indicators.jsonl); when one span holds several records, those whose
figure is among the answer keys are meant. The question is read as the answerer reads it
(retriever/frame.py, a follow-up resolved against its history): an analytical question's
AnalysisIntent.subject, any other question's words through the same `subject_words` (what it would
match, asked across plans). The matcher is the answerer's (IndicatorAnalysis over the same records, the
same query embedding and adapter), so the share is what users get. Right: the first name is a gold name
or a wording of one (same_measure).

Splits: the bank's train (fit) and dev (choose), and eval/qa.jsonl; never the sealed split.
"""
from __future__ import annotations

import argparse
from collections import Counter
from enum import Enum
from pathlib import Path

from pydantic import BaseModel

from carbonqa.answer.followup import read_in_context
from carbonqa.eval.bench_analysis import CORPUS, catalog_of, configured_meaning
from carbonqa.eval.qa_models import DEFAULT_QA_PATH, QAItem, load_qa
from carbonqa.indicators.analysis import IndicatorAnalysis
from carbonqa.indicators.extract import extract_indicators
from carbonqa.indicators.matching import MatchedBy, NameMatcher, same_measure
from carbonqa.indicators.models import Indicator
from carbonqa.index.tokenizer import Tokenizer
from carbonqa.ingest.pipeline import load_corpus
from carbonqa.ingest.text import squash
from carbonqa.retriever.frame import read_question
from carbonqa.retriever.intent import subject_words
from carbonqa.retriever.models import QuestionFrame
from carbonqa.retriever.regions import RegionCatalog

BANK = Path(__file__).resolve().parent / "bank"
SPLITS = {"train": BANK / "train", "dev": BANK / "dev", "qa": DEFAULT_QA_PATH}


class Outcome(str, Enum):
    right = "right"  # the first name is a gold name (or a wording of one)
    wrong = "wrong"  # another indicator first
    none = "none"  # no name close enough


class NamePair(BaseModel):
    id: str
    question: str
    subject: str  # the words the matcher is given
    analytical: bool  # read as an analytical question (the answerer matches its names)
    gold: list[str]


class PairResult(BaseModel):
    pair: NamePair
    outcome: Outcome
    names: list[str]  # the matcher's names, best first
    matched_by: str | None


def gold_names(item: QAItem, records: list[Indicator]) -> list[str]:
    """The names of the records the item's evidence quotes (see the module's docstring), sorted."""
    keys = [squash(key) for key in item.answer_keys]
    names: set[str] = set()
    for span in map(squash, item.evidence):
        held = [r for r in records if (not item.docs or r.region in item.docs)
                and (span in squash(r.quote) or squash(r.quote) in span)]
        meant = [r for r in held if any(squash(r.value_text + r.unit) in key for key in keys)]
        names.update(r.indicator for r in (meant or held))
    return sorted(names)


def name_pairs(items: list[QAItem], records: list[Indicator], catalog: RegionCatalog,
               words: Tokenizer) -> list[NamePair]:
    """Every item's pair; those about no record have no gold names (a match by meaning there is false)."""
    pairs = []
    for item in items:
        gold = gold_names(item, records)
        frame = answerer_frame(item, catalog, words)
        subject = frame.analysis.subject if frame.analysis else subject_words(frame.text, catalog)
        pairs.append(NamePair(id=item.id, question=frame.text, subject=subject, analytical=frame.analysis is not None,
                              gold=gold))
    return pairs


def answerer_frame(item: QAItem, catalog: RegionCatalog, words: Tokenizer) -> QuestionFrame:
    """The frame the answerer reads (answer/pipeline.py): a follow-up resolved against its history."""
    frame, _ = read_in_context(item.question, item.history, lambda text: read_question(text, catalog, words), catalog)
    return frame


def judge(pair: NamePair, matcher: NameMatcher) -> PairResult:
    match = matcher.run(pair.question, pair.subject)
    if match is None:
        return PairResult(pair=pair, outcome=Outcome.none, names=[], matched_by=None)
    right = any(same_measure(match.names[0], gold) for gold in pair.gold)
    return PairResult(pair=pair, outcome=Outcome.right if right else Outcome.wrong, names=match.names,
                      matched_by=match.matched_by.value)


def summary(results: list[PairResult]) -> str:
    if not results:
        return "   0 pairs"
    counts = Counter(result.outcome for result in results)
    total = len(results)
    shares = "  ".join(f"{outcome.value} {counts[outcome] / total:.3f}" for outcome in Outcome)
    return f"{len(results):>4} pairs  {shares}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", action="append", choices=sorted(SPLITS), help="default: train, dev and qa")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--no-meaning", action="store_true", help="no match by meaning (no embedding model)")
    parser.add_argument("--misses", action="store_true", help="print every pair not matched right")
    args = parser.parse_args()

    chunks = [chunk for plan in load_corpus(args.corpus) for chunk in plan.chunks]
    records = extract_indicators(chunks)
    matcher = IndicatorAnalysis(records, chunks, None if args.no_meaning else configured_meaning()).matcher
    catalog, words = catalog_of(chunks), Tokenizer()
    for split in args.split or ["train", "dev", "qa"]:
        pairs = name_pairs(load_qa(SPLITS[split]), records, catalog, words)
        results = [judge(pair, matcher) for pair in pairs if pair.gold]
        # Questions about no record: the names they reach by meaning (a few are right, the record quoted elsewhere).
        strays = [(pair, match) for pair in pairs if not pair.gold and pair.subject
                  and (match := matcher.run(pair.question, pair.subject)) and match.matched_by is MatchedBy.meaning]
        analytical = [result for result in results if result.pair.analytical]
        print(f"{split:<6} all        {summary(results)}")
        print(f"{split:<6} analytical {summary(analytical)}")
        print(f"{split:<6} no record  {len(strays):>4} of {len(pairs) - len(results)} matched by meaning")
        if args.misses:
            for result in results:
                if result.outcome is not Outcome.right:
                    print(f"  {result.pair.id} {result.outcome.value:<5} [{result.pair.subject}] -> "
                          f"{result.names[:2]} ({result.matched_by}); gold {result.pair.gold}")
            for pair, match in strays:
                print(f"  {pair.id} no record [{pair.subject}] -> {match.names[0]}")


if __name__ == "__main__":
    main()
