"""The persisted hybrid index: chunk embeddings in FAISS plus BM25 token lists, with a manifest.

Folder layout: manifest.json, chunks.jsonl, tokens.json (domain terms + one token list per chunk),
dense.faiss, indicators.jsonl (the plans' quantitative targets, extracted from the same chunks),
sentences.npz (vectors of the clauses' content sentences, for the answer stage: index/sentence_vectors.py),
embeddings.npz (the passage vectors by text hash, reused by the next build: see index/embedding_cache.py).
BM25 itself is rebuilt from tokens.json on load (milliseconds), so nothing is pickled.
The manifest records the sha256 of every data file and of every chunk's text; load checks them
before parsing anything, so a damaged or edited index is refused instead of quoted.
"""
from __future__ import annotations

import json
import logging
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

import faiss
import numpy as np
from pydantic import ValidationError
from tqdm import tqdm

from carbonqa.index.bm25 import BM25Index
from carbonqa.index.chunk_store import ArmHit, IndexCorruptError, bm25_text, embedding_text
from carbonqa.index.dense import DenseIndexConfig, build_dense, configure, dense_scores, is_approximate, wants_approximate
from carbonqa.index.embedding_cache import CACHE_FILE, EmbeddingCache, embed_passages_cached
from carbonqa.index.files import replace_dir, sha256_file, temp_dir_for, text_sha256
from carbonqa.index.interface import PassageEmbedder
from carbonqa.index.manifest import IndexManifest, corpus_hash, indicators_hash, library_versions, model_reasons
from carbonqa.index.sentence_vectors import SENTENCES, SentenceVectors, sentence_texts
from carbonqa.index.tokenizer import Tokenizer, domain_terms
from carbonqa.indicators.extract import extract_indicators
from carbonqa.indicators.models import Indicator
from carbonqa.ingest.models import Chunk
from carbonqa.ingest.pipeline import read_chunks_jsonl, write_chunks_jsonl

# Bump when the folder layout, the embedded text or the tokenizer changes: old indexes become stale.
INDEX_FORMAT = 10
MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
TOKENS = "tokens.json"
DENSE = "dense.faiss"
INDICATORS = "indicators.jsonl"
# Hashed in the manifest. The embedding cache is not: it only seeds a rebuild, and a file that does not
# read back as this model's cache counts as empty.
DATA_FILES = (CHUNKS, TOKENS, DENSE, INDICATORS, SENTENCES)

log = logging.getLogger("carbonqa.index")


class HybridIndex:
    """Chunks with their BM25 model and FAISS vectors, row i of each belonging to chunks[i]."""

    def __init__(self, manifest: IndexManifest, chunks: list[Chunk], tokenizer: Tokenizer,
                 chunk_tokens: list[list[str]], dense: faiss.Index, indicators: list[Indicator],
                 sentences: SentenceVectors, embedding_cache: EmbeddingCache | None = None):
        self.manifest = manifest
        self.chunks = chunks
        self.indicators = indicators
        self.tokenizer = tokenizer
        self.chunk_tokens = chunk_tokens
        self.bm25 = BM25Index(chunk_tokens)
        self.dense = dense
        self.sentences = sentences
        self.embedding_cache = embedding_cache  # set by a build; saved with the index
        self.region_rows = {region: np.array([c.region == region for c in chunks])
                            for region in dict.fromkeys(c.region for c in chunks)}
        self.document_rows = {doc: np.array([c.doc_id == doc for c in chunks])
                              for doc in dict.fromkeys(c.doc_id for c in chunks)}

    def bm25_search(self, query: str, regions: list[str], limit: int,
                    documents: list[str] | None = None) -> list[ArmHit]:
        allowed = self._allowed(regions, documents)
        scores = self.bm25.get_scores(self.tokenizer.tokenize(query))
        return self._best(scores if allowed is None else np.where(allowed, scores, -np.inf), limit)

    def dense_search(self, vector: np.ndarray, regions: list[str], limit: int,
                     documents: list[str] | None = None) -> list[ArmHit]:
        # An approximate (IVF) index filters inside the search and scores only its best `limit` rows.
        allowed = self._allowed(regions, documents)
        scores = dense_scores(self.dense, vector, allowed, limit)
        return self._best(scores if allowed is None else np.where(allowed, scores, -np.inf), limit)

    def _allowed(self, regions: list[str], documents: list[str] | None) -> np.ndarray | None:
        """The rows of `documents` if given, else of `regions`; None for all."""
        rows_of, names = (self.document_rows, documents) if documents else (self.region_rows, regions)
        if not names:
            return None
        return np.logical_or.reduce([rows_of.get(n, np.zeros(len(self.chunks), bool)) for n in names])

    def _best(self, scores: np.ndarray, limit: int) -> list[ArmHit]:
        """The best `limit` rows with a finite score, ties in corpus order."""
        return [ArmHit(self.chunks[row].id, float(scores[row])) for row in finite_top_rows(scores, limit)]


