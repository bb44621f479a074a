"""Access to admin endpoints: the key in CARBONQA_ADMIN_KEY, sent by the caller as the X-API-Key header."""
from __future__ import annotations

import hmac
from collections.abc import Callable

from fastapi import Request

from api.errors import ApiError
from api.settings import Settings

ADMIN_KEY_HEADER = "X-API-Key"


def admin_key_guard(settings: Settings) -> Callable[[Request], None]:
    """A FastAPI dependency that lets a request through only with the admin key; with no key set,
    admin endpoints are disabled for everyone (403), so nothing is open by accident."""

    def require_admin_key(request: Request) -> None:
        if settings.admin_key is None or not settings.admin_key.get_secret_value():
            raise ApiError(403, "管理接口未启用：请设置 CARBONQA_ADMIN_KEY / admin endpoints are disabled: "
                                "set CARBONQA_ADMIN_KEY")
        given = request.headers.get(ADMIN_KEY_HEADER, "")
        if not hmac.compare_digest(given.encode(), settings.admin_key.get_secret_value().encode()):
            raise ApiError(401, f"管理密钥缺失或错误：请在 {ADMIN_KEY_HEADER} 请求头中提供 / missing or wrong admin key: "
                                f"send it in the {ADMIN_KEY_HEADER} header")

    return require_admin_key
