"""The `carbonqa` command line: one subcommand per pipeline stage."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from api.settings import get_settings

app = typer.Typer(help="carbonqa: cited answers from China's 碳达峰 implementation plans.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)


def fail(message: str) -> None:
    """Print a clear error and exit non-zero, without a traceback."""
    err_console.print(f"[bold red]错误 / error:[/] {message}")
    raise typer.Exit(code=2)


@app.command()
def ingest(
    out: Optional[Path] = typer.Option(None, "--out", help="write the chunks as JSON Lines to this file"),
    corpus: Optional[Path] = typer.Option(None, "--corpus", help="folder of .txt/.md plans (default: settings)"),
) -> None:
    """Parse the corpus into a clause tree and print a per-plan summary."""
    raise NotImplementedError  # filled by the ingest work


if __name__ == "__main__":
    app()
