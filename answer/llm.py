"""A minimal client for an OpenAI-compatible /v1/chat/completions endpoint, streaming the reply.

Any failure (timeout, connection, HTTP error, malformed reply) raises LLMError, so the caller can fall
back to the extractive answer. The API key is never part of a message, a repr or a log line.

The timeout covers the whole reply: the HTTP exchange runs in a worker thread and the caller stops
waiting at the deadline, so a server that trickles bytes (each read arriving in time) cannot hold a
request open longer than `timeout_s`.
"""
from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator

import httpx


class LLMError(RuntimeError):
    """The LLM server could not give a usable reply."""


_DONE = object()  # end of the reply, in the worker's queue


class LLMClient:
    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout_s: float = 20.0,
                 max_tokens: int = 800):
        base = base_url.rstrip("/")
        self.url = base + ("/chat/completions" if base.endswith("/v1") else "/v1/chat/completions")
        self.model = model
        self.timeout_s = timeout_s
        self.max_tokens = max_tokens
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}

    def __repr__(self) -> str:
        return f"LLMClient(url={self.url!r}, model={self.model!r})"

    def _body(self, messages: list[dict[str, str]]) -> dict:
        return {"model": self.model, "messages": messages, "temperature": 0, "max_tokens": self.max_tokens,
                "stream": True}

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        """Yield the reply's text pieces as the server sends them (server-sent events), until the
        reply ends or the deadline passes (LLMError)."""
        deadline = time.monotonic() + self.timeout_s
        received: queue.Queue = queue.Queue()
        stop = threading.Event()
        threading.Thread(target=self._receive, args=(messages, received, stop), daemon=True).start()
        try:
            while True:
                remaining = deadline - time.monotonic()
                try:
                    if remaining <= 0:
                        raise queue.Empty
                    item = received.get(timeout=remaining)
                except queue.Empty:
                    raise LLMError(f"LLM timed out after {self.timeout_s:g}s") from None
                if item is _DONE:
                    return
                if isinstance(item, LLMError):
                    raise item
                yield item
        finally:
            stop.set()  # the worker drops the connection at its next read

    def _receive(self, messages: list[dict[str, str]], out: queue.Queue, stop: threading.Event) -> None:
        """The HTTP exchange (worker thread): text pieces, then _DONE or an LLMError, into `out`."""
        try:
            with httpx.stream("POST", self.url, json=self._body(messages), headers=self._headers,
                              timeout=self.timeout_s) as response:
                if response.status_code >= 400:
                    raise LLMError(f"LLM server error: HTTP {response.status_code}")
                for line in response.iter_lines():
                    if stop.is_set():
                        return
                    if not line.startswith("data:"):
                        continue
                    data = line[len("data:"):].strip()
                    if data == "[DONE]":
                        break
                    piece = _delta_text(data)
                    if piece:
                        out.put(piece)
            out.put(_DONE)
        except LLMError as error:
            out.put(error)
        except httpx.TimeoutException:
            out.put(LLMError(f"LLM timed out after {self.timeout_s:g}s"))
        except httpx.HTTPError as error:
            out.put(LLMError(f"LLM unreachable: {type(error).__name__}"))


def _delta_text(data: str) -> str:
    try:
        choice = json.loads(data)["choices"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        raise LLMError("LLM stream malformed") from None
    return (choice.get("delta") or {}).get("content") or ""
