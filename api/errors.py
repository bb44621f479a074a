"""Every error the service returns is one JSON model (ErrorBody), never a traceback or a server path."""
from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel, Field

from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.routing import APIRoute
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from carbonqa.index.batching import QueryEmbeddingError
from carbonqa.retriever.search import UnknownDocumentError, UnknownRegionError
from carbonqa.service.messages import ErrorMessage, bilingual

log = logging.getLogger("carbonqa.api")


# Machine-readable error codes by HTTP status (an ApiError may name a more specific one).
STATUS_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    406: "not_acceptable", 408: "body_timeout", 413: "body_too_large", 422: "invalid_request", 429: "rate_limited",
    500: "internal_error", 503: "unavailable",
}


class ErrorItem(BaseModel):
    field: str | None = Field(description="the request field at fault, e.g. question or history[0].question")
    message: str


class ErrorBody(BaseModel):
    """The body of every 4xx/5xx response."""

    code: str = Field(description="machine-readable: " + ", ".join(sorted(set(STATUS_CODES.values()))) + ", …")
    message: ErrorMessage = Field(description="what is wrong and how to fix it, in Chinese and English")
    field: str | None = Field(default=None, description="the request field at fault, if one is")
    detail: str = Field(description="the message as one line, \"中文 / English\"")
    errors: list[ErrorItem] = Field(description="every problem found, first one = message")


