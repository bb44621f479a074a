"""Passage vectors cached by (model fingerprint, text hash): a rebuild embeds only new or edited text.

The cache is one file in the index folder, written with the index. It holds the vectors of the
index's current passages, all made by one model (`model_fingerprint`); a file made by another model,
or one that cannot be read, counts as empty, so it can never hand out a wrong vector.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from carbonqa.index.files import text_sha256
from carbonqa.index.interface import PassageEmbedder

CACHE_FILE = "embeddings.npz"


class EmbeddingCache:
    """text hash -> float32 vector, for one model."""

    def __init__(self, model_fingerprint: str, vectors: dict[str, np.ndarray] | None = None) -> None:
        self.model_fingerprint = model_fingerprint
        self.vectors = vectors or {}

    @classmethod
    def load(cls, path: Path, model_fingerprint: str) -> EmbeddingCache:
        """The cache at path if it was made by this model, else an empty one."""
        try:
            with np.load(path, allow_pickle=False) as data:
                if str(data["model_fingerprint"]) != model_fingerprint:
                    return cls(model_fingerprint)
                keys, matrix = data["keys"], data["vectors"]
                if len(keys) != len(matrix):
                    return cls(model_fingerprint)
                return cls(model_fingerprint, {str(key): row for key, row in zip(keys, matrix)})
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            return cls(model_fingerprint)

    def save(self, path: Path) -> None:
        keys = list(self.vectors)
        matrix = np.array([self.vectors[k] for k in keys], dtype=np.float32).reshape(len(keys), -1)
        with open(path, "wb") as file:
            np.savez(file, model_fingerprint=np.array(self.model_fingerprint), keys=np.array(keys, dtype=str),
                     vectors=matrix)


def embed_passages_cached(texts: list[str], embedder: PassageEmbedder, cache: EmbeddingCache | None,
                          show_progress: bool = False) -> tuple[np.ndarray, EmbeddingCache, int]:
    """Vectors of texts, embedding only those the cache lacks.

    Returns the vectors, a cache holding exactly these texts' vectors (to be saved with the index, so
    passages that left the corpus leave the cache) and how many texts were embedded.
    """
    if cache is None or cache.model_fingerprint != embedder.model_fingerprint:
        cache = EmbeddingCache(embedder.model_fingerprint)
    keys = [text_sha256(text) for text in texts]
    missing = list(dict.fromkeys(key for key in keys if key not in cache.vectors))
    if missing:
        text_of = dict(zip(keys, texts))
        fresh = embedder.embed_passages([text_of[key] for key in missing], show_progress=show_progress)
        cache.vectors.update(zip(missing, fresh))
    vectors = np.array([cache.vectors[key] for key in keys], dtype=np.float32).reshape(len(texts), embedder.dimension)
    kept = EmbeddingCache(embedder.model_fingerprint, {key: cache.vectors[key] for key in keys})
    return vectors, kept, len(missing)
