"""The sealed split of the question bank is scored deliberately, and every scoring leaves a record.

Its items are never read one by one nor used for a fix: it measures the finished work once. A run that
includes them must say so (`carbonqa eval --sealed`), and appends a line (date, commit, headline numbers)
to sealed_runs.jsonl beside the split folder, so a second scoring is visible to everyone.
"""
from __future__ import annotations

import json
import subprocess
from datetime import datetime
from pathlib import Path

from carbonqa.eval.metrics import headline, score_all
from carbonqa.eval.qa_models import SEALED_SPLIT, Prediction, QAItem

SEALED_RUNS_FILE = "sealed_runs.jsonl"
REPOSITORY = Path(__file__).resolve().parents[1]


class SealedSplitError(ValueError):
    """An eval run would score the sealed split without --sealed."""


def sealed_runs_path(qa: Path) -> Path:
    """The record of sealed runs: in the bank folder, beside its sealed split folder."""
    qa = qa.resolve()
    for folder in (qa, *qa.parents):
        if folder.name == SEALED_SPLIT:
            return folder.parent / SEALED_RUNS_FILE
    return qa / SEALED_RUNS_FILE  # the bank folder itself, holding the split folders


def check_sealed(items: list[QAItem], qa: Path, allowed: bool) -> bool:
    """Does the run score sealed items? Raises SealedSplitError if it would without being allowed."""
    if not any(item.split == SEALED_SPLIT for item in items):
        return False
    if not allowed:
        log = sealed_runs_path(qa)
        raise SealedSplitError(
            f"{qa} 含封存测试集（sealed）：它只在工作完成时评分一次，每次评分都记入 {log}。"
            f"确需评分请加 --sealed；日常评测请用 dev 集。 / {qa} holds the sealed split: it is scored once, "
            f"when the work is done, and every scoring is recorded in {log}. Add --sealed to score it "
            f"deliberately; measure work in progress on eval/bank/dev."
        )
    return True


def current_commit() -> tuple[str, bool]:
    """The checked-out commit and whether tracked files differ from it ("unknown" outside git)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPOSITORY, capture_output=True, text=True,
                                check=True).stdout.strip()
        changes = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPOSITORY,
                                 capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown", False
    return commit, bool(changes)


def record_sealed_run(qa: Path, items: list[QAItem], predictions: list[Prediction], eval_set: str | None = None) -> Path:
    """Append one line for this scoring of the sealed split (`eval_set`: what was scored, default `qa`);
    returns the record's path."""
    commit, uncommitted = current_commit()
    sealed = [item for item in items if item.split == SEALED_SPLIT]
    estimates = headline(score_all(sealed, predictions))
    line = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "commit": commit,
        "uncommitted_changes": uncommitted,
        "eval_set": eval_set or str(qa),
        "items": len(sealed),
        "headline": {name: estimate.model_dump() for name, estimate in estimates.items()},
    }
    log = sealed_runs_path(qa)
    with log.open("a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return log
