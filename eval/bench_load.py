"""Load benchmark of the HTTP service (a script, not a test).

Starts `carbonqa serve` on a free loopback port, measures the time until /readyz is 200, then runs
one of three scenarios and prints what it measured:

- `standard` (default): bounded runs of /ask requests (the eval questions, cycled) at concurrency 1
  and 16: throughput, latency percentiles, errors, the server's resident memory.
- `mixed`: N users asking normal questions for D seconds while one bad request per second arrives
  (lone surrogates in the question, regions or history, control characters, broken JSON, a body
  shorter than its Content-Length): failures of the normal requests, the bad requests' statuses.
- `held-open`: N connections that send a request's headers and never finish its body, kept open
  (reopened when the server cuts them) for D seconds, while /healthz is probed and normal /ask
  requests keep coming: /healthz latency, /ask failures, server log growth.

    .venv/bin/python -m carbonqa.eval.bench_load [--requests 2000] [--concurrency 16] [--serial-requests 200]
    .venv/bin/python -m carbonqa.eval.bench_load --scenario mixed [--users 32] [--seconds 60]
    .venv/bin/python -m carbonqa.eval.bench_load --scenario held-open [--connections 5000] [--seconds 60]

Targets: p50 <= 60 ms at concurrency 1; >= 20 requests/s at concurrency 16 with 0 errors;
ready <= 20 s after start when the index exists; resident memory <= 2 GB; mixed: 0 failed normal
requests; held-open (5,000): /healthz p95 <= 200 ms, /ask answered, log growth bounded.

The held-open scenario needs one file descriptor per connection, so this process raises its own
open-file limit (RLIMIT_NOFILE) up to the hard limit; the server raises its own for
CARBONQA_MAX_CONNECTIONS (api/serving.py).
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from carbonqa.eval.metrics import percentile
from carbonqa.eval.qa_models import DEFAULT_QA_PATH, load_qa
from carbonqa.service.settings import get_settings

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


class ClientThreads:
    """`concurrency` threads running `self.run_client(n)` while the `with` block lasts: started on entry,
    told to stop (`self.stop`) and joined on exit. The benches' clients asking during what they measure."""

    def __init__(self, concurrency: int):
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run_client, args=(n,)) for n in range(concurrency)]

    def run_client(self, number: int) -> None:
        raise NotImplementedError

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (/proc/PID/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int) -> dict[str, float]:
    """Resident memory now (VmRSS) and at its peak (VmHWM), from /proc."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024  # kB -> MB
    return values


def raise_open_file_limit(needed: int) -> int:
    """Raise this process's soft RLIMIT_NOFILE towards `needed` (at most the hard limit); the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        soft = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return soft


def start_server(port: int, log_path: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    with log_path.open("w") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "carbonqa.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env or {**os.environ, "PYTHONUNBUFFERED": "1"},
        )


