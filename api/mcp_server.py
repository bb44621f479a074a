"""An MCP (Model Context Protocol) server, so agent frameworks reach carbonqa as tools: `ask`, `search`,
`get_clause`, `list_plans` and `indicators`, over stdio (`carbonqa mcp`) or streamable HTTP at /mcp of the
running service (behind the API key when keys are set, like /ask).

Each tool's input schema is the JSON schema of the HTTP API's request model, and its arguments are validated
by that model, so a tool takes the same fields with the same limits and messages as the route. A refused
call (bad arguments, unknown plan or clause, library still loading) is a tool error carrying the route's
bilingual message, never a protocol failure.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
import mcp_types as types
from fastapi import APIRouter, Request
from fastapi.responses import Response
from mcp.server import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.types import Receive, Scope, Send

from carbonqa import __version__
from carbonqa.answer.models import Answer
from carbonqa.api.dependencies import served
from carbonqa.api.errors import ApiError, describe
from carbonqa.api.routes.indicators import indicator_rows
from carbonqa.api.routes.questions import answer_request, plan_filter
from carbonqa.api.schemas import MAX_QUESTION_CHARS, AskRequest, IndicatorFilter, SearchRequest
from carbonqa.api.security import api_key_guard
from carbonqa.index.batching import QueryEmbeddingError
from carbonqa.retriever.search import UnknownDocumentError, UnknownRegionError
from carbonqa.service.live import Ready, Service
from carbonqa.service.settings import Settings

INSTRUCTIONS = ("carbonqa 回答广东省及各市碳达峰实施方案的问题，每句话都引用方案原文条款。"
                "先用 ask 提问；用 search 看排序后的条款，get_clause 读一条条款，list_plans 列出方案，"
                "indicators 查量化目标。/ Cited answers from Guangdong's carbon-peak plans.")
# Refusals whose message is already bilingual and meant for the caller.
REFUSALS = (UnknownRegionError, UnknownDocumentError, QueryEmbeddingError)


class ClauseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    clause_id: str = Field(min_length=1, max_length=200,
                           description="the clause id from a citation or search hit, e.g. zhuhai-2023/2.1.2")


class NoArguments(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Tool:
    """One tool: its request model (schema and validation) and what it does with a valid request."""

    name: str
    description: str
    arguments: type[BaseModel]
    run: Callable[[Any, Ready, Settings], BaseModel | dict]

    def listed(self) -> types.Tool:
        return types.Tool(name=self.name, description=self.description,
                          input_schema=self.arguments.model_json_schema())


def ask(body: AskRequest, live: Ready, settings: Settings) -> Answer:
    return live.runtime.answerer.ask(answer_request(body, settings, live.runtime))


def search(body: SearchRequest, live: Ready, settings: Settings) -> BaseModel:
    return live.runtime.retriever.search(body.question, **plan_filter(body, live.runtime),
                                         top_k=body.top_k or settings.top_k, mode=body.mode)


def get_clause(body: ClauseRequest, live: Ready, _: Settings) -> BaseModel:
    context = live.view.context(body.clause_id)
    if context is None:
        raise ApiError(404, f"未找到条款 {body.clause_id}：请用 search 或引用中的条款 id / no clause with id "
                            f"{body.clause_id!r}: use an id from search or a citation", field="clause_id")
    return context


def list_plans(_: NoArguments, live: Ready, __: Settings) -> dict:
    return {"plans": live.view.documents()}  # an object: older protocol versions want one


def indicators(body: IndicatorFilter, live: Ready, _: Settings) -> dict:
    return {"indicators": indicator_rows(live, body)}


TOOLS = {tool.name: tool for tool in (
    Tool("ask", "用中文提问，得到引用方案条款的回答：answer（含 [n] 引用标记）、citations（条款 id、方案、标题路径、原文）、"
                "outcome（answered / partial / not_stated）。history 放此前的问题，可追问“那佛山呢？”。"
                " / A cited answer from the plans.", AskRequest, ask),
    Tool("search", "检索与问题最相关的条款，按融合分数排序（含 BM25 与向量分数）。/ The clauses ranked for a question.",
         SearchRequest, search),
    Tool("get_clause", "按条款 id 读取一条条款：原文、所属方案、标题路径、上下级与前后条款。/ One clause with its context.",
         ClauseRequest, get_clause),
    Tool("list_plans", "列出库中的方案：doc_id、标题、地区、发文信息、条款数。/ The plans in the library.",
         NoArguments, list_plans),
    Tool("indicators", "方案中的量化目标（指标、地区、年份、数值），每条带引用条款；可按指标、地区、年份筛选。"
                       " / The plans' quantitative targets with citations.", IndicatorFilter, indicators),
)}


def answer_text(answer: Answer) -> str:
    """The reply as a reader sees it: the outcome line, the answer with its [n] markers, then the sources."""
    lines = [f"【{answer.status.text}】", answer.answer]
    if answer.citations:
        lines.append("引用 / citations:")
    lines += [f"[{c.marker}] {c.plan_title} · {' > '.join(c.path)} ({c.chunk_id})：“{c.quote}”"
              for c in answer.citations]
    return "\n".join(lines)


def tool_result(result: BaseModel | dict) -> types.CallToolResult:
    """The result as structured content, and as text: the readable reply for `ask`, else the same JSON."""
    if isinstance(result, Answer):
        data = result.model_dump(mode="json", exclude={"retrieved"})  # the ranked hits are `search`'s
        text = answer_text(result)
    else:
        data = result.model_dump(mode="json") if isinstance(result, BaseModel) else \
            {key: [item.model_dump(mode="json") for item in items] for key, items in result.items()}
        text = json.dumps(data, ensure_ascii=False)
    return types.CallToolResult(content=[types.TextContent(text=text)], structured_content=data)


def refusal(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(text=message)], is_error=True)


def mcp_server(service: Service, settings: Settings) -> Server:
    """The tools over the library `service` serves (the running service's own, shared by every transport)."""

    async def list_tools(_ctx, _params) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[tool.listed() for tool in TOOLS.values()])

    async def call_tool(_ctx, params: types.CallToolRequestParams) -> types.CallToolResult:
        tool = TOOLS.get(params.name)
        if tool is None:
            return refusal(f"没有工具 {params.name}；可用：{'、'.join(TOOLS)} / no tool {params.name!r}")
        # Set here, not by the HTTP middleware: the MCP session runs the call in a task of its own.
        limit = MAX_QUESTION_CHARS.set(settings.max_question_chars)
        try:
            body = tool.arguments.model_validate(params.arguments or {})
            live = served(service)
            # The answerer and retriever block (model, index): a worker thread, as the sync routes use.
            return tool_result(await anyio.to_thread.run_sync(tool.run, body, live, settings))
        except ValidationError as error:
            return refusal("；".join(describe(problem) for problem in error.errors()))
        except ApiError as error:
            return refusal(error.message)
        except REFUSALS as error:
            return refusal(str(error))
        finally:
            MAX_QUESTION_CHARS.reset(limit)

    return Server("carbonqa", version=__version__, instructions=INSTRUCTIONS,
                  on_list_tools=list_tools, on_call_tool=call_tool)


