"""Liveness and readiness, for load balancers and the chat UI (which reads its limits from /readyz)."""
from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from carbonqa.api.dependencies import live_service
from carbonqa.api.openapi import COMMON_ERRORS
from carbonqa.service.live import Service
from carbonqa.service.models import Readiness

router = APIRouter(tags=["service"])

NOT_READY = {"description": "not ready (Readiness), or the open-connection cap is reached (ErrorBody)",
             "content": {"application/json": {"schema": {"anyOf": [
                 {"$ref": "#/components/schemas/Readiness"}, {"$ref": "#/components/schemas/ErrorBody"}]}}}}


@router.get("/healthz", responses=COMMON_ERRORS)
def healthz() -> dict[str, str]:
    """Liveness: the process answers HTTP."""
    return {"status": "ok"}


@router.get("/readyz", response_model=Readiness, responses={**COMMON_ERRORS, 503: NOT_READY})
def readyz(service: Service = Depends(live_service)) -> JSONResponse:
    """Readiness: 200 once the plans, index and warmed model are loaded, 503 before; with the request limits."""
    state = service.readiness()
    return JSONResponse(state.model_dump(), status_code=200 if state.status == "ready" else 503)
