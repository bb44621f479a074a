"""Vectors of the plans' content sentences (ingest/sentences.py), embedded with the clauses at index
time, so the answer stage can tell which sentence of a retrieved clause is closest in meaning to the
question without embedding anything per request.

Persisted as one .npz (the sentences' squashed texts and a float32 matrix), no pickles.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from carbonqa.ingest.models import Chunk
from carbonqa.ingest.sentences import content_sentences

SENTENCES = "sentences.npz"


def sentence_texts(chunks: list[Chunk]) -> list[str]:
    """Each distinct content sentence of the chunks (squashed, as the answer stage scores it)."""
    return list(dict.fromkeys(sent.flat for chunk in chunks for sent in content_sentences(chunk)))


class SentenceVectors:
    """Squashed sentence text -> its passage vector."""

    def __init__(self, texts: list[str], matrix: np.ndarray):
        if len(texts) != len(matrix):
            raise ValueError(f"{len(texts)} sentences but {len(matrix)} vectors")
        self.texts = texts
        self.matrix = np.asarray(matrix, dtype=np.float32)
        self._row = {text: row for row, text in enumerate(texts)}

    def similarities(self, query: np.ndarray, texts: list[str]) -> list[float | None]:
        """Cosine similarity of each text to the (normalised) query vector; None for a text not indexed."""
        rows = [self._row.get(text) for text in texts]
        known = [row for row in rows if row is not None]
        scores = iter((self.matrix[known] @ np.asarray(query, dtype=np.float32).ravel()).tolist())
        return [None if row is None else next(scores) for row in rows]

    def save(self, path: Path) -> None:
        with open(path, "wb") as file:
            np.savez(file, texts=np.array(self.texts, dtype=str), vectors=self.matrix)

    @classmethod
    def load(cls, path: Path) -> SentenceVectors:
        with np.load(path, allow_pickle=False) as data:
            return cls([str(text) for text in data["texts"]], data["vectors"])
