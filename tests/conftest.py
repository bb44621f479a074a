"""Shared fixtures: the corpus shipped in the repository, parsed once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.models import ParsedPlan
from ingest.pipeline import load_corpus

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
    from api.runtime import load_runtime
    from api.settings import get_settings

    return load_runtime(get_settings(), progress=False)


@pytest.fixture
def use_loaded_runtime(runtime, monkeypatch):
    """Let CLI commands reuse the session's runtime instead of loading the model again."""
    import api.runtime

    monkeypatch.setattr(api.runtime, "load_runtime", lambda settings, **options: runtime)