def kth_highest(scores: np.ndarray, k: int) -> float:
    return float(np.partition(scores, len(scores) - k)[len(scores) - k]) if len(scores) > k else float(scores.min())


def top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """The rows of the k highest scores, best first, ties in row order: what a stable full argsort
    gives, without sorting the whole corpus (one partition, then a sort of the few rows left)."""
    rows = np.flatnonzero(scores >= kth_highest(scores, k))  # all rows tied with the k-th, in row order
    return rows[np.argsort(-scores[rows], kind="stable")][:k]


def finite_top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """top_rows among the finite scores only. Rows outside a region filter, or not retrieved by an
    approximate dense arm, are -inf: partitioning just the others is ~100x faster at 100,000 rows
    than partitioning a corpus of mostly equal -inf values."""
    finite = np.flatnonzero(np.isfinite(scores))
    return finite[top_rows(scores[finite], k)] if len(finite) else finite


def build_index(chunks: list[Chunk], embedder: PassageEmbedder, progress: bool = True,
                cache: EmbeddingCache | None = None, dense_config: DenseIndexConfig | None = None) -> HybridIndex:
    """Tokenise and embed chunks and their content sentences; texts whose vectors `cache` holds for this
    model are not embedded again. The dense arm is exact or approximate by `dense_config` (index/dense.py)."""
    if not chunks:
        raise ValueError("没有可索引的条款 / no chunks to index")
    started = time.perf_counter()
    tokenizer = Tokenizer(domain_terms(chunks))
    chunk_tokens = [tokenizer.tokenize(bm25_text(chunk)) for chunk in tqdm(chunks, desc="BM25 tokens", disable=not progress)]
    vectors, chunk_cache, embedded = embed_passages_cached([embedding_text(c) for c in chunks], embedder, cache,
                                                           show_progress=progress)
    texts = sentence_texts(chunks)
    sentence_matrix, sentence_cache, embedded_sentences = embed_passages_cached(texts, embedder, cache,
                                                                                show_progress=progress)
    chunk_cache.vectors.update(sentence_cache.vectors)
    dense = build_dense(vectors, dense_config or DenseIndexConfig())
    indicators = extract_indicators(chunks)
    manifest = IndexManifest(
        format=INDEX_FORMAT,
        model_id=embedder.model_id,
        model_fingerprint=embedder.model_fingerprint,
        dimension=int(vectors.shape[1]),
        corpus_hash=corpus_hash(chunks),
        chunk_count=len(chunks),
        indicator_count=len(indicators),
        indicators_hash=indicators_hash(indicators),
        built_at=datetime.now(timezone.utc),
        build_seconds=round(time.perf_counter() - started, 2),
        embedded_count=embedded,
        sentence_count=len(texts),
        embedded_sentences=embedded_sentences,
        library_versions=library_versions("faiss-cpu"),
        chunk_sha256={chunk.id: text_sha256(chunk.text) for chunk in chunks},
        dense_approximate=is_approximate(dense),
    )
    return HybridIndex(manifest, chunks, tokenizer, chunk_tokens, dense, indicators,
                       SentenceVectors(texts, sentence_matrix), chunk_cache)


