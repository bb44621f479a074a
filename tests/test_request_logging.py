"""Request ids, access lines and JSON logs."""
from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient

from carbonqa.api.app import create_app
from carbonqa.api.request_logging import JsonFormatter
from carbonqa.service.settings import get_settings


def access_lines(caplog) -> list[dict]:
    return [record.access for record in caplog.records if record.name == "carbonqa.access"]


@pytest.fixture
def loading_client() -> TestClient:
    return TestClient(create_app(get_settings()))  # no lifespan: the library stays "loading"


@pytest.mark.unit
def test_a_request_id_is_returned_kept_or_made(loading_client, caplog):
    caplog.set_level(logging.INFO, logger="carbonqa.access")
    made = loading_client.get("/healthz").headers["X-Request-ID"]
    kept = loading_client.get("/healthz", headers={"X-Request-ID": "trace-42.a"}).headers["X-Request-ID"]
    forged = loading_client.get("/healthz", headers={"X-Request-ID": "x\" level=ERROR"}).headers["X-Request-ID"]
    assert len(made) == 32 and kept == "trace-42.a" and forged not in ("x\" level=ERROR", made)
    refused = loading_client.post("/ask", json={"question": "珠海的目标？"}, headers={"X-Request-ID": "r1"})
    assert refused.status_code == 503 and refused.headers["X-Request-ID"] == "r1"
    lines = access_lines(caplog)
    assert [line["request_id"] for line in lines] == [made, "trace-42.a", forged, "r1"]
    assert lines[-1] | {"duration_ms": 0} == {"request_id": "r1", "method": "POST", "route": "/ask", "status": 503,
                                              "duration_ms": 0}


@pytest.mark.unit
def test_json_lines_are_one_object_each_with_the_request_fields():
    formatter = JsonFormatter()
    record = logging.LogRecord("carbonqa.access", logging.INFO, __file__, 1, "GET %s", ("/ask",), None)
    record.access = {"request_id": "abc", "route": "/ask", "status": 200, "duration_ms": 3.5, "outcome": "answered"}
    line = json.loads(formatter.format(record))
    assert line["level"] == "INFO" and line["logger"] == "carbonqa.access" and line["message"] == "GET /ask"
    assert line["time"].endswith("+00:00") and line["outcome"] == "answered" and line["request_id"] == "abc"
    try:
        raise ValueError("第一行\n第二行")
    except ValueError:
        import sys
        failed = logging.LogRecord("carbonqa.api", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    text = formatter.format(failed)
    assert "\n" not in text and "第二行" in json.loads(text)["exception"]


def test_access_lines_carry_the_outcome_and_the_question_only_when_allowed(runtime, caplog):
    caplog.set_level(logging.INFO, logger="carbonqa.access")
    question = "江门市如何推进新型储能发展？"
    for log_questions in (False, True):
        client = TestClient(create_app(get_settings().model_copy(update={"log_questions": log_questions}), runtime))
        answer = client.post("/ask", json={"question": question}).json()
        line = access_lines(caplog)[-1]
        assert line["outcome"] == answer["outcome"] and line["route"] == "/ask" and line["status"] == 200
        assert ("question" in line) is log_questions and line.get("question", question) == question
    assert all(question not in record.getMessage() for record in caplog.records)


def failing_stream(request):
    """An answer stream that breaks after its first words (as an LLM backend going away would)."""
    yield {"event": "delta", "data": {"text": "到2025年"}}
    raise RuntimeError("backend went away")


@pytest.mark.parametrize("log_questions", [False, True])
def test_a_failed_stream_logs_an_error_with_the_question_only_when_allowed(runtime, caplog, monkeypatch,
                                                                          log_questions):
    monkeypatch.setattr(runtime.answerer, "stream", failing_stream)
    client = TestClient(create_app(get_settings().model_copy(update={"log_questions": log_questions}), runtime))
    question = "江门市如何推进新型储能发展？"
    caplog.set_level(logging.INFO)
    streamed = client.post("/ask/stream", json={"question": question})
    assert streamed.status_code == 200 and "event: error" in streamed.text
    chat = client.post("/v1/chat/completions", json={"model": "carbonqa", "stream": True,
                                                    "messages": [{"role": "user", "content": question}]})
    assert chat.status_code == 200 and '"error"' in chat.text and chat.text.endswith("data: [DONE]\n\n")
    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(errors) == 2 and all("backend went away" in record.exc_text for record in errors)
    logged = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
    assert (question in logged) is log_questions
