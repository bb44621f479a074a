"""Per-request resource bounds, as ASGI middlewares: body size and read time, concurrent questions,
requests per client, the longest question. Each answers with the service's JSON error model, never holds a slot forever.

(The cap on open connections and the keep-alive timeout are uvicorn's, set in api/serving.py.)
"""
from __future__ import annotations

import asyncio
import ipaddress
import math
import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from carbonqa.api.errors import HTTP_MESSAGES, error_response
from carbonqa.api.metrics import QUEUED
from carbonqa.api.schemas import MAX_QUESTION_CHARS

BODY_TIMEOUT = "请求体未在规定时间内收到 / request body not received in time"
BUSY = "服务繁忙，请稍后重试 / the service is busy, please retry shortly"
RATE_LIMITED = "请求过于频繁，请稍后重试 / too many requests, please slow down and retry later"


class BodyLimit:
    """Answers a JSON 413 for a request body over `max_bytes`, declared or streamed, and a 408 for a body
    not received within `read_timeout_s` (e.g. shorter than its Content-Length), before the app reads it.

    The body is read here (it is small by then) and replayed to the app. After a 408 the connection is
    closed (the rest of the body would be read as the next request).
    """

    def __init__(self, app: ASGIApp, max_bytes: int, read_timeout_s: float, larger: dict[str, int] | None = None):
        self.app = app
        self.max_bytes = max_bytes
        self.read_timeout_s = read_timeout_s
        self.larger = larger or {}  # path -> its own limit (file uploads)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        max_bytes = self.larger.get(scope["path"], self.max_bytes)
        if declared.isdigit() and int(declared) > max_bytes:
            await error_response(413, HTTP_MESSAGES[413])(scope, receive, send)
            return
        try:
            # A deadline, not asyncio.wait_for: that would wrap each receive() in a task of its own.
            async with asyncio.timeout(self.read_timeout_s):
                body = await read_body(receive, max_bytes)
        except TimeoutError:
            await error_response(408, BODY_TIMEOUT, headers={"Connection": "close"})(scope, receive, send)
            return
        if body is None:
            return
        if len(body) > max_bytes:
            await error_response(413, HTTP_MESSAGES[413])(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # e.g. a streaming response waiting for the disconnect
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def read_body(receive: Receive, max_bytes: int) -> bytes | None:
    """The request body, read until it ends or is over max_bytes; None if the client disconnected."""
    body = b""
    more = True
    while more and len(body) <= max_bytes:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        body += message.get("body", b"")
        more = message.get("more_body", False)
    return body


class ConcurrencyLimit:
    """At most `limit` question requests (POST) run at once; others wait up to `wait_s` for a slot, then
    get a JSON 503 with Retry-After (those waiting are the gauge carbonqa_questions_queued). Health checks and
    reads never wait here, so /healthz answers under load."""

    def __init__(self, app: ASGIApp, limit: int, wait_s: float):
        self.app = app
        self.wait_s = wait_s
        self.slots = asyncio.Semaphore(limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        QUEUED.inc()
        try:
            async with asyncio.timeout(self.wait_s):
                await self.slots.acquire()
        except TimeoutError:
            await error_response(503, BUSY, code="busy", headers={"Retry-After": "1"})(scope, receive, send)
            return
        finally:
            QUEUED.dec()
        try:
            await self.app(scope, receive, send)
        finally:
            self.slots.release()


# Never rate limited: liveness/readiness probes and the chat UI's own files.
UNLIMITED_PATHS = ("/healthz", "/readyz", "/static/", "/docs-assets/")


def is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class RateLimit:
    """Per-client request rate (`limits` library, moving window, in memory): over it, a JSON 429 with
    Retry-After. Clients are told apart by address; loopback clients are exempt unless `limit_loopback`."""

    def __init__(self, app: ASGIApp, rate: str, limit_loopback: bool):
        self.app = app
        self.rate = parse(rate)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.limit_loopback = limit_loopback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == "/" or scope["path"].startswith(UNLIMITED_PATHS):
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        if (self.limit_loopback or not is_loopback(client)) and not self.limiter.hit(self.rate, client):
            reset = self.limiter.get_window_stats(self.rate, client).reset_time
            retry_after = str(max(1, math.ceil(reset - time.time())))
            await error_response(429, RATE_LIMITED, headers={"Retry-After": retry_after})(scope, receive, send)
            return
        await self.app(scope, receive, send)


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
