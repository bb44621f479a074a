"""Fusion of the BM25 and dense arms: a pure function of their scores and a FusionConfig.

The defaults are the configuration the eval measured best (docs/retrieval.md, fusion ablation): weighted
fusion, dense weight 0.5, 50 candidates per arm. api/settings.py exposes each as a CARBONQA_FUSION*
setting and passes them to the Retriever's constructor.
"""
from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, ConfigDict, Field

from carbonqa.retriever.models import Fusion


class FusionConfig(BaseModel):
    """How two ranked arms become one ranking, and how much of it a search returns."""

    model_config = ConfigDict(frozen=True)

    method: Fusion = Field(default=Fusion.weighted, description="weighted (measured best) or rrf")
    rrf_k: int = Field(default=60, ge=1, description="RRF constant: each arm adds 1/(rrf_k + rank)")
    dense_weight: float = Field(default=0.5, ge=0.0, le=1.0,
                                description="weighted fusion: the dense arm's share, BM25 gets the rest")
    candidates: int = Field(default=50, ge=1, description="top chunks taken from each arm before fusing")
    top_k: int = Field(default=8, ge=1, description="hits a search returns when the caller names no number: "
                                                    "enough for a comparison's plans, few enough to quote from")
    list_hits: int = Field(default=8, ge=1, description="a list question's part/section is sought among this many "
                                                        "top hits and their parents")


# One arm's candidates: row -> (score, 1-based rank). The store picks them: the arm's best
# `config.candidates` chunks inside the plans asked about, best first.
Arm = dict[int, tuple[float, int]]


def fuse(bm25: Arm | None, dense: Arm | None, config: FusionConfig) -> list[tuple[int, float]]:
    """(row, fused score) best first, over each arm's candidates.

    With one arm the score is that arm's own; RRF adds 1/(rrf_k + rank) per arm; weighted fusion adds
    each arm's min-max normalised score (over its candidates), the dense arm weighted dense_weight.
    Ties go to the lower row (earlier in the corpus).
    """
    arms = [(arm, weight) for arm, weight in ((bm25, 1 - config.dense_weight), (dense, config.dense_weight))
            if arm is not None]
    fused: dict[int, float] = defaultdict(float)
    for arm, weight in arms:
        if not arm:
            continue
        low, high = min(score for score, _ in arm.values()), max(score for score, _ in arm.values())
        for row, (score, rank) in arm.items():
            if len(arms) == 1:
                fused[row] = score
            elif config.method == Fusion.rrf:
                fused[row] += 1 / (config.rrf_k + rank)
            else:
                fused[row] += weight * (score - low) / ((high - low) or 1.0)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
