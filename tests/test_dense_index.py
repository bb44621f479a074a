"""The dense arm: exact up to CARBONQA_DENSE_EXACT_MAX_CHUNKS, approximate (IVF) above it."""
from __future__ import annotations

import numpy as np
import pytest

from carbonqa.eval.qa_models import DEFAULT_QA_PATH, load_qa
from carbonqa.index.dense import DenseIndexConfig, build_dense, dense_scores, is_approximate
from carbonqa.index.store import build_index, index_cache, load_index, load_or_build
from carbonqa.retriever.search import Retriever

QA_QUESTIONS = 60  # of eval/qa.jsonl, for the model-backed comparison


def clustered(size: int, dimension: int = 32, clusters: int = 40, seed: int = 3) -> np.ndarray:
    """Unit vectors around a few centres, like embeddings of clauses on a handful of topics."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dimension))
    vectors = centres[rng.integers(0, clusters, size)] + 0.3 * rng.normal(size=(size, dimension))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


@pytest.mark.unit
def test_up_to_the_threshold_the_search_is_exact_over_every_row():
    vectors = clustered(500)
    index = build_dense(vectors, DenseIndexConfig(exact_max_chunks=500))
    assert not is_approximate(index)
    query = vectors[:1] + 0.01
    assert np.allclose(dense_scores(index, query, None, 50), vectors @ query[0], atol=1e-5)


@pytest.mark.unit
def test_above_the_threshold_an_ivf_index_finds_nearly_the_exact_top_ten():
    vectors = clustered(6000)
    index = build_dense(vectors, DenseIndexConfig(exact_max_chunks=5000, nprobe=16))
    assert is_approximate(index) and index.nprobe == 16
    queries = clustered(50, seed=9)
    overlap = []
    for query in queries:
        scores = dense_scores(index, query[None], None, 50)
        assert np.isfinite(scores).sum() == 50  # only the candidates are scored; the rest are -inf
        found = np.flatnonzero(np.isfinite(scores))
        assert np.allclose(scores[found], vectors[found] @ query, atol=1e-5)  # true inner products
        exact = np.argsort(-(vectors @ query))[:10]
        approximate = np.argsort(-scores)[:10]
        overlap.append(len(set(exact) & set(approximate)) / 10)
    assert np.mean(overlap) >= 0.9


@pytest.mark.unit
def test_a_region_filter_is_applied_inside_the_approximate_search():
    vectors = clustered(6000)
    index = build_dense(vectors, DenseIndexConfig(exact_max_chunks=0, nprobe=32))
    allowed = np.zeros(6000, dtype=bool)
    allowed[::7] = True  # one "plan" in seven rows
    query = clustered(1, seed=5)
    found = np.flatnonzero(np.isfinite(dense_scores(index, query, allowed, 50)))
    assert len(found) == 50 and allowed[found].all()  # filled from the allowed rows, not crowded out
    unfiltered = np.flatnonzero(np.isfinite(dense_scores(index, query, None, 50)))
    assert allowed[unfiltered].sum() < 25  # filtering after the search would have left far fewer


def test_the_setting_decides_the_kind_and_a_change_rebuilds(tmp_path, runtime):
    chunks = runtime.index.chunks[:60]
    small = DenseIndexConfig(exact_max_chunks=50, nprobe=4)
    index, status = load_or_build(tmp_path / "idx", chunks, runtime.embedder, progress=False, dense_config=small)
    assert status == "built" and is_approximate(index.dense) and index.manifest.dense_approximate
    loaded, status = load_or_build(tmp_path / "idx", chunks, runtime.embedder, progress=False, dense_config=small)
    assert status == "loaded" and is_approximate(loaded.dense) and loaded.dense.nprobe == 4
    # the vectors can be read back (the embedding cache of a library update uses them)
    assert np.allclose(loaded.dense.reconstruct_n(0, 60), index.dense.reconstruct_n(0, 60))
    _, status = load_or_build(tmp_path / "idx", chunks, runtime.embedder, progress=False)
    assert status.startswith("rebuilt: dense index approximate")
    assert not is_approximate(load_index(tmp_path / "idx").dense)


def test_an_ivf_index_searching_every_list_gives_the_exact_top_ten(runtime):
    """The approximate path's plumbing (candidates only, -inf elsewhere, filters inside the search)
    changes no result when nothing is approximated: nprobe = every list."""
    chunks = runtime.index.chunks
    every_list = DenseIndexConfig(exact_max_chunks=0, nprobe=len(chunks))
    index = build_index(chunks, runtime.embedder, progress=False, cache=index_cache(runtime.index),
                        dense_config=every_list)  # the runtime's vectors: nothing is embedded again
    assert index.manifest.embedded_count == 0
    assert is_approximate(index.dense)
    approximate = Retriever(index, runtime.embedder, runtime.retriever.fusion, adapter=runtime.retriever.adapter,
                            adapter_use=runtime.retriever.adapter_use)
    for item in load_qa(DEFAULT_QA_PATH)[:QA_QUESTIONS]:
        question = item.question
        expected = [hit.chunk.id for hit in runtime.retriever.search(question, top_k=10).hits]
        assert [hit.chunk.id for hit in approximate.search(question, top_k=10).hits] == expected, question
