"""Fusion of the two search arms (retriever/fusion.py) on hand-made scores."""
from __future__ import annotations

import pytest

from carbonqa.retriever.fusion import Arm, FusionConfig, fuse
from carbonqa.retriever.models import Fusion
from carbonqa.service.settings import Settings

pytestmark = pytest.mark.unit


def arm(scores: dict[int, float]) -> Arm:
    """An arm's candidates as a store returns them: best first, ranked from 1."""
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    return {row: (score, rank) for rank, (row, score) in enumerate(ranked, 1)}


BM25 = arm({0: 9.0, 1: 5.0, 2: 1.0, 3: 0.0})
DENSE = arm({0: 0.2, 1: 0.9, 2: 0.8, 3: 0.1})


def test_weighted_fusion_adds_normalised_scores():
    ranked = fuse(BM25, DENSE, FusionConfig(method=Fusion.weighted, dense_weight=0.5))
    scores = dict(ranked)
    assert [row for row, _ in ranked] == [1, 0, 2, 3]
    assert scores[0] == pytest.approx(0.5 * 1 + 0.5 * (0.2 - 0.1) / 0.8)
    assert scores[3] == pytest.approx(0.0)


def test_the_dense_weight_moves_the_balance():
    assert fuse(BM25, DENSE, FusionConfig(dense_weight=0.0))[0][0] == 0
    assert fuse(BM25, DENSE, FusionConfig(dense_weight=1.0))[0][0] == 1


def test_rrf_adds_reciprocal_ranks():
    ranked = fuse(BM25, DENSE, FusionConfig(method=Fusion.rrf, rrf_k=60))
    scores = dict(ranked)
    assert scores[1] == pytest.approx(1 / 62 + 1 / 61)
    assert scores[0] == pytest.approx(1 / 61 + 1 / 63)
    assert ranked[0][0] == 1


def test_one_arm_keeps_its_own_scores():
    ranked = fuse(arm({1: 5.0, 2: 1.0, 3: 0.0}), None, FusionConfig())
    assert ranked == [(1, 5.0), (2, 1.0), (3, 0.0)]


def test_ties_go_to_the_earlier_row_and_an_empty_arm_adds_nothing():
    assert fuse(arm({2: 1.0, 0: 1.0, 1: 1.0}), None, FusionConfig()) == [(0, 1.0), (1, 1.0), (2, 1.0)]
    assert fuse({}, DENSE, FusionConfig(dense_weight=0.5))[0] == (1, 0.5)


def test_the_settings_default_is_the_fusion_default():
    assert Settings().fusion_config == FusionConfig()
    assert FusionConfig().method == Fusion.weighted  # measured best (docs/retrieval.md, fusion ablation)
    with pytest.raises(ValueError):
        FusionConfig(dense_weight=1.5)
