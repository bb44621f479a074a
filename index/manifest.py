"""What a store records about what it was built from, whichever engine holds it (FAISS folder or
Milvus collection): the manifest, the hashes of the chunks and targets it holds, and whether its
stored vectors may be reused for another build."""
from __future__ import annotations

import hashlib
from datetime import datetime
from importlib.metadata import version

from pydantic import BaseModel

from carbonqa.index.interface import PassageEmbedder
from carbonqa.indicators.models import Indicator
from carbonqa.ingest.models import Chunk


class IndexManifest(BaseModel):
    format: int
    model_id: str
    model_fingerprint: str = ""  # absent before format 5; such indexes are rebuilt for their format
    dimension: int
    corpus_hash: str
    chunk_count: int
    indicator_count: int = 0
    indicators_hash: str = ""  # of the extracted targets: changes when the extraction rules change
    built_at: datetime
    build_seconds: float
    embedded_count: int = 0  # chunks embedded by the build; the others came from the embedding cache
    sentence_count: int = 0
    embedded_sentences: int = 0  # content sentences embedded by the build (the others: from the cache)
    library_versions: dict[str, str]
    file_sha256: dict[str, str] = {}  # file name -> sha256, for every file but the manifest (set on save)
    chunk_sha256: dict[str, str] = {}  # chunk id -> sha256 of its text
    dense_approximate: bool = False  # the dense arm is an IVF index (index/dense.py)


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


def library_versions(*engine: str) -> dict[str, str]:
    """Versions of the store's engine and of what makes the vectors and the BM25 terms."""
    return {name: version(name) for name in (*engine, "onnxruntime", "jieba", "sentence-transformers", "torch")}


def model_reasons(manifest: IndexManifest, embedder: PassageEmbedder, index_format: int) -> list[str]:
    """Why no stored vector can be reused: another format or another model (empty list: all can)."""
    reasons = []
    if manifest.format != index_format:
        reasons.append(f"index format {manifest.format} != {index_format}")
    if manifest.model_id != embedder.model_id:
        reasons.append(f"model {manifest.model_id} != {embedder.model_id}")
    elif manifest.model_fingerprint != embedder.model_fingerprint:  # same name, other weights or files
        reasons.append("model files changed")
    if manifest.dimension != embedder.dimension:
        reasons.append(f"dimension {manifest.dimension} != {embedder.dimension}")
    return reasons
