"""Everything a running carbonqa needs, loaded once from settings: plans, model, index, answerer."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from answer.llm import LLMClient
from answer.pipeline import Answerer
from api.settings import Settings, get_settings
from index.embedder import Embedder
from index.store import HybridIndex, load_or_build
from ingest.models import Chunk, ParsedPlan
from ingest.pipeline import load_corpus
from retriever.search import Retriever

log = logging.getLogger("carbonqa")


@dataclass
class Runtime:
    settings: Settings
    plans: list[ParsedPlan]
    embedder: Embedder
    index: HybridIndex
    index_status: str
    retriever: Retriever
    answerer: Answerer
    chunks_by_id: dict[str, Chunk] = field(default_factory=dict)


def llm_client(settings: Settings) -> LLMClient | None:
    """The optional OpenAI-compatible client; None (extractive answers) unless a base URL is set."""
    if not settings.llm_base_url:
        return None
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    return LLMClient(settings.llm_base_url, settings.llm_model, api_key=key, timeout_s=settings.llm_timeout_s)


def load_runtime(settings: Settings | None = None, progress: bool = True, rebuild: bool = False) -> Runtime:
    """Parse the corpus, load (or convert) the model, load the index or (re)build it if missing or stale."""
    settings = settings or get_settings()
    plans = load_corpus(settings.corpus_path)
    chunks = [chunk for plan in plans for chunk in plan.chunks]
    embedder = Embedder.load(settings.embedding_model, settings.model_path, settings.allow_hub_download)
    index, status = load_or_build(settings.index_path, chunks, embedder, progress=progress, rebuild=rebuild)
    log.info("index %s: %d chunks, model %s", status, len(index.chunks), embedder.model_id)
    retriever = Retriever(index, embedder, settings.fusion)
    answerer = Answerer(retriever, plans, llm=llm_client(settings), top_k=settings.top_k)
    return Runtime(settings, plans, embedder, index, status, retriever, answerer,
                   {chunk.id: chunk for chunk in index.chunks})
