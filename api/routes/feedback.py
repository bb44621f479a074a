"""Staff feedback on answers: posted with the question endpoints' access (`router`), read with the admin
key (`admin_router`)."""
from __future__ import annotations

import logging
import sqlite3

from fastapi import APIRouter, Depends, Query

from carbonqa.api.dependencies import feedback_store
from carbonqa.api.errors import ApiError
from carbonqa.api.feedback import FeedbackIn, FeedbackRecord, FeedbackStore, Rating
from carbonqa.api.metrics import FEEDBACK
from carbonqa.api.openapi import COMMON_ERRORS, QUESTION_ERRORS, errors
from carbonqa.api.security import require_admin_key

log = logging.getLogger("carbonqa.api")

router = APIRouter(tags=["feedback"])
admin_router = APIRouter(tags=["feedback"], dependencies=[Depends(require_admin_key)])


@router.post("/feedback", response_model=FeedbackRecord, status_code=201, responses=QUESTION_ERRORS)
def post_feedback(body: FeedbackIn, store: FeedbackStore = Depends(feedback_store)) -> FeedbackRecord:
    """👍/👎 on an answer, with an optional note; stored with the time only (nothing personal)."""
    try:
        record = store.add(body)
    except (OSError, sqlite3.Error) as error:
        log.exception("storing feedback failed")
        raise ApiError(503, f"反馈暂时无法保存，请稍后重试 / feedback could not be stored, please retry ({error})")
    FEEDBACK.labels(record.rating.value).inc()
    return record


@admin_router.get("/feedback", response_model=list[FeedbackRecord],
                  responses={**COMMON_ERRORS, **errors(401, 403, 422, 429)})
def list_feedback(rating: Rating | None = None, limit: int = Query(default=100, ge=1, le=1000),
                  store: FeedbackStore = Depends(feedback_store)) -> list[FeedbackRecord]:
    """Stored feedback, newest first (admin: X-API-Key = CARBONQA_ADMIN_KEY)."""
    try:
        return store.list(rating, limit)
    except (OSError, sqlite3.Error) as error:
        log.exception("reading feedback failed")
        raise ApiError(503, f"反馈暂时无法读取，请稍后重试 / feedback could not be read, please retry ({error})")
