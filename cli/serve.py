"""`carbonqa serve`: the chat UI and the JSON API under uvicorn, with bounded resources; `carbonqa mcp`: the
same questions and library as MCP tools over stdin/stdout, for an agent that starts carbonqa itself."""
from __future__ import annotations

from typing import Optional

import typer

from carbonqa.cli.common import console, fail, load_settings


def serve(
    host: Optional[str] = typer.Option(None, "--host", help="address to listen on (default: settings, 127.0.0.1)"),
    port: Optional[int] = typer.Option(None, "--port", min=1, max=65535, help="port (default: settings, 8000)"),
) -> None:
    """Serve the chat UI (/) and the JSON API (/docs); the index is built on first start."""
    import logging

    from carbonqa.api.app import create_app
    from carbonqa.api.serving import serve as run_server

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    host, port = host or settings.host, port or settings.port
    console.print(f"carbonqa: http://{host}:{port}/  (API docs: /docs, ready when /readyz returns 200)")
    run_server(create_app(settings), settings, host, port)


def mcp() -> None:
    """Serve the MCP tools (ask, search, get_clause, list_plans, indicators) over stdin/stdout.

    The library loads first (building the index on first start); the log goes to stderr, since stdout
    carries the protocol.
    """
    import contextlib
    import logging
    import sys

    import anyio

    from carbonqa.api.mcp_server import serve_stdio
    from carbonqa.service.live import Service

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    service = Service(settings)
    with contextlib.redirect_stdout(sys.stderr):  # a stray print while loading would corrupt the protocol
        service.load()
    if service.error:
        fail(service.failure("加载失败", "loading failed"))
    anyio.run(serve_stdio, service, settings)
