"""What a route takes from the app it runs in (FastAPI dependencies): the settings, the live library or
the library being served, and the feedback store."""
from __future__ import annotations

from fastapi import Request

from carbonqa.api.errors import ApiError
from carbonqa.api.feedback import FeedbackStore
from carbonqa.service.live import Ready, Service
from carbonqa.service.settings import Settings


def app_settings(request: Request) -> Settings:
    return request.app.state.settings


def live_service(request: Request) -> Service:
    return request.app.state.service


def feedback_store(request: Request) -> FeedbackStore:
    return request.app.state.feedback


async def ready(request: Request) -> Ready:
    """The library being served, or a 503 while it loads (or after it failed to load)."""
    return served(live_service(request))


def served(service: Service) -> Ready:
    """The library `service` serves now, or the 503 ApiError while it loads (or after it failed to load)."""
    service.check_library()
    live = service.live
    if live is None:
        if service.error:
            raise ApiError(503, service.failure("服务加载失败", "the service failed to load"), code="load_failed")
        raise ApiError(503, "服务正在加载索引和模型，请稍后重试 / the service is loading the index and model, "
                            "please retry shortly", headers={"Retry-After": "5"}, code="loading")
    return live
