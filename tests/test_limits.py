"""Resource bounds: body read time, concurrent questions, per-client rate, connection cap, log repeats."""
from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import free_port
from fastapi.testclient import TestClient

from carbonqa.api.app import create_app
from carbonqa.api.limits import BodyLimit, ConcurrencyLimit
from carbonqa.api.metrics import REGISTRY
from carbonqa.api.serving import RepeatLimit, connections_full, limit_log_repeats
from carbonqa.service.settings import Settings

REPO = Path(__file__).resolve().parents[1]


async def call(app, method="POST", messages=()):
    """Run an ASGI app on one request; returns (status, body). `messages` are what receive() yields, then
    it blocks forever (a client that stopped sending)."""
    pending = list(messages)
    sent = []

    async def receive():
        if pending:
            return pending.pop(0)
        await asyncio.Event().wait()

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": "/ask", "headers": [(b"content-length", b"100")]}
    await app(scope, receive, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], json.loads(body) if body else None


async def ok_app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})


@pytest.mark.unit
def test_a_body_shorter_than_its_content_length_is_cut_off():
    app = BodyLimit(ok_app, max_bytes=1000, read_timeout_s=0.2)
    started = time.monotonic()
    status, body = asyncio.run(call(app, messages=[{"type": "http.request", "body": b"x" * 10, "more_body": True}]))
    assert status == 408 and body["code"] == "body_timeout" and "request body" in body["message"]["en"]
    assert time.monotonic() - started < 2


@pytest.mark.unit
def test_questions_beyond_the_concurrency_limit_wait_then_get_503():
    release = asyncio.Event()

    async def slow_questions(scope, receive, send):
        if scope["method"] == "POST":
            await release.wait()
        await ok_app(scope, receive, send)

    async def scenario():
        app = ConcurrencyLimit(slow_questions, limit=1, wait_s=0.1)
        first = asyncio.create_task(call(app))
        await asyncio.sleep(0.01)
        second = await call(app)  # the only slot is taken: waits 0.1 s, then 503
        read = await call(app, method="GET")  # reads never wait for a question slot
        release.set()
        return await first, second, read

    first, second, read = asyncio.run(asyncio.wait_for(scenario(), timeout=5))
    assert first[0] == 200 and read[0] == 200
    assert second[0] == 503 and second[1]["code"] == "busy"


def queued() -> float:
    return REGISTRY.get_sample_value("carbonqa_questions_queued")


@pytest.mark.unit
def test_requests_waiting_for_a_slot_are_the_queued_gauge():
    release = asyncio.Event()

    async def slow_questions(scope, receive, send):
        await release.wait()
        await ok_app(scope, receive, send)

    async def scenario():
        app = ConcurrencyLimit(slow_questions, limit=1, wait_s=5)
        before = queued()
        tasks = [asyncio.create_task(call(app)) for _ in range(3)]
        await asyncio.sleep(0.05)
        waiting = queued() - before  # one runs, two wait for its slot
        release.set()
        await asyncio.gather(*tasks)
        timed_out = ConcurrencyLimit(slow_questions, limit=0, wait_s=0.05)
        release.clear()
        await call(timed_out)  # a wait that ends in a 503 leaves the queue too
        return waiting, queued() - before

    assert asyncio.run(asyncio.wait_for(scenario(), timeout=5)) == (2, 0)


@pytest.mark.unit
def test_the_connection_cap_refusals_are_counted_as_rejected():
    before = REGISTRY.get_sample_value("carbonqa_rejected_requests_total", {"status": "503"})
    sent = []

    async def send(message):
        sent.append(message)

    asyncio.run(connections_full({"type": "http", "method": "GET", "path": "/ask", "headers": []}, None, send))
    assert sent[0]["status"] == 503
    assert REGISTRY.get_sample_value("carbonqa_rejected_requests_total", {"status": "503"}) == before + 1


@pytest.mark.unit
def test_rate_limit_answers_429_with_retry_after():
    settings = Settings(rate_limit="3/minute", rate_limit_loopback=True)
    client = TestClient(create_app(settings))
    statuses = [client.get("/documents").status_code for _ in range(4)]
    assert statuses == [503, 503, 503, 429]  # not loaded (503) until the 4th is refused
    response = client.get("/documents")
    assert response.json()["code"] == "rate_limited" and 1 <= int(response.headers["retry-after"]) <= 60
    assert client.get("/healthz").status_code == 200  # probes are never limited


