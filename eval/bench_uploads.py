"""Upload attack benchmark (a script, not a test): hostile plan files sent to a running service.

    .venv/bin/python -m carbonqa.eval.bench_uploads [--concurrency 1] [--bomb-mb 1024] [--pages 3000]

Starts `carbonqa serve` on a free loopback port with the shipped corpus, an empty library and a copy of
the index in a temporary folder, keeps `--concurrency` clients asking the eval questions, and uploads,
one at a time, a normal plan (the reference the other times compare with on a shared machine) and the
attacks of carbonqa.eval.attack_files: a 1 MB run-on sentence in an otherwise
normal .html plan, a .docx zip bomb and a PDF with a huge Flate stream (each unpacking to `--bomb-mb`
MiB), a PDF of `--pages` pages, a .docx with malformed XML and a file name over 255 bytes.

Prints per attack: the HTTP status and error code, seconds, the server's peak resident memory during
the upload (its VmHWM, reset before each upload) and its resident memory after, and how much the index
folder grew; then how many questions the clients asked during the attacks and how many failed. The
parsing worker's own memory is bounded by CARBONQA_INGEST_PARSE_MEMORY_MB and not in the server's.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from carbonqa.eval.attack_files import (LONG_SENTENCE, MALFORMED, MB, NANSHAN, docx_bomb, docx_with_document,
                                        html_plan, pdf_bomb, pdf_file, text_page)
from carbonqa.eval.bench_load import ClientThreads, free_port, memory_mb, own_library, start_server, wait_ready
from carbonqa.eval.qa_models import load_qa

PLANS = Path(__file__).resolve().parent / "library_plans"


def attacks(bomb_mb: int, pages: int) -> list[tuple[str, str, Callable[[], bytes]]]:
    """(what, file name, how to make the file): made one at a time, so only one is in memory."""
    return [
        ("reference: a normal plan (珠海 2025, .txt)", "zhuhai-2025.txt", (PLANS / "zhuhai-2025.txt").read_bytes),
        (f".docx zip bomb ({bomb_mb:,} MiB unpacked)", "bomb.docx", lambda: docx_bomb(bomb_mb * MB)),
        (f"PDF with a {bomb_mb:,} MiB Flate stream", "bomb.pdf", lambda: pdf_bomb(bomb_mb * MB)),
        (f"PDF of {pages:,} pages", "many-pages.pdf", lambda: pdf_file([text_page()] * pages)),
        (".docx with malformed XML", "malformed.docx", lambda: docx_with_document(MALFORMED)),
        ("file name of 274 bytes (94 characters)", "碳" * 90 + ".txt", NANSHAN.read_bytes),
        # Accepted, cut into pieces: last, since embedding its ~1,000 pieces is the longest upload.
        ("1 MB run-on sentence in an .html plan", "long-sentence.html", lambda: html_plan("推进" + LONG_SENTENCE + "。")),
    ]


class Askers(ClientThreads):
    """Clients asking the eval questions in a loop until stopped; counts answers and failures."""

    def __init__(self, base: str, questions: list[str], concurrency: int):
        self.base, self.questions = base, questions
        self.answered, self.failed = 0, []
        super().__init__(concurrency)

    def run_client(self, offset: int) -> None:
        with httpx.Client(base_url=self.base, timeout=120) as client:
            n = offset
            while not self.stop.is_set():
                try:
                    response = client.post("/ask", json={"question": self.questions[n % len(self.questions)]})
                    if response.status_code == 200:
                        self.answered += 1
                    else:
                        self.failed.append(str(response.status_code))
                except httpx.TransportError as error:
                    self.failed.append(type(error).__name__)
                n += 1


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def reset_peak(pid: int) -> None:
    """Start the process's VmHWM (peak resident memory) again from its current resident memory."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def send(admin: httpx.Client, key: str, name: str, data: bytes, server_pid: int, index: Path) -> str:
    """Upload one file; its row of the table."""
    before = folder_bytes(index)
    reset_peak(server_pid)
    started = time.perf_counter()
    response = admin.post("/documents", headers={"X-API-Key": key},
                          files=[("files", (name, data, "application/octet-stream"))])
    seconds = time.perf_counter() - started
    memory = memory_mb(server_pid)
    code = response.json().get("code", "") if response.status_code != 200 else "added"
    grew = (folder_bytes(index) - before) / MB
    return f"| {response.status_code} {code} | {seconds:.1f} | {memory['VmHWM']:,.0f} | {memory['VmRSS']:,.0f} | {grew:+.1f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=1, help="clients asking during the uploads")
    parser.add_argument("--bomb-mb", type=int, default=1024, help="MiB the bombs unpack to")
    parser.add_argument("--pages", type=int, default=3000, help="pages of the many-page PDF")
    args = parser.parse_args()

    work, key, env = own_library("carbonqa-upload-bench-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = work / "server.log"
    server = start_server(port, log_path, env)
    try:
        print(f"ready after {wait_ready(base, server, log_path):.1f} s; work folder {work}")
        memory = memory_mb(server.pid)
        print(f"server before the uploads: resident {memory['VmRSS']:,.0f} MB, index "
              f"{folder_bytes(work / 'index') / MB:.1f} MB")
        print("| attack | file | status | seconds | server peak RSS, MB | RSS after, MB | index growth, MB |")
        print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
        with Askers(base, [item.question for item in load_qa()], args.concurrency) as askers, \
                httpx.Client(base_url=base, timeout=None) as admin:
            for what, name, make in attacks(args.bomb_mb, args.pages):
                data = make()
                row = send(admin, key, name, data, server.pid, work / "index")
                print(f"| {what} | {len(data) / 1024:,.0f} KB {row}", flush=True)
                del data
        print(f"questions asked by {args.concurrency} clients during the uploads: {askers.answered} answered, "
              f"{len(askers.failed)} failed {sorted(set(askers.failed))}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # still embedding an upload
            server.kill()
            server.wait()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