def save_index(index: HybridIndex, directory: Path) -> None:
    """Write to a temporary sibling folder, then swap it in, so a crash never leaves half an index."""
    directory = Path(directory)
    temp = temp_dir_for(directory)
    try:
        write_chunks_jsonl(index.chunks, temp / CHUNKS)
        (temp / TOKENS).write_text(json.dumps(
            {"user_terms": index.tokenizer.user_terms, "chunk_tokens": index.chunk_tokens}, ensure_ascii=False),
            encoding="utf-8")
        faiss.write_index(index.dense, str(temp / DENSE))
        (temp / INDICATORS).write_text("".join(r.model_dump_json() + "\n" for r in index.indicators),
                                       encoding="utf-8")
        index.sentences.save(temp / SENTENCES)
        if index.embedding_cache is not None:
            index.embedding_cache.save(temp / CACHE_FILE)
        elif (directory / CACHE_FILE).exists():  # a loaded index saved again keeps its cache
            shutil.copy2(directory / CACHE_FILE, temp / CACHE_FILE)
        index.manifest.file_sha256 = {name: sha256_file(temp / name) for name in DATA_FILES}
        # The manifest goes last: its presence marks a complete folder.
        (temp / MANIFEST).write_text(index.manifest.model_dump_json(indent=2), encoding="utf-8")
        replace_dir(temp, directory)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def read_manifest(directory: Path) -> IndexManifest | None:
    """The manifest of an index folder, None if there is no index there."""
    path = Path(directory) / MANIFEST
    if not path.exists():
        return None
    try:
        return IndexManifest.model_validate_json(path.read_text(encoding="utf-8"))
    except (ValidationError, UnicodeDecodeError, OSError) as error:
        raise corrupt(directory, f"manifest.json unreadable ({type(error).__name__})") from error


def manifest_stamp(directory: Path) -> tuple[int, int, int] | None:
    """A cheap fingerprint of the index folder's manifest (inode, size, mtime), None without one: it
    changes whenever an index is saved (the folder is swapped in whole), by this process or another."""
    try:
        stat = (Path(directory) / MANIFEST).stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def stale_reasons(manifest: IndexManifest, embedder: PassageEmbedder, chunks: list[Chunk],
                  dense_config: DenseIndexConfig | None = None) -> list[str]:
    """Why an index no longer matches the current model, corpus and dense-index setting (empty list: it matches)."""
    dense_config = dense_config or DenseIndexConfig()
    reasons = model_reasons(manifest, embedder, INDEX_FORMAT)
    if manifest.dense_approximate != wants_approximate(manifest.chunk_count, dense_config):
        reasons.append(f"dense index {'approximate' if manifest.dense_approximate else 'exact'} but "
                       f"the setting says {'approximate' if not manifest.dense_approximate else 'exact'} for "
                       f"{manifest.chunk_count} chunks (exact up to {dense_config.exact_max_chunks})")
    if manifest.corpus_hash != corpus_hash(chunks):
        reasons.append("corpus changed")
    elif manifest.indicators_hash != indicators_hash(extract_indicators(chunks)):
        reasons.append("indicator extraction changed")
    return reasons


def verify_files(directory: Path, manifest: IndexManifest) -> None:
    """IndexCorruptError unless every data file has the sha256 the manifest recorded."""
    for name in DATA_FILES:
        recorded = manifest.file_sha256.get(name)
        try:
            actual = sha256_file(directory / name)
        except OSError as error:
            raise corrupt(directory, f"{name} unreadable ({type(error).__name__})") from error
        if actual != recorded:
            raise corrupt(directory, f"{name} does not match the sha256 recorded when the index was built")


def verify_chunks(directory: Path, manifest: IndexManifest, chunks: list[Chunk]) -> None:
    """IndexCorruptError unless the chunks are exactly those the manifest recorded, text for text."""
    if [chunk.id for chunk in chunks] != list(manifest.chunk_sha256):
        raise corrupt(directory, "chunk ids differ from the manifest")
    for chunk in chunks:
        if text_sha256(chunk.text) != manifest.chunk_sha256[chunk.id]:
            raise corrupt(directory, f"the text of chunk {chunk.id} differs from the one indexed")