def own_library(prefix: str) -> tuple[Path, str, dict[str, str]]:
    """A new work folder with a copy of the built index, an empty library and feedback store, a new admin
    key, and the environment that serves them (for the benchmarks that change the library)."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    index = get_settings().index_path
    if index.is_dir():  # start from the built index, as a deployed service would
        shutil.copytree(index, work / "index")
    key = secrets.token_urlsafe(16)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "CARBONQA_INDEX_DIR": str(work / "index"),
           "CARBONQA_LIBRARY_DIR": str(work / "library"), "CARBONQA_FEEDBACK_DB": str(work / "feedback.sqlite3"),
           "CARBONQA_ADMIN_KEY": key}
    return work, key, env


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


# One bad request per second cycles through these (raw bodies: a lone surrogate cannot be UTF-8 encoded).
BAD_BODIES = [body.encode() for body in (
    '{"question": "\\ud800光伏"}',
    '{"question": "珠海光伏", "regions": ["\\udfff"]}',
    '{"question": "那佛山呢", "history": [{"question": "\\ud83d"}]}',
    '{"question": "碳达峰\\u0000"}',
    '{"question": "碳达峰"',
    '{"question": "\\ufffe碳"}',
)]
SHORT_BODY = (b"POST /ask HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
              b"Content-Length: 1000\r\n\r\n{\"question\": \"")


def count(counter: dict[str, int], key: str) -> None:
    counter[key] = counter.get(key, 0) + 1


async def ask_until(client: httpx.AsyncClient, questions: list[str], deadline: float, run: Run, offset: int) -> None:
    """One normal user: /ask after /ask until the deadline; successes and failures go into `run`."""
    i = offset
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            response = await client.post("/ask", json={"question": questions[i % len(questions)]})
            response.json()
            ok, kind = response.status_code == 200, f"HTTP {response.status_code}"
        except (httpx.HTTPError, ValueError) as error:
            ok, kind = False, type(error).__name__
        if ok:
            run.latencies_ms.append((time.perf_counter() - started) * 1000)
        else:
            count(run.errors, kind)
        i += 1


async def send_short_body(host: str, port: int) -> str:
    """A request whose body stops short of its Content-Length: what the server answers, and when."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(SHORT_BODY)
        await writer.drain()
        status = (await asyncio.wait_for(reader.readline(), timeout=REQUEST_TIMEOUT_S)).decode().split(" ")[1:2]
        return f"HTTP {status[0]}" if status else "closed"
    except (OSError, asyncio.TimeoutError) as error:
        return type(error).__name__
    finally:
        writer.close()


async def mixed(base: str, port: int, questions: list[str], users: int, seconds: float) -> None:
    normal = Run(f"mixed: {users} normal users", users)
    bad_statuses: dict[str, int] = {}
    deadline = time.monotonic() + seconds
    short_bodies: list[asyncio.Future] = []

    async def short_body() -> None:
        count(bad_statuses, f"short body: {await send_short_body('127.0.0.1', port)}")

    async def bad_requests(client: httpx.AsyncClient) -> None:
        i = 0
        while time.monotonic() < deadline:
            tick = time.monotonic()
            if i % (len(BAD_BODIES) + 1) == len(BAD_BODIES):
                short_bodies.append(asyncio.ensure_future(short_body()))
            else:
                body = BAD_BODIES[i % (len(BAD_BODIES) + 1)]
                try:
                    response = await client.post("/ask", content=body, headers={"Content-Type": "application/json"})
                    count(bad_statuses, f"HTTP {response.status_code} {response.json().get('code')}")
                except (httpx.HTTPError, ValueError) as error:
                    count(bad_statuses, type(error).__name__)
            i += 1
            await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))

    limits = httpx.Limits(max_connections=users + 1, max_keepalive_connections=users + 1)
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_S, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(bad_requests(client),
                             *(ask_until(client, questions, deadline, normal, u * 7) for u in range(users)))
        normal.wall_s = time.perf_counter() - started
        await asyncio.gather(*short_bodies)  # the last ones are answered when the body timeout ends
    print(normal.report())
    print(f"  FAILED NORMAL REQUESTS: {sum(normal.errors.values())}")
    print(f"bad requests (one per second): {sum(bad_statuses.values())} {dict(sorted(bad_statuses.items()))}")


def probe_while_held(base: str, questions: list[str], seconds: float) -> tuple[Run, Run]:
    """/healthz every 0.1 s and two users asking, for `seconds` (run in a separate process)."""
    health = Run("/healthz while held open", 1)
    normal = Run("/ask while held open (2 users)", 2)

    async def probe(client: httpx.AsyncClient, deadline: float) -> None:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                response = await client.get("/healthz")
                ok, kind = response.status_code == 200, f"HTTP {response.status_code}"
            except httpx.HTTPError as error:
                ok, kind = False, type(error).__name__
            if ok:
                health.latencies_ms.append((time.perf_counter() - started) * 1000)
            else:
                count(health.errors, kind)
            await asyncio.sleep(0.1)

    async def run() -> None:
        deadline = time.monotonic() + seconds
        async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_S) as client:
            started = time.perf_counter()
            await asyncio.gather(probe(client, deadline),
                                 *(ask_until(client, questions, deadline, normal, u) for u in range(2)))
            health.wall_s = normal.wall_s = time.perf_counter() - started

    asyncio.run(run())
    return health, normal


