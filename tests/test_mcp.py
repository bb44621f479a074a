"""The MCP server, driven by the official `mcp` SDK client: over streamable HTTP at /mcp of a running
service (uvicorn on a free loopback port, sharing the session's loaded pipeline), over stdio (`carbonqa mcp`
as a subprocess), and in process for the argument checks."""
from __future__ import annotations

import os
import re
import sys
import threading
import time

import anyio
import httpx
import httpx2
import pytest
import uvicorn
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from pydantic import SecretStr
from conftest import REPO_DIR, free_port

from carbonqa.answer.models import AnswerRequest
from carbonqa.api.mcp_server import TOOLS, mcp_server
from carbonqa.api.schemas import AskRequest, IndicatorFilter, SearchRequest
from carbonqa.service.live import Service
from carbonqa.service.settings import Settings, get_settings

KEY = "mcp-test-key"
QUESTION = "珠海2025年单位地区生产总值能耗要比2020年下降多少？"
TOOL_NAMES = ["ask", "search", "get_clause", "list_plans", "indicators"]


def run(session, *args):
    """session(client, *args) inside one MCP client session, from a sync test."""
    async def main():
        async with args[0] as client:
            return await session(client, *args[1:])
    return anyio.run(main)


def http_transport(url: str, key: str | None = KEY):
    headers = {"X-API-Key": key} if key else {}
    return streamable_http_client(url, http_client=httpx2.AsyncClient(headers=headers, timeout=120))


