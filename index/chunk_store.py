"""What the retriever asks of an index, whichever engine holds it (FAISS + BM25 in process, or Milvus).

A store holds every chunk with its dense vector (of `embedding_text`) and its BM25 terms (of
`bm25_text`). Each search arm returns its own best candidates inside the plans asked for (by region,
or by plan id); fusing the arms is the retriever's job.
"""
from __future__ import annotations

from typing import NamedTuple, Protocol

import numpy as np

from carbonqa.index.manifest import IndexManifest
from carbonqa.index.sentence_vectors import SentenceVectors
from carbonqa.index.tokenizer import Tokenizer
from carbonqa.indicators.models import Indicator
from carbonqa.ingest.models import Chunk


class StoreUnavailableError(RuntimeError):
    """The store's engine cannot be reached or refuses a request; the message says how to fix it."""


class IndexCorruptError(RuntimeError):
    """The index exists but cannot be read or trusted; the message names the fix."""


class ArmHit(NamedTuple):
    chunk_id: str
    score: float  # higher is better (BM25 score or inner product)


class ChunkStore(Protocol):
    manifest: IndexManifest  # the model and corpus the store was built from
    chunks: list[Chunk]  # every indexed chunk, in library order
    indicators: list[Indicator]  # the plans' quantitative targets, extracted from the same chunks
    tokenizer: Tokenizer  # the BM25 tokenizer with the store's domain dictionary
    sentences: SentenceVectors  # the chunks' content sentences and their vectors (for the answer stage)

    def bm25_search(self, query: str, regions: list[str], limit: int,
                    documents: list[str] | None = None) -> list[ArmHit]:
        """The `limit` best chunks by BM25 over the query's terms, only from `documents` (plan ids) if
        given, else from `regions` (all if empty)."""
        ...

    def dense_search(self, vector: np.ndarray, regions: list[str], limit: int,
                     documents: list[str] | None = None) -> list[ArmHit]:
        """The `limit` best chunks by inner product with the (1, dim) query vector, from the same plans."""
        ...


def bm25_text(chunk: Chunk) -> str:
    """What the BM25 arm indexes: the plan title, heading path and clause text."""
    return chunk.title + " " + " ".join(chunk.path) + " " + chunk.text


def embedding_text(chunk: Chunk) -> str:
    """What the dense arm embeds: the plan title and heading path in front of the clause text."""
    return f"{chunk.title}｜{' > '.join(chunk.path[:-1])}\n{chunk.text}" if len(chunk.path) > 1 \
        else f"{chunk.title}\n{chunk.text}"
