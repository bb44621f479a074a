"""Milvus as the chunk store: one collection per library, in Milvus Lite (a local file) or a server.

Each row is one chunk: its fields, the sha256 of its text, the dense vector (inner product, exact FLAT
index) and a BM25 sparse vector that the engine computes itself from `bm25_text` with its jieba
analyzer, fed with the project's domain dictionary and stop words. Region filters run inside the engine.
The manifest (model, content hash, format) is a collection property written last, so a collection
without one is unfinished. The chunks' content sentences and their vectors (for the answer stage, as
the FAISS store's sentences.npz) live in a sibling collection `<collection>_sentences`, one row per
distinct sentence keyed by the sha256 of its text; they are read into memory when the store opens.

Integrity (as the FAISS store's manifest): opening a collection reads every chunk back and
checks each text against the sha256 stored with it, then the hash of all chunks (every field) against
the manifest; a mismatch is refused until `carbonqa index --rebuild`. The vectors themselves live in
the engine and are not hashed here.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path

import numpy as np
from pydantic import ValidationError
from pymilvus import DataType, Function, FunctionType, MilvusClient, MilvusException
from tqdm import tqdm

from carbonqa.index.bm25 import B, K1
from carbonqa.index.chunk_store import ArmHit, IndexCorruptError, StoreUnavailableError, bm25_text, embedding_text
from carbonqa.index.embedding_cache import EmbeddingCache, embed_passages_cached
from carbonqa.index.files import text_sha256
from carbonqa.index.interface import PassageEmbedder
from carbonqa.index.sentence_vectors import SentenceVectors, sentence_texts
from carbonqa.index.manifest import IndexManifest, corpus_hash, library_versions, model_reasons
from carbonqa.index.tokenizer import STOPWORDS, Tokenizer, domain_terms
from carbonqa.indicators.extract import extract_indicators
from carbonqa.indicators.models import Indicator
from carbonqa.ingest.errors import IngestError
from carbonqa.ingest.models import Chunk

# Bump when the schema, the analyzer or the indexed text changes: old collections are rebuilt.
MILVUS_FORMAT = 3
MANIFEST_PROPERTY = "carbonqa.manifest"
NEXT_SEQ_PROPERTY = "carbonqa.next_seq"  # one more than the highest seq ever stored
SENTENCE_SEQ_PROPERTY = "carbonqa.next_sentence_seq"  # the same for the sentences' collection
BATCH = 256  # chunks embedded and upserted per request
READ_WINDOW = 5000  # rows read back per query when a collection is opened
BM25_PARAMS = {"bm25_k1": K1, "bm25_b": B}  # as in the FAISS store
MAX_TEXT_BYTES = 65_535  # Milvus VARCHAR limit
# Each chunk field stored as a VARCHAR and its max_length, which Milvus counts in UTF-8 bytes.
CHUNK_VARCHAR_BYTES = {"id": 256, "doc_id": 128, "title": 512, "region": 64, "level": 16, "kind": 16, "number": 64,
                       "heading": 2048, "parent_id": 256, "text": MAX_TEXT_BYTES}
CHUNK_FIELDS = list(Chunk.model_fields)
STORED_FIELDS = [*CHUNK_FIELDS, "seq", "text_sha256", "bm25_text", "dense"]  # all but the engine's sparse vector


def connect(uri: str, token: str | None = None) -> MilvusClient:
    """A client for a Milvus Lite file (a path ending in .db) or a server (http://host:19530)."""
    lite = not uri.startswith(("http://", "https://", "tcp://"))
    if lite:
        path = Path(uri)
        if path.suffix != ".db":
            raise StoreUnavailableError(f"Milvus Lite 文件名须以 .db 结尾 / a Milvus Lite file must end in .db: {uri} "
                                        "(set CARBONQA_MILVUS_URI=data/milvus.db, or http://host:19530 for a server)")
        path.parent.mkdir(parents=True, exist_ok=True)
    # Milvus Lite logs a traceback when it cannot open the file; the error below says it in one line.
    lite_log = logging.getLogger("milvus_lite")
    level = lite_log.level
    lite_log.setLevel(logging.CRITICAL)
    try:
        return MilvusClient(uri=uri, token=token or "")
    except MilvusException as error:
        hint = ("a Milvus Lite file is open in one process at a time: stop the other carbonqa using it"
                if lite else "check CARBONQA_MILVUS_URI and CARBONQA_MILVUS_TOKEN")
        raise StoreUnavailableError(f"无法连接 Milvus / cannot connect to Milvus at {uri}: {error.message} ({hint})") \
            from error
    finally:
        lite_log.setLevel(level)


def analyzer_params(user_terms: list[str]) -> dict:
    """The engine's jieba analyzer with the project's domain dictionary and stop words."""
    return {
        "tokenizer": {"type": "jieba", "dict": ["_default_", *user_terms], "mode": "search", "hmm": True},
        "filter": ["removepunct", {"type": "stop", "stop_words": sorted(STOPWORDS)}],
    }


def content_hash(chunks: list[Chunk]) -> str:
    """Hash of every field of every chunk, whatever their order (rows have no order in the engine)."""
    return corpus_hash(sorted(chunks, key=lambda chunk: chunk.id))


def scope_filter(regions: list[str], documents: list[str] | None) -> str:
    """The engine's filter expression: the plans picked by id, else the regions named, else none."""
    if documents:
        return f"doc_id in {json.dumps(documents, ensure_ascii=False)}"
    return f"region in {json.dumps(regions, ensure_ascii=False)}" if regions else ""


class MilvusStore:
    """A `ChunkStore` over one Milvus collection, for one set of chunks.

    A library update writes the collection in place and returns a new MilvusStore; the old one keeps
    answering (the service swaps runtimes atomically) and never returns a chunk it does not hold."""

    def __init__(self, client: MilvusClient, collection: str, manifest: IndexManifest, chunks: list[Chunk],
                 seq: dict[str, int], next_seq: int, tokenizer: Tokenizer, sentences: StoredSentences):
        self.client = client
        self.sentences = sentences.vectors  # the answer stage's sentence vectors, in memory
        self.collection = collection
        self.manifest = manifest
        self.chunks = chunks
        self.seq = seq  # chunk id -> its row's number, for reading the collection back in windows
        self.next_seq = next_seq
        self.tokenizer = tokenizer
        self.stored_sentences = sentences
        self.ids = {chunk.id for chunk in chunks}

    @cached_property
    def indicators(self) -> list[Indicator]:
        return extract_indicators(self.chunks)

    # ---- search ---------------------------------------------------------------------------

    def bm25_search(self, query: str, regions: list[str], limit: int,
                    documents: list[str] | None = None) -> list[ArmHit]:
        hits = self._search([query], "sparse", "BM25", scope_filter(regions, documents), limit)
        # Milvus Lite reports BM25 as a negative distance, a server as a positive score; BM25 is never
        # negative, so its magnitude is the score either way (results come best first in both).
        return [ArmHit(hit["id"], abs(float(hit["distance"]))) for hit in hits]

    def dense_search(self, vector: np.ndarray, regions: list[str], limit: int,
                     documents: list[str] | None = None) -> list[ArmHit]:
        hits = self._search([np.asarray(vector, dtype=np.float32)[0].tolist()], "dense", "IP",
                            scope_filter(regions, documents), limit)
        return [ArmHit(hit["id"], float(hit["distance"])) for hit in hits]

    def _search(self, data: list, field: str, metric: str, scope: str, limit: int) -> list[dict]:
        hits = self._call("search", lambda: self.client.search(
            self.collection, data=data, anns_field=field, limit=limit, filter=scope, output_fields=["id"],
            search_params={"metric_type": metric})[0])
        return [hit for hit in hits if hit["id"] in self.ids]  # during an update: only this store's chunks

    # ---- library updates ----------------------------------------------------------------------

    def updated(self, chunks: list[Chunk], embedder: PassageEmbedder, progress: bool = False) -> tuple[MilvusStore, int]:
        """The store for `chunks`, writing only the difference: chunks new or changed are upserted (their
        text embedded unless a replaced or removed row had the same text), chunks gone are deleted.
        Returns it and how many chunks were embedded. If a write fails the rows are put back as they were."""
        if reasons := model_reasons(self.manifest, embedder, MILVUS_FORMAT):
            raise ValueError(f"模型与索引不一致（{'; '.join(reasons)}） / the collection {self.collection} was built "
                             f"for another model or format ({'; '.join(reasons)}): run `carbonqa index --rebuild`")
        stored = {chunk.id: chunk for chunk in self.chunks}
        wanted = {chunk.id for chunk in chunks}
        changed = [chunk for chunk in chunks if stored.get(chunk.id) != chunk]
        check_fits(changed)
        gone = [chunk_id for chunk_id in stored if chunk_id not in wanted]
        old_rows = self._rows([chunk.id for chunk in changed if chunk.id in stored] + gone)
        # The vectors of the rows about to be replaced or deleted: a text that only moved is not embedded again.
        cache = EmbeddingCache(embedder.model_fingerprint, {
            text_sha256(embedding_text(stored[row["id"]])): np.asarray(row["dense"], dtype=np.float32) for row in old_rows})
        vectors, _, embedded = embed_passages_cached([embedding_text(c) for c in changed], embedder, cache,
                                                     show_progress=progress)
        seq, next_seq = dict(self.seq), self.next_seq
        for chunk in changed:
            if chunk.id not in seq:
                seq[chunk.id], next_seq = next_seq, next_seq + 1
        for chunk_id in gone:
            del seq[chunk_id]
        try:
            write_rows(self.client, self.collection, changed, vectors, seq, progress)
            if gone:
                self._call("delete", lambda: self.client.delete(self.collection, ids=gone))
            # Inside the try: a failed sentence update puts the chunk rows back too (a sentences'
            # collection left half-updated no longer matches the manifest: the next open refuses it).
            sentences, embedded_sentences = self._call("sentence update", lambda: update_sentences(
                self.client, self.collection, self.stored_sentences, chunks, embedder, progress))
        except BaseException:
            self._restore([chunk.id for chunk in changed if chunk.id not in stored], old_rows)
            raise
        manifest = self.manifest.model_copy(update={
            "corpus_hash": content_hash(chunks), "chunk_count": len(chunks), "embedded_count": embedded,
            "sentence_count": len(sentences.vectors.texts), "embedded_sentences": embedded_sentences,
            "built_at": datetime.now(timezone.utc)})
        write_manifest(self.client, self.collection, manifest, next_seq, sentences.next_seq)
        return MilvusStore(self.client, self.collection, manifest, chunks, seq, next_seq, self.tokenizer,
                           sentences), embedded

    def _rows(self, chunk_ids: list[str]) -> list[dict]:
        """These chunks' stored rows (every field but the engine's sparse vector)."""
        if not chunk_ids:
            return []
        return self._call("get", lambda: self.client.get(self.collection, ids=chunk_ids, output_fields=STORED_FIELDS))

    def _restore(self, added: list[str], old_rows: list[dict]) -> None:
        """Best effort after a failed update: delete the rows it added, put back those it replaced or deleted."""
        try:
            if added:
                self.client.delete(self.collection, ids=added)
            if old_rows:
                self.client.upsert(self.collection, [{name: row[name] for name in STORED_FIELDS} for row in old_rows])
        except MilvusException:
            pass  # the manifest still describes the old rows: the next open refuses a collection that differs

    def _call(self, what: str, request):
        try:
            return request()
        except MilvusException as error:
            raise StoreUnavailableError(f"Milvus {what} 失败 / Milvus {what} failed: {error.message}") from error


def check_fits(chunks: list[Chunk]) -> None:
    """IngestError naming the clause if one of its fields is longer than its VARCHAR field holds; checked
    before anything is embedded or written, so a refused plan changes nothing. Chunks are stored verbatim
    (a cited text is never cut); a sentence is part of its chunk's text, so it fits when the text does."""
    for chunk in chunks:
        for field, most in CHUNK_VARCHAR_BYTES.items():
            size = len((getattr(chunk, field) or "").encode("utf-8"))
            if size > most:
                raise too_long(f"条款 {chunk.id} 的 {field}", f"the {field} of clause {chunk.id}", size, most)


def too_long(what_zh: str, what_en: str, size: int, most: int) -> IngestError:
    return IngestError(f"{what_zh}有 {size:,} 字节（UTF-8），超过 Milvus 文本字段的上限 {most:,} 字节；请把它拆成较短的"
                       f"几条，或改用 FAISS 存储（CARBONQA_STORE=faiss）/ {what_en} is {size:,} bytes in UTF-8, over "
                       f"the {most:,} bytes a Milvus text field holds; split it into shorter ones, or use the FAISS "
                       f"store (CARBONQA_STORE=faiss)")


def utf8_prefix(text: str, most: int) -> str:
    """The longest prefix of `text` of at most `most` bytes in UTF-8 (never half a character)."""
    return text.encode("utf-8")[:most].decode("utf-8", "ignore")


def chunk_row(chunk: Chunk, seq: int, vector: np.ndarray) -> dict:
    # bm25_text only feeds the engine's analyzer (never shown), so a long one is cut to what the field holds.
    return chunk.model_dump(mode="json") | {
        "parent_id": chunk.parent_id or "", "seq": seq, "text_sha256": text_sha256(chunk.text),
        "bm25_text": utf8_prefix(bm25_text(chunk), MAX_TEXT_BYTES), "dense": np.asarray(vector, dtype=np.float32)}


def write_rows(client: MilvusClient, collection: str, chunks: list[Chunk], vectors: np.ndarray, seq: dict[str, int],
               progress: bool = False) -> None:
    """Upsert these chunks (row i of `vectors` for chunks[i]): a stored id is replaced."""
    upsert(client, collection, [chunk_row(chunk, seq[chunk.id], vector) for chunk, vector in zip(chunks, vectors)],
           "Milvus upsert", progress)


def upsert(client: MilvusClient, collection: str, rows: list[dict], description: str, progress: bool) -> None:
    """Upsert rows in batches of BATCH, with a progress bar."""
    for start in tqdm(range(0, len(rows), BATCH), desc=description, unit="batch", disable=not progress):
        try:
            client.upsert(collection, rows[start : start + BATCH])
        except MilvusException as error:
            raise StoreUnavailableError(f"Milvus upsert 失败 / Milvus upsert failed: {error.message}") from error


def create_collection(client: MilvusClient, collection: str, dimension: int, user_terms: list[str]) -> None:
    schema = client.create_schema(auto_id=False, description="carbonqa clause chunks")
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=CHUNK_VARCHAR_BYTES["id"])
    schema.add_field("seq", DataType.INT64)
    for name, length in (*((name, length) for name, length in CHUNK_VARCHAR_BYTES.items() if name != "id"),
                         ("text_sha256", 64)):
        schema.add_field(name, DataType.VARCHAR, max_length=length)
    schema.add_field("path", DataType.JSON)
    schema.add_field("start", DataType.INT64)
    schema.add_field("end", DataType.INT64)
    schema.add_field("bm25_text", DataType.VARCHAR, max_length=MAX_TEXT_BYTES, enable_analyzer=True,
                     analyzer_params=analyzer_params(user_terms))
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dimension)
    schema.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                 input_field_names=["bm25_text"], output_field_names=["sparse"]))
    index_params = client.prepare_index_params()
    index_params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25", params=BM25_PARAMS)
    index_params.add_index("dense", index_type="FLAT", metric_type="IP")
    index_params.add_index("region", index_type="INVERTED")
    client.create_collection(collection, schema=schema, index_params=index_params, consistency_level="Strong")


