"""OpenAI-compatible chat: `POST /v1/chat/completions` and `GET /v1/models`, so any OpenAI SDK or chat
front end (Open WebUI, LobeChat, a Dify "model") can ask carbonqa unchanged.

The last user message is the question and the earlier user messages its history, as /ask uses them
(system and assistant messages are ignored: the answer comes from the plans, not from instructions).
The reply text is /ask's cited answer; the whole Answer (citations, outcome) travels in the extra
field `carbonqa`. Unknown request fields are ignored, as OpenAI clients expect; errors raised by these
routes use OpenAI's error shape `{"error": {"message", "type", "param", "code"}}`.
"""
from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterator
from enum import Enum
from typing import Any, Literal

from fastapi import APIRouter, Depends
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from carbonqa.answer.models import Answer
from carbonqa.api.errors import reshaped_errors
from carbonqa.api.openapi import COMMON_ERRORS, errors, loading_errors
from carbonqa.api.schemas import AskRequest
from carbonqa.api.security import api_key_guard
from carbonqa.api.dependencies import ready
from carbonqa.api.routes.questions import answer_request
from carbonqa.service.settings import Settings
from carbonqa.retriever.models import SearchMode

log = logging.getLogger("carbonqa.api")

MODEL_PREFIX = "carbonqa"


class ModelId(str, Enum):
    """One model per retrieval mode of the answerer: hybrid (the default), BM25 only, dense only."""

    carbonqa = MODEL_PREFIX
    carbonqa_bm25 = f"{MODEL_PREFIX}-bm25"
    carbonqa_dense = f"{MODEL_PREFIX}-dense"

    @property
    def search_mode(self) -> SearchMode:
        return SearchMode(self.value.removeprefix(MODEL_PREFIX).lstrip("-") or SearchMode.hybrid.value)


class OpenAIError(BaseModel):
    message: str = Field(description="what is wrong and how to fix it, \"中文 / English\"")
    type: str = Field(description="invalid_request_error, authentication_error, rate_limit_error or server_error")
    param: str | None = Field(description="the request field at fault, if one is")
    code: str | None = Field(description="carbonqa's machine-readable error code")


class OpenAIErrorBody(BaseModel):
    """The error body of the OpenAI-compatible routes."""

    error: OpenAIError


def error_type(status: int) -> str:
    if status == 401:
        return "authentication_error"
    if status == 429:
        return "rate_limit_error"
    return "server_error" if status >= 500 else "invalid_request_error"


def openai_error(response: JSONResponse) -> JSONResponse:
    """The service's ErrorBody response in OpenAI's error shape (same status and headers)."""
    body = json.loads(response.body)
    error = OpenAIError(message=body["detail"], type=error_type(response.status_code), param=body.get("field"),
                        code=body["code"])
    headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")}
    return JSONResponse(OpenAIErrorBody(error=error).model_dump(), status_code=response.status_code, headers=headers)


class TextPart(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: Literal["text"]
    text: str = Field(description="the question, checked as /ask checks it")


class UserMessage(BaseModel):
    """A question: the last one is asked, the earlier ones are its history."""

    model_config = ConfigDict(extra="ignore")

    role: Literal["user"]
    content: str | list[TextPart] = Field(description="the question as text, or as one text part")

    @field_validator("content")
    @classmethod
    def one_part(cls, value: str | list[TextPart]) -> str | list[TextPart]:
        if isinstance(value, list) and len(value) != 1:
            raise ValueError("user 消息的 content 应为一段文字 / a user message's content must be one text part")
        return value

    @property
    def text(self) -> str:
        return self.content[0].text if isinstance(self.content, list) else self.content


class OtherMessage(BaseModel):
    """System, developer, assistant and tool messages are accepted and ignored: the answer comes from the plans."""

    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "assistant", "tool"]
    content: Any = None


class ChatCompletionRequest(BaseModel):
    """OpenAI's request body; fields carbonqa has no use for (temperature, max_tokens, …) are ignored."""

    model_config = ConfigDict(extra="ignore")

    model: ModelId = Field(description="a model id of GET /v1/models: the retrieval mode")
    messages: list[UserMessage | OtherMessage] = Field(
        description="the conversation; the last user message is the question",
        json_schema_extra={"contains": {"$ref": "#/components/schemas/UserMessage"}})
    stream: bool = Field(default=False, strict=True, description="send chat.completion.chunk server-sent events")
    regions: list[str] | None = Field(default=None, description="carbonqa extension, as in /ask")
    documents: list[str] | None = Field(default=None, description="carbonqa extension, as in /ask")


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str = Field(description="the cited answer with [n] markers, as /ask's `answer`")


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    carbonqa: Answer = Field(description="the whole /ask Answer: citations, outcome, retrieved clauses")


