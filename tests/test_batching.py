"""QueryBatcher: concurrent query embeddings batched together give the same vectors as single calls."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from carbonqa.index.batching import QueryBatcher, QueryEmbeddingError

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


class CountingEmbedder:
    """The real embedder, recording how many texts each forward pass embeds."""

    def __init__(self, embedder):
        self.embedder = embedder
        self.passes: list[int] = []

    def embed_queries(self, texts):
        self.passes.append(len(texts))
        return self.embedder.embed_queries(texts)


def test_concurrent_calls_match_single_calls(runtime):
    embedder = runtime.embedder
    single = np.vstack([embedder.embed_queries([q]) for q in QUESTIONS])
    counting = CountingEmbedder(embedder)
    batcher = QueryBatcher(counting, max_wait_s=0.05)  # a long wait: the 8 calls surely share passes
    with ThreadPoolExecutor(max_workers=8) as pool:
        batched = np.vstack(list(pool.map(lambda q: batcher.embed_queries([q]), QUESTIONS)))
    assert max(counting.passes) > 1 and sum(counting.passes) == len(QUESTIONS)  # really batched, each text once
    assert batched.shape == single.shape == (len(QUESTIONS), embedder.dimension)
    assert (batched * single).sum(axis=1).min() >= 0.9999  # both L2-normalised: row dot = cosine


def test_delegates_model_identity(runtime):
    batcher = QueryBatcher(runtime.embedder)
    assert (batcher.model_id, batcher.model_fingerprint, batcher.dimension) == (
        runtime.embedder.model_id, runtime.embedder.model_fingerprint, runtime.embedder.dimension)
    assert batcher.embed_queries([]).shape == (0, runtime.embedder.dimension)
    with pytest.raises(TypeError):
        batcher.embed_queries("一个字符串")


class Broken:
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


class FailsOnPoison:
    """A model that cannot embed one particular text, like a tokenizer meeting a lone surrogate."""

    def __init__(self):
        self.passes: list[int] = []

    def embed_queries(self, texts):
        self.passes.append(len(texts))
        if "毒" in texts:
            raise UnicodeEncodeError("utf-8", "毒", 0, 1, "surrogates not allowed")
        return np.array([[float(len(text)), 1.0] for text in texts])


@pytest.mark.unit
def test_one_bad_text_fails_only_its_own_request():
    model = FailsOnPoison()
    batcher = QueryBatcher(model, max_wait_s=0.2)  # a long wait: the calls share one pass
    texts = ["碳达峰", "毒", "新型储能装机", "光伏"]
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(batcher.embed_queries, [text]) for text in texts]
    assert model.passes[0] == 4  # the shared pass failed, then each request was retried on its own
    for text, future in zip(texts, futures):
        if text == "毒":
            with pytest.raises(QueryEmbeddingError):
                future.result()
        else:
            assert future.result().tolist() == [[float(len(text)), 1.0]]
