"""What the index and the retriever need from an embedding model: the one declaration of it.

index.embedder.Embedder implements both; index.batching.QueryBatcher wraps one and is one too.
"""
from __future__ import annotations

from typing import Protocol

import numpy as np


class QueryEmbedder(Protocol):
    """Embeds questions (the retriever's dense arm)."""

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...


class PassageEmbedder(Protocol):
    """Embeds clauses for the index, and names the model so a stale index is noticed."""

    model_id: str
    model_fingerprint: str
    dimension: int

    def embed_passages(self, texts: list[str], show_progress: bool = False) -> np.ndarray: ...


class TextEmbedder(QueryEmbedder, PassageEmbedder, Protocol):
    """Both: what the runtime loads and the service's batcher wraps."""
