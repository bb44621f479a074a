"""The dense arm's FAISS index: exact up to a size, approximate (IVF) above it.

Exact search (IndexFlatIP) compares the question with every clause and returns every score (the
retriever ranks list items the tree adds by them): ~0.1 ms at 400 clauses, but it grows with the corpus. Above `exact_max_chunks` the vectors go
into an inverted-file index (IndexIVFFlat, inner product: nlist = 4·sqrt(n) clusters, `nprobe` of
them searched per question), which returns only each question's best `candidates` clauses; its recall
of the exact top 10 is measured by eval/bench_scale.py. A region filter is applied inside the search
(an ID selector), so a plan's clauses are never crowded out by other plans' before filtering.
"""
from __future__ import annotations

import math

import faiss
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

TRAINING_POINTS_PER_LIST = 40  # FAISS warns below 39 training vectors per cluster
SEED = 1234


class DenseIndexConfig(BaseModel):
    """When the dense arm becomes approximate, and how much of the approximate index a question searches."""

    model_config = ConfigDict(frozen=True)

    # Measured here: scoring every row exactly takes 0.2 ms at 2,000 rows and 1.3 ms at 8,000, then
    # FAISS's full-length search jumps to ~50 ms at 10,000; IVF with nprobe 64 keeps ~98% of the
    # exact top 10 at 3,000-10,000 rows (eval/bench_scale.py).
    exact_max_chunks: int = Field(default=8_000, ge=0,
                                  description="largest index searched exhaustively; above it, IVF")
    nprobe: int = Field(default=64, ge=1, description="IVF clusters searched per question")


def is_approximate(index: faiss.Index) -> bool:
    return isinstance(index, faiss.IndexIVF)


def wants_approximate(size: int, config: DenseIndexConfig) -> bool:
    return size > config.exact_max_chunks


def ivf_lists(size: int) -> int:
    return max(1, int(4 * math.sqrt(size)))


def build_dense(vectors: np.ndarray, config: DenseIndexConfig) -> faiss.Index:
    """Unit vectors (rows) -> an exact index, or an IVF one when there are more than exact_max_chunks."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    size, dimension = vectors.shape
    if not wants_approximate(size, config):
        index = faiss.IndexFlatIP(dimension)
        index.add(vectors)
        return index
    nlist = ivf_lists(size)
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dimension), dimension, nlist, faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(SEED)
    sample = vectors[rng.choice(size, min(size, TRAINING_POINTS_PER_LIST * nlist), replace=False)]
    index.train(sample)
    index.add(vectors)
    configure(index, config)
    return index


def configure(index: faiss.Index, config: DenseIndexConfig) -> None:
    """Apply the search settings to a built or loaded index (nprobe; the direct map that lets an IVF
    index give back its vectors, for the embedding cache)."""
    if is_approximate(index):
        index.nprobe = config.nprobe
        index.make_direct_map()


def dense_scores(index: faiss.Index, vector: np.ndarray, allowed: np.ndarray | None, candidates: int) -> np.ndarray:
    """One question's inner product with every row: exact for a flat index; for an IVF index only its
    best `candidates` allowed rows have a score, the others are -inf (not retrieved)."""
    if not is_approximate(index):
        scores, rows = index.search(vector, index.ntotal)
        out = np.empty(index.ntotal, dtype=np.float32)
        out[rows[0]] = scores[0]
        return out
    params = faiss.SearchParametersIVF(nprobe=index.nprobe)
    if allowed is not None and not allowed.all():
        bits = np.packbits(allowed, bitorder="little")  # must outlive the search: FAISS keeps a pointer
        selector = faiss.IDSelectorBitmap(allowed.size, faiss.swig_ptr(bits))
        params.sel = selector
    scores, rows = index.search(vector, candidates, params=params)
    out = np.full(index.ntotal, -np.inf, dtype=np.float32)
    found = rows[0] >= 0
    out[rows[0][found]] = scores[0][found]
    return out
