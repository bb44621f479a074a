"""Shared fixtures: a tiny hand-made corpus with a fake embedder (unit tests build a real Retriever and
Answerer on it in milliseconds), and the corpus shipped in the repository with the real model."""
from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pytest

from carbonqa.ingest.models import ParsedPlan
from carbonqa.ingest.pipeline import load_corpus

REPO_DIR = Path(__file__).resolve().parents[1]
TINY_CORPUS = Path(__file__).resolve().parent / "data" / "tiny"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
READY_TIMEOUT_S = 600  # the first start builds the index
ADMIN_KEY = "ui-test-admin-key"


class FakeEmbedder:
    """A deterministic stand-in for the model: a text's characters and character pairs hashed into
    `dimension` buckets, unit length, so texts sharing words get similar vectors. It records what it
    embeds: the passages, and the size of each batch of questions."""

    DIMENSION = 64

    def __init__(self, model_id: str = "fake", fingerprint: str = "fake-v1"):
        self.model_id, self.model_fingerprint, self.dimension = model_id, fingerprint, self.DIMENSION
        self.embedded: list[str] = []
        self.query_batches: list[int] = []

    def embed_passages(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        self.embedded += texts
        return self.vectors(texts)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.query_batches.append(len(texts))
        return self.vectors(texts)

    def vectors(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.vector(text) for text in texts]) if texts else np.zeros((0, self.dimension), np.float32)

    def vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for gram in [*text, *(text[i:i + 2] for i in range(len(text) - 1))]:
            vector[hashlib.md5(gram.encode()).digest()[0] % self.dimension] += 1
        return vector / (np.linalg.norm(vector) or 1.0)


@pytest.fixture(scope="session")
def tiny_plans() -> list[ParsedPlan]:
    """Three hand-made plans (广东省, 珠海市, 江门市): notices (江门's without a number), targets for 2025
    and 2030, a part listing three actions, clauses on 核电 (not in 珠海's plan) and who leads the work."""
    return load_corpus(TINY_CORPUS)


@pytest.fixture(scope="session")
def tiny_index(tiny_plans):
    from carbonqa.index.store import build_index

    return build_index([chunk for plan in tiny_plans for chunk in plan.chunks], FakeEmbedder(), progress=False)


@pytest.fixture(scope="session")
def tiny_corpus(tiny_index):
    from carbonqa.retriever.corpus import Corpus

    return Corpus.of_index(tiny_index)


@pytest.fixture(scope="session")
def tiny_retriever(tiny_index, tiny_corpus):
    from carbonqa.retriever.search import Retriever

    return Retriever(tiny_index, FakeEmbedder(), corpus=tiny_corpus)


@pytest.fixture(scope="session")
def tiny_answerer(tiny_retriever, tiny_corpus):
    from carbonqa.answer.pipeline import Answerer

    return Answerer(tiny_retriever, tiny_corpus)


@pytest.fixture(scope="session")
def ask(tiny_answerer):
    """ask(question, **request fields): the tiny Answerer's Answer."""
    from carbonqa.answer.models import AnswerRequest

    return lambda question, **fields: tiny_answerer.ask(AnswerRequest(question=question, **fields))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return REPO_DIR / "data" / "corpus"


@pytest.fixture(scope="session")
def plans(corpus_dir: Path) -> list[ParsedPlan]:
    return load_corpus(corpus_dir)


@pytest.fixture(scope="session")
def plan_by_region(plans: list[ParsedPlan]) -> dict[str, ParsedPlan]:
    return {plan.meta.region: plan for plan in plans}


@pytest.fixture(scope="session")
def runtime():
    """The whole loaded pipeline (model, index, answerer), built once; imported here because it is heavy."""
    from carbonqa.service.runtime import load_runtime
    from carbonqa.service.settings import get_settings

    return load_runtime(get_settings(), progress=False)


@pytest.fixture
def use_loaded_runtime(runtime, monkeypatch):
    """Let CLI commands reuse the session's runtime instead of loading the model again."""
    monkeypatch.setattr("carbonqa.service.runtime.load_runtime", lambda settings, **options: runtime)


