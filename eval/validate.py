"""Check an eval set against the cleaned corpus, so every gold span points at one real clause.

Rules (all matching with whitespace removed): each evidence span is 12–40 characters, occurs exactly
once in the whole corpus and lies inside a single chunk of a plan the item lists in `docs`; each answer
key occurs within an evidence span, within KEY_WINDOW characters of one in the same chunk, or in the
headings above that chunk (for structure items also the headings of the listed chunks below it); answerable items have evidence and keys, unanswerable ones no evidence; the
set is large enough.
Ids are unique and types valid by construction (eval.qa_models.load_qa rejects the file otherwise).

Run: python -m carbonqa.eval.validate [QA_FILE] [--corpus DIR] [--min-items N] [--min-unanswerable N]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from carbonqa.eval.qa_models import DEFAULT_QA_PATH, EvalFileError, Outcome, QAItem, QAType, load_qa
from carbonqa.ingest.models import Chunk, ParsedPlan
from carbonqa.ingest.pipeline import load_corpus
from carbonqa.ingest.text import squash
from carbonqa.ingest.tree import ClauseTree

SPAN_MIN, SPAN_MAX = 12, 40
KEY_WINDOW = 60
MIN_ITEMS, MIN_UNANSWERABLE = 150, 15
DEFAULT_CORPUS_DIR = Path(__file__).resolve().parents[1] / "data" / "corpus"


class CorpusText:
    """The cleaned corpus with whitespace removed, per plan and per chunk."""

    def __init__(self, plans: list[ParsedPlan]) -> None:
        self.regions = {plan.meta.region for plan in plans}
        self.docs = [(plan.meta.region, squash(plan.clean_text)) for plan in plans]
        # Smallest chunks first, so the first chunk holding a span is the clause that answers.
        flat_chunks = [(squash(chunk.text), chunk) for plan in plans for chunk in plan.chunks]
        self.chunks: list[tuple[str, Chunk]] = sorted(flat_chunks, key=lambda pair: len(pair[0]))
        self.tree = ClauseTree(chunk for plan in plans for chunk in plan.chunks)

    def child_headings(self, chunk_id: str | None) -> list[str]:
        return [squash(child.heading) for child in self.tree.children(chunk_id)] if chunk_id else []

    def regions_containing(self, span: str) -> list[str]:
        """One region per occurrence of the span (overlapping occurrences counted)."""
        found = []
        for region, text in self.docs:
            start = text.find(span)
            while start != -1:
                found.append(region)
                start = text.find(span, start + 1)
        return found

    def clause_of(self, span: str) -> tuple[str, Chunk] | None:
        """The smallest chunk whose text holds the span, with that text (whitespace removed)."""
        return next(((text, chunk) for text, chunk in self.chunks if span in text), None)


def _check_item(item: QAItem, corpus: CorpusText) -> list[str]:
    where = f"{item.id}:"
    if item.type is None:
        return [f"{where} 缺少 type / missing type"]
    if item.type is QAType.unanswerable:
        problems = [f"{where} 不可回答的题目不应有 evidence / unanswerable item has evidence"] if item.evidence else []
        if item.expected_outcome is not Outcome.not_stated:
            problems.append(f"{where} 不可回答的题目 outcome 应为 not_stated / unanswerable item must expect not_stated")
        return problems
    if item.expected_outcome is Outcome.not_stated:
        return [f"{where} outcome not_stated 的题目 type 应为 unanswerable / a not_stated item must be unanswerable"]

    problems = []
    if not item.evidence:
        problems.append(f"{where} 缺少 evidence / answerable item has no evidence")
    if not item.answer_keys:
        problems.append(f"{where} 缺少 answer_keys / answerable item has no answer keys")
    if not item.docs:
        problems.append(f"{where} 缺少 docs / answerable item names no plan")
    for doc in item.docs:
        if doc not in corpus.regions:
            problems.append(f"{where} docs 中的 {doc!r} 不是语料中的地区 / not a region of the corpus")

    # Text a key may sit in: each span plus KEY_WINDOW characters either side inside the span's chunk,
    # and the headings above that chunk (a structure question's keys are the names of its sections).
    key_windows = []
    for raw_span in item.evidence:
        span = squash(raw_span)
        label = f"{where} evidence {raw_span!r}"
        if not SPAN_MIN <= len(span) <= SPAN_MAX:
            problems.append(f"{label} 长度 {len(span)}，应为 {SPAN_MIN}–{SPAN_MAX} / length out of range")
        regions = corpus.regions_containing(span)
        if len(regions) != 1:
            problems.append(f"{label} 在语料中出现 {len(regions)} 次，应恰好 1 次 / must occur exactly once")
        if regions and item.docs and not set(regions) & set(item.docs):
            problems.append(f"{label} 出自 {regions[0]}，不在 docs {item.docs} 中 / not in the listed plans")
        clause = corpus.clause_of(span)
        if regions and clause is None:
            problems.append(f"{label} 跨越了条款边界 / is not inside a single chunk")
        if clause is not None:
            text, chunk = clause
            start = text.find(span)
            key_windows.append(text[max(0, start - KEY_WINDOW) : start + len(span) + KEY_WINDOW])
            key_windows.extend(squash(heading) for heading in chunk.path)
            if item.type is QAType.structure:
                # A list's items are the headings under the evidence's chunk, or beside it when the
                # evidence is the first item of a part whose own text is only its heading.
                key_windows.extend(corpus.child_headings(chunk.id))
                key_windows.extend(corpus.child_headings(chunk.parent_id))

    for key in item.answer_keys:
        if key_windows and not any(squash(key) in window for window in key_windows):
            problems.append(
                f"{where} answer key {key!r} 不在证据附近 {KEY_WINDOW} 字内或其标题中 / "
                f"not within {KEY_WINDOW} chars of its evidence nor in its headings"
            )
    return problems


def validate(
    items: list[QAItem],
    plans: list[ParsedPlan],
    min_items: int = MIN_ITEMS,
    min_unanswerable: int = MIN_UNANSWERABLE,
) -> list[str]:
    """Every problem found, one line each; an empty list means the set is valid."""
    corpus = CorpusText(plans)
    problems = [problem for item in items for problem in _check_item(item, corpus)]
    if len(items) < min_items:
        problems.append(f"题目数 {len(items)} 少于 {min_items} / too few items")
    unanswerable = sum(1 for item in items if item.type is QAType.unanswerable)
    if unanswerable < min_unanswerable:
        problems.append(f"不可回答题 {unanswerable} 少于 {min_unanswerable} / too few unanswerable items")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Validate an eval set against the cleaned corpus.")
    parser.add_argument("qa", nargs="?", type=Path, default=DEFAULT_QA_PATH)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS_DIR)
    parser.add_argument("--min-items", type=int, default=MIN_ITEMS,
                        help="fewest items accepted (a held-out set is smaller)")
    parser.add_argument("--min-unanswerable", type=int, default=MIN_UNANSWERABLE,
                        help="fewest unanswerable items accepted")
    args = parser.parse_args(argv)
    try:
        items = load_qa(args.qa)
    except EvalFileError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    problems = validate(items, load_corpus(args.corpus), args.min_items, args.min_unanswerable)
    for problem in problems:
        print(problem)
    print(f"{len(items)} items, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
