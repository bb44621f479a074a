"""Shared fixtures: the corpus shipped in the repository, parsed once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

from carbonqa.ingest.models import ParsedPlan
from carbonqa.ingest.pipeline import load_corpus

REPO_DIR = Path(__file__).resolve().parents[1]


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


@pytest.fixture(scope="session")
def milvus_copy(runtime):
    """milvus_copy(settings): a Milvus Lite collection at the settings' URI holding the session index's
    chunks and vectors (nothing is embedded again)."""
    from carbonqa.index import milvus_store

    clients = []

    def copy(settings):
        client = milvus_store.connect(settings.milvus_location)
        clients.append(client)
        vectors = runtime.index.dense.reconstruct_n(0, runtime.index.dense.ntotal)
        return milvus_store.build_store(client, settings.milvus_collection, runtime.index.chunks, runtime.embedder,
                                        progress=False, vectors=vectors)

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
