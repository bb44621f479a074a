"""Embedding cache: a rebuild embeds only passages whose text is new for this model."""
from __future__ import annotations

import numpy as np
import pytest

from carbonqa.index.chunk_store import embedding_text
from carbonqa.index.embedding_cache import CACHE_FILE, EmbeddingCache, embed_passages_cached
from carbonqa.index.sentence_vectors import sentence_texts
from carbonqa.index.store import load_or_build
from conftest import FakeEmbedder

pytestmark = pytest.mark.unit


def test_only_new_texts_are_embedded_and_vectors_are_kept():
    embedder = FakeEmbedder()
    first, cache, embedded = embed_passages_cached(["甲", "乙碳"], embedder, None)
    assert embedded == 2
    second, cache, embedded = embed_passages_cached(["乙碳", "丙", "甲", "丙"], embedder, cache)
    assert embedded == 1 and embedder.embedded == ["甲", "乙碳", "丙"]  # a repeated new text once
    assert np.array_equal(second[0], first[1]) and np.array_equal(second[2], first[0])
    assert set(cache.vectors) == set(embed_passages_cached(["甲", "乙碳", "丙"], embedder, cache)[1].vectors)


def test_cache_round_trips_and_other_models_or_broken_files_count_as_empty(tmp_path):
    _, cache, _ = embed_passages_cached(["甲", "乙"], FakeEmbedder(), None)
    path = tmp_path / CACHE_FILE
    cache.save(path)
    loaded = EmbeddingCache.load(path, "fake-v1")
    assert loaded.vectors.keys() == cache.vectors.keys()
    assert all(np.array_equal(loaded.vectors[k], cache.vectors[k]) for k in cache.vectors)
    assert EmbeddingCache.load(path, "fake-v2").vectors == {}
    other = FakeEmbedder(fingerprint="fake-v2")
    embed_passages_cached(["甲"], other, loaded)
    assert other.embedded == ["甲"]  # a cache of another model hands out nothing
    path.write_bytes(b"not a zip")
    assert EmbeddingCache.load(path, "fake-v1").vectors == {}
    assert EmbeddingCache.load(tmp_path / "missing.npz", "fake-v1").vectors == {}


def new_passages(chunks, known_chunks) -> set[str]:
    """What a build must embed for `chunks` when it has the vectors of `known_chunks`: the clauses'
    texts and content sentences it has not seen."""
    old = {embedding_text(c) for c in known_chunks} | set(sentence_texts(known_chunks))
    return ({embedding_text(c) for c in chunks} | set(sentence_texts(chunks))) - old


def test_adding_and_editing_a_plan_embeds_only_its_chunks(tmp_path, tiny_plans):
    first, second = [plan.chunks[:8] for plan in tiny_plans[:2]]
    load_or_build(tmp_path / "idx", first, FakeEmbedder(), progress=False)

    counting = FakeEmbedder()
    index, status = load_or_build(tmp_path / "idx", first + second, counting, progress=False)
    assert status.startswith("rebuilt") and len(second) == index.manifest.embedded_count
    assert sorted(counting.embedded) == sorted(new_passages(first + second, first))
    assert index.manifest.embedded_sentences == len(counting.embedded) - len(second) > 0

    edited = first[:-1] + [first[-1].model_copy(update={"text": first[-1].text + "（修订）"})] + second
    counting = FakeEmbedder()
    index, _ = load_or_build(tmp_path / "idx", edited, counting, progress=False)
    assert sorted(counting.embedded) == sorted(new_passages(edited, first + second))
    assert index.manifest.embedded_count == 1 and counting.embedded[0].endswith("（修订）")
    fresh = FakeEmbedder().embed_passages(counting.embedded[:1])
    assert np.allclose(index.dense.reconstruct(len(first) - 1), fresh[0], atol=1e-6)
    saved = EmbeddingCache.load(tmp_path / "idx" / CACHE_FILE, counting.model_fingerprint)
    # The edited clause's old text left the cache; it holds exactly the clauses and sentences indexed.
    assert len(saved.vectors) == len(edited) + len(sentence_texts(edited))


def test_forced_rebuild_embeds_everything(tmp_path, tiny_index):
    chunks = tiny_index.chunks[:10]
    load_or_build(tmp_path / "idx", chunks, FakeEmbedder(), progress=False)
    counting = FakeEmbedder()
    load_or_build(tmp_path / "idx", chunks, counting, progress=False, rebuild=True)
    assert len(counting.embedded) == 10 + len(sentence_texts(chunks))
