"""GET /metrics: scraped after a few requests and read with prometheus-client's own parser."""
from __future__ import annotations

import pytest
from pydantic import SecretStr
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from carbonqa.api.app import create_app
from carbonqa.service.settings import get_settings

KEY = "metrics-test-key"


@pytest.fixture(scope="module")
def client(runtime, tmp_path_factory):
    settings = get_settings().model_copy(update={
        "metrics_key": SecretStr(KEY), "max_body_bytes": 2000,
        "feedback_db": tmp_path_factory.mktemp("metrics") / "feedback.sqlite3"})
    return TestClient(create_app(settings, runtime))


def scrape(client) -> dict[tuple[str, tuple], float]:
    """(sample name, sorted labels) -> value."""
    response = client.get("/metrics", headers={"Authorization": f"Bearer {KEY}"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_a_scrape_counts_the_requests_answers_and_rejections(client, runtime):
    before = scrape(client)
    outcomes = []
    for question in ("珠海市到2025年单位地区生产总值能耗下降多少？", "江门市如何推进新型储能发展？", "北京市的碳达峰目标是什么？"):
        response = client.post("/ask", json={"question": question})
        assert response.status_code == 200
        outcomes.append(response.json()["outcome"])
    assert client.post("/ask", json={"question": ""}).status_code == 422
    assert client.post("/ask", content=b"{" + b" " * 3000 + b"}",
                       headers={"Content-Type": "application/json"}).status_code == 413
    for rating in ("up", "down", "down"):
        feedback = {"question": "问题", "answer": "回答", "rating": rating}
        assert client.post("/feedback", json=feedback).status_code == 201
    assert client.post("/feedback", json={**feedback, "note": "\x00"}).status_code == 422  # not stored
    assert client.get("/no/such/path").status_code == 404
    after = scrape(client)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("carbonqa_http_requests_total", method="POST", route="/ask", status="200") == 3
    assert grew("carbonqa_http_requests_total", method="POST", route="/ask", status="422") == 1
    assert grew("carbonqa_http_requests_total", method="GET", route="unrouted", status="404") == 1
    assert grew("carbonqa_rejected_requests_total", status="413") == 1
    assert (grew("carbonqa_feedback_total", rating="up"), grew("carbonqa_feedback_total", rating="down")) == (1, 2)
    assert grew("carbonqa_http_request_duration_seconds_count", route="/ask") == 4  # the 413 is refused unrouted
    assert {o: grew("carbonqa_answers_total", outcome=o) for o in ("answered", "partial", "not_stated")} == {
        o: outcomes.count(o) for o in ("answered", "partial", "not_stated")}
    assert grew("carbonqa_retrieval_duration_seconds_count") == 3
    assert grew("carbonqa_answer_duration_seconds_count") == 3
    assert value(after, "carbonqa_questions_in_flight") == 0
    assert value(after, "carbonqa_questions_queued") == 0 and ("carbonqa_questions_queued", ()) in after
    # Every limit status and library change is exported from the start, at 0 until it happens.
    assert all(("carbonqa_rejected_requests_total", (("status", status),)) in after
               for status in ("408", "413", "429", "503"))
    assert all(("carbonqa_library_changes_total", (("change", change),)) in after
               for change in ("add", "remove", "external"))
    assert value(after, "carbonqa_index_plans") == len(runtime.plans)
    assert value(after, "carbonqa_index_chunks") == len(runtime.index.chunks)
    info = next(labels for (name, labels) in after if name == "carbonqa_index_info")
    assert dict(info)["model_fingerprint"] == runtime.embedder.model_fingerprint
    assert value(after, "carbonqa_ready") == 1


def test_requests_over_the_rate_limit_are_counted_as_rejected(client, runtime):
    limited = TestClient(create_app(get_settings().model_copy(update={"rate_limit": "2/minute"}), runtime))
    before = scrape(client)  # the counters are process-wide: any app's /metrics shows them
    assert [limited.get("/documents").status_code for _ in range(3)] == [200, 200, 429]
    after = scrape(client)
    assert value(after, "carbonqa_rejected_requests_total", status="429") - \
        value(before, "carbonqa_rejected_requests_total", status="429") == 1


def test_the_metrics_key_is_required_when_set(client):
    response = client.get("/metrics")
    assert response.status_code == 401 and "CARBONQA_METRICS_KEY" in response.json()["message"]["en"]
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