class ApiError(Exception):
    """A request the service refuses, with a bilingual message and an HTTP status."""

    def __init__(self, status: int, message: str, field: str | None = None, headers: dict[str, str] | None = None,
                 code: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.headers = headers
        self.code = code or STATUS_CODES.get(status, "error")


def unknown_plan(doc_id: str) -> ApiError:
    return ApiError(404, f"未找到文件 {doc_id} / no plan with id {doc_id!r}", field="doc_id")


# Messages for the HTTP statuses Starlette raises itself (unknown route, wrong method, body limit).
HTTP_MESSAGES = {
    400: "请求体无法解析（应为 UTF-8 编码的 JSON，上传文件应为 multipart/form-data）/ request body could not be parsed "
         "(expected UTF-8 JSON, or multipart/form-data for uploads)",
    404: "未找到该地址 / not found",
    405: "不支持该请求方法 / method not allowed",
    413: "请求体过大 / request body too large",
}

# Error types raised by our own validators (pydantic_core.PydanticCustomError), already bilingual.
CUSTOM_ERRORS = {"top_k_range"}


def field_name(loc: tuple[Any, ...]) -> str:
    """("body", "history", 0, "question") -> "history[0].question"."""
    name = ""
    for part in loc[1:] if loc and loc[0] in ("body", "path", "query") else loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def describe(error: dict[str, Any]) -> str:
    """One bilingual sentence for one pydantic validation error."""
    kind = error["type"]
    field = field_name(tuple(error["loc"]))
    ctx = error.get("ctx") or {}
    if kind == "json_invalid":
        return f"请求体不是合法的 JSON / request body is not valid JSON ({ctx.get('error', 'decode error')})"
    if not field:  # the body as a whole
        if kind == "missing":
            return "缺少请求体 / request body is required"
        return "请求体应为 JSON 对象（Content-Type: application/json）/ request body must be a JSON object"
    if kind == "missing":
        return f"缺少字段 {field} / field {field} is required"
    if kind == "extra_forbidden":
        return f"未知字段 {field} / unknown field {field}"
    if kind == "string_type":
        return f"{field} 应为字符串 / {field} must be a string"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{field} 应为整数 / {field} must be an integer"
    if kind in ("list_type", "tuple_type"):
        return f"{field} 应为列表 / {field} must be a list"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{field} 应为 JSON 对象 / {field} must be a JSON object"
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        return f"{field} 过长：最多 {limit} 个字符 / {field} too long: at most {limit} characters"
    if kind == "too_long":
        limit = ctx.get("max_length")
        return f"{field} 过长：最多 {limit} 项 / {field} too long: at most {limit} items"
    if kind == "enum":
        return f"{field} 应为 {ctx.get('expected')} 之一 / {field} must be one of {ctx.get('expected')}"
    if kind.startswith("value_error") or kind in CUSTOM_ERRORS:  # our validators' messages (e.g. QuestionError)
        return str(error["msg"]).removeprefix("Value error, ")
    return f"{field} 无效 / invalid {field}: {error['msg']}"


def error_response(status: int, message: str, errors: list[dict[str, str | None]] | None = None,
                   code: str | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    """An ErrorBody response; `errors` defaults to the message itself, not tied to a field."""
    errors = errors or [{"field": None, "message": message}]
    body = ErrorBody(code=code or STATUS_CODES.get(status, "error"), message=bilingual(message),
                     field=errors[0]["field"], detail=message, errors=errors)
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


# The methods a 405's Allow header may name (every method the service's routes use, and HEAD, OPTIONS).
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> str:
    """Every method some route serves at this request's path, for the `Allow` header of a 405 (the router
    names only the first route's methods, and one path may have several routes: GET and POST /documents).
    Each method is tried against the routes (route.matches only matches, it runs nothing)."""
    return ", ".join(method for method in HTTP_METHODS
                     if any(route.matches({**request.scope, "method": method})[0] == Match.FULL
                            for route in request.app.router.routes))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message, [{"field": exc.field, "message": exc.message}], exc.code,
                              exc.headers)

    @app.exception_handler(UnknownRegionError)
    async def unknown_region(_: Request, exc: UnknownRegionError) -> JSONResponse:
        # The retriever's message is bilingual already.
        return error_response(422, str(exc), [{"field": "regions", "message": str(exc)}], "unknown_region")

    @app.exception_handler(UnknownDocumentError)
    async def unknown_document(_: Request, exc: UnknownDocumentError) -> JSONResponse:
        return error_response(422, str(exc), [{"field": "documents", "message": str(exc)}], "unknown_document")

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": field_name(tuple(e["loc"])) or None, "message": describe(e)} for e in exc.errors()]
        return error_response(422, errors[0]["message"], errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = HTTP_MESSAGES.get(exc.status_code) or f"请求无法处理 / request failed: {exc.detail}"
        headers = exc.headers
        allowed = allowed_methods(request) if exc.status_code == 405 else ""
        if allowed:  # (empty inside a mounted app: its own 405 stands)
            headers = {**(headers or {}), "Allow": allowed}
        return error_response(exc.status_code, message, headers=headers)

    @app.exception_handler(QueryEmbeddingError)
    async def unembeddable_question(_: Request, exc: QueryEmbeddingError) -> JSONResponse:
        # Only this request's question failed (the batch was retried without it); the cause goes to the log.
        log.warning("question could not be embedded: %r", exc.__cause__)
        return error_response(422, str(exc), [{"field": "question", "message": str(exc)}], "question_unprocessable")


def reshaped_errors(reshape: Callable[[JSONResponse], JSONResponse]) -> type[APIRoute]:
    """A route class whose own errors (validation, API key, loading) are answered in another service's
    error shape (OpenAI's, Dify's): the app's exception handler makes the usual ErrorBody response, then
    `reshape` turns it into that shape."""

    class ReshapedErrors(APIRoute):
        def get_route_handler(self):
            handle = super().get_route_handler()

            async def handler(request: Request):
                try:
                    return await handle(request)
                except Exception as exc:
                    for kind in type(exc).__mro__:
                        app_handler = request.app.exception_handlers.get(kind)
                        if app_handler is not None:
                            return reshape(await app_handler(request, exc))
                    raise

            return handler

    return ReshapedErrors


INTERNAL_ERROR = "服务内部错误，请稍后重试 / internal server error, please retry"


class LastResort:
    """Any exception no handler took becomes a JSON 500; the traceback goes to the server log only.

    Starlette's own last-resort handler re-raises after answering, which makes uvicorn close the
    keep-alive connection; here the exception ends with the response, so the connection stays usable.
    Only when part of a response was already sent is the exception passed on (closing the connection
    is then the only way to tell the client the response is incomplete).
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            await error_response(500, INTERNAL_ERROR)(scope, receive, send)
