"""The OpenAPI spec states what the service enforces, so generated clients and fuzzers agree with it:
every 4xx/5xx an operation can answer (all with the one error model, api.errors.ErrorBody), and the
request limits (lengths, patterns, ranges, list sizes, the accepted region names) from the app's settings.
"""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from carbonqa.api.errors import ErrorBody
from carbonqa.retriever.regions import RegionCatalog
from carbonqa.retriever.validation import QUESTION_PATTERN, TEXT_PATTERN
from carbonqa.service.live import Service
from carbonqa.service.settings import TOP_K_MAX, TOP_K_MIN, Settings

ERROR_DESCRIPTIONS = {
    400: "the body cannot be parsed (not UTF-8 JSON, or a malformed multipart upload)",
    401: "no valid API key (only when CARBONQA_API_KEYS is set; on admin endpoints: no valid admin key)",
    403: "admin endpoints are disabled (CARBONQA_ADMIN_KEY is unset)",
    404: "no such plan, chunk or path",
    409: "the plan cannot be changed that way (a shipped plan, or an added plan that exists without replace)",
    406: "the Accept header allows none of the formats the route answers with (see the message)",
    408: "the request body did not arrive within CARBONQA_BODY_TIMEOUT_S",
    413: "the request body is over CARBONQA_MAX_BODY_BYTES",
    422: "the request breaks a rule of its schema (see `field`), or names an unknown region or plan",
    429: "this client sent more than CARBONQA_RATE_LIMIT requests (see Retry-After)",
    500: "an unexpected server error (details only in the server log)",
    503: "the service is loading or failed to load, all question slots are busy, or the open-connection "
         "cap is reached",
}
# Request bodies whose fields carry the limits below (the responses echo some of the same fields).
REQUEST_SCHEMAS = ("AskRequest", "SearchRequest", "HistoryTurn", "FeedbackIn", "ChatCompletionRequest")
# Free text of the request bodies, checked for characters no text may hold (retriever.validation).
TEXT_FIELDS = ("answer", "note")
# Text that is a question wherever it appears: (schema, property) of the OpenAI-compatible chat's user
# messages and of Dify's retrieval query.
QUESTION_TEXTS = (("UserMessage", "content"), ("TextPart", "text"), ("RetrievalRequest", "query"))


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses` entries of a route for these error statuses."""
    return {status: {"model": ErrorBody, "description": ERROR_DESCRIPTIONS[status]} for status in statuses}


# Every route reads its body first (api/limits.py), so a slow or oversized body can hit any of them.
COMMON_ERRORS = errors(408, 413, 500, 503)
QUESTION_ERRORS = {**COMMON_ERRORS, **errors(400, 422, 429)}
LOOKUP_ERRORS = {**COMMON_ERRORS, **errors(404, 422, 429)}
LIST_ERRORS = {**COMMON_ERRORS, **errors(429)}


def loading_errors(schema: str) -> dict[int | str, dict[str, Any]]:
    """The 503 of a route that answers its own errors in another shape (`schema`): while loading it is
    that shape; when the question slots are busy, the limit's ErrorBody."""
    return {503: {"description": ERROR_DESCRIPTIONS[503], "content": {"application/json": {"schema": {"anyOf": [
        {"$ref": f"#/components/schemas/{schema}"}, {"$ref": "#/components/schemas/ErrorBody"}]}}}}}


def region_names(catalog: RegionCatalog) -> list[str]:
    """Every name a region filter accepts (the catalog's aliases of each plan region)."""
    return list(dict.fromkeys(alias for region in catalog.regions for alias in catalog.aliases[region]))


def _string_branch(schema: dict[str, Any]) -> dict[str, Any]:
    """The string (or integer, or array) part of an optional field's anyOf [X, null]."""
    for branch in schema.get("anyOf", []):
        if branch.get("type") != "null":
            return branch
    return schema


def publish_limits(spec: dict[str, Any], settings: Settings, region_names: list[str] | None,
                   doc_ids: list[str] | None = None) -> dict[str, Any]:
    """Write the request limits into the generated spec; `region_names` and `doc_ids` (None while loading)
    become enums (of request bodies' `regions` and `documents`, and of the `region` query parameter)."""
    schemas = spec.get("components", {}).get("schemas", {})
    for name in REQUEST_SCHEMAS:
        properties = schemas.get(name, {}).get("properties", {})
        if "question" in properties:
            properties["question"].update(minLength=1, maxLength=settings.max_question_chars,
                                          pattern=QUESTION_PATTERN)
        for field in TEXT_FIELDS:
            if field in properties:
                _string_branch(properties[field])["pattern"] = TEXT_PATTERN
        if "citation_ids" in properties:
            properties["citation_ids"]["items"]["pattern"] = TEXT_PATTERN
        if "top_k" in properties:
            _string_branch(properties["top_k"]).update(minimum=TOP_K_MIN, maximum=TOP_K_MAX)
        if "history" in properties:
            properties["history"]["maxItems"] = settings.max_history_turns
        for field, names in (("regions", region_names), ("documents", doc_ids)):
            if field in properties:
                items = _string_branch(properties[field])["items"]
                if names:
                    items["enum"] = names
                else:
                    items["pattern"] = TEXT_PATTERN
    for name, field in QUESTION_TEXTS:
        if field in schemas.get(name, {}).get("properties", {}):
            question = schemas[name]["properties"][field]
            text = next((b for b in question.get("anyOf", []) if b.get("type") == "string"), question)
            text.update(minLength=1, maxLength=settings.max_question_chars, pattern=QUESTION_PATTERN)
            if "anyOf" in question:  # a user message's parts: exactly one
                next(b for b in question["anyOf"] if b.get("type") == "array").update(minItems=1, maxItems=1)
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "region" and region_names:  # GET /indicators?region= (empty = all)
                    _string_branch(parameter["schema"])["enum"] = ["", *region_names]
    return spec


def publish_current_spec(app: FastAPI, service: Service, settings: Settings) -> None:
    """Serve FastAPI's spec plus the limits; once loaded, the region names and plan ids of the library being
    served (made again after a library update, so an added plan is in it)."""
    generated = app.openapi
    described: object = object()  # the runtime (None while loading) the cached spec describes

    def openapi() -> dict[str, Any]:
        nonlocal described
        runtime = service.runtime
        if described is not runtime:
            app.openapi_schema = None  # FastAPI's generator caches its spec here
            publish_limits(generated(), settings,  # edits app.openapi_schema in place
                           region_names(runtime.retriever.regions) if runtime else None,
                           list(runtime.retriever.plans.by_id) if runtime else None)
            described = runtime
        return app.openapi_schema

    app.openapi = openapi