@pytest.fixture
def runtime_over_loaded_model(runtime, monkeypatch):
    """load_runtime(settings) assembles a runtime for those settings over the session's model and index instead of
    loading them again (what the training commands load; seconds each). Settings that would load another model,
    store or library are refused: there the shortcut would not give what loading gives."""
    from carbonqa.service.runtime import assemble_runtime

    def loaded(settings):
        return (settings.embedding_model, settings.embedding_precision, settings.model_path, settings.store_location,
                settings.corpus_path, settings.library_path)

    def assemble(settings, **options):
        assert loaded(settings) == loaded(runtime.settings), "this test loads another model, store or library"
        return assemble_runtime(settings, runtime.plans, runtime.embedder, runtime.index, "loaded")

    monkeypatch.setattr("carbonqa.service.runtime.load_runtime", assemble)


@pytest.fixture(scope="session")
def milvus_copy(runtime):
    """milvus_copy(settings): a Milvus Lite collection at the settings' URI holding the session index's
    chunks and vectors, its clauses' and its content sentences' (nothing is embedded again)."""
    from carbonqa.index import milvus_store

    clients = []

    def copy(settings):
        client = milvus_store.connect(settings.milvus_location)
        clients.append(client)
        vectors = runtime.index.dense.reconstruct_n(0, runtime.index.dense.ntotal)
        return milvus_store.build_store(client, settings.milvus_collection, runtime.index.chunks, runtime.embedder,
                                        progress=False, vectors=vectors, sentence_vectors=runtime.index.sentences)

    yield copy
    for client in clients:
        client.close()


@pytest.fixture(scope="session")
def milvus_runtime(runtime, milvus_copy, tmp_path_factory):
    """The session runtime over Milvus Lite: retrieval and API tests run against both stores."""
    from carbonqa.service.runtime import assemble_runtime
    from carbonqa.service.settings import StoreKind

    settings = runtime.settings.model_copy(update={
        "store": StoreKind.milvus, "milvus_uri": str(tmp_path_factory.mktemp("milvus") / "carbonqa.db")})
    return assemble_runtime(settings, runtime.plans, runtime.embedder, milvus_copy(settings), "built")


@pytest.fixture(scope="session", params=["faiss", "milvus"])
def store_runtime(request):
    """The session runtime over each store in turn: FAISS + BM25 in process, then Milvus Lite."""
    return request.getfixturevalue("runtime" if request.param == "faiss" else "milvus_runtime")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`carbonqa serve` on a free loopback port, with its own feedback database; can be restarted."""

    def __init__(self, workdir: Path, settings: dict[str, str] | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "server.log"
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", "CARBONQA_FEEDBACK_DB": str(workdir / "feedback.sqlite3"),
                    "CARBONQA_ADMIN_KEY": ADMIN_KEY, **(settings or {})}
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "carbonqa.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=REPO_DIR, stdout=log, stderr=subprocess.STDOUT, env=self.env,
            )
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            assert self.process.poll() is None, f"server exited:\n{self.log_path.read_text()}"
            assert time.monotonic() < deadline, f"server not ready:\n{self.log_path.read_text()}"
            try:
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None


@pytest.fixture(scope="session")
def running(tmp_path_factory):
    """One `carbonqa serve` with the default settings for every UI module (test_ui, test_a11y,
    test_retrieval_ui): each start loads the model and index (10-20 s). No test changes its library;
    only test_ui's feedback test writes feedback (it expects exactly its own rows)."""
    server = Server(tmp_path_factory.mktemp("server"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def server(running) -> str:
    return running.base


# Per module, not per session: Playwright's sync API runs an event loop in this thread while it is open,
# which the asyncio tests of later modules (asyncio.run, anyio.run) cannot run beside.
@pytest.fixture(scope="module")
def browser():
    """One Chromium per module; every test gets its own fresh context (storage, viewport)."""
    from playwright.sync_api import expect, sync_playwright

    assert CHROMIUM.exists(), "Debian's chromium is required: apt-get install -y chromium"
    # The machine may be busy (tests of other work run beside these): wait longer than Playwright's 5 s default.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
