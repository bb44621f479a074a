"""The OpenAPI spec tells the truth: schemathesis fuzzes every operation with all its checks.

All checks run (server errors, status codes, content types, response schemas and headers, positive data
accepted, negative data rejected, unsupported methods, ...) on at least 100 examples per operation.
"""
from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from schemathesis.config._checks import NegativeDataRejectionConfig
from schemathesis.generation.modes import GenerationMode

from carbonqa.api.app import create_app
from carbonqa.retriever.validation import QUESTION_PATTERN
from carbonqa.service.settings import Settings, get_settings

# 100, was 200: every operation and every check still runs, valid and invalid requests alike; halving the
# random examples halves the test's time (generating invalid /feedback bodies alone took ~0.5 s each).
EXAMPLES_PER_OPERATION = 100
# Invalid data is rejected with any 4xx schemathesis expects, or with 413 when it is also too large to
# read: the body limit answers before the body is parsed, so a huge invalid body never reaches validation.
REJECTION_STATUSES = [*NegativeDataRejectionConfig._DEFAULT_EXPECTED_STATUSES, "413"]
CONFIG = SchemathesisConfig.from_dict({"checks": {"negative_data_rejection": {"expected-statuses": REJECTION_STATUSES}}})
# Routes that answer their own errors in another service's shape: path -> (statuses, schema).
OWN_ERROR_SHAPES = {"/v1/chat/completions": ({"400", "401", "422"}, "OpenAIErrorBody"),
                    "/v1/models": ({"400", "401", "422"}, "OpenAIErrorBody"),
                    "/retrieval": ({"400", "401", "404", "422"}, "DifyErrorBody")}


@pytest.fixture(scope="module")
def app(runtime):
    # A rate limit the fuzzer cannot reach (its client is not loopback): the checks are about the spec.
    return create_app(get_settings().model_copy(update={"rate_limit": "1000000/minute"}), runtime)


def test_every_operation_conforms_to_the_spec(app):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)
    examples = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        # Valid and invalid requests alike, as `schemathesis run` generates them.
        cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))
        examples[operation.label] = 0

        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=cases)
        def conforms(case):
            examples[case.operation.label] += 1
            case.call_and_validate()  # every check of this schemathesis version

        conforms()
    print("schemathesis examples per operation:", examples)
    # Operations without parameters or body (GET /healthz) have fewer distinct requests than that.
    assert sum(count >= EXAMPLES_PER_OPERATION for count in examples.values()) >= 5, examples


def test_spec_states_the_limits_and_the_error_model(app):
    spec = TestClient(app).get("/openapi.json").json()
    ask = spec["components"]["schemas"]["AskRequest"]["properties"]
    assert ask["question"]["maxLength"] == get_settings().max_question_chars
    assert ask["question"]["pattern"] == QUESTION_PATTERN
    assert ask["history"]["maxItems"] == get_settings().max_history_turns
    assert {"珠海", "珠海市", "广东省", "全省"} <= set(ask["regions"]["anyOf"][0]["items"]["enum"])
    top_k = next(branch for branch in ask["top_k"]["anyOf"] if branch["type"] == "integer")
    assert (top_k["minimum"], top_k["maximum"]) == (1, 20)
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            errors = {status for status in operation["responses"] if status >= "400"}
            assert {"408", "413", "500", "503"} <= errors, (method, path)
            for status in errors - ({"503"} if path == "/readyz" or path in OWN_ERROR_SHAPES else set()):
                schema_ref = operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                own_statuses, own_schema = OWN_ERROR_SHAPES.get(path, (set(), ""))
                expected = own_schema if status in own_statuses else "ErrorBody"
                assert schema_ref == f"#/components/schemas/{expected}", (method, path, status)


@pytest.mark.unit
def test_every_undeclared_method_is_a_405_allowing_exactly_the_declared_ones():
    """schemathesis' unsupported-method and Allow-header checks, applied to every path of the spec: a method
    the spec does not declare is a 405 whose Allow lists exactly the methods it declares."""
    client = TestClient(create_app(Settings(admin_key="admin")))  # loading: routing answers before that matters
    spec = client.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        declared = {method.upper() for method in operations}
        url = path.replace("{doc_id}", "zhuhai-2023").replace("{chunk_id:path}", "zhuhai-2023/1") \
                  .replace("{chunk_id}", "zhuhai-2023/1")
        for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - declared:
            response = client.request(method, url)
            assert response.status_code == 405, (method, path, response.status_code)
            allowed = {m.strip() for m in response.headers["allow"].split(",")}
            assert allowed - {"HEAD", "OPTIONS"} == declared, (method, path, allowed)
