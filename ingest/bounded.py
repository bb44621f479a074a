"""An untrusted plan file parsed in a worker process with memory, CPU-time and wall-clock limits.

A crafted file can make a parser take gigabytes or minutes in ways no check before parsing foresees
(a stream pdfminer unpacks while opening the file, a pathological layout). In a worker it takes only
what the `parse_*` limits of ingest/limits.py allow: the worker sets RLIMIT_AS and RLIMIT_CPU on
itself before it reads the file, the caller stops it when the wall-clock limit has passed, and when
the worker ends, by finishing or by being stopped, all its memory returns. The caller gets the parsed
plan, or an IngestError (a LimitExceeded naming the limit hit): never a parser's own exception.

Workers are forked from a forkserver: a fresh single-threaded process that imported the parsers
once, so a worker starts quickly and inherits none of the service's threads, locks or memory. As with
any multiprocessing start method but fork, the program's main module is imported by the forkserver
(a script) or by each worker (`python -m module`), so it must keep its work under
`if __name__ == "__main__":`.
"""
from __future__ import annotations

import logging
import multiprocessing
import resource
import signal
import traceback
from pathlib import Path

from pydantic import BaseModel

from carbonqa.ingest.errors import IngestError, LimitExceeded, limit_exceeded
from carbonqa.ingest.limits import DEFAULT_LIMITS, IngestLimits
from carbonqa.ingest.models import ParsedPlan
from carbonqa.ingest.pipeline import parse_plan

log = logging.getLogger("carbonqa.ingest")

WORKERS = multiprocessing.get_context("forkserver")
WORKERS.set_forkserver_preload(["__main__", "carbonqa.ingest.bounded", "carbonqa.ingest.readers.pdf",
                                "carbonqa.ingest.readers.word", "carbonqa.ingest.readers.webpage"])
EXIT_SECONDS = 5.0  # a worker that has replied is given this long to exit before it is killed
MIB = 1 << 20


class WorkerReply(BaseModel):
    """What a worker sends back: the plan, or why there is none."""

    plan: ParsedPlan | None = None
    error: str | None = None  # the IngestError's message
    limit: str | None = None  # the limit hit, for a LimitExceeded
    value: float | None = None
    trace: str | None = None  # the traceback of a parser's own exception, for the log


class BoundedParser:
    """Parses plan files, each in its own worker within the limits."""

    def __init__(self, limits: IngestLimits = DEFAULT_LIMITS):
        self.limits = limits

    def parse(self, path: Path) -> ParsedPlan:
        """The plan in the file; IngestError (LimitExceeded for a limit) if it cannot be read within the limits."""
        receiver, sender = WORKERS.Pipe(duplex=False)
        worker = WORKERS.Process(target=_work, args=(str(path), self.limits.model_dump_json(), sender),
                                 name=f"carbonqa-parse-{path.name}", daemon=True)
        worker.start()
        sender.close()  # the worker holds the only writing end, so its end is seen as end of file
        try:
            if not receiver.poll(self.limits.parse_wall_seconds):
                worker.kill()
                raise limit_exceeded("parse_wall_seconds", self.limits.parse_wall_seconds, "解析该文件所用的时间（秒）",
                                     "the time (seconds) parsing the file took", path.name)
            try:
                reply = WorkerReply.model_validate_json(receiver.recv_bytes())
            except EOFError:  # the worker ended without replying
                reply = None
        finally:
            receiver.close()
            _end(worker)
        if reply is None:
            raise self._died(worker.exitcode, path)
        if reply.plan is not None:
            return reply.plan
        if reply.trace:
            log.warning("parsing %s failed in the worker:\n%s", path.name, reply.trace)
        if reply.limit == "parse_memory_mb":
            raise limit_exceeded("parse_memory_mb", self.limits.parse_memory_mb, "解析该文件需要的内存（MiB）",
                                 "the memory (MiB) parsing the file needs", path.name)
        if reply.limit is not None:
            raise LimitExceeded(reply.error or "", reply.limit, reply.value or 0)
        raise IngestError(reply.error or f"无法读取该文件 / the file cannot be read: {path.name}")

    def _died(self, exitcode: int | None, path: Path) -> LimitExceeded:
        """Why a worker ended without replying: SIGXCPU is its CPU limit; any other end (a C parser
        aborting on a failed allocation, the kernel's OOM killer) is taken as its memory limit, the one
        limit a parser meets without Python seeing it."""
        if exitcode == -signal.SIGXCPU:
            return limit_exceeded("parse_cpu_seconds", self.limits.parse_cpu_seconds, "解析该文件所用的 CPU 时间（秒）",
                                  "the CPU time (seconds) parsing the file took", path.name)
        how = signal.strsignal(-exitcode) if exitcode is not None and exitcode < 0 else f"exit code {exitcode}"
        return limit_exceeded("parse_memory_mb", self.limits.parse_memory_mb,
                              f"解析该文件的进程意外结束（{how}），多半是其所需内存（MiB）",
                              f"the process parsing the file ended unexpectedly ({how}); most likely the memory "
                              f"(MiB) it needed", path.name)


def _end(worker) -> None:
    """Wait for the worker to exit; kill it if it does not."""
    worker.join(EXIT_SECONDS)
    if worker.exitcode is None:
        worker.kill()
        worker.join()


def _work(path: str, limits_json: str, sender) -> None:
    """The worker: bound itself, parse, reply."""
    limits = IngestLimits.model_validate_json(limits_json)
    _bound(limits)
    sender.send_bytes(_reply(Path(path), limits).encode("utf-8"))
    sender.close()


def _bound(limits: IngestLimits) -> None:
    """Memory and CPU limits on this process (never above the limits it already has), and no core dump."""
    memory = limits.parse_memory_mb * MIB
    _set(resource.RLIMIT_AS, memory, memory)
    # At the soft limit the kernel sends SIGXCPU, which ends the process; the hard one is a backstop.
    _set(resource.RLIMIT_CPU, limits.parse_cpu_seconds, limits.parse_cpu_seconds + 1)
    _set(resource.RLIMIT_CORE, 0, 0)


def _set(kind: int, soft: int, hard: int) -> None:
    _, current_hard = resource.getrlimit(kind)
    if current_hard != resource.RLIM_INFINITY:
        soft, hard = min(soft, current_hard), min(hard, current_hard)
    resource.setrlimit(kind, (soft, hard))


def _reply(path: Path, limits: IngestLimits) -> str:
    """The reply as JSON: the plan, or why there is none."""
    try:
        return WorkerReply(plan=parse_plan(path, limits)).model_dump_json()
    except LimitExceeded as error:
        reply = WorkerReply(error=str(error), limit=error.limit, value=error.value)
    except IngestError as error:
        reply = WorkerReply(error=str(error))
    except MemoryError:
        reply = WorkerReply(limit="parse_memory_mb")
    except Exception as error:  # a parser's own failure on a strange file: reported as the file's problem
        reply = WorkerReply(error=f"无法读取该文件（{type(error).__name__}），文件可能已损坏 / the file cannot be read "
                                  f"({type(error).__name__}); it may be broken: {path.name}",
                            trace=traceback.format_exc())
    return reply.model_dump_json()
