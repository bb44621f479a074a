"""The wheel serves: build it, install it with requirements.lock into a new venv outside the checkout, start
`carbonqa serve` from an empty folder, and check that /ask answers with a citation of a shipped plan.

    python3 tools/wheel_test.py [--keep]        (`make wheel-test`)

Checks, in order: the wheel installs nothing but the `carbonqa` package and holds the five shipped plans;
`pip check` finds every requirement met; `carbonqa --version` prints pyproject's version; the service becomes
ready with no CARBONQA_ variable set (data in the per-user folder of a throw-away HOME), answers a question
from the shipped plans with a citation, and leaves the folder it was started in empty.
Only the standard library: it runs with the Python that creates the venv.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
SHIPPED_PLANS = sorted(path.name for path in (ROOT / "data" / "corpus").glob("*.txt"))
# A question of the eval set (q001) and the figure its cited clause must hold.
QUESTION, REGION, FIGURE = "珠海到2025年风电和光伏装机目标是多少？", "珠海市", "355万千瓦"
READY_TIMEOUT_S = 900  # the first start converts the embedding model and builds the index


def run(*command: object, **kwargs) -> subprocess.CompletedProcess:
    print("+", " ".join(map(str, command)), flush=True)
    return subprocess.run([str(part) for part in command], check=True, **kwargs)


def copy_sources(dest: Path) -> None:
    """The checkout's files as git sees them (tracked and new, not ignored): no build/ leftovers, no caches."""
    listed = subprocess.run(["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the work tree is listed too
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


def check_wheel(wheel: Path, version: str) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names}
    assert top == {"carbonqa", f"carbonqa-{version}.dist-info"}, f"the wheel installs other top-level names: {top}"
    plans = sorted(name.rsplit("/", 1)[1] for name in names if name.startswith("carbonqa/data/corpus/"))
    assert plans == SHIPPED_PLANS, f"the wheel's plans {plans} are not the shipped {SHIPPED_PLANS}"


def install(work: Path, version: str) -> Path:
    """A new venv with the lock's packages and the freshly built wheel; returns its bin folder."""
    venv = work / "venv"
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "venv", venv)
    run(python, "-m", "pip", "install", "-q", "--require-hashes", "-r", LOCK)
    source = work / "source"
    copy_sources(source)
    # Built with the lock's setuptools, already in the venv: nothing unpinned is downloaded.
    run(python, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", work / "dist", source)
    wheel = next((work / "dist").glob("carbonqa-*.whl"))
    check_wheel(wheel, version)
    run(python, "-m", "pip", "install", "-q", "--no-deps", wheel)
    run(python, "-m", "pip", "check")
    return venv / "bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        assert server.poll() is None, f"carbonqa serve exited with code {server.returncode} before it was ready"
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):  # 503 while loading, or not listening yet
            pass
        time.sleep(2)
    raise AssertionError(f"/readyz not 200 within {READY_TIMEOUT_S} s")


def ask(base: str, question: str) -> dict:
    request = urllib.request.Request(f"{base}/ask", data=json.dumps({"question": question}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def serve_and_ask(bin_dir: Path, work: Path, version: str) -> None:
    empty, home = work / "empty", work / "home"
    empty.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("CARBONQA_")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "share"))
    printed = run(bin_dir / "carbonqa", "--version", cwd=empty, env=env, capture_output=True, text=True).stdout
    assert printed.strip() == f"carbonqa {version}", f"carbonqa --version printed {printed!r}"

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = work / "serve.log"
    with log.open("w") as output:
        print(f"+ carbonqa serve --port {port}  (from {empty}, log {log})", flush=True)
        server = subprocess.Popen([bin_dir / "carbonqa", "serve", "--port", str(port)], cwd=empty, env=env,
                                  stdout=output, stderr=subprocess.STDOUT)
        try:
            wait_ready(base, server)
            answer = ask(base, QUESTION)
        except BaseException:
            print(log.read_text(errors="replace")[-4000:], file=sys.stderr)
            raise
        finally:
            server.terminate()
            server.wait(timeout=60)
    cited = [citation for citation in answer["citations"]
             if citation["region"] == REGION and FIGURE in citation["quote"]]
    assert FIGURE in answer["answer"] and cited, f"/ask gave no cited {FIGURE} for {QUESTION}: {answer['answer']!r}"
    assert (home / "share" / "carbonqa" / "index").is_dir(), "the index is not in the per-user data folder"
    assert not any(empty.iterdir()), f"carbonqa serve wrote into the folder it was started in: {list(empty.iterdir())}"
    print(f"/ask: {answer['answer']}  [{cited[0]['plan_title']}]")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (venv, wheel, serve.log)")
    args = parser.parse_args()
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    work = Path(tempfile.mkdtemp(prefix="carbonqa-wheel-test-"))
    try:
        serve_and_ask(install(work, version), work, version)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("wheel test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
