"""The persisted hybrid index: chunk embeddings in FAISS plus BM25 token lists, with a manifest.

Folder layout: manifest.json, chunks.jsonl, tokens.json (domain terms + one token list per chunk),
dense.faiss, indicators.jsonl (the plans' quantitative targets, extracted from the same chunks). BM25 itself is rebuilt from tokens.json on load (milliseconds), so nothing is pickled.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

import faiss
import numpy as np
from pydantic import BaseModel, ValidationError
from rank_bm25 import BM25Okapi
from tqdm import tqdm

from index.files import replace_dir
from index.interface import PassageEmbedder
from index.tokenizer import Tokenizer, domain_terms
from indicators.extract import extract_indicators
from indicators.models import Indicator
from ingest.models import Chunk
from ingest.pipeline import read_chunks_jsonl, write_chunks_jsonl

# Bump when the folder layout, the embedded text or the tokenizer changes: old indexes become stale.
INDEX_FORMAT = 6
MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
TOKENS = "tokens.json"
DENSE = "dense.faiss"
INDICATORS = "indicators.jsonl"


class IndexCorruptError(RuntimeError):
    """The index folder exists but cannot be read; the message names the fix."""


class IndexManifest(BaseModel):
    format: int
    model_id: str
    model_fingerprint: str = ""  # absent before format 5; such indexes are rebuilt for their format
    dimension: int
    corpus_hash: str
    chunk_count: int
    embedded_count: int | None = None  # chunks embedded by this build; the others kept their vectors
    indicator_count: int = 0
    indicators_hash: str = ""  # of the extracted targets: changes when the extraction rules change
    built_at: datetime
    build_seconds: float
    library_versions: dict[str, str]


class HybridIndex:
    """Chunks with their BM25 model and FAISS vectors, row i of each belonging to chunks[i]."""

    def __init__(self, manifest: IndexManifest, chunks: list[Chunk], tokenizer: Tokenizer,
                 chunk_tokens: list[list[str]], dense: faiss.Index, indicators: list[Indicator]):
        self.manifest = manifest
        self.chunks = chunks
        self.indicators = indicators
        self.tokenizer = tokenizer
        self.chunk_tokens = chunk_tokens
        self.bm25 = BM25Okapi(chunk_tokens)
        self.dense = dense


def corpus_hash(chunks: list[Chunk]) -> str:
    """Fingerprint of what gets indexed: changes when a plan or the parser's output changes."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk.model_dump_json().encode("utf-8"))
    return digest.hexdigest()


def indicators_hash(indicators: list[Indicator]) -> str:
    digest = hashlib.sha256()
    for record in indicators:
        digest.update(record.model_dump_json().encode("utf-8"))
    return digest.hexdigest()


def embedding_text(chunk: Chunk) -> str:
    """What the dense arm embeds: the plan title and heading path in front of the clause text."""
    return f"{chunk.title}｜{' > '.join(chunk.path[:-1])}\n{chunk.text}" if len(chunk.path) > 1 \
        else f"{chunk.title}\n{chunk.text}"


def build_index(chunks: list[Chunk], embedder: PassageEmbedder, progress: bool = True,
                previous: HybridIndex | None = None) -> HybridIndex:
    """The index of `chunks`. With `previous` (an index built by the same model), a chunk whose embedded
    text is already there keeps its vector: adding a plan embeds only the new plan's chunks. BM25
    tokens are always redone (milliseconds), since a new plan can add domain terms."""
    if not chunks:
        raise ValueError("没有可索引的条款 / no chunks to index")
    started = time.perf_counter()
    tokenizer = Tokenizer(domain_terms(chunks))
    chunk_tokens = [tokenizer.tokenize(chunk.title + " " + " ".join(chunk.path) + " " + chunk.text)
                    for chunk in tqdm(chunks, desc="BM25 tokens", disable=not progress)]
    vectors, embedded = _vectors([embedding_text(c) for c in chunks], embedder, progress, previous)
    dense = faiss.IndexFlatIP(vectors.shape[1])
    dense.add(np.ascontiguousarray(vectors, dtype=np.float32))
    indicators = extract_indicators(chunks)
    manifest = IndexManifest(
        format=INDEX_FORMAT,
        model_id=embedder.model_id,
        model_fingerprint=embedder.model_fingerprint,
        dimension=int(vectors.shape[1]),
        corpus_hash=corpus_hash(chunks),
        chunk_count=len(chunks),
        embedded_count=embedded,
        indicator_count=len(indicators),
        indicators_hash=indicators_hash(indicators),
        built_at=datetime.now(timezone.utc),
        build_seconds=round(time.perf_counter() - started, 2),
        library_versions={name: version(name) for name in
                          ("faiss-cpu", "rank-bm25", "jieba", "sentence-transformers", "torch")},
    )
    return HybridIndex(manifest, chunks, tokenizer, chunk_tokens, dense, indicators)


def _vectors(texts: list[str], embedder: PassageEmbedder, progress: bool,
             previous: HybridIndex | None) -> tuple[np.ndarray, int]:
    """One vector per text, reused from `previous` where it embedded the same text with the same model;
    and how many texts were embedded."""
    known: dict[str, int] = {}
    if previous is not None and previous.manifest.model_fingerprint == embedder.model_fingerprint \
            and previous.manifest.model_id == embedder.model_id and previous.manifest.format == INDEX_FORMAT:
        known = {embedding_text(chunk): row for row, chunk in enumerate(previous.chunks)}
    missing = list(dict.fromkeys(text for text in texts if text not in known))
    if not known:
        return embedder.embed_passages(texts, show_progress=progress), len(texts)
    old = previous.dense.reconstruct_n(0, previous.dense.ntotal)
    new = embedder.embed_passages(missing, show_progress=progress) if missing else None
    new_row = {text: row for row, text in enumerate(missing)}
    return np.stack([old[known[text]] if text in known else new[new_row[text]] for text in texts]), len(missing)


