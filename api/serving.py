"""Running the service under uvicorn with bounded resources: open connections, keep-alive, log volume.

- Open connections are capped (uvicorn's `limit_concurrency`): beyond the cap a new request gets a JSON
  503 at once and its connection is closed, so file descriptors are never exhausted. The cap stays
  below the process's open-file limit, which is raised to its hard limit first (sockets are files).
- Idle keep-alive connections close after `keep_alive_s`; slow bodies are cut by api/limits.BodyLimit.
- A message repeated more than `log_repeats` times per `log_window_s` is dropped, and one line later
  says how many were dropped, so a flood of identical errors cannot fill the disk.
"""
from __future__ import annotations

import logging
import resource
import threading
import time

import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http import h11_impl

from carbonqa.api.errors import error_response
from carbonqa.api.metrics import REJECTED
from carbonqa.api.request_logging import use_json_logs
from carbonqa.service.settings import Settings

log = logging.getLogger("carbonqa.api")

# File descriptors kept free for the index, model and log files besides the connections.
RESERVED_FILES = 256
CONNECTIONS_FULL = "连接数已满，请稍后重试 / too many open connections, please retry shortly"


class RepeatLimit(logging.Filter):
    """Lets each message template (per logger and level) through at most `repeats` times per `window_s`;
    the first one after a window with drops says how many were dropped. A record may name what makes it a
    repeat in `repeat_key` instead (access lines: one template, told apart by method, route and status)."""

    def __init__(self, repeats: int, window_s: float):
        super().__init__()
        self.repeats = repeats
        self.window_s = window_s
        self._seen: dict[tuple[str, int, str], list[float | int]] = {}  # key -> [window start, count]
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        # A record that reaches several handlers (the root's and a test's, say) is counted once.
        if (decided := getattr(record, "repeat_allowed", None)) is not None:
            return decided
        record.repeat_allowed = self._allowed(record)
        return record.repeat_allowed

    def _allowed(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.levelno, str(getattr(record, "repeat_key", record.msg)))
        now = time.monotonic()
        with self._lock:
            start, count = self._seen.get(key, (now, 0))
            if now - start >= self.window_s:
                dropped = count - self.repeats
                start, count = now, 0
                if dropped > 0:
                    record.msg = f"{record.msg} [{dropped} similar messages dropped in the last " \
                                 f"{self.window_s:.0f} s]"
            self._seen[key] = [start, count + 1]
            return count < self.repeats


def limit_log_repeats(settings: Settings) -> None:
    """Install the repeat limit on every handler (filters on handlers also see child loggers' records)."""
    repeat_limit = RepeatLimit(settings.log_repeats, settings.log_window_s)
    for name in ("", "uvicorn", "uvicorn.error", "uvicorn.access"):
        for handler in logging.getLogger(name).handlers:
            handler.addFilter(repeat_limit)
    # Records that reach no handler go to logging.lastResort (e.g. asyncio's "Too many open files").
    if logging.lastResort is not None:
        logging.lastResort.addFilter(repeat_limit)


def connection_cap(wanted: int) -> int:
    """`wanted`, or fewer if the open-file limit (raised to its hard limit when needed) cannot hold them."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = wanted + RESERVED_FILES
    if soft != resource.RLIM_INFINITY and soft < needed:
        raised = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
        soft = raised
    cap = wanted if soft == resource.RLIM_INFINITY else min(wanted, soft - RESERVED_FILES)
    if cap < wanted:
        log.warning("open-file limit %d allows only %d connections (CARBONQA_MAX_CONNECTIONS=%d); "
                    "raise it with `ulimit -n`", soft, cap, wanted)
    return cap


async def connections_full(scope, receive, send) -> None:
    """uvicorn's answer when the connection cap is reached, in the service's error model (counted here:
    the app and its metrics middleware never see these requests)."""
    REJECTED.labels("503").inc()
    await error_response(503, CONNECTIONS_FULL, code="connections_full",
                         headers={"Retry-After": "1", "Connection": "close"})(scope, receive, send)


def serve(app: FastAPI, settings: Settings, host: str, port: int) -> None:
    # uvicorn's h11 protocol calls this module-level name when limit_concurrency is reached.
    h11_impl.service_unavailable = connections_full
    config = uvicorn.Config(app, host=host, port=port, log_level="info", http="h11",
                            limit_concurrency=connection_cap(settings.max_connections),
                            timeout_keep_alive=settings.keep_alive_s,
                            server_header=False,  # no "server: uvicorn" (nothing says what runs here)
                            access_log=False)  # api/request_logging.py writes the access lines, with request ids
    limit_log_repeats(settings)  # after uvicorn.Config, which sets up uvicorn's log handlers
    if settings.log_format == "json":
        use_json_logs()
    uvicorn.Server(config).run()
