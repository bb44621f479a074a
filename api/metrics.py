"""Prometheus metrics at `GET /metrics`: requests by route and status, latencies, answer outcomes,
questions in flight and queued, requests rejected by a limit, library changes (however made), feedback
by rating, and the library served.

The counters are process-wide (one registry, as Prometheus clients keep them); the library being
served is read from the app at each scrape. Open by default; with CARBONQA_METRICS_KEY set, a scrape
must send that key (`Authorization: Bearer KEY`, as Prometheus' `authorization` setting sends it).
"""
from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Depends, Request, Security
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from carbonqa.answer import pipeline
from carbonqa.answer.models import Answer
from carbonqa.api.feedback import Rating
from carbonqa.api.openapi import COMMON_ERRORS, errors
from carbonqa.api.security import matches, presented_key, unauthorized
from carbonqa.service.live import LIBRARY_LISTENERS, LibraryChange
from carbonqa.service.settings import Settings
from carbonqa.index.store import corpus_hash

REGISTRY = CollectorRegistry()
# Seconds: questions take milliseconds to a few seconds (an LLM reply), uploads longer.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
# The statuses the request limits answer with (api/limits.py, api/app.py's loading 503).
LIMIT_STATUSES = {408, 413, 429, 503}
# Routes that run a question (their POSTs take a question slot).
QUESTION_ROUTES = {"/ask", "/ask/stream", "/search", "/v1/chat/completions", "/retrieval"}
UNROUTED = "unrouted"  # one label for every unknown path, so that scanners cannot grow the label set

REQUESTS = Counter("carbonqa_http_requests", "HTTP requests by method, route and status",
                   ["method", "route", "status"], registry=REGISTRY)
REQUEST_SECONDS = Histogram("carbonqa_http_request_duration_seconds", "whole request, until the response is sent",
                            ["route"], buckets=LATENCY_BUCKETS, registry=REGISTRY)
RETRIEVAL_SECONDS = Histogram("carbonqa_retrieval_duration_seconds", "retrieval of one answered question",
                              buckets=LATENCY_BUCKETS, registry=REGISTRY)
ANSWER_SECONDS = Histogram("carbonqa_answer_duration_seconds", "one answer, retrieval and composition (and LLM)",
                           buckets=LATENCY_BUCKETS, registry=REGISTRY)
OUTCOMES = Counter("carbonqa_answers", "answers by outcome", ["outcome"], registry=REGISTRY)
IN_FLIGHT = Gauge("carbonqa_questions_in_flight", "question requests running or waiting for a slot",
                  registry=REGISTRY)
QUEUED = Gauge("carbonqa_questions_queued", "requests waiting for a question slot (every POST takes one: "
                                            "questions, feedback, uploads)", registry=REGISTRY)
REJECTED = Counter("carbonqa_rejected_requests", "requests refused by a limit (408 body timeout, 413 too large, "
                                                 "429 rate, 503 busy, loading or connection cap)", ["status"], registry=REGISTRY)
LIBRARY_CHANGES = Counter("carbonqa_library_changes", "library updates the service switched to, by change: add "
                                                     "(upload), remove, external (carbonqa add/remove in another "
                                                     "process)", ["change"], registry=REGISTRY)
FEEDBACK = Counter("carbonqa_feedback", "feedback stored, by rating", ["rating"], registry=REGISTRY)
# Every label value exported from the start (at 0), so rates and alerts work before the first event.
for counter, values in ((REJECTED, map(str, LIMIT_STATUSES)), (LIBRARY_CHANGES, (c.value for c in LibraryChange)),
                        (FEEDBACK, (r.value for r in Rating))):
    for label in values:
        counter.labels(label)


def observe_answer(answer: Answer) -> None:
    OUTCOMES.labels(answer.outcome.value).inc()
    if "retrieve" in answer.timings_ms:
        RETRIEVAL_SECONDS.observe(answer.timings_ms["retrieve"] / 1000)
    ANSWER_SECONDS.observe(answer.timings_ms.get("total", 0.0) / 1000)


def count_library_change(change: LibraryChange) -> None:
    LIBRARY_CHANGES.labels(change.value).inc()


pipeline.ANSWER_LISTENERS.append(observe_answer)
LIBRARY_LISTENERS.append(count_library_change)


def route_of(scope: Scope) -> str:
    """The route template that served this request (e.g. /documents/{doc_id}), as the router noted it in
    the scope; UNROUTED for a path no route serves or a request a limit refused before routing."""
    return getattr(scope.get("route"), "path", UNROUTED)


class RequestMetrics:
    """Counts and times every HTTP request; outermost, so it also sees what the limits refuse."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        question = method == "POST" and scope["path"] in QUESTION_ROUTES
        status = 500  # unless a response starts
        started = time.perf_counter()

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        if question:
            IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, observed_send)
        finally:
            if question:
                IN_FLIGHT.dec()
            route = route_of(scope)
            REQUESTS.labels(method, route, str(status)).inc()
            REQUEST_SECONDS.labels(route).observe(time.perf_counter() - started)
            if status in LIMIT_STATUSES:
                REJECTED.labels(str(status)).inc()


class LibraryCollector(Collector):
    """The library being served, read at scrape time: plans, chunks, model and index fingerprints."""

    def __init__(self, service: Any):
        self.service = service
        self.hashes: dict[int, str] = {}  # id(chunk list) -> its corpus hash (computed once per library)

    def collect(self):
        live = self.service.live
        ready = GaugeMetricFamily("carbonqa_ready", "1 once the library and model are loaded")
        ready.add_metric([], 1 if live else 0)
        yield ready
        if live is None:
            return
        runtime = live.runtime
        plans = GaugeMetricFamily("carbonqa_index_plans", "plans in the library served")
        plans.add_metric([], len(runtime.plans))
        chunks = GaugeMetricFamily("carbonqa_index_chunks", "chunks in the index served")
        chunks.add_metric([], len(runtime.index.chunks))
        key = id(runtime.index.chunks)
        if key not in self.hashes:
            self.hashes = {key: corpus_hash(runtime.index.chunks)}
        info = InfoMetricFamily("carbonqa_index", "the model and index served")
        info.add_metric([], {"model": runtime.settings.embedding_model,
                             "model_fingerprint": runtime.embedder.model_fingerprint,
                             "corpus_hash": self.hashes[key], "store": runtime.settings.store.value})
        yield from (plans, chunks, info)


def require_metrics_key(request: Request, key: str | None = Security(presented_key)) -> None:
    expected = request.app.state.settings.metrics_key
    if expected is not None and not matches(key, [expected.get_secret_value()]):
        raise unauthorized("缺少或无效的指标密钥：请在 Authorization: Bearer 中提供 CARBONQA_METRICS_KEY / "
                           "missing or wrong metrics key: send CARBONQA_METRICS_KEY as Authorization: Bearer")


def router(settings: Settings, service: Any) -> APIRouter:
    """GET /metrics in Prometheus' text format; behind CARBONQA_METRICS_KEY when it is set."""
    library = CollectorRegistry()
    library.register(LibraryCollector(service))
    guard = [Depends(require_metrics_key)] if settings.metrics_key else []
    key_errors = errors(401) if settings.metrics_key else {}
    api = APIRouter(tags=["service"])

    @api.get("/metrics", dependencies=guard, response_class=Response,
             responses={200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {}}}, **COMMON_ERRORS, **errors(429),
                        **key_errors})
    def metrics() -> Response:
        """Prometheus metrics (text format 0.0.4)."""
        return Response(generate_latest(REGISTRY) + generate_latest(library), media_type=CONTENT_TYPE_LATEST)

    return api