def save_index(index: HybridIndex, directory: Path) -> None:
    """Write to a temporary sibling folder, then swap it in, so a crash never leaves half an index."""
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    temp = directory.parent / f".{directory.name}.tmp-{os.getpid()}"
    shutil.rmtree(temp, ignore_errors=True)
    temp.mkdir()
    write_chunks_jsonl(index.chunks, temp / CHUNKS)
    (temp / TOKENS).write_text(json.dumps(
        {"user_terms": index.tokenizer.user_terms, "chunk_tokens": index.chunk_tokens}, ensure_ascii=False),
        encoding="utf-8")
    faiss.write_index(index.dense, str(temp / DENSE))
    (temp / INDICATORS).write_text("".join(r.model_dump_json() + "\n" for r in index.indicators), encoding="utf-8")
    # The manifest goes last: its presence marks a complete folder.
    (temp / MANIFEST).write_text(index.manifest.model_dump_json(indent=2), encoding="utf-8")
    replace_dir(temp, directory)


def read_manifest(directory: Path) -> IndexManifest | None:
    """The manifest of an index folder, None if there is no index there."""
    path = Path(directory) / MANIFEST
    if not path.exists():
        return None
    try:
        return IndexManifest.model_validate_json(path.read_text(encoding="utf-8"))
    except (ValidationError, UnicodeDecodeError, OSError) as error:
        raise corrupt(directory, f"manifest.json unreadable ({type(error).__name__})") from error


def stale_reasons(manifest: IndexManifest, embedder: PassageEmbedder, chunks: list[Chunk]) -> list[str]:
    """Why an index no longer matches the current model and corpus (empty list: it matches)."""
    reasons = []
    if manifest.format != INDEX_FORMAT:
        reasons.append(f"index format {manifest.format} != {INDEX_FORMAT}")
    if manifest.model_id != embedder.model_id:
        reasons.append(f"model {manifest.model_id} != {embedder.model_id}")
    elif manifest.model_fingerprint != embedder.model_fingerprint:  # same name, other weights or files
        reasons.append("model files changed")
    if manifest.dimension != embedder.dimension:
        reasons.append(f"dimension {manifest.dimension} != {embedder.dimension}")
    if manifest.corpus_hash != corpus_hash(chunks):
        reasons.append("corpus changed")
    elif manifest.indicators_hash != indicators_hash(extract_indicators(chunks)):
        reasons.append("indicator extraction changed")
    return reasons


def load_index(directory: Path) -> HybridIndex:
    directory = Path(directory)
    manifest = read_manifest(directory)
    if manifest is None:
        raise FileNotFoundError(f"no index at {directory}")
    try:
        chunks = read_chunks_jsonl(directory / CHUNKS)
        tokens = json.loads((directory / TOKENS).read_text(encoding="utf-8"))
        user_terms, chunk_tokens = tokens["user_terms"], tokens["chunk_tokens"]
        dense = faiss.read_index(str(directory / DENSE))
        lines = (directory / INDICATORS).read_text(encoding="utf-8").splitlines()
        indicators = [Indicator.model_validate_json(line) for line in lines if line]
    except (OSError, ValueError, RuntimeError, KeyError, TypeError) as error:
        raise corrupt(directory, f"{type(error).__name__}: {str(error)[:200]}") from error
    counts = {len(chunks), len(chunk_tokens), dense.ntotal, manifest.chunk_count}
    if len(counts) != 1 or dense.d != manifest.dimension:
        raise corrupt(directory, f"parts disagree (chunks/tokens/vectors/manifest counts {sorted(counts)})")
    if len(indicators) != manifest.indicator_count or indicators_hash(indicators) != manifest.indicators_hash:
        raise corrupt(directory, f"{INDICATORS} does not match the manifest")
    return HybridIndex(manifest, chunks, Tokenizer(user_terms), chunk_tokens, dense, indicators)


def corrupt(directory: Path, detail: str) -> IndexCorruptError:
    return IndexCorruptError(
        f"索引已损坏 / the index at {directory} is corrupt: {detail}. "
        f"修复 / fix: run `carbonqa index --rebuild` (or delete {directory} and restart)."
    )


def load_or_build(directory: Path, chunks: list[Chunk], embedder: PassageEmbedder,
                  progress: bool = True, rebuild: bool = False) -> tuple[HybridIndex, str]:
    """The index for these chunks and this model: loaded if current, else (re)built and saved.

    Returns the index and what happened: "loaded", "built" (none existed) or "rebuilt: <reasons>".
    A corrupt folder raises IndexCorruptError unless `rebuild` is set.
    """
    manifest = None if rebuild else read_manifest(directory)
    previous = None
    if manifest is not None:
        reasons = stale_reasons(manifest, embedder, chunks)
        if not reasons:
            return load_index(directory), "loaded"
        status = "rebuilt: " + "; ".join(reasons)
        if reasons == ["corpus changed"]:  # plans added or removed: keep the other plans' vectors
            previous = load_index(directory)
    else:
        status = "rebuilt" if rebuild else "built"
    index = build_index(chunks, embedder, progress=progress, previous=previous)
    save_index(index, directory)
    return index, status
