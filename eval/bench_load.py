"""Load benchmark of the HTTP service (a script, not a test).

Starts `carbonqa serve` on a free loopback port, measures the time until /readyz is 200, then sends
bounded runs of /ask requests (the eval questions, cycled) at concurrency 1 and 16, and prints
throughput, latency percentiles, errors and the server's resident memory.

    .venv/bin/python -m eval.bench_load [--requests 2000] [--concurrency 16] [--serial-requests 200]

Targets: p50 <= 60 ms at concurrency 1; >= 20 requests/s at concurrency 16 with 0 errors;
ready <= 20 s after start when the index exists; resident memory <= 2 GB.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from eval.metrics import percentile
from eval.qa_models import DEFAULT_QA_PATH, load_qa

REPO = Path(__file__).resolve().parents[1]
READY_TIMEOUT_S = 900  # a first start builds the index
REQUEST_TIMEOUT_S = 60


@dataclass
class Run:
    name: str
    concurrency: int
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    wall_s: float = 0.0

    def report(self) -> str:
        ms = self.latencies_ms
        done = len(ms)
        error_count = sum(self.errors.values())
        lines = [
            f"{self.name}: {done + error_count} requests, concurrency {self.concurrency}, {self.wall_s:.1f} s",
            f"  throughput   {done / self.wall_s:.1f} requests/s",
            f"  latency ms   p50 {percentile(ms, 50):.1f}  p95 {percentile(ms, 95):.1f}  "
            f"p99 {percentile(ms, 99):.1f}  max {max(ms):.1f}" if done else "  no successful request",
            f"  errors       {error_count}" + (f" {self.errors}" if error_count else ""),
        ]
        return "\n".join(lines)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def memory_mb(pid: int) -> dict[str, float]:
    """Resident memory now (VmRSS) and at its peak (VmHWM), from /proc."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024  # kB -> MB
    return values


def start_server(port: int, log_path: Path) -> subprocess.Popen:
    with log_path.open("w") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )


def wait_ready(base: str, server: subprocess.Popen, log_path: Path) -> float:
    started = time.monotonic()
    while time.monotonic() - started < READY_TIMEOUT_S:
        if server.poll() is not None:
            sys.exit(f"server exited with {server.returncode}:\n{log_path.read_text()}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return time.monotonic() - started
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    sys.exit(f"server not ready after {READY_TIMEOUT_S} s:\n{log_path.read_text()}")


async def load(base: str, questions: list[str], requests: int, concurrency: int, name: str) -> Run:
    run = Run(name, concurrency)
    next_index = iter(range(requests))

    async def worker(client: httpx.AsyncClient) -> None:
        for i in next_index:  # a shared iterator: each request is sent once, by one worker
            started = time.perf_counter()
            try:
                response = await client.post("/ask", json={"question": questions[i % len(questions)]})
                response.json()
                ok = response.status_code == 200
                kind = f"HTTP {response.status_code}"
            except (httpx.HTTPError, ValueError) as error:
                ok, kind = False, type(error).__name__
            if ok:
                run.latencies_ms.append((time.perf_counter() - started) * 1000)
            else:
                run.errors[kind] = run.errors.get(kind, 0) + 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_S, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        run.wall_s = time.perf_counter() - started
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests of the concurrent run")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--serial-requests", type=int, default=200, help="requests of the concurrency-1 run")
    parser.add_argument("--qa", type=Path, default=DEFAULT_QA_PATH, help="questions to send (JSON Lines)")
    args = parser.parse_args()
    if min(args.requests, args.concurrency, args.serial_requests) < 1:
        parser.error("counts must be at least 1")

    questions = [item.question for item in load_qa(args.qa)]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = Path(tempfile.mkdtemp(prefix="carbonqa-bench-")) / "server.log"
    server = start_server(port, log_path)
    try:
        ready_s = wait_ready(base, server, log_path)
        readiness = httpx.get(f"{base}/readyz").json()
        print(f"ready after {ready_s:.1f} s (server load {readiness['load_seconds']} s; "
              f"{readiness['plans']} plans, {readiness['chunks']} chunks); memory at ready {memory_mb(server.pid)}")
        print(f"{len(questions)} questions from {args.qa}, cycled; server log: {log_path}")
        serial = asyncio.run(load(base, questions, args.serial_requests, 1, "concurrency 1"))
        print(serial.report())
        concurrent = asyncio.run(load(base, questions, args.requests, args.concurrency,
                                      f"concurrency {args.concurrency}"))
        print(concurrent.report())
        memory = memory_mb(server.pid)
        print(f"server memory: resident {memory['VmRSS']:.0f} MB, peak {memory['VmHWM']:.0f} MB")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
