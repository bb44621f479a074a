"""Fusion of the two search arms (retriever/fusion.py) on hand-made scores."""
from __future__ import annotations

import numpy as np
import pytest

from api.settings import Settings
from retriever.fusion import FusionConfig, fuse
from retriever.models import Fusion

pytestmark = pytest.mark.unit

BM25 = np.array([9.0, 5.0, 1.0, 0.0])
DENSE = np.array([0.2, 0.9, 0.8, 0.1])
ALL = np.ones(4, dtype=bool)


def test_weighted_fusion_adds_normalised_scores():
    ranked = fuse(BM25, DENSE, ALL, FusionConfig(method=Fusion.weighted, dense_weight=0.5))
    scores = dict(ranked)
    assert [row for row, _ in ranked] == [1, 0, 2, 3]
    assert scores[0] == pytest.approx(0.5 * 1 + 0.5 * (0.2 - 0.1) / 0.8)
    assert scores[3] == pytest.approx(0.0)


def test_the_dense_weight_moves_the_balance():
    assert fuse(BM25, DENSE, ALL, FusionConfig(dense_weight=0.0))[0][0] == 0
    assert fuse(BM25, DENSE, ALL, FusionConfig(dense_weight=1.0))[0][0] == 1


def test_rrf_adds_reciprocal_ranks():
    ranked = fuse(BM25, DENSE, ALL, FusionConfig(method=Fusion.rrf, rrf_k=60))
    scores = dict(ranked)
    assert scores[1] == pytest.approx(1 / 62 + 1 / 61)
    assert scores[0] == pytest.approx(1 / 61 + 1 / 63)
    assert ranked[0][0] == 1


def test_one_arm_keeps_its_own_scores_and_the_mask_applies():
    ranked = fuse(BM25, None, np.array([False, True, True, True]), FusionConfig())
    assert ranked == [(1, 5.0), (2, 1.0), (3, 0.0)]


def test_candidates_cut_each_arm_and_ties_go_to_the_earlier_row():
    ranked = fuse(np.array([1.0, 1.0, 1.0]), None, np.ones(3, dtype=bool), FusionConfig(candidates=2))
    assert ranked == [(0, 1.0), (1, 1.0)]


def test_the_settings_default_is_the_fusion_default():
    assert Settings().fusion_config == FusionConfig()
    assert FusionConfig().method == Fusion.weighted  # measured best (README retrieval ablation)
    with pytest.raises(ValueError):
        FusionConfig(dense_weight=1.5)
