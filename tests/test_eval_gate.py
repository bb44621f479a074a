"""Regression gate: the full pipeline over the project's eval set stays at or above eval/floors.json."""
from __future__ import annotations

import json

import pytest

from carbonqa.eval.metrics import Summary, score_all, summarize
from carbonqa.eval.qa_models import DEFAULT_QA_PATH, load_qa
from carbonqa.eval.run import run_eval
from carbonqa.retriever.models import SearchMode

FLOORS_PATH = DEFAULT_QA_PATH.parent / "floors.json"
METRICS = {
    "recall_at_5": lambda s: s.recall[5],
    "answer_key_accuracy": lambda s: s.answer_key_accuracy,
    "citation_precision": lambda s: s.citation_precision,
    "refusal_accuracy": lambda s: s.refusal_accuracy,
    "outcome_accuracy": lambda s: s.outcome_accuracy,
}


@pytest.fixture(scope="module")
def overall(runtime) -> Summary:
    items = load_qa(DEFAULT_QA_PATH)
    run = run_eval(runtime.answerer, items, mode=SearchMode.hybrid, ablation=False, show_progress=False)
    assert run.fusion == runtime.settings.fusion  # the configured fusion is the one measured
    assert [p.id for p in run.predictions] == [i.id for i in items]
    return summarize(score_all(items, run.predictions))


def test_floors_file_names_known_metrics():
    floors = json.loads(FLOORS_PATH.read_text(encoding="utf-8"))
    assert set(floors) == set(METRICS)
    assert all(0.0 <= value <= 1.0 for value in floors.values())


@pytest.mark.parametrize("metric", sorted(METRICS))
def test_metric_is_at_or_above_its_floor(overall, metric):
    floor = json.loads(FLOORS_PATH.read_text(encoding="utf-8"))[metric]
    value = METRICS[metric](overall)
    assert value is not None and value >= floor, f"{metric} {value} fell below its floor {floor}"