@pytest.fixture(scope="module")
def server(runtime):
    """The service with an API key under uvicorn in a thread, serving the session's pipeline."""
    from carbonqa.api.app import create_app

    settings = get_settings().model_copy(update={"api_keys": [SecretStr(KEY)]})
    port = free_port()
    running = uvicorn.Server(uvicorn.Config(create_app(settings, runtime), host="127.0.0.1", port=port,
                                            log_level="warning"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not running.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=20)


def over_http(server: str, session, *args):
    return run(session, Client(http_transport(f"{server}/mcp")), *args)


def rest(server: str, method: str, path: str, **options) -> object:
    response = httpx.request(method, f"{server}{path}", headers={"X-API-Key": KEY}, timeout=120, **options)
    assert response.status_code == 200, response.text
    return response.json()


async def call(client, name, arguments=None):
    return await client.call_tool(name, arguments or {})


def test_the_tools_take_the_http_apis_request_models(server):
    async def listed(client):
        return (await client.list_tools()).tools

    tools = {tool.name: tool for tool in over_http(server, listed)}
    assert list(tools) == TOOL_NAMES
    assert tools["ask"].input_schema == AskRequest.model_json_schema()
    assert tools["search"].input_schema == SearchRequest.model_json_schema()
    assert tools["indicators"].input_schema == IndicatorFilter.model_json_schema()
    assert tools["get_clause"].input_schema["required"] == ["clause_id"]


def test_ask_is_the_cited_answer_of_ask(server):
    result = over_http(server, call, "ask", {"question": QUESTION})
    expected = rest(server, "POST", "/ask", json={"question": QUESTION})
    assert not result.is_error
    answer = result.structured_content
    assert answer["answer"] == expected["answer"] and answer["outcome"] == expected["outcome"] == "answered"
    assert answer["citations"] == expected["citations"] != []
    text = result.content[0].text
    assert text.startswith(f"【{expected['status']['text']}】\n{expected['answer']}")
    for citation in expected["citations"]:  # every [n] of the answer is listed with its clause id and quote
        assert f"[{citation['marker']}] " in text and citation["chunk_id"] in text and citation["quote"] in text
    assert {int(n) for n in re.findall(r"\[(\d+)\]", expected["answer"])} == {c["marker"] for c in expected["citations"]}


def test_a_follow_up_uses_the_history(server):
    history = [{"question": "广州市的碳达峰目标是什么？"}]
    result = over_http(server, call, "ask", {"question": "那佛山呢？", "history": history})
    assert "佛山" in result.structured_content["understood_as"]


def test_search_get_clause_list_plans_and_indicators_match_the_routes(server):
    async def session(client):
        hits = (await call(client, "search", {"question": "海上风电", "regions": ["珠海"], "top_k": 3})).structured_content
        clause = await call(client, "get_clause", {"clause_id": hits["hits"][0]["chunk"]["id"]})
        plans = await call(client, "list_plans")
        targets = await call(client, "indicators", {"region": "珠海", "year": 2025})
        return hits, clause.structured_content, plans.structured_content, targets.structured_content

    hits, clause, plans, targets = over_http(server, session)
    expected = rest(server, "POST", "/search", json={"question": "海上风电", "regions": ["珠海"], "top_k": 3})
    assert [h["chunk"]["id"] for h in hits["hits"]] == [h["chunk"]["id"] for h in expected["hits"]]
    assert len(hits["hits"]) == 3 and all(h["chunk"]["region"] == "珠海市" for h in hits["hits"])
    assert [h["score"] for h in hits["hits"]] == sorted((h["score"] for h in hits["hits"]), reverse=True)
    first = hits["hits"][0]["chunk"]
    assert clause["chunk"]["text"] == first["text"] and clause["chunk"]["path"] == first["path"]
    assert clause["plan"]["doc_id"] == first["doc_id"]
    assert plans["plans"] == rest(server, "GET", "/documents")
    assert targets["indicators"] == rest(server, "GET", "/indicators", params={"region": "珠海", "year": 2025}) != []


def test_bad_arguments_are_tool_errors_and_the_server_keeps_answering(server):
    bad = [("ask", {"question": "碳" * 5000}, "at most"),
           ("ask", {"question": "碳达峰", "top_k": 99}, "top_k must be between 1 and 20"),
           ("ask", {"question": "碳达峰", "colour": "red"}, "unknown field colour"),
           ("ask", {}, "field question is required"),
           ("search", {"question": "光伏", "regions": ["火星"]}, "火星"),
           ("get_clause", {"clause_id": "nowhere/1"}, "no clause with id 'nowhere/1'"),
           ("indicators", {"region": "火星"}, "no plan for region '火星'"),
           ("indicators", {"year": 3000}, "year"),
           ("no_such_tool", {}, "no tool 'no_such_tool'")]

    async def session(client):
        results = [await call(client, name, arguments) for name, arguments, _ in bad]
        return results, await call(client, "list_plans")

    results, after = over_http(server, session)
    for (name, arguments, message), result in zip(bad, results):
        assert result.is_error, (name, arguments)
        assert message in result.content[0].text, (name, arguments, result.content[0].text)
    assert not after.is_error and after.structured_content["plans"]


def test_http_needs_the_api_key(server):
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
    headers = {"Accept": "application/json, text/event-stream"}
    for key in (None, "wrong-key"):
        response = httpx.post(f"{server}/mcp", json=initialize, timeout=30,
                              headers={**headers, **({"X-API-Key": key} if key else {})})
        assert response.status_code == 401 and response.json()["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"] == "Bearer"
        with pytest.raises(ExceptionGroup) as refused:  # the SDK client cannot even initialize
            run(call, Client(http_transport(f"{server}/mcp", key)), "list_plans")
        assert refused.group_contains(MCPError)  # any depth
    allowed = httpx.post(f"{server}/mcp", json=initialize, headers={**headers, "Authorization": f"Bearer {KEY}"},
                         timeout=30)
    assert allowed.status_code == 200 and allowed.json()["result"]["serverInfo"]["name"] == "carbonqa"


def test_stdio_serves_the_same_tools(runtime):
    """`carbonqa mcp` as the agent starts it, on the checkout's data folder."""
    params = StdioServerParameters(command=sys.executable, args=["-m", "carbonqa.cli", "mcp"], cwd=str(REPO_DIR),
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})

    async def session(client):
        names = [tool.name for tool in (await client.list_tools()).tools]
        answer = await call(client, "ask", {"question": QUESTION})
        refused = await call(client, "ask", {"question": "   "})
        hits = await call(client, "search", {"question": "海上风电", "top_k": 2})
        return names, answer, refused, hits

    names, answer, refused, hits = run(session, Client(params, read_timeout_seconds=600))
    assert names == TOOL_NAMES
    expected = runtime.answerer.ask(AnswerRequest(question=QUESTION))
    assert answer.structured_content["answer"] == expected.answer and answer.structured_content["outcome"] == "answered"
    assert refused.is_error and "question" in refused.content[0].text
    assert len(hits.structured_content["hits"]) == 2


@pytest.mark.unit
def test_arguments_are_checked_before_the_library_is_needed(tmp_path):
    """In process, with nothing loaded: bad arguments get the model's message, good ones the loading error."""
    settings = Settings(data_dir=tmp_path, max_question_chars=20)
    server = mcp_server(Service(settings), settings)

    async def session(client):
        return [await call(client, "ask", {"question": "碳" * 21}),
                await call(client, "search", {"question": "光伏", "top_k": 2.5}),
                await call(client, "list_plans", {"extra": 1}),
                await call(client, "ask", {"question": "碳达峰目标"})]

    too_long, fraction, extra, loading = run(session, Client(server))
    assert too_long.is_error and "20" in too_long.content[0].text  # this server's own limit
    assert fraction.is_error and "top_k 应为整数 / top_k must be an integer" in fraction.content[0].text
    assert extra.is_error and "unknown field extra" in extra.content[0].text
    assert loading.is_error and "loading" in loading.content[0].text
    assert set(TOOLS) == set(TOOL_NAMES)
