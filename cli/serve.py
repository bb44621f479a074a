"""`carbonqa serve`: the chat UI and the JSON API under uvicorn, with bounded resources."""
from __future__ import annotations

from typing import Optional

import typer

from carbonqa.cli.common import console, load_settings


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
