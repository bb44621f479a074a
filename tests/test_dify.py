"""POST /retrieval in the shape of Dify's External Knowledge API documentation."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict, SecretStr, StrictFloat, StrictStr

from carbonqa.api.app import create_app
from carbonqa.service.settings import get_settings

KEY = "dify-test-key"


class DocumentedRecord(BaseModel):
    """A record as Dify documents it: content and score drive ranking, metadata must be an object."""

    model_config = ConfigDict(extra="forbid")

    content: StrictStr
    score: StrictFloat
    title: StrictStr
    metadata: dict


class DocumentedResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")

    records: list[DocumentedRecord]


class DocumentedError(BaseModel):
    model_config = ConfigDict(extra="forbid")

    error_code: int
    error_msg: StrictStr


@pytest.fixture(scope="module")
def client(runtime):
    return TestClient(create_app(get_settings().model_copy(update={"api_keys": [SecretStr(KEY)]}), runtime))


def retrieve(client, knowledge_id="carbonqa", query="海上风电", top_k=5, threshold=0.0, key=KEY, **extra):
    return client.post("/retrieval", headers={"Authorization": f"Bearer {key}"}, json={
        "knowledge_id": knowledge_id, "query": query,
        "retrieval_setting": {"top_k": top_k, "score_threshold": threshold}, **extra})


def test_records_follow_the_documented_shape_and_settings(client, runtime):
    response = retrieve(client, top_k=5, some_future_field=1)
    assert response.status_code == 200
    records = DocumentedResponse.model_validate(response.json()).records
    assert 0 < len(records) <= 5
    scores = [record.score for record in records]
    assert scores == sorted(scores, reverse=True) and all(0 <= score <= 1 for score in scores)
    chunks = {chunk.id: chunk for chunk in runtime.index.chunks}
    for record in records:
        chunk = chunks[record.metadata["chunk_id"]]
        assert record.content == chunk.text and record.title == chunk.title
        assert record.metadata["path"] == chunk.path and record.metadata["doc_id"] == chunk.doc_id
    above = DocumentedResponse.model_validate(retrieve(client, threshold=scores[1]).json()).records
    assert [r.score for r in above] == [s for s in scores if s >= scores[1]]


def test_a_plan_or_region_narrows_the_knowledge(client, runtime):
    plan = runtime.plans[0].meta
    for knowledge_id in (plan.doc_id, plan.region):
        records = retrieve(client, knowledge_id=knowledge_id).json()["records"]
        assert records and {r["metadata"]["region"] for r in records} == {plan.region}
    assert {r["metadata"]["doc_id"] for r in retrieve(client, knowledge_id=plan.doc_id).json()["records"]} == {
        plan.doc_id}


@pytest.mark.parametrize("case, status, code", [
    ({"key": "wrong"}, 401, 1002),
    ({"knowledge_id": "nowhere"}, 404, 2001),
    ({"query": ""}, 422, 422),
    ({"top_k": 0}, 422, 422),
    ({"threshold": 1.5}, 422, 422),
    ({"metadata_condition": {"conditions": []}}, 422, 422),
])
def test_errors_come_in_dify_shape(client, case, status, code):
    response = retrieve(client, **case)
    assert response.status_code == status
    error = DocumentedError.model_validate(response.json())
    assert error.error_code == code and " / " in error.error_msg  # Chinese, then English
