"""A minimal client for an OpenAI-compatible /v1/chat/completions endpoint, streaming the reply.

Any failure (timeout, connection, HTTP error, malformed reply) raises LLMError, so the caller can fall
back to the extractive answer. The API key is never part of a message, a repr or a log line.
"""
from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx


class LLMError(RuntimeError):
    """The LLM server could not give a usable reply."""


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
        """Yield the reply's text pieces as the server sends them (server-sent events)."""
        deadline = time.monotonic() + self.timeout_s
        try:
            with httpx.stream("POST", self.url, json=self._body(messages), headers=self._headers,
                              timeout=self.timeout_s) as response:
                if response.status_code >= 400:
                    raise LLMError(f"LLM server error: HTTP {response.status_code}")
                for line in response.iter_lines():
                    if time.monotonic() > deadline:
                        raise LLMError(f"LLM timed out after {self.timeout_s:g}s")
                    if not line.startswith("data:"):
                        continue
                    data = line[len("data:"):].strip()
                    if data == "[DONE]":
                        return
                    piece = _delta_text(data)
                    if piece:
                        yield piece
        except httpx.TimeoutException:
            raise LLMError(f"LLM timed out after {self.timeout_s:g}s") from None
        except httpx.HTTPError as error:
            raise LLMError(f"LLM unreachable: {type(error).__name__}") from None


def _delta_text(data: str) -> str:
    try:
        choice = json.loads(data)["choices"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        raise LLMError("LLM stream malformed") from None
    return (choice.get("delta") or {}).get("content") or ""