@pytest.mark.unit
def test_loopback_clients_are_exempt_by_default():
    client = TestClient(create_app(Settings(rate_limit="1/minute")), client=("127.0.0.1", 5000))
    assert {client.get("/documents").status_code for _ in range(5)} == {503}


@pytest.mark.unit
def test_repeated_log_messages_are_bounded(caplog):
    logger = logging.getLogger("test.repeats")
    handler = logging.Handler()
    records = []
    handler.emit = records.append
    handler.addFilter(RepeatLimit(repeats=3, window_s=0.2))
    logger.addHandler(handler)
    try:
        for _ in range(100):
            logger.error("accept failed: %s", "Too many open files")
        logger.error("another message")
        time.sleep(0.25)
        logger.error("accept failed: %s", "Too many open files")
    finally:
        logger.removeHandler(handler)
    messages = [record.getMessage() for record in records]
    assert messages[:4] == ["accept failed: Too many open files"] * 3 + ["another message"]
    assert messages[4] == "accept failed: Too many open files [97 similar messages dropped in the last 0 s]"
    assert len(messages) == 5


@pytest.mark.unit
def test_the_repeat_limit_bounds_access_lines_per_route_and_status():
    """As `carbonqa serve` logs: a root handler with the repeat limit; a flood of one request is bounded,
    while other routes and statuses are still logged."""
    root = logging.getLogger()
    handler = logging.Handler()
    lines = []
    handler.emit = lines.append
    root.addHandler(handler)
    level = logging.getLogger("carbonqa.access").level
    logging.getLogger("carbonqa.access").setLevel(logging.INFO)
    try:
        limit_log_repeats(Settings(log_repeats=3, log_window_s=60))
        client = TestClient(create_app(Settings()))
        for path in ["/no/such/page"] * 10 + ["/healthz"] * 2 + ["/no/such/page"] + ["/readyz"]:
            client.get(path)
        client.put("/healthz")
    finally:
        root.removeHandler(handler)
        logging.getLogger("carbonqa.access").setLevel(level)
        for name in ("", "uvicorn", "uvicorn.error", "uvicorn.access"):
            for other in logging.getLogger(name).handlers:
                other.filters = [f for f in other.filters if not isinstance(f, RepeatLimit)]
    access = [(line.access["route"], line.access["status"]) for line in lines if line.name == "carbonqa.access"]
    assert access == [("unrouted", 404)] * 3 + [("/healthz", 200)] * 2 + [("/readyz", 503), ("/healthz", 405)]


def http_request(port: int, raw: bytes, timeout: float = 10) -> tuple[bytes, bool]:
    """Send raw bytes, read until the server closes or `timeout`: (response bytes, closed by server)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(raw)
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except TimeoutError:
            return data, False
        return data, True


def test_real_server_cuts_slow_bodies_caps_connections_and_hides_paths(tmp_path):
    port = free_port()
    env = {**os.environ, "CARBONQA_CORPUS_DIR": str(tmp_path / "no-corpus"), "CARBONQA_BODY_TIMEOUT_S": "1",
           "CARBONQA_MAX_CONNECTIONS": "16", "CARBONQA_KEEP_ALIVE_S": "30", "PYTHONUNBUFFERED": "1"}
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen([sys.executable, "-m", "carbonqa.cli", "serve", "--port", str(port)], cwd=REPO,
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                data, _ = http_request(port, b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if b'"failed"' in data:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
        # The failed load is explained without the server's paths, and no server software is named.
        assert str(tmp_path) not in data.decode() and "corpus folder not found" in data.decode()
        assert b"\r\nserver:" not in data.lower()

        # A body shorter than its Content-Length: 408 after the body timeout, then the connection is closed.
        started = time.monotonic()
        data, closed = http_request(port, b"POST /ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                          b"Content-Length: 100\r\n\r\n{\"question\"")
        assert data.startswith(b"HTTP/1.1 408") and b"body_timeout" in data and closed
        assert time.monotonic() - started < 5

        # Connections beyond the cap get a JSON 503 at once (the held ones are idle keep-alive connections).
        held = [socket.create_connection(("127.0.0.1", port)) for _ in range(16)]
        try:
            for sock in held:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                sock.recv(65536)
            data, closed = http_request(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert data.startswith(b"HTTP/1.1 503") and b"connections_full" in data and closed
        finally:
            for sock in held:
                sock.close()
        time.sleep(0.3)
        data, _ = http_request(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert data.startswith(b"HTTP/1.1 200")  # room again once they are closed
    finally:
        server.terminate()
        server.wait(timeout=30)
