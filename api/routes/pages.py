"""What a browser opens: the chat UI, the 文库 (library) and 检索测试 (retrieval test) pages, the API docs, and their static files."""
from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from carbonqa.api.negotiation import DATA_OR_PAGE, HTML, preferred

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
# The chat UI loads nothing from elsewhere and runs no inline script.
UI_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

# Data routes that answer a browser navigating to them (Accept prefers text/html, no ?format) with their page.
# The page itself needs no API key (like every page); its data calls send one.
PAGE_ROUTES = {"/indicators": "indicators.html"}

router = APIRouter(include_in_schema=False)


def page(name: str) -> FileResponse:
    """One of the UI's pages, with its content security policy."""
    return FileResponse(STATIC_DIR / name, headers={"Content-Security-Policy": UI_CSP})


def navigated_page(request: Request) -> str | None:
    """The page a browser navigating to a data route gets, or None for a data request."""
    if request.method != "GET" or "format" in request.query_params:
        return None
    name = PAGE_ROUTES.get(request.url.path)
    return name if name and preferred(request.headers.get("accept"), DATA_OR_PAGE) == HTML else None


def mount_assets(app: FastAPI) -> None:
    """The UI's scripts and styles, and Swagger UI's, served from local files (never a CDN)."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")


@router.get("/")
def chat_ui() -> FileResponse:
    return page("index.html")


@router.get("/library")
def library_ui() -> FileResponse:
    return page("library.html")


@router.get("/retrieval-test")
def retrieval_test_ui() -> FileResponse:
    return page("retrieval.html")


@router.get("/docs")
def api_docs(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url or "/openapi.json",
        title="carbonqa API",
        swagger_js_url="/docs-assets/swagger-ui-bundle.js",
        swagger_css_url="/docs-assets/swagger-ui.css",
        swagger_favicon_url="/docs-assets/favicon-32x32.png",
    )
