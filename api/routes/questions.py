"""Questions: a cited answer (/ask), the same as server-sent events (/ask/stream), ranked clauses (/search)."""
from __future__ import annotations

import json
import logging
from collections.abc import Iterator

from fastapi import APIRouter, Depends
from fastapi.responses import Response, StreamingResponse

from carbonqa.answer.models import Answer, AnswerRequest
from carbonqa.api.dependencies import app_settings, ready
from carbonqa.api.errors import ApiError
from carbonqa.api.openapi import QUESTION_ERRORS
from carbonqa.api.schemas import AskRequest, QuestionRequest, SearchRequest
from carbonqa.retriever.models import SearchResult
from carbonqa.service.live import Ready
from carbonqa.service.runtime import Runtime
from carbonqa.service.settings import Settings

log = logging.getLogger("carbonqa.api")

router = APIRouter(tags=["qa"])


def plan_filter(body: QuestionRequest, runtime: Runtime) -> dict:
    """The requested regions and documents, resolved (an unknown one is a 422), as keyword arguments of
    Retriever.search / AnswerRequest.

    Resolved before answering so that a streamed answer fails with a 4xx, not inside the stream.
    """
    retriever = runtime.retriever
    regions = retriever.regions.resolve_filter(body.regions).regions if body.regions else None
    if body.documents:
        retriever.plans.resolve_filter(body.documents)
    return {"regions": regions, "documents": body.documents or None}


def answer_request(body: AskRequest, settings: Settings, runtime: Runtime) -> AnswerRequest:
    """The Answerer's request for a valid body."""
    turns = settings.max_history_turns
    if len(body.history) > turns:
        raise ApiError(422, f"历史对话过长：最多 {turns} 轮 / history too long: at most {turns} turns",
                       field="history")
    # The answerer resolves follow-ups ("那佛山呢？") against the earlier questions (answer/followup.py).
    return AnswerRequest(question=body.question, **plan_filter(body, runtime), top_k=body.top_k,
                         history=[turn.question for turn in body.history])


def sse(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def stream_answer(runtime: Runtime, request: AnswerRequest, log_questions: bool) -> Iterator[str]:
    """The answerer's events as server-sent events; `done` carries the same Answer as /ask. A failure is
    logged with the question only when CARBONQA_LOG_QUESTIONS allows it (staff questions can be sensitive)."""
    try:
        for event in runtime.answerer.stream(request):
            yield sse(event["event"], event["data"])
    except Exception:  # the response has started: report in-band instead of cutting the stream
        log.exception("answer stream failed%s", f" for {request.question!r}" if log_questions else "")
        yield sse("error", {"detail": "生成回答时出错，请重试 / failed to produce the answer, please retry"})


@router.post("/ask", response_model=Answer, responses=QUESTION_ERRORS)
def ask(body: AskRequest, live: Ready = Depends(ready), settings: Settings = Depends(app_settings)) -> Response:
    """A short answer citing the clauses it quotes, or a refusal with the closest related clauses."""
    answer = live.runtime.answerer.ask(answer_request(body, settings, live.runtime))
    # Serialised here: an Answer returned from this (sync) endpoint would be validated again in a
    # second worker-thread hop (~5% of the service's throughput at concurrency 16).
    return Response(answer.model_dump_json(), media_type="application/json")


@router.post("/ask/stream", response_class=StreamingResponse,
             responses={200: {"content": {"text/event-stream": {}}}, **QUESTION_ERRORS})
def ask_stream(body: AskRequest, live: Ready = Depends(ready),
               settings: Settings = Depends(app_settings)) -> StreamingResponse:
    """/ask as server-sent events: `delta` (answer text), `citations`, then `done` (the full Answer)."""
    request = answer_request(body, settings, live.runtime)
    return StreamingResponse(stream_answer(live.runtime, request, settings.log_questions), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.post("/search", response_model=SearchResult, responses=QUESTION_ERRORS)
def search(body: SearchRequest, live: Ready = Depends(ready), settings: Settings = Depends(app_settings)) -> SearchResult:
    """Ranked chunks with their fused, BM25 and dense scores."""
    return live.runtime.retriever.search(body.question, **plan_filter(body, live.runtime),
                                         top_k=body.top_k or settings.top_k, mode=body.mode)
