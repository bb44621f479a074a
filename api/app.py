"""The HTTP service: JSON API, server-sent answer stream, offline API docs and the chat UI.

The pipeline loads in a background thread at startup (building the index on first start), so
/healthz answers at once and /readyz turns 200 only when the index and the warmed model are ready.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import swagger_ui_bundle
from fastapi import Depends, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from carbonqa.answer.models import Answer, AnswerRequest
from carbonqa.answer.suggestions import Suggestion, starter_questions
from carbonqa.api.corpus_view import CorpusView
from carbonqa.api.errors import ApiError, LastResort, bilingual, install_error_handlers, public_message
from carbonqa.api.feedback import FeedbackIn, FeedbackRecord, FeedbackStore, Rating
from carbonqa.api.indicator_view import IndicatorView, to_csv
from carbonqa.api.limits import BodyLimit, ConcurrencyLimit, RateLimit
from carbonqa.api.openapi import (COMMON_ERRORS, LIST_ERRORS, LOOKUP_ERRORS, QUESTION_ERRORS, errors, publish_limits,
                         region_names)
from carbonqa.api.runtime import Runtime, load_runtime, plan_library, reloaded, with_plans
from carbonqa.api.schemas import (MAX_QUESTION_CHARS, AskRequest, ChunkContext, IndicatorName, LibraryChange, Limits,
                         PlanOutline, PlanSummary, QuestionRequest, Readiness, SearchRequest)
from carbonqa.api.security import require_admin_key, require_api_key
from carbonqa.api.settings import Settings, get_settings
from carbonqa.index.embedder import EmbeddingModelError
from carbonqa.index.store import IndexCorruptError, manifest_stamp
from carbonqa.indicators.models import Indicator
from carbonqa.ingest.errors import IngestError
from carbonqa.ingest.library import Upload
from carbonqa.ingest.models import Chunk, ParsedPlan
from carbonqa.retriever.models import SearchResult

log = logging.getLogger("carbonqa.api")

STATIC_DIR = Path(__file__).resolve().parent / "static"
# A first question pays for lazy initialisation (tokeniser, jieba dictionary, model graph).
WARMUP_QUESTION = "碳达峰的主要目标是什么？"
# How often (at most) a request looks whether another process (carbonqa add/remove) saved a new index.
LIBRARY_CHECK_S = 1.0
# Load failures whose (bilingual) message may be shown to clients, paths removed; others show a generic line.
EXPLAINED_LOAD_ERRORS = (IndexCorruptError, EmbeddingModelError, IngestError)
# The chat UI loads nothing from elsewhere and runs no inline script.
UI_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


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
                             max_history_turns=settings.max_history_turns)
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
            staged = self.library.stage(uploads, current.plans, replace)
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


async def ready(request: Request) -> Ready:
    """The library being served, or a 503 while it loads (or after it failed to load)."""
    service: Service = request.app.state.service
    service.check_library()
    live = service.live
    if live is None:
        if service.error:
            raise ApiError(503, service.failure("服务加载失败", "the service failed to load"), code="load_failed")
        raise ApiError(503, "服务正在加载索引和模型，请稍后重试 / the service is loading the index and model, "
                            "please retry shortly", headers={"Retry-After": "5"}, code="loading")
    return live


def plan_filter(body: QuestionRequest, runtime: Runtime) -> dict:
    """The requested regions and documents, resolved (an unknown one is a 422), as keyword arguments of
    Retriever.search / AnswerRequest.

    Resolved before answering so that a streamed answer fails with a 4xx, not inside the stream.
    """
    retriever = runtime.retriever
    regions = retriever.regions.resolve_filter(body.regions).regions if body.regions else None
    if body.documents:
        retriever.plans.resolve_filter(body.documents)
    return {"regions": regions, "documents": body.documents or None}


def answer_request(body: AskRequest, settings: Settings, runtime: Runtime) -> AnswerRequest:
    """The Answerer's request for a valid body."""
    turns = settings.max_history_turns
    if len(body.history) > turns:
        raise ApiError(422, f"历史对话过长：最多 {turns} 轮 / history too long: at most {turns} turns",
                       field="history")
    # The answerer resolves follow-ups ("那佛山呢？") against the earlier questions (answer/followup.py).
    return AnswerRequest(question=body.question, **plan_filter(body, runtime), top_k=body.top_k,
                         history=[turn.question for turn in body.history])