async def serve_stdio(service: Service, settings: Settings) -> None:
    """Serve the tools over this process's stdin and stdout until the client closes them."""
    from mcp.server.stdio import stdio_server

    server = mcp_server(service, settings)
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


def http_sessions(service: Service, settings: Settings) -> StreamableHTTPSessionManager:
    """Streamable HTTP for the app's /mcp: stateless (each POST stands alone, so any worker can answer it)
    and plain JSON replies; run it in the app's lifespan."""
    return StreamableHTTPSessionManager(app=mcp_server(service, settings), stateless=True, json_response=True)


class HandOver(Response):
    """A response the MCP session manager writes itself, once the route's key check has passed."""

    def __init__(self, sessions: StreamableHTTPSessionManager):
        super().__init__()
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.sessions.handle_request(scope, receive, send)


def router(settings: Settings, sessions: StreamableHTTPSessionManager) -> APIRouter:
    """POST /mcp; it needs an API key exactly when /ask does. Left out of the OpenAPI spec: its body is
    MCP's JSON-RPC, described by the protocol."""
    guard, _ = api_key_guard(settings)
    api = APIRouter(tags=["mcp"], dependencies=guard)

    @api.post("/mcp", include_in_schema=False)
    async def mcp(_: Request) -> Response:
        return HandOver(sessions)

    return api
