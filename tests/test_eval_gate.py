"""Regression gate: the full pipeline over the project's eval set stays at or above eval/floors.json."""
from __future__ import annotations

import pytest

from carbonqa.eval.metrics import FLOOR_METRICS, Summary, below_floors, floors, score_all, summarize
from carbonqa.eval.qa_models import DEFAULT_QA_PATH, load_qa
from carbonqa.eval.run import run_eval
from carbonqa.retriever.models import SearchMode


@pytest.fixture(scope="module")
def overall(runtime) -> Summary:
    items = load_qa(DEFAULT_QA_PATH)
    run = run_eval(runtime.answerer, items, mode=SearchMode.hybrid, ablation=False, show_progress=False)
    assert run.fusion == runtime.settings.fusion  # the configured fusion is the one measured
    assert [p.id for p in run.predictions] == [i.id for i in items]
    return summarize(score_all(items, run.predictions))


def test_floors_file_names_known_metrics():
    assert set(floors()) == set(FLOOR_METRICS)
    assert all(0.0 <= value <= 1.0 for value in floors().values())


@pytest.mark.parametrize("metric", sorted(FLOOR_METRICS))
def test_metric_is_at_or_above_its_floor(overall, metric):
    assert metric not in below_floors(overall), f"{metric} {FLOOR_METRICS[metric](overall)} fell below its floor " \
                                                f"{floors()[metric]}"
