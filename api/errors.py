"""Every error the service returns is JSON {"detail": "中文 / English", "errors": [...]}, never a traceback."""
from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from retriever.search import UnknownRegionError

log = logging.getLogger("carbonqa.api")


class ApiError(Exception):
    """A request the service refuses, with a bilingual message and an HTTP status."""

    def __init__(self, status: int, message: str, field: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.headers = headers


# Messages for the HTTP statuses Starlette raises itself (unknown route, wrong method, body limit).
HTTP_MESSAGES = {
    400: "请求体无法解析（应为 UTF-8 编码的 JSON）/ request body could not be parsed (expected UTF-8 JSON)",
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
    if kind == "enum":
        return f"{field} 应为 {ctx.get('expected')} 之一 / {field} must be one of {ctx.get('expected')}"
    if kind.startswith("value_error") or kind in CUSTOM_ERRORS:  # our validators' messages (e.g. QuestionError)
        return str(error["msg"]).removeprefix("Value error, ")
    return f"{field} 无效 / invalid {field}: {error['msg']}"


def error_body(message: str, errors: list[dict[str, str | None]] | None = None) -> dict[str, Any]:
    return {"detail": message, "errors": errors or [{"field": None, "message": message}]}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        body = error_body(exc.message, [{"field": exc.field, "message": exc.message}])
        return JSONResponse(body, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(UnknownRegionError)
    async def unknown_region(_: Request, exc: UnknownRegionError) -> JSONResponse:
        # The retriever's message is bilingual already.
        return JSONResponse(error_body(str(exc), [{"field": "regions", "message": str(exc)}]), status_code=422)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": field_name(tuple(e["loc"])) or None, "message": describe(e)} for e in exc.errors()]
        return JSONResponse(error_body(errors[0]["message"], errors), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = HTTP_MESSAGES.get(exc.status_code) or f"请求无法处理 / request failed: {exc.detail}"
        return JSONResponse(error_body(message), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        # Last resort: the bug is logged with its traceback, the client gets a clean message.
        log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse(error_body("服务内部错误，请稍后重试 / internal server error"), status_code=500)


class BodyLimit:
    """Answers a JSON 413 for a request body over `max_bytes`, declared or streamed, before the app reads it.

    The body is read here (it is small by then) and replayed to the app.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, larger: dict[str, int] | None = None):
        self.app = app
        self.max_bytes = max_bytes
        self.larger = larger or {}  # path -> its own limit (file uploads)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        too_large = JSONResponse(error_body(HTTP_MESSAGES[413]), status_code=413)
        max_bytes = self.larger.get(scope["path"], self.max_bytes)
        if declared.isdigit() and int(declared) > max_bytes:
            await too_large(scope, receive, send)
            return
        body = b""
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > max_bytes:
                await too_large(scope, receive, send)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # e.g. a streaming response waiting for the disconnect
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