def write_manifest(client: MilvusClient, collection: str, manifest: IndexManifest, next_seq: int,
                   next_sentence_seq: int) -> None:
    client.alter_collection_properties(collection, properties={MANIFEST_PROPERTY: manifest.model_dump_json(),
                                                               NEXT_SEQ_PROPERTY: str(next_seq),
                                                               SENTENCE_SEQ_PROPERTY: str(next_sentence_seq)})


# ---- the content sentences' vectors ---------------------------------------------------------------

@dataclass
class StoredSentences:
    vectors: SentenceVectors
    next_seq: int  # one more than the highest seq ever stored in the sentences' collection


def sentences_collection(collection: str) -> str:
    return f"{collection}_sentences"


def create_sentences_collection(client: MilvusClient, collection: str, dimension: int) -> None:
    name = sentences_collection(collection)
    if client.has_collection(name):
        client.drop_collection(name)
    schema = client.create_schema(auto_id=False, description="carbonqa content sentences")
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)  # sha256 of the text
    schema.add_field("seq", DataType.INT64)
    schema.add_field("text", DataType.VARCHAR, max_length=MAX_TEXT_BYTES)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dimension)
    index_params = client.prepare_index_params()
    index_params.add_index("dense", index_type="FLAT", metric_type="IP")
    client.create_collection(name, schema=schema, index_params=index_params, consistency_level="Strong")


