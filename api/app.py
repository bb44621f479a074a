"""The HTTP service: JSON API, server-sent answer stream, offline API docs and the chat UI.

The live library (service/live.py) loads in a background thread at startup (building the index on first
start), so /healthz answers at once and /readyz turns 200 only when the index and the warmed model are ready.
"""
from __future__ import annotations

import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from carbonqa import __version__
from carbonqa.api import dify, mcp_server, metrics, openai_compat
from carbonqa.api.errors import LastResort, install_error_handlers
from carbonqa.api.feedback import FeedbackStore
from carbonqa.api.limits import BodyLimit, ConcurrencyLimit, RateLimit, RequestLimits
from carbonqa.api.openapi import publish_current_spec
from carbonqa.api.request_logging import RequestLog
from carbonqa.api.routes import chunks, feedback, health, indicators, library, pages, questions
from carbonqa.api.security import api_key_guard
from carbonqa.service.live import Service
from carbonqa.service.runtime import Runtime
from carbonqa.service.settings import Settings, get_settings


@asynccontextmanager
async def load_in_background(app: FastAPI):
    service: Service = app.state.service
    if service.runtime is None:
        threading.Thread(target=service.load, name="carbonqa-load", daemon=True).start()
    async with app.state.mcp_sessions.run():  # /mcp's sessions live as long as the app
        yield


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """The service; with `runtime` it is ready at once (tests), otherwise it loads at startup."""
    settings = settings or get_settings()
    service = Service(settings)
    if runtime is not None:
        service.attach(runtime)
    app = FastAPI(
        title="carbonqa",
        summary="碳达峰实施方案问答 / cited answers from Guangdong carbon-peak plans",
        version=__version__,
        lifespan=load_in_background,
        docs_url=None,  # served by api/routes/pages.py from local files, not a CDN
        redoc_url=None,
    )
    app.state.service = service
    app.state.settings = settings  # read by the request dependencies (api/dependencies.py)
    app.state.feedback = FeedbackStore(settings.feedback_path, settings.feedback_max_rows)
    app.state.mcp_sessions = mcp_server.http_sessions(service, settings)
    install_error_handlers(app)
    add_limits(app, settings)
    pages.mount_assets(app)
    include_routes(app, settings)
    publish_current_spec(app, service, settings)
    return app


def add_limits(app: FastAPI, settings: Settings) -> None:
    """The request limits, CORS and the last-resort error handler, as middlewares."""
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
    app.add_middleware(LastResort)  # also catches the middlewares' own errors
    app.add_middleware(metrics.RequestMetrics)  # also counts what the limits refuse
    app.add_middleware(RequestLog, log_questions=settings.log_questions)  # added last = outermost


def include_routes(app: FastAPI, settings: Settings) -> None:
    """Every area's routes, in the order the spec lists them.

    The question and corpus endpoints need an API key once CARBONQA_API_KEYS is set; the health checks,
    docs and the chat UI's pages never do, the admin routers always need the admin key. The key
    dependency is attached only when keys are set, so the OpenAPI spec declares a key exactly when one
    is required.
    """
    guard, key_errors = api_key_guard(settings)
    keyed = {"dependencies": guard, "responses": key_errors}
    app.include_router(pages.router)
    app.include_router(health.router)
    app.include_router(questions.router, **keyed)
    app.include_router(library.router, **keyed)
    app.include_router(library.admin_router)
    app.include_router(feedback.router, **keyed)
    app.include_router(feedback.admin_router)
    app.include_router(chunks.router, **keyed)
    app.include_router(indicators.router, **keyed)
    app.include_router(openai_compat.router(settings))
    app.include_router(metrics.router(settings, app.state.service))
    app.include_router(dify.router(settings))
    app.include_router(mcp_server.router(settings, app.state.mcp_sessions))
