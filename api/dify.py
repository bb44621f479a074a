"""Dify's External Knowledge API: `POST /retrieval`, so a Dify app can use carbonqa's retrieval as its
knowledge base (register carbonqa's base URL in Dify; Dify appends /retrieval).

`knowledge_id` picks what is searched: `carbonqa` (every plan), a plan's doc id (GET /documents) or a
region (珠海, 广东省, …). Records are the ranked clauses: content, the fused score, the plan title, and
metadata with the clause id, heading path, plan and region. Errors raised by this route use Dify's
`{"error_code", "error_msg"}`: 1002 missing or wrong key, 2001 no such knowledge base; other errors carry
their HTTP status as error_code.
"""
from __future__ import annotations

import json

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from carbonqa.api.errors import ApiError, reshaped_errors
from carbonqa.api.openapi import COMMON_ERRORS, errors, loading_errors
from carbonqa.api.schemas import checked_question, integral
from carbonqa.api.security import api_key_guard
from carbonqa.api.dependencies import ready
from carbonqa.service.settings import TOP_K_MAX, TOP_K_MIN, Settings

WHOLE_LIBRARY = "carbonqa"


class RetrievalSetting(BaseModel):
    model_config = ConfigDict(extra="ignore")

    top_k: int = Field(ge=TOP_K_MIN, le=TOP_K_MAX, strict=True, description="most records returned")
    score_threshold: float = Field(ge=0, le=1, strict=True, description="records scoring below are left out "
                                                                        "(0 = none)")

    _integral_top_k = field_validator("top_k", mode="before")(integral)


class RetrievalRequest(BaseModel):
    """Dify's request body; unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore")

    knowledge_id: str = Field(min_length=1, max_length=200,
                              description=f"{WHOLE_LIBRARY} (every plan), a plan's doc id, or a region")
    query: str = Field(description="the question, checked as /ask checks it")
    retrieval_setting: RetrievalSetting
    metadata_condition: None = Field(default=None, description="not supported: must be absent or null")

    _checked_query = field_validator("query")(checked_question)

    @field_validator("metadata_condition", mode="before")
    @classmethod
    def no_metadata_filter(cls, value: object) -> None:
        if value is not None:
            raise ValueError("不支持 metadata_condition，请用 knowledge_id 选择方案或地区 / metadata_condition is not "
                             "supported: choose a plan or region with knowledge_id")
        return None


class RecordMetadata(BaseModel):
    chunk_id: str = Field(description="the clause id, e.g. zhuhai-2023/2.1.2 (GET /chunks/{chunk_id})")
    path: list[str] = Field(description="heading titles from the plan's root to this clause")
    doc_id: str
    region: str


class Record(BaseModel):
    content: str
    score: float = Field(description="the fused retrieval score (0-1 with the default weighted fusion)")
    title: str = Field(description="the plan's title")
    metadata: RecordMetadata


class RetrievalResponse(BaseModel):
    records: list[Record]


class DifyErrorBody(BaseModel):
    """The error body of POST /retrieval."""

    error_code: int = Field(description="1002 missing or wrong key, 2001 no such knowledge base, otherwise the "
                                        "HTTP status")
    error_msg: str = Field(description="what is wrong and how to fix it, \"中文 / English\"")


def dify_error(response: JSONResponse) -> JSONResponse:
    """The service's ErrorBody response in Dify's error shape (same status and headers)."""
    body = json.loads(response.body)
    status = response.status_code
    code = {401: 1002, 404: 2001}.get(status, status)
    headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")}
    return JSONResponse(DifyErrorBody(error_code=code, error_msg=body["detail"]).model_dump(), status_code=status,
                        headers=headers)


def router(settings: Settings) -> APIRouter:
    """POST /retrieval; it needs an API key exactly when /search does."""
    guard, key_errors = api_key_guard(settings)
    own_errors = {status: {"model": DifyErrorBody, "description": spec["description"]}
                  for status, spec in {**errors(400, 404, 422), **key_errors}.items()}
    api = APIRouter(tags=["dify"], route_class=reshaped_errors(dify_error), dependencies=guard)

    @api.post("/retrieval", response_model=RetrievalResponse,
              responses={**COMMON_ERRORS, **errors(429), **own_errors, **loading_errors("DifyErrorBody")})
    def retrieval(body: RetrievalRequest, live=Depends(ready)) -> RetrievalResponse:
        """Dify External Knowledge API: the clauses ranked for `query` within `knowledge_id`."""
        retriever = live.runtime.retriever
        scope: dict = {}
        if body.knowledge_id in retriever.plans.by_id:
            scope = {"documents": [body.knowledge_id]}
        elif body.knowledge_id != WHOLE_LIBRARY:
            region = retriever.regions.resolve(body.knowledge_id)
            if region is None:
                raise ApiError(404, f"知识库 {body.knowledge_id} 不存在：可用 {WHOLE_LIBRARY}、方案 id 或地区名 / no knowledge "
                                    f"base {body.knowledge_id!r}: use {WHOLE_LIBRARY}, a plan id or a region",
                               field="knowledge_id")
            scope = {"regions": [region]}
        result = retriever.search(body.query, top_k=body.retrieval_setting.top_k, **scope)
        return RetrievalResponse(records=[
            Record(content=hit.chunk.text, score=hit.score, title=hit.chunk.title,
                   metadata=RecordMetadata(chunk_id=hit.chunk.id, path=hit.chunk.path, doc_id=hit.chunk.doc_id,
                                           region=hit.chunk.region))
            for hit in result.hits if hit.score >= body.retrieval_setting.score_threshold])

    return api