def write_sentences(client: MilvusClient, collection: str, texts: list[str], vectors: np.ndarray, first_seq: int,
                    progress: bool = False) -> None:
    rows = [{"id": text_sha256(text), "seq": first_seq + i, "text": text, "dense": np.asarray(vector, dtype=np.float32)}
            for i, (text, vector) in enumerate(zip(texts, vectors))]
    upsert(client, sentences_collection(collection), rows, "Milvus sentences", progress)


def build_sentences(client: MilvusClient, collection: str, chunks: list[Chunk], embedder: PassageEmbedder,
                    progress: bool, vectors: SentenceVectors | None = None) -> tuple[StoredSentences, int]:
    """A fresh sentences' collection for these chunks; `vectors` (if given) skips embedding. Returns it and
    how many sentences were embedded."""
    create_sentences_collection(client, collection, embedder.dimension)
    embedded = 0
    if vectors is None:
        texts = sentence_texts(chunks)
        vectors, embedded = SentenceVectors(texts, embedder.embed_passages(texts, show_progress=progress)), len(texts)
    write_sentences(client, collection, vectors.texts, vectors.matrix, 0, progress)
    return StoredSentences(vectors, len(vectors.texts)), embedded


def update_sentences(client: MilvusClient, collection: str, stored: StoredSentences, chunks: list[Chunk],
                     embedder: PassageEmbedder, progress: bool) -> tuple[StoredSentences, int]:
    """The sentences of `chunks`: new ones embedded and upserted, gone ones deleted, the rest kept."""
    texts = sentence_texts(chunks)
    old = stored.vectors
    cache = EmbeddingCache(embedder.model_fingerprint, {text_sha256(t): v for t, v in zip(old.texts, old.matrix)})
    matrix, _, embedded = embed_passages_cached(texts, embedder, cache, show_progress=progress)
    known, wanted = set(old.texts), set(texts)
    new = [(text, vector) for text, vector in zip(texts, matrix) if text not in known]
    if new:
        write_sentences(client, collection, [t for t, _ in new], np.array([v for _, v in new]), stored.next_seq,
                        progress)
    gone = [text_sha256(text) for text in old.texts if text not in wanted]
    if gone:
        client.delete(sentences_collection(collection), ids=gone)
    return StoredSentences(SentenceVectors(texts, matrix), stored.next_seq + len(new)), embedded


