"""API keys and the admin key (api/security.py), checked without loading the model."""
from __future__ import annotations

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from carbonqa.api.app import create_app
from carbonqa.api.errors import install_error_handlers
from carbonqa.api.security import require_admin_key
from carbonqa.service.settings import Settings

pytestmark = pytest.mark.unit

QUESTION = {"question": "珠海的碳达峰目标是什么？"}


def keyed_client(**settings) -> TestClient:
    # No lifespan: the app is not loaded, so a request that passes the key check gets the 503 "loading".
    return TestClient(create_app(Settings(**settings)))


def test_keys_are_off_by_default():
    client = keyed_client()
    assert client.post("/ask", json=QUESTION).status_code == 503
    assert "security" not in client.get("/openapi.json").json()["paths"]["/ask"]["post"]


def test_api_keys_from_a_comma_separated_setting(monkeypatch):
    monkeypatch.setenv("CARBONQA_API_KEYS", " k1, k2 ,")
    assert [key.get_secret_value() for key in Settings().api_keys] == ["k1", "k2"]


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}, {"Authorization": "Bearer wrong"},
                                     {"Authorization": "Basic k1"}])
def test_without_a_valid_key_is_401(headers):
    client = keyed_client(api_keys=["k1", "k2"])
    response = client.post("/ask", json=QUESTION, headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "unauthorized"
    assert body["message"]["zh"] and "X-API-Key" in body["message"]["en"]
    assert response.headers["www-authenticate"] == "Bearer"
    assert client.get("/documents", headers=headers).status_code == 401


@pytest.mark.parametrize("headers", [{"X-API-Key": "k2"}, {"Authorization": "Bearer k1"}, {"X-API-Key": "admin"}])
def test_a_valid_key_passes(headers):
    client = keyed_client(api_keys=["k1", "k2"], admin_key="admin")
    assert client.post("/ask", json=QUESTION, headers=headers).status_code == 503  # passed, still loading


def test_health_and_docs_need_no_key():
    client = keyed_client(api_keys=["k1"])
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503
    spec = client.get("/openapi.json").json()
    assert set(spec["components"]["securitySchemes"]) == {"APIKeyHeader", "HTTPBearer"}
    assert spec["paths"]["/ask"]["post"]["security"] == [{"APIKeyHeader": []}, {"HTTPBearer": []}]


def test_the_pages_need_no_key_but_their_data_does():
    """A browser opening /indicators gets the page (which then asks for a key); its data calls need one."""
    client = keyed_client(api_keys=["k1"])
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    for path in ("/", "/library", "/retrieval-test", "/indicators"):
        page = client.get(path, headers=browser)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html"), path
    assert client.get("/indicators").status_code == 401
    assert client.get("/indicators?format=csv", headers=browser).status_code == 401
    assert client.get("/indicators/names", headers=browser).status_code == 401
    assert client.post("/search", json=QUESTION, headers=browser).status_code == 401
    assert client.get("/indicators", headers={"X-API-Key": "k1"}).status_code == 503  # passed, still loading


def admin_client(**settings) -> TestClient:
    app = FastAPI()
    app.state.settings = Settings(**settings)
    install_error_handlers(app)

    @app.delete("/thing", dependencies=[Depends(require_admin_key)])
    def remove() -> dict[str, bool]:
        return {"removed": True}

    return TestClient(app)


def test_admin_endpoints_are_disabled_without_an_admin_key():
    response = admin_client(api_keys=["k1"]).delete("/thing", headers={"X-API-Key": "k1"})
    assert response.status_code == 403
    assert "CARBONQA_ADMIN_KEY" in response.json()["detail"]


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "k1"}, {"Authorization": "Bearer nope"}])
def test_admin_endpoints_need_the_admin_key(headers):
    assert admin_client(api_keys=["k1"], admin_key="secret").delete("/thing", headers=headers).status_code == 401


@pytest.mark.parametrize("headers", [{"X-API-Key": "secret"}, {"Authorization": "Bearer secret"}])
def test_the_admin_key_opens_admin_endpoints(headers):
    response = admin_client(admin_key="secret").delete("/thing", headers=headers)
    assert response.status_code == 200 and response.json() == {"removed": True}
