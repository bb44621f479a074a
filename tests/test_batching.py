"""QueryBatcher: concurrent query embeddings batched together give the same vectors as single calls."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from carbonqa.index.batching import QueryBatcher, QueryEmbeddingError
from conftest import FakeEmbedder

# Different lengths, so a shared forward pass pads the shorter ones.
QUESTIONS = [
    "碳达峰的主要目标是什么？",
    "珠海2025年单位地区生产总值能耗要比2020年下降多少？",
    "佛山市如何推进建筑领域绿色低碳发展？",
    "江门",
    "云浮市在交通运输领域有哪些碳达峰行动？",
    "广东省非化石能源消费比重到2030年要达到多少？",
    "什么是新型电力系统？",
    "各地如何发展海上风电、光伏等可再生能源，提升清洁能源供给能力？",
]


@pytest.mark.unit
def test_concurrent_calls_share_passes_and_get_their_own_vectors():
    embedder = FakeEmbedder()
    single = np.vstack([FakeEmbedder().embed_queries([q]) for q in QUESTIONS])
    batcher = QueryBatcher(embedder, max_wait_s=0.05)  # a long wait: the 8 calls surely share passes
    with ThreadPoolExecutor(max_workers=8) as pool:
        batched = np.vstack(list(pool.map(lambda q: batcher.embed_queries([q]), QUESTIONS)))
    passes = embedder.query_batches
    assert max(passes) > 1 and sum(passes) == len(QUESTIONS)  # really batched, each text once
    assert np.array_equal(batched, single)  # each caller gets its own question's vector


def test_the_model_embeds_a_batch_as_it_embeds_each_question(runtime):
    embedder = runtime.embedder
    single = np.vstack([embedder.embed_queries([q]) for q in QUESTIONS])
    batched = embedder.embed_queries(QUESTIONS)  # one forward pass pads the shorter questions
    assert batched.shape == single.shape == (len(QUESTIONS), embedder.dimension)
    assert (batched * single).sum(axis=1).min() >= 0.9999  # both L2-normalised: row dot = cosine


@pytest.mark.unit
def test_delegates_model_identity():
    embedder = FakeEmbedder()
    batcher = QueryBatcher(embedder)
    assert (batcher.model_id, batcher.model_fingerprint, batcher.dimension) == (
        embedder.model_id, embedder.model_fingerprint, embedder.dimension)
    assert batcher.embed_queries([]).shape == (0, embedder.dimension)
    with pytest.raises(TypeError):
        batcher.embed_queries("一个字符串")


class Broken(FakeEmbedder):
    def embed_queries(self, texts):
        raise RuntimeError("model crashed")


@pytest.mark.unit
def test_embedder_errors_reach_every_caller():
    batcher = QueryBatcher(Broken(), max_wait_s=0.05)
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(batcher.embed_queries, [q]) for q in QUESTIONS[:4]]
    for future in futures:
        with pytest.raises(QueryEmbeddingError) as caught:
            future.result()
        assert isinstance(caught.value.__cause__, RuntimeError)  # the cause is kept for the server log
    with pytest.raises(QueryEmbeddingError):  # the worker survives a failed pass
        batcher.embed_queries(["再问一次"])


class FailsOnPoison(FakeEmbedder):
    """A model that cannot embed one particular text, like a tokenizer meeting a lone surrogate."""

    def embed_queries(self, texts):
        if "毒" in texts:
            self.query_batches.append(len(texts))
            raise UnicodeEncodeError("utf-8", "毒", 0, 1, "surrogates not allowed")
        return super().embed_queries(texts)


@pytest.mark.unit
def test_one_bad_text_fails_only_its_own_request():
    model = FailsOnPoison()
    batcher = QueryBatcher(model, max_wait_s=0.2)  # a long wait: the calls share one pass
    texts = ["碳达峰", "毒", "新型储能装机", "光伏"]
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(batcher.embed_queries, [text]) for text in texts]
    assert model.query_batches[0] == 4  # the shared pass failed, then each request was retried on its own
    for text, future in zip(texts, futures):
        if text == "毒":
            with pytest.raises(QueryEmbeddingError):
                future.result()
        else:
            assert np.array_equal(future.result(), FakeEmbedder().embed_queries([text]))