def read_rows(client: MilvusClient, collection: str, next_seq: int, fields: list[str]) -> list[dict]:
    """Every row of a collection, read in windows of `seq` below `next_seq`: one query's result window is
    limited (Lite has no query iterator)."""
    rows: list[dict] = []
    for low in range(0, next_seq, READ_WINDOW):
        rows += client.query(collection, filter=f"seq >= {low} and seq < {low + READ_WINDOW}",
                             output_fields=fields, limit=READ_WINDOW)
    return rows


def read_sentences(client: MilvusClient, collection: str, next_seq: int, expected: int) -> StoredSentences:
    """The sentences' collection read back; each text checked against its key, the count against the manifest."""
    name = sentences_collection(collection)
    if not client.has_collection(name):
        raise corrupt(collection, f"its sentences' collection {name} is missing")
    client.load_collection(name)
    rows = read_rows(client, name, next_seq, ["id", "text", "dense"])
    if len(rows) != expected or any(text_sha256(row["text"]) != row["id"] for row in rows):
        raise corrupt(collection, f"its {len(rows)} sentences differ from the {expected} the manifest records")
    matrix = np.array([row["dense"] for row in rows], dtype=np.float32).reshape(len(rows), -1)
    return StoredSentences(SentenceVectors([row["text"] for row in rows], matrix), next_seq)


