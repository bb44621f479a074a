"""The question adapter: training is deterministic and learns, the saved matrix is checked against its
manifest, the runtime applies it only when on and trained for the model in use."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from carbonqa.eval.train_adapter import Examples, Passages, gold_rows, measure, train_matrix
from carbonqa.index.query_adapter import (ADAPTER_DIR, AdapterManifest, AdapterUse, QueryAdapter, QueryAdapterError,
                                          save_adapter)

pytestmark = pytest.mark.unit

DIM = 16


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def synthetic() -> tuple[Examples, Passages]:
    """Questions that are their gold passage seen through a fixed rotation plus noise: a linear map helps."""
    rng = np.random.default_rng(7)
    passages = unit(rng.normal(size=(40, DIM)))
    rotation, _ = np.linalg.qr(rng.normal(size=(DIM, DIM)))
    gold = np.arange(30) % 40
    queries = unit(passages[gold] @ (0.6 * rotation + 0.4 * np.eye(DIM)) + 0.05 * rng.normal(size=(30, DIM)))
    everywhere = [np.ones(40, dtype=bool)] * 30
    examples = Examples(queries, [[g] for g in gold], [[g] for g in gold], everywhere, everywhere)
    return examples, Passages(sentences=passages, chunks=passages)


def manifest(**changes) -> AdapterManifest:
    fields = dict(matrix_file="w.npy", sha256="", model_id="fake", dimension=DIM, trained_on="test",
                  training={"steps": 1}, metrics={})
    return AdapterManifest(**{**fields, **changes})


def test_training_is_bit_for_bit_reproducible_and_learns():
    examples, passages = synthetic()
    first, step = train_matrix(examples, passages, penalty=0.01, steps=60)
    second, _ = train_matrix(examples, passages, penalty=0.01, steps=60)
    assert step == 60 and first.dtype == np.float32
    assert first.tobytes() == second.tobytes()
    before = measure(np.eye(DIM, dtype=np.float32), examples, passages)["clause_mrr"]
    assert measure(first, examples, passages)["clause_mrr"] > before


def test_a_large_penalty_keeps_the_map_near_the_identity():
    examples, passages = synthetic()
    loose, _ = train_matrix(examples, passages, penalty=0.0, steps=40)
    tight, _ = train_matrix(examples, passages, penalty=100.0, steps=40)
    identity = np.eye(DIM)
    assert np.linalg.norm(tight - identity) < np.linalg.norm(loose - identity)


def test_early_stopping_keeps_the_best_checked_step():
    examples, passages = synthetic()
    scores = iter([0.5, 0.9, 0.1, 0.2])  # step 0, then every 10 steps
    _, step = train_matrix(examples, passages, penalty=0.01, steps=30, check=lambda m: next(scores), check_every=10)
    assert step == 10


def test_gold_rows_hold_a_span_or_lie_inside_a_long_one():
    texts = ["到2025年，非化石能源消费比重达到30%", "其他内容", "非化石能源消费比重"]
    assert gold_rows(["非化石能源 消费比重达到30%"], texts) == [0, 2]
    assert gold_rows(["没有的句子"], texts) == []


def test_saved_adapter_loads_and_maps_to_unit_vectors(tmp_path: Path):
    matrix = np.eye(DIM, dtype=np.float32) * 2
    matrix[0, 1] = 0.5
    saved = save_adapter(matrix, manifest(), tmp_path)
    assert saved.sha256 == hashlib.sha256((tmp_path / "w.npy").read_bytes()).hexdigest()
    adapter = QueryAdapter.load(tmp_path)
    vectors = unit(np.random.default_rng(1).normal(size=(3, DIM)))
    mapped = adapter.apply(vectors)
    assert np.allclose(np.linalg.norm(mapped, axis=1), 1.0, atol=1e-6)
    assert np.allclose(mapped, unit(vectors @ matrix), atol=1e-6)
    assert adapter.fits("fake", DIM) and not adapter.fits("other-model", DIM) and not adapter.fits("fake", 8)


def test_a_changed_matrix_is_refused_naming_how_to_retrain(tmp_path: Path):
    save_adapter(np.eye(DIM, dtype=np.float32), manifest(), tmp_path)
    with open(tmp_path / "w.npy", "wb") as file:
        np.save(file, np.eye(DIM, dtype=np.float32) * 3)
    with pytest.raises(QueryAdapterError, match="train_adapter"):
        QueryAdapter.load(tmp_path)


def test_a_missing_adapter_is_refused_naming_how_to_retrain(tmp_path: Path):
    with pytest.raises(QueryAdapterError, match="train_adapter"):
        QueryAdapter.load(tmp_path)


def test_the_shipped_adapter_matches_its_manifest():
    adapter = QueryAdapter.load(ADAPTER_DIR)
    assert adapter.matrix.shape == (adapter.manifest.dimension,) * 2
    assert adapter.manifest.trained_on == "eval/bank/train"


def test_the_retriever_uses_the_adapted_vector_where_told(tiny_index, tiny_corpus):
    from carbonqa.retriever.search import Retriever
    from conftest import FakeEmbedder

    dimension = FakeEmbedder.DIMENSION
    adapter = QueryAdapter(np.eye(dimension, dtype=np.float32)[::-1].copy(), manifest(dimension=dimension))
    question = "珠海市2025年非化石能源消费比重目标是多少"
    results = {use: Retriever(tiny_index, FakeEmbedder(), corpus=tiny_corpus, adapter=adapter,
                              adapter_use=use).search(question) for use in AdapterUse}
    raw = results[AdapterUse.off].query_vector
    assert np.array_equal(results[AdapterUse.dense].query_vector, raw)  # the answer stage keeps the model's vector
    assert np.allclose(results[AdapterUse.both].query_vector, adapter.apply(raw[None])[0])
    dense_scores = {use: [hit.dense_score for hit in result.hits] for use, result in results.items()}
    assert dense_scores[AdapterUse.dense] == dense_scores[AdapterUse.both] != dense_scores[AdapterUse.off]


def test_the_runtime_loads_it_only_when_on_and_trained_for_the_model(tiny_index, tiny_plans, monkeypatch, tmp_path):
    from carbonqa.service.runtime import assemble_runtime
    from carbonqa.service.settings import Settings
    from conftest import FakeEmbedder

    embedder = FakeEmbedder()
    save_adapter(np.eye(embedder.dimension, dtype=np.float32), manifest(dimension=embedder.dimension), tmp_path)
    monkeypatch.setattr("carbonqa.index.query_adapter.ADAPTER_DIR", tmp_path)

    def retriever(use: str, model: FakeEmbedder = embedder):
        return assemble_runtime(Settings(query_adapter=use), tiny_plans, model, tiny_index, "built").retriever

    assert retriever("both").adapter is not None and retriever("dense").adapter_use is AdapterUse.dense
    assert retriever("off").adapter is None and retriever("both", FakeEmbedder("other")).adapter is None


def test_a_damaged_adapter_stops_the_cli_with_how_to_retrain(tmp_path, monkeypatch, capsys):
    import typer

    from carbonqa.cli.common import loaded_runtime
    from carbonqa.service.settings import Settings

    def load_runtime(settings, **options):
        return QueryAdapter.load(tmp_path)  # an empty folder: no manifest

    monkeypatch.setattr("carbonqa.service.runtime.load_runtime", load_runtime)
    with pytest.raises(typer.Exit):
        loaded_runtime(Settings())
    assert "train_adapter" in capsys.readouterr().err
