"""Everything a running carbonqa needs, loaded once from settings: plans, model, index, answerer.

`load_runtime(settings, serving=...)` builds one of two variants directly, nothing is patched after:
- the default (CLI, eval, tests): the embedder as loaded;
- `serving=True` (the web service): questions arriving together are embedded in one call (QueryBatcher),
  and with torch one question runs on `serve_torch_threads` threads, because requests run side by side
  (ONNX Runtime runs each pass on one thread anyway).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from carbonqa.answer.gate import gated, load_gate
from carbonqa.answer.kinds.base import first_reply
from carbonqa.answer.llm import LLMClient
from carbonqa.answer.pipeline import Answerer
from carbonqa.index.batching import QueryBatcher
from carbonqa.index.chunk_store import ChunkStore
from carbonqa.index.embedder import QUERY_THREADS, Embedder
from carbonqa.index.interface import TextEmbedder
from carbonqa.index.query_adapter import AdapterUse, QueryAdapter
from carbonqa.index.store import build_index, index_cache, load_index, load_or_build, read_manifest, save_index, stale_reasons
from carbonqa.ingest.library import PlanLibrary
from carbonqa.ingest.models import Chunk, ParsedPlan
from carbonqa.ingest.tree import ClauseTree
from carbonqa.retriever.corpus import Corpus
from carbonqa.retriever.search import Retriever
from carbonqa.service.settings import Settings, StoreKind

log = logging.getLogger("carbonqa")


@dataclass
class Runtime:
    settings: Settings
    plans: list[ParsedPlan]
    embedder: Embedder  # the model itself; the retriever may hold it wrapped in a QueryBatcher
    index: ChunkStore  # FAISS + BM25 in process, or a Milvus collection (CARBONQA_STORE)
    index_status: str
    retriever: Retriever
    answerer: Answerer
    serving: bool = False

    @property
    def tree(self) -> ClauseTree:
        """The clause tree of all plans (built once, by the retriever)."""
        return self.retriever.tree


def llm_client(settings: Settings) -> LLMClient | None:
    """The optional OpenAI-compatible client; None (extractive answers) unless a base URL is set."""
    if not settings.llm_base_url:
        return None
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    return LLMClient(settings.llm_base_url, settings.llm_model, api_key=key, timeout_s=settings.llm_timeout_s)


def plan_library(settings: Settings) -> PlanLibrary:
    return PlanLibrary(settings.corpus_path, settings.library_path, settings.ingest_limits)


def load_embedder(settings: Settings, query_threads: int = QUERY_THREADS, reconvert: bool = False) -> Embedder:
    """The configured embedding model, with the configured weights (CARBONQA_EMBEDDING_PRECISION)."""
    return Embedder.load(settings.embedding_model, settings.model_path, settings.allow_hub_download,
                         query_threads=query_threads, reconvert=reconvert, precision=settings.embedding_precision)


def load_runtime(settings: Settings, progress: bool = True, rebuild: bool = False, serving: bool = False) -> Runtime:
    """Parse the shipped and added plans, load (or convert) the model, load the index or (re)build it
    if missing or stale (a changed library re-embeds only the chunks that are new)."""
    plans = plan_library(settings).load()
    chunks = [chunk for plan in plans for chunk in plan.chunks]
    threads = settings.serve_torch_threads if serving else QUERY_THREADS
    # A rebuild also converts the default model again, which repairs damaged model files.
    embedder = load_embedder(settings, query_threads=threads, reconvert=rebuild)
    index, status = open_store(settings, chunks, embedder, progress=progress, rebuild=rebuild)
    log.info("index %s (%s %s): %d chunks (%d embedded by the last build, the rest cached), model %s", status,
             settings.store.value, settings.store_location, len(index.chunks), index.manifest.embedded_count,
             embedder.model_id)
    return assemble_runtime(settings, plans, embedder, index, status, serving=serving)


def open_store(settings: Settings, chunks: list[Chunk], embedder: Embedder, progress: bool = True,
               rebuild: bool = False) -> tuple[ChunkStore, str]:
    """The store selected by CARBONQA_STORE, loaded if current, else updated or (re)built from these chunks."""
    if settings.store == StoreKind.milvus:
        from carbonqa.index import milvus_store  # imported only when used: pymilvus is slow to import

        client = milvus_store.connect(settings.milvus_location, milvus_token(settings))
        return milvus_store.load_or_build(client, settings.milvus_collection, chunks, embedder, progress, rebuild)
    return load_or_build(settings.index_path, chunks, embedder, progress=progress, rebuild=rebuild,
                         dense_config=settings.dense_config)


def milvus_token(settings: Settings) -> str | None:
    return settings.milvus_token.get_secret_value() if settings.milvus_token else None


def with_plans(runtime: Runtime, plans: list[ParsedPlan]) -> Runtime:
    """A new runtime for another set of plans, sharing the loaded model (and the service's batcher), embedding
    only chunks the index did not have. FAISS: a new index is built and saved (swapped in). Milvus: only the
    difference is written to the collection (added plans' chunks upserted, removed ones deleted). The old
    runtime keeps answering from its own chunks meanwhile (it may be serving)."""
    chunks = [chunk for plan in plans for chunk in plan.chunks]
    if runtime.settings.store == StoreKind.milvus:
        index, embedded = runtime.index.updated(chunks, runtime.embedder)
    else:
        index = build_index(chunks, runtime.embedder, progress=False, cache=index_cache(runtime.index),
                            dense_config=runtime.settings.dense_config)
        save_index(index, runtime.settings.index_path)
        embedded = index.manifest.embedded_count
    status = f"updated: {embedded} of {len(chunks)} chunks embedded"
    log.info("index %s", status)
    return assemble_runtime(runtime.settings, plans, runtime.embedder, index, status, serving=runtime.serving,
                            query_embedder=runtime.retriever.embedder)


def reloaded(runtime: Runtime) -> Runtime | None:
    """The library as another process (`carbonqa add`/`remove`) left it on disk, sharing the loaded model:
    its plans and the index saved for them, loaded, never built (that process saves the index last, once
    the library folder is complete). None when the index on disk is the one in use, or does not match
    the library folder (yet)."""
    settings = runtime.settings
    if settings.store == StoreKind.milvus:  # the collection is updated in place by that process
        return None
    manifest = read_manifest(settings.index_path)
    if manifest is None or manifest.corpus_hash == runtime.index.manifest.corpus_hash:
        return None
    plans = plan_library(settings).load()
    reasons = stale_reasons(manifest, runtime.embedder, [chunk for plan in plans for chunk in plan.chunks],
                             settings.dense_config)
    if reasons:
        log.info("library on disk not reloaded (%s); waiting for the process changing it", "; ".join(reasons))
        return None
    index = load_index(settings.index_path, settings.dense_config)
    if index.manifest.corpus_hash != manifest.corpus_hash:  # saved again meanwhile: the next check takes it
        return None
    log.info("library changed by another process: %d plans, %d chunks", len(plans), len(index.chunks))
    return assemble_runtime(settings, plans, runtime.embedder, index, "reloaded: changed by another process",
                            serving=runtime.serving, query_embedder=runtime.retriever.embedder)


def question_adapter(settings: Settings, embedder: Embedder) -> QueryAdapter | None:
    """The shipped question adapter when it is on and was trained for this model, else None."""
    if settings.query_adapter is AdapterUse.off:
        return None
    adapter = QueryAdapter.load()  # QueryAdapterError when the shipped files do not match their manifest
    if not adapter.fits(embedder.model_id, embedder.dimension):
        log.info("question adapter not used: trained for %s, the model is %s", adapter.manifest.model_id,
                 embedder.model_id)
        return None
    return adapter


def assemble_runtime(settings: Settings, plans: list[ParsedPlan], embedder: Embedder, index: ChunkStore,
                     index_status: str, serving: bool = False, query_embedder: TextEmbedder | None = None) -> Runtime:
    """The retriever and answerer over a loaded model and index; serving wraps the model in a QueryBatcher
    (or reuses `query_embedder`, the batcher of the runtime this one replaces)."""
    query_embedder = query_embedder or (QueryBatcher(embedder) if serving else embedder)
    corpus = Corpus.of_index(index)
    retriever = Retriever(index, query_embedder, settings.fusion_config, corpus,
                          question_adapter(settings, embedder), settings.query_adapter)
    answerer = Answerer(retriever, corpus, llm=llm_client(settings), top_k=settings.top_k,
                        decide=gated(load_gate()) if settings.answer_gate else first_reply)
    return Runtime(settings, plans, embedder, index, index_status, retriever, answerer, serving)