def read_manifest(client: MilvusClient, collection: str) -> IndexManifest | None:
    """The collection's manifest; None if there is no collection or it was never finished."""
    if not client.has_collection(collection):
        return None
    raw = client.describe_collection(collection).get("properties", {}).get(MANIFEST_PROPERTY)
    if raw is None:
        return None
    try:
        return IndexManifest.model_validate_json(raw)
    except ValidationError as error:
        raise corrupt(collection, "manifest unreadable") from error


def open_store(client: MilvusClient, collection: str, manifest: IndexManifest) -> MilvusStore:
    """The store over an existing collection: chunks and dictionary read back and checked, nothing embedded."""
    client.load_collection(collection)  # after a restart the collection is released (not searchable)
    described = client.describe_collection(collection)
    fields = {field["name"]: field for field in described["fields"]}
    user_terms = json.loads(fields["bm25_text"]["params"]["analyzer_params"])["tokenizer"]["dict"][1:]
    next_seq = int(described["properties"].get(NEXT_SEQ_PROPERTY, 0))
    rows = read_rows(client, collection, next_seq, [*CHUNK_FIELDS, "seq", "text_sha256"])
    rows.sort(key=lambda row: row["seq"])
    for row in rows:
        if text_sha256(row["text"]) != row["text_sha256"]:
            raise corrupt(collection, f"the text of chunk {row['id']} differs from the one indexed")
    chunks = [Chunk.model_validate({name: row[name] for name in CHUNK_FIELDS} | {"parent_id": row["parent_id"] or None})
              for row in rows]
    stored = client.query(collection, filter="", output_fields=["count(*)"])[0]["count(*)"]  # rows past next_seq too
    if stored != len(chunks) or len(chunks) != manifest.chunk_count or content_hash(chunks) != manifest.corpus_hash:
        raise corrupt(collection, f"its {stored} chunks differ from the {manifest.chunk_count} the manifest records")
    seq = {row["id"]: row["seq"] for row in rows}
    sentences = read_sentences(client, collection, int(described["properties"].get(SENTENCE_SEQ_PROPERTY, 0)),
                               manifest.sentence_count)
    return MilvusStore(client, collection, manifest, chunks, seq, next_seq, Tokenizer(user_terms), sentences)


