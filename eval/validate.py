"""Check an eval set against the cleaned corpus, so every gold span points at one real clause.

Rules (all matching with whitespace removed): each evidence span is 12–40 characters, occurs exactly
once in the whole corpus and lies inside a single chunk of a plan the item lists in `docs`; each answer
key occurs within an evidence span, within KEY_WINDOW characters of one in the same chunk, or in the
headings above that chunk (for structure items also the headings of the listed chunks below it);
answerable items have evidence and keys, unanswerable ones no evidence. The bank's fields agree: a
follow-up (tag followup) has its history and only a follow-up has one; an analytical item is a
comparison, and its conclusion is empty exactly when it is tagged incomparable; a bank item has tags,
and a note when it is unanswerable or partial. Each folder of questions (each split of the bank, or
the one file given) is large enough.
Ids are unique, types and tags valid by construction (eval.qa_models.load_qa rejects the file otherwise).

Run: python -m carbonqa.eval.validate [QA_FILE_OR_FOLDER] [--corpus DIR] [--min-items N] [--min-unanswerable N]
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

from carbonqa.eval.qa_models import DEFAULT_QA_PATH, EvalFileError, Outcome, QAItem, QAType, Tag, load_qa
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


def _check_bank_fields(item: QAItem) -> list[str]:
    """Tags, history, note and analysis agree with each other and with the type."""
    where = f"{item.id}:"
    problems = []
    if (Tag.followup in item.tags) != bool(item.history):
        problems.append(f"{where} 追问须同时有 followup 标签和 history / a follow-up needs both the followup tag "
                        f"and its history")
    if item.analysis is not None and item.type is not QAType.compare:
        problems.append(f"{where} 分析题的 type 应为 compare / an analytical item must be of type compare")
    if (Tag.incomparable in item.tags) != (item.analysis is not None and not item.analysis.conclusion):
        problems.append(f"{where} 标签 incomparable 与空的 analysis.conclusion 须同时出现 / an analytical item is "
                        f"tagged incomparable exactly when its conclusion is empty")
    if item.split is not None:
        if not item.tags:
            problems.append(f"{where} 题库题目须有 tags / a bank item needs tags")
        if item.expected_outcome in (Outcome.not_stated, Outcome.partial) and not item.note:
            problems.append(f"{where} 不可回答或部分回答的题目须有 note / an unanswerable or partial item needs a "
                            f"note on how it was checked")
    return problems


def _check_item(item: QAItem, corpus: CorpusText) -> list[str]:
    where = f"{item.id}:"
    if item.type is None:
        return [f"{where} 缺少 type / missing type"]
    return _check_bank_fields(item) + _check_gold(item, corpus)


def _check_gold(item: QAItem, corpus: CorpusText) -> list[str]:
    where = f"{item.id}:"
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
    """Every problem found, one line each; an empty list means the set is valid. The size rules hold
    for each split of the bank (items loaded from a split folder), else for the items together."""
    corpus = CorpusText(plans)
    problems = [problem for item in items for problem in _check_item(item, corpus)]
    folders: dict[str | None, list[QAItem]] = defaultdict(list)
    for item in items:
        folders[item.split].append(item)
    for split, group in folders.items():
        where = f"{split}: " if split else ""
        if len(group) < min_items:
            problems.append(f"{where}题目数 {len(group)} 少于 {min_items} / too few items")
        unanswerable = sum(1 for item in group if item.type is QAType.unanswerable)
        if unanswerable < min_unanswerable:
            problems.append(f"{where}不可回答题 {unanswerable} 少于 {min_unanswerable} / too few unanswerable items")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Validate an eval set against the cleaned corpus.")
    parser.add_argument("qa", nargs="?", type=Path, default=DEFAULT_QA_PATH,
                        help="a JSON Lines file, or a folder of them (eval/bank, or one of its splits)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS_DIR)
    parser.add_argument("--min-items", type=int, default=MIN_ITEMS,
                        help="fewest items accepted, per split of the bank (a held-out set is smaller)")
    parser.add_argument("--min-unanswerable", type=int, default=MIN_UNANSWERABLE,
                        help="fewest unanswerable items accepted, per split of the bank")
    args = parser.parse_args(argv)
    try:
        items = load_qa(args.qa)
    except EvalFileError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    problems = validate(items, load_corpus(args.corpus), args.min_items, args.min_unanswerable)
    for problem in problems:
        print(problem)
    writers = {item.writer for item in items}
    files = f" in {len(writers)} files" if len(writers) > 1 else ""
    print(f"{len(items)} items{files}, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
