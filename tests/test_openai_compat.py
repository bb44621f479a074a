"""The OpenAI-compatible routes, driven by the official `openai` client against a running server."""
from __future__ import annotations

import re

import httpx
import openai
import pytest
from fastapi.exceptions import RequestValidationError
from conftest import Server

from carbonqa.api.openai_compat import ChatCompletionRequest, ModelId, ask_request

KEY = "openai-test-key"
QUESTION = "珠海市到2025年单位地区生产总值能耗下降多少？"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server(tmp_path_factory.mktemp("openai"), {"CARBONQA_API_KEYS": KEY})
    try:
        running.start()
        yield running.base
    finally:
        running.stop()


@pytest.fixture(scope="module")
def client(server) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server}/v1", api_key=KEY, max_retries=0)


def asked(server: str, question: str, history: list[str] = ()) -> dict:
    response = httpx.post(f"{server}/ask", headers={"X-API-Key": KEY}, timeout=60,
                          json={"question": question, "history": [{"question": q} for q in history]})
    assert response.status_code == 200, response.text
    return response.json()


def test_models_are_the_retrieval_modes(client):
    assert [model.id for model in client.models.list()] == ["carbonqa", "carbonqa-bm25", "carbonqa-dense"]


def test_a_completion_is_the_cited_answer_of_ask(client, server):
    completion = client.chat.completions.create(
        model="carbonqa", messages=[{"role": "system", "content": "你是助手"}, {"role": "user", "content": QUESTION}],
        temperature=0.2, max_tokens=50, extra_body={"some_future_option": True})  # unknown parameters ignored
    expected = asked(server, QUESTION)
    text = completion.choices[0].message.content
    assert text == expected["answer"] and completion.choices[0].finish_reason == "stop"
    extra = completion.model_extra["carbonqa"]
    assert extra["outcome"] == expected["outcome"] == "answered"
    assert {int(n) for n in re.findall(r"\[(\d+)\]", text)} == {c["marker"] for c in extra["citations"]} != set()


def test_a_streamed_completion_joins_to_the_same_answer(client, server):
    history = ["广州市的碳达峰目标是什么？"]
    stream = client.chat.completions.create(model="carbonqa", stream=True, messages=[
        {"role": "user", "content": history[0]}, {"role": "assistant", "content": "……"},
        {"role": "user", "content": [{"type": "text", "text": "那佛山呢？"}]}])
    chunks = list(stream)
    expected = asked(server, "那佛山呢？", history)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == expected["answer"]
    assert chunks[-1].choices[0].finish_reason == "stop"
    last = chunks[-1].model_extra["carbonqa"]
    assert last["understood_as"] == expected["understood_as"] and "佛山" in last["understood_as"]
    assert last["citations"] == expected["citations"]


def test_errors_come_in_openai_shape(client, server):
    with pytest.raises(openai.AuthenticationError) as no_key:
        openai.OpenAI(base_url=f"{server}/v1", api_key="wrong", max_retries=0).models.list()
    assert no_key.value.body["type"] == "authentication_error" and "API" in no_key.value.body["message"]
    with pytest.raises(openai.UnprocessableEntityError) as too_long:
        client.chat.completions.create(model="carbonqa", messages=[{"role": "user", "content": "碳" * 5000}])
    assert too_long.value.body["param"] == "messages[0].content" and "at most" in too_long.value.body["message"]
    with pytest.raises(openai.UnprocessableEntityError) as unknown_model:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": QUESTION}])
    assert unknown_model.value.body["param"] == "model" and "carbonqa-bm25" in unknown_model.value.body["message"]


@pytest.mark.unit
def test_earlier_user_turns_become_the_latest_history():
    body = ChatCompletionRequest(model=ModelId.carbonqa_dense, messages=[
        {"role": "user", "content": f"第{n}个问题"} for n in range(5)])
    request = ask_request(body, max_history_turns=2)
    assert request.question == "第4个问题" and [t.question for t in request.history] == ["第2个问题", "第3个问题"]
    assert body.model.search_mode.value == "dense" and ModelId.carbonqa.search_mode.value == "hybrid"
    assert ask_request(body, max_history_turns=0).history == []


@pytest.mark.unit
def test_a_bad_earlier_turn_is_named_by_its_message():
    body = ChatCompletionRequest(model="carbonqa", messages=[
        {"role": "user", "content": " "}, {"role": "assistant", "content": "…"}, {"role": "user", "content": "问题"}])
    with pytest.raises(RequestValidationError) as error:
        ask_request(body, max_history_turns=5)
    assert error.value.errors()[0]["loc"] == ("body", "messages", 0, "content")