def build_store(client: MilvusClient, collection: str, chunks: list[Chunk], embedder: PassageEmbedder,
                progress: bool = True, vectors: np.ndarray | None = None,
                sentence_vectors: SentenceVectors | None = None) -> MilvusStore:
    """A fresh collection holding these chunks and their sentences; `vectors` (row i for chunks[i]) and
    `sentence_vectors` skip embedding."""
    if not chunks:
        raise ValueError("没有可索引的条款 / no chunks to index")
    check_fits(chunks)  # before the old collection is dropped
    started = time.perf_counter()
    if client.has_collection(collection):
        client.drop_collection(collection)
    user_terms = domain_terms(chunks)
    create_collection(client, collection, embedder.dimension, user_terms)
    seq = {chunk.id: row for row, chunk in enumerate(chunks)}
    embedded = 0 if vectors is not None else len(chunks)
    if vectors is None:
        vectors = embedder.embed_passages([embedding_text(chunk) for chunk in chunks], show_progress=progress)
    write_rows(client, collection, chunks, vectors, seq, progress)
    sentences, embedded_sentences = build_sentences(client, collection, chunks, embedder, progress, sentence_vectors)
    manifest = IndexManifest(
        format=MILVUS_FORMAT, model_id=embedder.model_id, model_fingerprint=embedder.model_fingerprint,
        dimension=embedder.dimension, corpus_hash=content_hash(chunks), chunk_count=len(chunks),
        built_at=datetime.now(timezone.utc), build_seconds=round(time.perf_counter() - started, 2),
        embedded_count=embedded, sentence_count=len(sentences.vectors.texts), embedded_sentences=embedded_sentences,
        library_versions=library_versions("pymilvus", "milvus-lite"))
    # Written last: a collection without it is unfinished and gets rebuilt.
    write_manifest(client, collection, manifest, len(chunks), sentences.next_seq)
    return MilvusStore(client, collection, manifest, chunks, seq, len(chunks), Tokenizer(user_terms), sentences)