async def held_open(base: str, port: int, questions: list[str], connections: int, seconds: float,
                    log_path: Path, server_pid: int) -> None:
    held: list[asyncio.StreamWriter] = []
    outcomes: dict[str, int] = {}
    stop = asyncio.Event()

    async def hold_one() -> None:
        """Keep one never-finished request open, reopening it whenever the server answers or cuts it."""
        while not stop.is_set():
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError as error:
                count(outcomes, f"connect {type(error).__name__}")
                await asyncio.sleep(1)
                continue
            held.append(writer)
            try:
                writer.write(SHORT_BODY)
                await writer.drain()
                stopped = asyncio.ensure_future(stop.wait())
                line = asyncio.ensure_future(reader.readline())
                await asyncio.wait({stopped, line}, return_when=asyncio.FIRST_COMPLETED)
                if line.done():
                    status = line.result().decode().split(" ")[1:2]
                    count(outcomes, f"cut by server: HTTP {status[0]}" if status else "cut by server: closed")
                for task in (stopped, line):
                    task.cancel()
            except OSError as error:
                count(outcomes, type(error).__name__)
            finally:
                held.remove(writer)
                writer.close()

    log_before = log_path.stat().st_size
    holders = []
    for start in range(0, connections, 250):  # open them in waves, as a crowd of clients would
        holders += [asyncio.ensure_future(hold_one()) for _ in range(start, min(connections, start + 250))]
        await asyncio.sleep(0.05)
    peak_held = 0

    async def watch(done: asyncio.Future) -> None:
        nonlocal peak_held
        while not done.done():
            peak_held = max(peak_held, len(held))
            await asyncio.sleep(0.5)

    cpu_before = cpu_seconds(server_pid), cpu_seconds(os.getpid())
    # The probes run in their own process: in this one, the holders' event loop would delay them.
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        probes = asyncio.get_running_loop().run_in_executor(pool, probe_while_held, base, questions, seconds)
        await watch(probes)
        health, normal = await probes
    server_cpu, holders_cpu = cpu_seconds(server_pid) - cpu_before[0], cpu_seconds(os.getpid()) - cpu_before[1]
    stop.set()
    await asyncio.gather(*holders)
    grown = log_path.stat().st_size - log_before
    print(f"held-open connections: {connections} wanted, at most {peak_held} open at once; "
          f"{dict(sorted(outcomes.items()))}")
    print(health.report())
    print(normal.report())
    print(f"CPU used in those {health.wall_s:.0f} s (2 cores = {2 * health.wall_s:.0f} CPU-s): server "
          f"{server_cpu:.1f} s, this process holding the connections {holders_cpu:.1f} s; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"server log grew {grown / 1024:.1f} kB in {health.wall_s:.0f} s "
          f"({grown / 1024 / health.wall_s * 60:.1f} kB per minute)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=["standard", "mixed", "held-open"], default="standard")
    parser.add_argument("--requests", type=int, default=2000, help="requests of the concurrent run")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--serial-requests", type=int, default=200, help="requests of the concurrency-1 run")
    parser.add_argument("--users", type=int, default=32, help="normal users of the mixed scenario")
    parser.add_argument("--connections", type=int, default=5000, help="held-open connections")
    parser.add_argument("--seconds", type=float, default=60, help="duration of the mixed/held-open scenario")
    parser.add_argument("--qa", type=Path, default=DEFAULT_QA_PATH, help="questions to send (JSON Lines)")
    args = parser.parse_args()
    if min(args.requests, args.concurrency, args.serial_requests, args.users, args.connections) < 1:
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
        print(f"{len(questions)} questions from {args.qa}, cycled; server log: {log_path}; "
              f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
        if args.scenario == "mixed":
            asyncio.run(mixed(base, port, questions, args.users, args.seconds))
        elif args.scenario == "held-open":
            print(f"open-file limit of this process: {raise_open_file_limit(args.connections + 1024)}")
            asyncio.run(held_open(base, port, questions, args.connections, args.seconds, log_path, server.pid))
        else:
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
