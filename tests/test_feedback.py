"""Feedback on answers: the SQLite store, POST/GET /feedback with the admin key, and `carbonqa feedback export`."""
from __future__ import annotations

import json
import sqlite3

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from carbonqa.api.app import create_app
from carbonqa.api.feedback import FeedbackIn, FeedbackStore, Rating
from carbonqa.cli import app as cli
from carbonqa.eval.qa_models import QAItem
from carbonqa.service.settings import Settings, get_settings

pytestmark = pytest.mark.unit

DOWN = {"question": "珠海到2025年风电和光伏装机目标是多少？", "answer": "方案中没有找到能回答该问题的条款。",
        "rating": "down", "note": "珠海方案里有355万千瓦", "citation_ids": ["jiangmen-2023/2.1.2"], "outcome": "refused"}
UP = {"question": "云浮2025年非化石能源消费比重目标？", "answer": "到2025年，非化石能源消费比重提升至16%。[1]",
      "rating": "up", "citation_ids": ["yunfu-2024/2"]}


def service(tmp_path, **settings) -> TestClient:
    """The app without its startup: the pipeline is not loaded, which feedback does not need."""
    return TestClient(create_app(Settings(feedback_db=tmp_path / "feedback.sqlite3", **settings)))


def test_store_keeps_feedback_across_instances_in_wal_mode(tmp_path):
    path = tmp_path / "sub" / "fb.sqlite3"
    first = FeedbackStore(path, max_rows=100).add(FeedbackIn(**DOWN))
    assert first.id == 1 and first.created_at.tzinfo is not None
    reopened = FeedbackStore(path, max_rows=100)  # as after a restart
    [record] = reopened.list()
    assert record.model_dump(exclude={"id", "created_at"}) == FeedbackIn(**DOWN).model_dump()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_store_is_bounded_dropping_the_oldest(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3", max_rows=3)
    for n in range(5):
        store.add(FeedbackIn(**{**UP, "note": f"n{n}"}))
    assert [r.note for r in store.list()] == ["n4", "n3", "n2"]
    assert [r.note for r in store.list(limit=1)] == ["n4"]


def test_store_filters_by_rating(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3", max_rows=10)
    store.add(FeedbackIn(**UP))
    store.add(FeedbackIn(**DOWN))
    assert [r.rating for r in store.list(Rating.down)] == [Rating.down]
    assert len(store.list()) == 2


def test_post_feedback_works_while_the_pipeline_loads(tmp_path):
    client = service(tmp_path)
    response = client.post("/feedback", json=DOWN)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["id"] == 1 and body["rating"] == "down" and body["created_at"]
    assert FeedbackStore(tmp_path / "feedback.sqlite3", 10).list()[0].note == DOWN["note"]


@pytest.mark.parametrize("body, message", [
    ({**DOWN, "rating": "meh"}, "rating"),
    ({**DOWN, "question": "  "}, "问题不能为空"),
    ({**DOWN, "note": "很" * 1001}, "note"),
    ({**DOWN, "user": "张三"}, "user"),  # nothing personal is accepted
    ({k: v for k, v in DOWN.items() if k != "answer"}, "answer"),
])
def test_bad_feedback_is_a_clear_422(tmp_path, body, message):
    response = service(tmp_path).post("/feedback", json=body)
    assert response.status_code == 422
    assert message in response.text


def test_get_feedback_needs_the_admin_key(tmp_path):
    disabled = service(tmp_path)
    response = disabled.get("/feedback")
    assert response.status_code == 403 and "CARBONQA_ADMIN_KEY" in response.json()["detail"]

    client = service(tmp_path, admin_key="s3cret")
    client.post("/feedback", json=DOWN)
    client.post("/feedback", json=UP)
    assert client.get("/feedback").status_code == 401
    assert client.get("/feedback", headers={"X-API-Key": "wrong"}).status_code == 401
    listed = client.get("/feedback", headers={"X-API-Key": "s3cret"})
    assert listed.status_code == 200
    assert [r["rating"] for r in listed.json()] == ["up", "down"]  # newest first
    down_only = client.get("/feedback?rating=down", headers={"X-API-Key": "s3cret"}).json()
    assert [r["note"] for r in down_only] == [DOWN["note"]]


@pytest.fixture
def feedback_env(tmp_path, monkeypatch):
    path = tmp_path / "fb.sqlite3"
    monkeypatch.setenv("CARBONQA_FEEDBACK_DB", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def test_export_writes_the_negative_feedback_as_eval_items(feedback_env, tmp_path):
    store = FeedbackStore(feedback_env, 10)
    store.add(FeedbackIn(**DOWN))
    store.add(FeedbackIn(**UP))
    store.add(FeedbackIn(**{**DOWN, "note": None, "question": "佛山的光伏目标？"}))

    result = CliRunner().invoke(cli, ["feedback", "export"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    # Oldest first, 👎 only; questions are stored as typed.
    assert [line["question"] for line in lines] == [DOWN["question"], "佛山的光伏目标？"]
    first = lines[0]
    assert first["id"] == "feedback-1" and first["type"] == "unknown"
    assert first["answer"] == DOWN["answer"] and first["note"] == DOWN["note"]
    # The eval reads them as unlabelled questions (predictions without metrics).
    assert all(not QAItem.model_validate(line).has_gold for line in lines)

    out = tmp_path / "out" / "neg.jsonl"
    result = CliRunner().invoke(cli, ["feedback", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").splitlines() == [json.dumps(line, ensure_ascii=False) for line in lines]


def test_export_without_a_database_says_so(feedback_env):
    result = CliRunner().invoke(cli, ["feedback", "export"])
    assert result.exit_code == 0
    assert result.stdout == "" and "no feedback stored yet" in result.stderr
    assert not feedback_env.exists()  # exporting does not create it


def test_a_file_that_is_not_a_database_is_a_clear_error(feedback_env, tmp_path):
    feedback_env.write_bytes(b"not a database at all" * 100)
    result = CliRunner().invoke(cli, ["feedback", "export"])
    assert result.exit_code == 2
    assert "cannot read the feedback database" in " ".join(result.output.split())
    client = TestClient(create_app(Settings(feedback_db=feedback_env, admin_key="k")), raise_server_exceptions=False)
    response = client.post("/feedback", json=DOWN)
    assert response.status_code == 503 and "feedback could not be stored" in response.json()["detail"]
    response = client.get("/feedback", headers={"X-API-Key": "k"})
    assert response.status_code == 503 and "feedback could not be read" in response.json()["detail"]


@pytest.mark.parametrize("change, field", [
    ({"note": "好\x07"}, "note"),
    ({"note": "\ufdd0"}, "note"),
    ({"citation_ids": ["zhuhai-2023/1", "zhuhai-2023/2\x00"]}, "citation_ids"),
    ({"question": "珠海\x1b目标"}, "question"),  # the same check as the question's
])
def test_feedback_fields_refuse_control_characters_naming_the_field(tmp_path, change, field):
    response = service(tmp_path).post("/feedback", json={**DOWN, **change})
    assert response.status_code == 422 and response.json()["field"] == field
    assert f"{field} contains an invalid character" in response.json()["message"]["en"]


def test_the_spec_states_the_feedback_text_rules(tmp_path):
    from carbonqa.retriever.validation import TEXT_PATTERN
    feedback = service(tmp_path).get("/openapi.json").json()["components"]["schemas"]["FeedbackIn"]["properties"]
    assert feedback["note"]["anyOf"][0]["pattern"] == TEXT_PATTERN
    assert feedback["citation_ids"]["items"]["pattern"] == TEXT_PATTERN
