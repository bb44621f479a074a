"""Vectors of the plans' content sentences (ingest/sentences.py), embedded with the clauses at index
time, so the answer stage can tell which sentence of a retrieved clause is closest in meaning to the
question without embedding anything per request.

Persisted as one .npz, no pickles: the float32 matrix, and the sentences' squashed texts as their
UTF-8 bytes run together with the offset where each ends, so the file grows with the texts' total
length (a fixed-width string array would give every text the width of the longest one).
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

    def vector(self, text: str) -> np.ndarray | None:
        """The text's vector; None for a text not indexed."""
        row = self._row.get(text)
        return None if row is None else self.matrix[row]

    def similarities(self, query: np.ndarray, texts: list[str]) -> list[float | None]:
        """Cosine similarity of each text to the (normalised) query vector; None for a text not indexed."""
        rows = [self._row.get(text) for text in texts]
        known = [row for row in rows if row is not None]
        scores = iter((self.matrix[known] @ np.asarray(query, dtype=np.float32).ravel()).tolist())
        return [None if row is None else next(scores) for row in rows]

    def save(self, path: Path) -> None:
        encoded = [text.encode("utf-8") for text in self.texts]
        with open(path, "wb") as file:
            np.savez(file, text_bytes=np.frombuffer(b"".join(encoded), dtype=np.uint8),
                     text_ends=np.cumsum([len(text) for text in encoded], dtype=np.int64), vectors=self.matrix)

    @classmethod
    def load(cls, path: Path) -> SentenceVectors:
        """The saved sentences; ValueError if the file does not hold them (the index is then refused)."""
        with np.load(path, allow_pickle=False) as data:
            joined, ends, matrix = data["text_bytes"].tobytes(), data["text_ends"], data["vectors"]
        if len(ends) and (ends[-1] != len(joined) or np.any(np.diff(ends) < 0) or ends[0] < 0):
            raise ValueError("sentence text offsets do not match the text bytes")
        starts = [0, *ends[:-1].tolist()]
        return cls([joined[start:end].decode("utf-8") for start, end in zip(starts, ends.tolist())], matrix)