def load_index(directory: Path, dense_config: DenseIndexConfig | None = None) -> HybridIndex:
    directory = Path(directory)
    manifest = read_manifest(directory)
    if manifest is None:
        raise FileNotFoundError(f"no index at {directory}")
    started = time.perf_counter()
    verify_files(directory, manifest)  # before parsing: damaged bytes never reach FAISS or the answer
    try:
        chunks = read_chunks_jsonl(directory / CHUNKS)
        tokens = json.loads((directory / TOKENS).read_text(encoding="utf-8"))
        user_terms, chunk_tokens = tokens["user_terms"], tokens["chunk_tokens"]
        dense = faiss.read_index(str(directory / DENSE))
        lines = (directory / INDICATORS).read_text(encoding="utf-8").splitlines()
        indicators = [Indicator.model_validate_json(line) for line in lines if line]
        sentences = SentenceVectors.load(directory / SENTENCES)
    except (OSError, ValueError, RuntimeError, KeyError, TypeError) as error:
        raise corrupt(directory, f"{type(error).__name__}: {str(error)[:200]}") from error
    counts = {len(chunks), len(chunk_tokens), dense.ntotal, manifest.chunk_count}
    if len(counts) != 1 or dense.d != manifest.dimension:
        raise corrupt(directory, f"parts disagree (chunks/tokens/vectors/manifest counts {sorted(counts)})")
    if len(indicators) != manifest.indicator_count or indicators_hash(indicators) != manifest.indicators_hash:
        raise corrupt(directory, f"{INDICATORS} does not match the manifest")
    if len(sentences.texts) != manifest.sentence_count or sentences.matrix.shape[1:] != (manifest.dimension,):
        raise corrupt(directory, f"{SENTENCES} does not match the manifest")
    verify_chunks(directory, manifest, chunks)
    configure(dense, dense_config or DenseIndexConfig())
    log.info("index read and verified (sha256 of %d files and %d chunk texts) in %.0f ms", len(DATA_FILES),
             len(chunks), (time.perf_counter() - started) * 1000)
    return HybridIndex(manifest, chunks, Tokenizer(user_terms), chunk_tokens, dense, indicators, sentences)


def corrupt(directory: Path, detail: str) -> IndexCorruptError:
    return IndexCorruptError(
        f"索引已损坏或被修改（{detail}），拒绝使用。修复：运行 `carbonqa index --rebuild` / "
        f"the index at {directory} is corrupt or was modified: {detail}. "
        f"Fix: run `carbonqa index --rebuild` (or delete {directory} and restart)."
    )


def stored_cache(directory: Path, embedder: PassageEmbedder) -> EmbeddingCache:
    """The passage vectors saved with the index in `directory` by this model (empty if none)."""
    return EmbeddingCache.load(Path(directory) / CACHE_FILE, embedder.model_fingerprint)


def index_cache(index: HybridIndex) -> EmbeddingCache:
    """The passage vectors an index holds in memory (clauses and sentences), as a cache for the next
    build (a build by another model ignores it)."""
    vectors = index.dense.reconstruct_n(0, index.dense.ntotal)
    cached = {text_sha256(embedding_text(chunk)): vector for chunk, vector in zip(index.chunks, vectors)}
    cached.update((text_sha256(text), vector) for text, vector in zip(index.sentences.texts, index.sentences.matrix))
    return EmbeddingCache(index.manifest.model_fingerprint, cached)


def load_or_build(directory: Path, chunks: list[Chunk], embedder: PassageEmbedder, progress: bool = True,
                  rebuild: bool = False, dense_config: DenseIndexConfig | None = None) -> tuple[HybridIndex, str]:
    """The index for these chunks and this model: loaded if current, else (re)built and saved.

    This is also the incremental update: after plans are added, edited or removed, only chunks whose
    embedded text is new are embedded (the others come from the folder's embedding cache).
    Returns the index and what happened: "loaded", "built" (none existed) or "rebuilt: <reasons>".
    A corrupt folder raises IndexCorruptError unless `rebuild` is set.
    """
    dense_config = dense_config or DenseIndexConfig()
    manifest = None if rebuild else read_manifest(directory)
    if manifest is not None:
        reasons = stale_reasons(manifest, embedder, chunks, dense_config)
        if not reasons:
            return load_index(directory, dense_config), "loaded"
        status = "rebuilt: " + "; ".join(reasons)
    else:
        status = "rebuilt" if rebuild else "built"
    # --rebuild is a build from scratch: it trusts no vector on disk.
    index = build_index(chunks, embedder, progress=progress, cache=None if rebuild else stored_cache(directory, embedder),
                        dense_config=dense_config)
    save_index(index, directory)
    return index, status
