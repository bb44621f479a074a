"""Who may call the service: optional API keys for the question endpoints, the admin key for the
library and feedback endpoints.

Both are FastAPI dependencies. A key is sent as `X-API-Key: KEY` or `Authorization: Bearer KEY`.

- `require_api_key`: open while `CARBONQA_API_KEYS` is empty (the local default); once keys are set,
  a request without one of them (or the admin key) is a 401.
- `require_admin_key`: the admin endpoints are disabled (403) while `CARBONQA_ADMIN_KEY` is unset;
  once it is set, a request without it is a 401.

    @router.post("/documents", dependencies=[Depends(require_admin_key)])
"""
from __future__ import annotations

import secrets
from typing import Any

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from carbonqa.api.dependencies import app_settings
from carbonqa.api.errors import ApiError
from carbonqa.api.openapi import errors
from carbonqa.api.routes.pages import navigated_page
from carbonqa.service.settings import Settings

# auto_error=False: a missing key is decided below with a bilingual error, not FastAPI's default 403.
_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="an API key or the admin key")
_bearer = HTTPBearer(auto_error=False, description="the same key as `Authorization: Bearer KEY`")

UNAUTHORIZED = "缺少或无效的 API 密钥：请在 X-API-Key 或 Authorization: Bearer 中提供 / " \
               "missing or invalid API key: send it as X-API-Key or Authorization: Bearer"
ADMIN_UNAUTHORIZED = "管理密钥缺失或错误：请在 X-API-Key 或 Authorization: Bearer 中提供 CARBONQA_ADMIN_KEY / " \
                     "missing or wrong admin key: send CARBONQA_ADMIN_KEY as X-API-Key or Authorization: Bearer"
ADMIN_DISABLED = "管理接口未启用：请设置 CARBONQA_ADMIN_KEY / " \
                 "admin endpoints are disabled: set CARBONQA_ADMIN_KEY to enable them"


def presented_key(header_key: str | None = Security(_key_header),
                  bearer: HTTPAuthorizationCredentials | None = Security(_bearer)) -> str | None:
    """The key the client sent, from either header (X-API-Key wins when both are sent)."""
    if header_key:
        return header_key
    return bearer.credentials if bearer else None


def matches(key: str | None, allowed: list[str]) -> bool:
    """Constant-time comparison against every allowed key, so timing does not reveal a key's prefix."""
    if not key:
        return False
    found = False
    for candidate in allowed:
        found |= secrets.compare_digest(key.encode("utf-8"), candidate.encode("utf-8"))
    return found


def unauthorized(message: str = UNAUTHORIZED) -> ApiError:
    return ApiError(401, message, field="X-API-Key", headers={"WWW-Authenticate": "Bearer"}, code="unauthorized")


def admin_keys(settings: Settings) -> list[str]:
    key = settings.admin_key.get_secret_value() if settings.admin_key else ""
    return [key] if key else []


def require_api_key(request: Request, key: str | None = Security(presented_key)) -> None:
    """Lets the request through when API keys are off, or when it carries an API key or the admin key.

    A browser navigating to a data route that serves a page (/indicators) gets the page without a key:
    the page asks for one and sends it with its data calls.
    """
    settings = app_settings(request)
    api_keys = [k.get_secret_value() for k in settings.api_keys if k.get_secret_value()]
    if api_keys and not matches(key, api_keys + admin_keys(settings)) and not navigated_page(request):
        raise unauthorized()


def require_admin_key(request: Request, key: str | None = Security(presented_key)) -> None:
    """Lets the request through only with the admin key; 403 while no admin key is configured."""
    allowed = admin_keys(app_settings(request))
    if not allowed:
        raise ApiError(403, ADMIN_DISABLED, code="admin_disabled")
    if not matches(key, allowed):
        raise unauthorized(ADMIN_UNAUTHORIZED)


def api_key_guard(settings: Settings) -> tuple[list[Any], dict[int | str, dict[str, Any]]]:
    """A router's dependencies and 401 response for the question endpoints: attached only when keys are
    set, so the OpenAPI spec declares a key exactly when one is required."""
    if not settings.api_keys:
        return [], {}
    return [Depends(require_api_key)], errors(401)
