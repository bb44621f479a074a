"""Request ids and access logs: every response carries `X-Request-ID` (the client's, when it sent a
well-formed one, otherwise a new one), and every request ends with one access line on the logger
`carbonqa.access` (method, route, status, duration, the answer's outcome).

With CARBONQA_LOG_FORMAT=json every log line is one JSON object (time, level, logger, message and,
inside a request, its id and route). Question text is logged only with CARBONQA_LOG_QUESTIONS=true:
staff questions can be sensitive.
"""
from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import datetime, timezone

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from carbonqa.answer import pipeline
from carbonqa.answer.models import Answer

access_log = logging.getLogger("carbonqa.access")

# A client's request id is kept when it is a plain token (no spaces or control characters to forge lines).
CLIENT_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")
# The request being served: a dict the answer listener fills in (shared with the endpoint's worker thread,
# which runs in a copy of this context).
CURRENT: ContextVar[dict | None] = ContextVar("carbonqa_request", default=None)
ACCESS_FIELDS = ("request_id", "method", "route", "status", "duration_ms", "outcome", "question")


def note_answer(answer: Answer) -> None:
    request = CURRENT.get()
    if request is not None:
        request["outcome"] = answer.outcome.value
        if request.get("log_questions"):
            request["question"] = answer.question


pipeline.ANSWER_LISTENERS.append(note_answer)


def repeat_key(request: dict) -> str:
    """What makes two access lines repeats for the log repeat limit (api/serving.RepeatLimit): the same
    method, route, status and outcome (a scanner's 404s are bounded, other requests still logged)."""
    return " ".join(str(request.get(name, "")) for name in ("method", "route", "status", "outcome"))


class RequestLog:
    """Sets and returns X-Request-ID and writes the access line of each HTTP request."""

    def __init__(self, app: ASGIApp, log_questions: bool = False):
        self.app = app
        self.log_questions = log_questions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent_id = Headers(scope=scope).get("x-request-id", "")
        request = {"request_id": sent_id if CLIENT_ID.match(sent_id) else uuid.uuid4().hex,
                   "method": scope["method"], "status": 500, "log_questions": self.log_questions}
        token = CURRENT.set(request)
        started = time.perf_counter()

        async def identified_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                request["status"] = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request["request_id"]
            await send(message)

        try:
            await self.app(scope, receive, identified_send)
        finally:
            request["route"] = getattr(scope.get("route"), "path", "unrouted")
            request["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
            fields = {name: request[name] for name in ACCESS_FIELDS if name in request}
            access_log.info("%s %s %s %.1f ms id=%s%s", scope["method"], scope["path"], request["status"],
                            request["duration_ms"], request["request_id"],
                            f" outcome={request['outcome']}" if "outcome" in request else "",
                            extra={"access": fields, "repeat_key": repeat_key(request)})
            CURRENT.reset(token)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the request's id and route when inside a
    request, the access fields on access lines, and the traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        request = CURRENT.get()
        if request is not None:
            line["request_id"] = request["request_id"]
        line.update(getattr(record, "access", {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def use_json_logs() -> None:
    """Format every handler of the root and uvicorn loggers as JSON lines."""
    formatter = JsonFormatter()
    for name in ("", "uvicorn", "uvicorn.error"):
        for handler in logging.getLogger(name).handlers:
            handler.setFormatter(formatter)