class RequestLimits:
    """Makes this app's own question limit the one its request bodies are validated against."""

    def __init__(self, app: ASGIApp, max_question_chars: int):
        self.app = app
        self.max_question_chars = max_question_chars

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = MAX_QUESTION_CHARS.set(self.max_question_chars)
        try:
            await self.app(scope, receive, send)
        finally:
            MAX_QUESTION_CHARS.reset(token)


def checked_count(files: list[UploadFile], most: int) -> list[UploadFile]:
    if len(files) > most:
        raise ApiError(413, f"一次最多上传 {most} 个文件 / at most {most} files per upload", field="files")
    return files


def read_limited(file: UploadFile, max_bytes: int) -> bytes:
    """The uploaded file's bytes, or a 413 naming the file if it is over the limit."""
    data = file.file.read(max_bytes + 1)
    if len(data) > max_bytes:
        limit = f"{max_bytes / 1_000_000:g} MB"
        raise ApiError(413, f"文件过大，上限 {limit} / file too large (limit {limit}): {file.filename}", field="files")
    return data


def sse(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def stream_answer(runtime: Runtime, request: AnswerRequest) -> Iterator[str]:
    """The answerer's events as server-sent events; `done` carries the same Answer as /ask."""
    try:
        for event in runtime.answerer.stream(request):
            yield sse(event["event"], event["data"])
    except Exception:  # the response has started: report in-band instead of cutting the stream
        log.exception("stream failed for %r", request.question)
        yield sse("error", {"detail": "生成回答时出错，请重试 / failed to produce the answer, please retry"})


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """The service; with `runtime` it is ready at once (tests), otherwise it loads at startup."""
    settings = settings or get_settings()
    service = Service(settings)
    feedback = FeedbackStore(settings.feedback_path, settings.feedback_max_rows)
    if runtime is not None:
        service.attach(runtime)

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        if service.runtime is None:
            threading.Thread(target=service.load, name="carbonqa-load", daemon=True).start()
        yield

    app = FastAPI(
        title="carbonqa",
        summary="碳达峰实施方案问答 / cited answers from Guangdong carbon-peak plans",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served below from local files, not a CDN
        redoc_url=None,
    )
    app.state.service = service
    app.state.settings = settings  # read by the request dependencies (api/security.py)
    install_error_handlers(app)
    # The last added runs first: rate limit, then the whole body is read, and only then does a question
    # take one of the slots (so clients sending slow bodies cannot hold the slots).
    app.add_middleware(RequestLimits, max_question_chars=settings.max_question_chars)
    app.add_middleware(ConcurrencyLimit, limit=settings.max_concurrent_questions, wait_s=settings.queue_timeout_s)
    # Uploads may be larger than questions; each file's own limit is checked in the endpoint.
    upload_bytes = settings.max_upload_bytes * settings.max_upload_files + settings.max_body_bytes
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, read_timeout_s=settings.body_timeout_s,
                       larger={"/documents": upload_bytes})
    app.add_middleware(RateLimit, rate=settings.rate_limit, limit_loopback=settings.rate_limit_loopback)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Content-Type", "X-API-Key", "Authorization"])
    app.add_middleware(LastResort)  # added last = outermost: also catches the middlewares' own errors
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")

    # The question and corpus endpoints need an API key once CARBONQA_API_KEYS is set; the health
    # checks, docs and the chat UI's static files never do. Attached only when keys are set, so the
    # OpenAPI spec declares a key exactly when one is required.
    keyed = [Depends(require_api_key)] if settings.api_keys else []
    key_errors = errors(401) if settings.api_keys else {}
    generated_openapi = app.openapi

    described: object = object()  # the runtime (None while loading) the cached spec describes

    def openapi() -> dict:
        """FastAPI's spec plus the limits; once loaded, the region names and plan ids of the library being
        served (made again after a library update, so an added plan is in it)."""
        nonlocal described
        runtime = service.runtime
        if described is not runtime:
            app.openapi_schema = None  # FastAPI's generator caches its spec here
            publish_limits(generated_openapi(), settings,  # edits app.openapi_schema in place
                           region_names(runtime.retriever.regions) if runtime else None,
                           list(runtime.retriever.plans.by_id) if runtime else None)
            described = runtime
        return app.openapi_schema

    app.openapi = openapi

    @app.get("/", include_in_schema=False)
    def chat_ui() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers={"Content-Security-Policy": UI_CSP})

    @app.get("/library", include_in_schema=False)
    def library_ui() -> FileResponse:
        return FileResponse(STATIC_DIR / "library.html", headers={"Content-Security-Policy": UI_CSP})

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="carbonqa API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )

    @app.get("/healthz", tags=["service"], responses=COMMON_ERRORS)
    def healthz() -> dict[str, str]:
        """Liveness: the process answers HTTP."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["service"], response_model=Readiness, responses={
        **COMMON_ERRORS, 503: {"description": "not ready (Readiness), or the open-connection cap is reached (ErrorBody)",
                               "content": {"application/json": {"schema": {"anyOf": [
                                   {"$ref": "#/components/schemas/Readiness"},
                                   {"$ref": "#/components/schemas/ErrorBody"}]}}}}})
    def readyz() -> JSONResponse:
        """Readiness: 200 once the plans, index and warmed model are loaded, 503 before; with the request limits."""
        state = service.readiness()
        return JSONResponse(state.model_dump(), status_code=200 if state.status == "ready" else 503)

    @app.post("/ask", tags=["qa"], dependencies=keyed, response_model=Answer,
              responses={**QUESTION_ERRORS, **key_errors})
    def ask(body: AskRequest, live: Ready = Depends(ready)) -> Response:
        """A short answer citing the clauses it quotes, or a refusal with the closest related clauses."""
        answer = live.runtime.answerer.ask(answer_request(body, settings, live.runtime))
        # Serialised here: an Answer returned from this (sync) endpoint would be validated again in a
        # second worker-thread hop (~5% of the service's throughput at concurrency 16).
        return Response(answer.model_dump_json(), media_type="application/json")

    @app.post("/ask/stream", tags=["qa"], dependencies=keyed, response_class=StreamingResponse,
              responses={200: {"content": {"text/event-stream": {}}}, **QUESTION_ERRORS, **key_errors})
    def ask_stream(body: AskRequest, live: Ready = Depends(ready)) -> StreamingResponse:
        """/ask as server-sent events: `delta` (answer text), `citations`, then `done` (the full Answer)."""
        request = answer_request(body, settings, live.runtime)
        return StreamingResponse(stream_answer(live.runtime, request), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @app.post("/search", tags=["qa"], dependencies=keyed, response_model=SearchResult,
              responses={**QUESTION_ERRORS, **key_errors})
    def search(body: SearchRequest, live: Ready = Depends(ready)) -> SearchResult:
        """Ranked chunks with their fused, BM25 and dense scores."""
        return live.runtime.retriever.search(body.question, **plan_filter(body, live.runtime),
                                             top_k=body.top_k or settings.top_k, mode=body.mode)

    @app.get("/documents", tags=["corpus"], dependencies=keyed, response_model=list[PlanSummary],
             responses={**LIST_ERRORS, **key_errors})
    def documents(live: Ready = Depends(ready)) -> list[PlanSummary]:
        """The plans with their metadata and clause counts."""
        return live.view.documents()

    @app.post("/documents", tags=["library"], response_model=LibraryChange, dependencies=[Depends(require_admin_key)],
              responses={**COMMON_ERRORS, **errors(400, 401, 403, 409, 422, 429)})
    def add_documents(files: list[UploadFile] = File(..., description="plan files: .txt .md .docx .pdf .html"),
                      replace: bool = Form(False, description="replace an added plan with the same doc id"),
                      live: Ready = Depends(ready)) -> LibraryChange:
        """Add plans (admin key in X-API-Key). Every file is checked first: one bad file adds nothing.
        Only the new plans' chunks are embedded; questions asked meanwhile are answered from the old library."""
        uploads = [Upload(file.filename or "", read_limited(file, settings.max_upload_bytes))
                   for file in checked_count(files, settings.max_upload_files)]
        try:
            added, runtime = service.add_plans(uploads, replace)
        except IngestError as error:
            raise ApiError(422, str(error), field="files") from error
        view = service.live.view
        return LibraryChange(added=[view.summaries[p.meta.doc_id] for p in added], plans=len(runtime.plans),
                             chunks=len(runtime.index.chunks), index=runtime.index_status)

    @app.delete("/documents/{doc_id}", tags=["library"], response_model=LibraryChange,
                dependencies=[Depends(require_admin_key)], responses={**LOOKUP_ERRORS, **errors(401, 403, 409)})
    def remove_document(doc_id: str, live: Ready = Depends(ready)) -> LibraryChange:
        """Remove an added plan (admin key in X-API-Key); its file is kept in the library's .removed/ folder."""
        if doc_id not in live.view.summaries:
            raise ApiError(404, f"未找到文件 {doc_id} / no plan with id {doc_id!r}", field="doc_id")
        try:
            kept, runtime = service.remove_plan(doc_id)
        except IngestError as error:
            raise ApiError(409, str(error), field="doc_id") from error
        except KeyError as error:  # removed by another request meanwhile
            raise ApiError(404, f"未找到文件 {doc_id} / no plan with id {doc_id!r}", field="doc_id") from error
        return LibraryChange(removed=[doc_id], plans=len(runtime.plans), chunks=len(runtime.index.chunks),
                             index=runtime.index_status,
                             kept_file=str(kept.relative_to(settings.library_path)))

    @app.get("/documents/{doc_id}", tags=["corpus"], dependencies=keyed, response_model=PlanOutline,
             responses={**LOOKUP_ERRORS, **key_errors})
    def document_outline(doc_id: str, live: Ready = Depends(ready)) -> PlanOutline:
        """The plan's outline: its tree of headings, each with its chunk id."""
        outline = live.view.outline(doc_id)
        if outline is None:
            raise ApiError(404, f"未找到文件 {doc_id} / no plan with id {doc_id!r}", field="doc_id")
        return outline

    @app.get("/suggestions", tags=["corpus"], dependencies=keyed, response_model=list[Suggestion],
             responses={**LIST_ERRORS, **key_errors})
    def suggestions(live: Ready = Depends(ready)) -> list[Suggestion]:
        """Starter questions built from the plans' clause trees: per plan a target, a measure and a
        structure question, then one comparison."""
        return live.starters

    @app.post("/feedback", tags=["feedback"], dependencies=keyed, response_model=FeedbackRecord, status_code=201,
              responses={**QUESTION_ERRORS, **key_errors})
    def post_feedback(body: FeedbackIn) -> FeedbackRecord:
        """👍/👎 on an answer, with an optional note; stored with the time only (nothing personal)."""
        try:
            return feedback.add(body)
        except (OSError, sqlite3.Error) as error:
            log.exception("storing feedback failed")
            raise ApiError(503, f"反馈暂时无法保存，请稍后重试 / feedback could not be stored, please retry ({error})")

    @app.get("/feedback", tags=["feedback"], response_model=list[FeedbackRecord], dependencies=[Depends(require_admin_key)],
             responses={**COMMON_ERRORS, **errors(401, 403, 422, 429)})
    def list_feedback(rating: Rating | None = None,
                      limit: int = Query(default=100, ge=1, le=1000)) -> list[FeedbackRecord]:
        """Stored feedback, newest first (admin: X-API-Key = CARBONQA_ADMIN_KEY)."""
        try:
            return feedback.list(rating, limit)
        except (OSError, sqlite3.Error) as error:
            log.exception("reading feedback failed")
            raise ApiError(503, f"反馈暂时无法读取，请稍后重试 / feedback could not be read, please retry ({error})")

    @app.get("/documents/{doc_id}/chunks", tags=["corpus"], dependencies=keyed, response_model=list[Chunk],
             responses={**LOOKUP_ERRORS, **key_errors})
    def document_text(doc_id: str, live: Ready = Depends(ready)) -> list[Chunk]:
        """The plan's full text as its chunks in document order (the reader of the 文库 page)."""
        chunks = live.view.chunks_of(doc_id)
        if chunks is None:
            raise ApiError(404, f"未找到文件 {doc_id} / no plan with id {doc_id!r}", field="doc_id")
        return chunks

    @app.get("/chunks/{chunk_id:path}", tags=["corpus"], dependencies=keyed, response_model=ChunkContext,
             responses={**LOOKUP_ERRORS, **key_errors})
    def chunk(chunk_id: str, live: Ready = Depends(ready)) -> ChunkContext:
        """One chunk with its parent, previous/next siblings, children and heading path."""
        context = live.view.context(chunk_id)
        if context is None:
            raise ApiError(404, f"未找到条款 {chunk_id} / no chunk with id {chunk_id!r}", field="chunk_id")
        return context

    @app.get("/indicators", tags=["indicators"], dependencies=keyed, response_model=list[Indicator],
             responses={200: {"content": {"text/csv": {}}}, **errors(422, 429), **COMMON_ERRORS, **key_errors})
    async def indicators(
        request: Request,
        indicator: str | None = Query(None, description="normalised name (or any wording of it, e.g. 单位GDP能耗)"),
        region: str | None = Query(None, description="e.g. 珠海 / 珠海市 / 广东省"),
        year: int | None = Query(None, ge=1900, le=2100, description="target year, e.g. 2025"),
        format: Literal["json", "csv"] | None = Query(None, description="csv, or send Accept: text/csv"),
    ) -> Response:
        """Every quantitative target matching the filters, each with its citation (clause id, plan, path,
        sentence); JSON by default, CSV with `?format=csv` or `Accept: text/csv`. A browser navigating
        here (Accept: text/html) gets the 指标对照 page, which loads the same rows as JSON."""
        if format is None and "text/html" in request.headers.get("accept", ""):
            return FileResponse(STATIC_DIR / "indicators.html", headers={"Content-Security-Policy": UI_CSP})
        live = await ready(request)
        region_name = None
        if region:
            region_name = live.indicators.region(region)
            if region_name is None:
                raise ApiError(422, f"没有{region}的方案；可选：{'、'.join(live.indicators.regions)} / "
                                    f"no plan for region {region!r}", field="region")
        rows = live.indicators.rows(indicator, region_name, year)
        wants_csv = format == "csv" or (format is None and "text/csv" in request.headers.get("accept", ""))
        if wants_csv:
            return Response(to_csv(rows), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": 'attachment; filename="indicators.csv"'})
        return JSONResponse([row.model_dump(mode="json") for row in rows])

    @app.get("/indicators/names", tags=["indicators"], dependencies=keyed, response_model=list[IndicatorName],
             responses={**LIST_ERRORS, **key_errors})
    def indicator_names(live: Ready = Depends(ready)) -> list[IndicatorName]:
        """Each normalised indicator name with the plans and years that set it, most plans first."""
        return live.indicators.names()

    return app
