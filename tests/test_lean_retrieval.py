"""The lean query path computes exactly what the straightforward one did: same BM25 scores as
rank_bm25, same candidate order as a stable full argsort, inside the regions asked about."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from carbonqa.index.bm25 import BM25Index
from carbonqa.index.store import finite_top_rows, top_rows

CANDIDATES = 50

QA = Path(__file__).resolve().parents[1] / "eval" / "qa.jsonl"
DOCS = [
    ["碳达峰", "光伏", "光伏", "2025年"],
    ["碳达峰", "储能"],
    ["碳达峰", "海上风电", "光伏"],
    [],
    ["碳达峰", "氢能", "储能", "储能", "储能"],
]


@pytest.mark.unit
@pytest.mark.parametrize("query", [["光伏"], ["碳达峰"], ["储能", "储能", "光伏"], ["未知词"], [], ["氢能", "碳达峰"]])
def test_bm25_scores_equal_rank_bm25(query):
    # 碳达峰 is in 4 of 5 documents: its idf is negative and floored, as rank_bm25 does.
    assert np.array_equal(BM25Index(DOCS).get_scores(query), BM25Okapi(DOCS).get_scores(query))


def test_bm25_scores_equal_rank_bm25_on_the_eval_questions(runtime):
    tokens, tokenizer = runtime.index.chunk_tokens, runtime.index.tokenizer
    reference, lean = BM25Okapi(tokens), BM25Index(tokens)
    for line in QA.read_text(encoding="utf-8").splitlines():
        query = tokenizer.tokenize(json.loads(line)["question"])
        assert np.array_equal(lean.get_scores(query), reference.get_scores(query))


@pytest.mark.unit
def test_top_rows_equal_a_stable_full_sort():
    rng = np.random.default_rng(7)
    for size in (5, 49, 50, 51, 400):
        scores = rng.integers(0, 6, size).astype(np.float64)  # many ties
        scores[rng.integers(0, size, size // 5)] = -np.inf  # rows outside the region filter
        for k in (1, 10, CANDIDATES, size + 3):
            assert list(top_rows(scores, k)) == list(np.argsort(-scores, kind="stable")[:k])


def test_faiss_arms_are_a_stable_sort_inside_the_regions(runtime):
    index, regions = runtime.index, ["佛山市", "江门市"]
    allowed = np.array([chunk.region in regions for chunk in index.chunks])
    query = "新型储能装机目标"
    scores = np.where(allowed, index.bm25.get_scores(index.tokenizer.tokenize(query)), -np.inf)
    expected = [index.chunks[row].id for row in np.argsort(-scores, kind="stable")[:CANDIDATES]]
    assert [hit.chunk_id for hit in index.bm25_search(query, regions, CANDIDATES)] == expected


@pytest.mark.unit
def test_finite_top_rows_equal_the_finite_rows_of_a_stable_full_sort():
    rng = np.random.default_rng(5)
    for size in (5, 60, 400):
        for finite_share in (0.0, 0.1, 0.9):
            scores = np.full(size, -np.inf)
            rows = rng.random(size) < finite_share  # an approximate arm's candidates, a region's rows
            scores[rows] = rng.integers(0, 6, rows.sum())  # many ties
            for k in (1, 10, CANDIDATES):
                expected = [r for r in np.argsort(-scores, kind="stable")[:k] if np.isfinite(scores[r])]
                assert list(finite_top_rows(scores, k)) == expected
