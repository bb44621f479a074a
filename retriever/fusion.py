"""Fusion of the BM25 and dense arms: a pure function of their scores and a FusionConfig.

The defaults are the configuration the eval measured best (README, retrieval ablation): weighted
fusion, dense weight 0.5, 50 candidates per arm. api/settings.py exposes each as a CARBONQA_FUSION*
setting and passes them to the Retriever's constructor.
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from retriever.models import Fusion


class FusionConfig(BaseModel):
    """How two ranked arms become one ranking."""

    model_config = ConfigDict(frozen=True)

    method: Fusion = Field(default=Fusion.weighted, description="weighted (measured best) or rrf")
    rrf_k: int = Field(default=60, ge=1, description="RRF constant: each arm adds 1/(rrf_k + rank)")
    dense_weight: float = Field(default=0.5, ge=0.0, le=1.0,
                                description="weighted fusion: the dense arm's share, BM25 gets the rest")
    candidates: int = Field(default=50, ge=1, description="top chunks taken from each arm before fusing")


def fuse(bm25: np.ndarray | None, dense: np.ndarray | None, allowed: np.ndarray,
         config: FusionConfig) -> list[tuple[int, float]]:
    """(row, fused score) best first, over the allowed rows' top `config.candidates` of each arm.

    With one arm the score is that arm's own; RRF adds 1/(rrf_k + rank) per arm; weighted fusion adds
    each arm's min-max normalised score (over its candidates), the dense arm weighted dense_weight.
    Ties go to the lower row (earlier in the corpus).
    """
    arms = [(scores, weight) for scores, weight in ((bm25, 1 - config.dense_weight), (dense, config.dense_weight))
            if scores is not None]
    fused: dict[int, float] = defaultdict(float)
    for scores, weight in arms:
        masked = np.where(allowed, scores, -np.inf)
        top = [int(row) for row in finite_top_rows(masked, config.candidates)]
        if not top:
            continue
        low, high = float(masked[top].min()), float(masked[top].max())
        for rank, row in enumerate(top):
            if len(arms) == 1:
                fused[row] = float(scores[row])
            elif config.method == Fusion.rrf:
                fused[row] += 1 / (config.rrf_k + rank + 1)
            else:
                fused[row] += weight * (float(scores[row]) - low) / ((high - low) or 1.0)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


def kth_highest(scores: np.ndarray, k: int) -> float:
    return float(np.partition(scores, len(scores) - k)[len(scores) - k]) if len(scores) > k else float(scores.min())


def top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """The rows of the k highest scores, best first, ties in row order: what a stable full argsort
    gives, without sorting the whole corpus (one partition, then a sort of the few rows left)."""
    rows = np.flatnonzero(scores >= kth_highest(scores, k))  # all rows tied with the k-th, in row order
    return rows[np.argsort(-scores[rows], kind="stable")][:k]


def finite_top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """top_rows among the finite scores only. Rows outside a region filter, or not retrieved by an
    approximate dense arm, are -inf: partitioning just the others is ~100x faster at 100,000 rows
    than partitioning a corpus of mostly equal -inf values."""
    finite = np.flatnonzero(np.isfinite(scores))
    return finite[top_rows(scores[finite], k)] if len(finite) else finite