class Model(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = Field(default=0, description="not tracked: always 0")
    owned_by: str = MODEL_PREFIX


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Model]


def ask_request(body: ChatCompletionRequest, max_history_turns: int) -> AskRequest:
    """The /ask request the conversation stands for. Only the latest earlier questions are kept as history
    (chat front ends send whole conversations; follow-ups need only the recent turns)."""
    asked = [(index, message.text) for index, message in enumerate(body.messages) if isinstance(message, UserMessage)]
    if not asked:
        raise RequestValidationError([{
            "type": "value_error", "loc": ("body", "messages"), "input": None,
            "msg": "messages 中至少需要一条 user 消息（即问题）/ messages must contain a user message (the question)"}])
    (last, question), earlier = asked[-1], asked[max(0, len(asked) - 1 - max_history_turns):-1]
    try:
        return AskRequest(question=question, history=[{"question": text} for _, text in earlier],
                          regions=body.regions, documents=body.documents)
    except ValidationError as error:
        # Point each problem at the message it came from.
        places = {"question": last, **{f"history.{n}": index for n, (index, _) in enumerate(earlier)}}
        problems = []
        for problem in error.errors():
            loc = problem["loc"]
            key = "question" if loc[0] == "question" else f"{loc[0]}.{loc[1]}" if loc[0] == "history" else None
            where = ("body", "messages", places[key], "content") if key in places else ("body", *loc)
            problems.append({**problem, "loc": where})
        raise RequestValidationError(problems) from error


def chunk(completion_id: str, created: int, model: str, delta: dict, finish: str | None = None,
          answer: dict | None = None) -> str:
    """One chat.completion.chunk as a server-sent event."""
    data = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    if answer is not None:
        data["carbonqa"] = answer
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"


def stream_chunks(events: Iterator[dict], model: str) -> Iterator[str]:
    """The answerer's events as OpenAI chunks: the role, text deltas, a last chunk with the whole Answer,
    then [DONE]. A failure after the response started is sent in-band as OpenAI streams do."""
    completion_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
    yield chunk(completion_id, created, model, {"role": "assistant", "content": ""})
    try:
        for event in events:
            if event["event"] == "delta":
                yield chunk(completion_id, created, model, {"content": event["data"]["text"]})
            elif event["event"] == "done":
                yield chunk(completion_id, created, model, {}, "stop", event["data"])
    except Exception:
        log.exception("chat completion stream failed")
        error = OpenAIError(message="生成回答时出错，请重试 / failed to produce the answer, please retry",
                            type="server_error", param=None, code="internal_error")
        yield f"data: {json.dumps({'error': error.model_dump()}, ensure_ascii=False)}\n\n"
    yield "data: [DONE]\n\n"


ROUTE_ERRORS = {status: {"model": OpenAIErrorBody, "description": spec["description"]}
                for status, spec in errors(400, 401, 422).items()}


def router(settings: Settings) -> APIRouter:
    """The /v1 routes; they need an API key exactly when /ask does."""
    guard, key_errors = api_key_guard(settings)
    responses = {**COMMON_ERRORS, **errors(429), **ROUTE_ERRORS, **loading_errors("OpenAIErrorBody")}
    if not key_errors:
        responses.pop(401)
    api = APIRouter(prefix="/v1", tags=["openai"], route_class=reshaped_errors(openai_error), dependencies=guard, responses=responses)

    @api.get("/models", response_model=ModelList)
    def models() -> ModelList:
        """One model id per retrieval mode (carbonqa = hybrid)."""
        return ModelList(data=[Model(id=model.value) for model in ModelId])

    @api.post("/chat/completions", response_model=ChatCompletion,
              responses={200: {"content": {"text/event-stream": {}}}})
    def chat_completions(body: ChatCompletionRequest, live=Depends(ready)) -> Response:
        """The last user message answered as /ask answers it; `stream: true` sends OpenAI's chunk events
        ending `data: [DONE]`. The whole Answer is in `carbonqa` (the last chunk's, when streamed)."""
        request = answer_request(ask_request(body, settings.max_history_turns), settings, live.runtime)
        request = request.model_copy(update={"mode": body.model.search_mode})
        if body.stream:
            return StreamingResponse(stream_chunks(live.runtime.answerer.stream(request), body.model.value),
                                     media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        answer = live.runtime.answerer.ask(request)
        completion = ChatCompletion(id=f"chatcmpl-{uuid.uuid4().hex}", created=int(time.time()),
                                    model=body.model.value, choices=[Choice(message=AssistantMessage(
                                        content=answer.answer))], carbonqa=answer)
        return Response(completion.model_dump_json(), media_type="application/json")

    return api
