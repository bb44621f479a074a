"""Okapi BM25 over an inverted index: a query touches only the postings of its own terms.

Same formula, parameters and floating-point operations as rank_bm25's BM25Okapi (its K1 and B below,
negative idf floored at 0.25 x mean idf), so scores are bit-identical, but rank_bm25 loops in Python
over every chunk for every query term, which grows linearly with the corpus.
"""
from __future__ import annotations

import math

import numpy as np

# rank_bm25's BM25Okapi defaults, for every store (the Milvus engine scores BM25 itself, with these).
K1 = 1.5
B = 0.75


class BM25Index:
    def __init__(self, documents: list[list[str]], k1: float = K1, b: float = B, epsilon: float = 0.25):
        self.size = len(documents)
        self.vocabulary: dict[str, int] = {}  # term -> id, in order of first occurrence
        vocabulary = self.vocabulary
        # One small int32 array per document: a flat Python list would cost ~36 bytes per token.
        term_ids = [np.fromiter((vocabulary.setdefault(term, len(vocabulary)) for term in doc), np.int32, len(doc))
                    for doc in documents]
        lengths = np.array([len(doc) for doc in documents], dtype=np.int64)
        rows = np.repeat(np.arange(self.size, dtype=np.int64), lengths)
        # One posting per (term, row), sorted by term then row, with the term's count in the row.
        flat = np.concatenate(term_ids).astype(np.int64) if term_ids else np.zeros(0, np.int64)
        del term_ids
        pairs, counts = np.unique(flat * max(self.size, 1) + rows, return_counts=True)
        del flat, rows
        terms = pairs // max(self.size, 1)
        self.rows = (pairs % max(self.size, 1)).astype(np.int64)
        self.starts = np.searchsorted(terms, np.arange(len(self.vocabulary) + 1))

        # idf exactly as rank_bm25: math.log per term, the mean summed in first-occurrence order.
        doc_freq = np.diff(self.starts)
        idf = [math.log(self.size - int(df) + 0.5) - math.log(int(df) + 0.5) for df in doc_freq]
        mean_idf = sum(idf) / len(idf) if idf else 0.0
        idf = np.array([value if value >= 0 else epsilon * mean_idf for value in idf], dtype=np.float64)

        avgdl = int(lengths.sum()) / max(self.size, 1)
        tf, doc_len = counts, lengths[self.rows]
        self.weights = idf[terms] * (tf * (k1 + 1) / (tf + k1 * (1 - b + b * doc_len / avgdl)))

    def get_scores(self, query: list[str]) -> np.ndarray:
        """BM25 score of every row for the query tokens (a repeated token counts again, as in rank_bm25)."""
        scores = np.zeros(self.size)
        for token in query:
            term = self.vocabulary.get(token)
            if term is not None:
                start, end = self.starts[term], self.starts[term + 1]
                scores[self.rows[start:end]] += self.weights[start:end]
        return scores
