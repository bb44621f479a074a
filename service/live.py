"""The live library: the loaded pipeline being served, or why it is not ready yet, and the library updates
that replace it (plans added or removed here, or by another process) without stopping the questions.

The HTTP service loads it in a background thread at startup (building the index on first start); the
`carbonqa add` and `remove` commands use the same updates.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from carbonqa.answer.models import AnswerRequest
from carbonqa.answer.suggestions import Suggestion, starter_questions
from carbonqa.index.chunk_store import IndexCorruptError
from carbonqa.index.embedder import EmbeddingModelError
from carbonqa.index.query_adapter import QueryAdapterError
from carbonqa.index.store import manifest_stamp
from carbonqa.ingest.errors import IngestError, LimitExceeded
from carbonqa.ingest.library import Upload
from carbonqa.ingest.models import ParsedPlan
from carbonqa.service.corpus_view import CorpusView
from carbonqa.service.indicator_view import IndicatorView
from carbonqa.service.messages import bilingual, public_message
from carbonqa.service.models import Limits, Readiness
from carbonqa.service.runtime import Runtime, load_runtime, plan_library, reloaded, with_plans
from carbonqa.service.settings import TOP_K_MAX, TOP_K_MIN, Settings, with_remedy

log = logging.getLogger("carbonqa.service")

# A first question pays for lazy initialisation (tokeniser, jieba dictionary, model graph).
WARMUP_QUESTION = "碳达峰的主要目标是什么？"
# How often (at most) a request looks whether another process (carbonqa add/remove) saved a new index.
LIBRARY_CHECK_S = 1.0
# Load failures whose (bilingual) message may be shown to clients, paths removed; others show a generic line.
EXPLAINED_LOAD_ERRORS = (IndexCorruptError, EmbeddingModelError, IngestError, QueryAdapterError)


class LibraryChange(str, Enum):
    """How the library served changed: plans added or removed here, or changed by another process."""

    add = "add"
    remove = "remove"
    external = "external"


# Called after each switch to a changed library (the API counts them for /metrics).
LIBRARY_LISTENERS: list[Callable[[LibraryChange], None]] = []


def announce(change: LibraryChange) -> None:
    for listener in LIBRARY_LISTENERS:
        listener(change)


@dataclass(frozen=True)
class Ready:
    """One library as served: a request takes it once and uses it throughout, so a request that
    overlaps a library update is answered wholly from the old library or wholly from the new one."""

    runtime: Runtime
    view: CorpusView
    starters: list[Suggestion]
    indicators: IndicatorView


class Service:
    """The loaded pipeline, or why it is not ready yet; and the library updates that replace it."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.live: Ready | None = None
        self.error: str | None = None
        self.load_seconds: float | None = None
        self.limits = Limits(max_question_chars=settings.max_question_chars,
                             max_history_turns=settings.max_history_turns,
                             top_k=settings.top_k, top_k_min=TOP_K_MIN, top_k_max=TOP_K_MAX)
        self.library = plan_library(settings)
        self.update_lock = threading.Lock()  # one library update at a time; questions never wait for it
        self.index_stamp = None  # the index manifest's stamp when last looked at (index.store.manifest_stamp)
        self.next_check = 0.0

    @property
    def runtime(self) -> Runtime | None:
        return self.live.runtime if self.live else None

    def attach(self, runtime: Runtime) -> None:
        added = {plan.meta.doc_id for plan in runtime.plans if not self.library.is_shipped(plan)}
        # One assignment: the switch to another library is atomic.
        self.live = Ready(runtime, CorpusView(runtime.plans, runtime.tree, added),
                          starter_questions(runtime.plans, runtime.tree),
                          IndicatorView(runtime.index.indicators, runtime.retriever.regions))

    def add_plans(self, uploads: list[Upload], replace: bool) -> tuple[list[ParsedPlan], Runtime]:
        """Check the uploads, keep their files, index the new plans' chunks, then switch to the new library.
        Any failure leaves the library, the index in use and the files as they were."""
        with self.update_lock:
            current = self.live.runtime
            try:
                staged = self.library.stage(uploads, current.plans, replace)
            except LimitExceeded as error:
                raise with_remedy(error) from error
            try:
                staged.keep()
                new_ids = {plan.meta.doc_id for plan in staged.plans}
                plans = [p for p in current.plans if p.meta.doc_id not in new_ids] + staged.plans
                runtime = with_plans(current, self.library.ordered(plans))
            except BaseException:
                staged.undo()
                raise
            finally:
                staged.discard()
            self.attach(runtime)
            announce(LibraryChange.add)
            return staged.plans, runtime

    def remove_plan(self, doc_id: str) -> tuple[Path, Runtime]:
        """Take an added plan out of the library; its file is kept in the library's .removed/ folder."""
        with self.update_lock:
            current = self.live.runtime
            retired = self.library.remove(doc_id, current.plans)
            try:
                runtime = with_plans(current, [p for p in current.plans if p.meta.doc_id != doc_id])
            except BaseException:
                self.library.restore(retired, doc_id)
                raise
            self.attach(runtime)
            announce(LibraryChange.remove)
            return retired, runtime

    def load(self) -> None:
        started = time.perf_counter()
        try:
            log.info("loading plans, model and index (the index is built on first start) ...")
            self.index_stamp = manifest_stamp(self.settings.index_path)  # before: a change while loading is seen
            runtime = load_runtime(self.settings, progress=True, serving=True)
            warm = time.perf_counter()
            runtime.answerer.ask(AnswerRequest(question=WARMUP_QUESTION))
            log.info("model warmed in %.2f s", time.perf_counter() - warm)
            self.attach(runtime)
            self.load_seconds = round(time.perf_counter() - started, 2)
            log.info("ready in %.1f s: %d plans, %d chunks", self.load_seconds, len(runtime.plans),
                     len(runtime.tree))
        except Exception as exc:  # reported by /readyz; the process stays up to say why
            self.error = public_message(exc, EXPLAINED_LOAD_ERRORS)
            log.exception("loading failed")

    def check_library(self) -> None:
        """Switch to the library another process (carbonqa add/remove) changed: at most once a second a
        request compares the index manifest's stamp (one stat); when it changed, the new library is loaded
        beside the one serving (in a thread: no request waits) and switched to atomically, like an upload."""
        now = time.monotonic()
        if self.live is None or now < self.next_check:
            return
        self.next_check = now + LIBRARY_CHECK_S
        stamp = manifest_stamp(self.settings.index_path)
        if stamp == self.index_stamp or not self.update_lock.acquire(blocking=False):
            return  # unchanged, or an update is running (it is looked at again after it)
        self.index_stamp = stamp
        threading.Thread(target=self._reload, name="library-reload", daemon=True).start()

    def _reload(self) -> None:
        try:
            runtime = reloaded(self.live.runtime)
            if runtime is not None:
                self.attach(runtime)
                announce(LibraryChange.external)
        except Exception:  # the library being served stays; the next change is tried again
            log.exception("reloading the library changed by another process failed")
        finally:
            self.update_lock.release()

    def failure(self, zh: str, en: str) -> str:
        """"<zh>：<why in Chinese> / <en>: <why in English>" for a failed load."""
        why = bilingual(self.error or "")
        return f"{zh}：{why.zh} / {en}: {why.en}"

    def readiness(self) -> Readiness:
        if self.live is not None:
            return Readiness(status="ready", detail="就绪 / ready", limits=self.limits, plans=len(self.runtime.plans),
                             chunks=len(self.runtime.tree), load_seconds=self.load_seconds)
        if self.error:
            return Readiness(status="failed", detail=self.failure("加载失败", "loading failed"), limits=self.limits)
        return Readiness(status="loading", detail="正在加载索引和模型 / loading the index and model",
                         limits=self.limits)