def load_or_build(client: MilvusClient, collection: str, chunks: list[Chunk], embedder: PassageEmbedder,
                  progress: bool = True, rebuild: bool = False) -> tuple[MilvusStore, str]:
    """Like `index.store.load_or_build`: the collection if it holds these chunks; updated in place if the
    library changed (only new or changed chunks embedded); rebuilt for another model or format. A collection
    that fails its checks raises IndexCorruptError unless `rebuild` is set."""
    try:
        return _load_or_build(client, collection, chunks, embedder, progress, rebuild)
    except MilvusException as error:
        raise StoreUnavailableError(f"Milvus 不可用 / Milvus failed on collection {collection}: {error.message} "
                                    "(check that the server is up, or run `carbonqa index --rebuild`)") from error


def _load_or_build(client: MilvusClient, collection: str, chunks: list[Chunk], embedder: PassageEmbedder,
                   progress: bool, rebuild: bool) -> tuple[MilvusStore, str]:
    manifest = None if rebuild else read_manifest(client, collection)
    if manifest is not None:
        reasons = model_reasons(manifest, embedder, MILVUS_FORMAT)
        if not reasons:
            store = open_store(client, collection, manifest)
            if manifest.corpus_hash == content_hash(chunks):
                # Same chunks: serve them in library order, as the FAISS store does.
                return MilvusStore(client, collection, manifest, chunks, store.seq, store.next_seq,
                                   store.tokenizer, store.stored_sentences), "loaded"
            store, embedded = store.updated(chunks, embedder, progress)
            return store, f"updated: {embedded} of {len(chunks)} chunks embedded"
        status = "rebuilt: " + "; ".join(reasons)
    else:
        status = "rebuilt" if rebuild else "built"
    return build_store(client, collection, chunks, embedder, progress=progress), status


def corrupt(collection: str, detail: str) -> IndexCorruptError:
    return IndexCorruptError(
        f"Milvus 集合已损坏或被修改（{detail}），拒绝使用。修复：运行 `carbonqa index --rebuild` / "
        f"the Milvus collection {collection} is corrupt or was modified: {detail}. "
        f"Fix: run `carbonqa index --rebuild`."
    )
