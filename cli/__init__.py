"""The `carbonqa` command line: one subcommand per pipeline stage, on top of the composition layer
(service/), the HTTP service (api/) and the evaluation (eval/). Heavy modules are imported inside the
commands, so `carbonqa --help` stays fast."""
from __future__ import annotations

import typer

from carbonqa import __version__
from carbonqa.cli import corpus, evaluation, feedback, library, questions, serve

app = typer.Typer(help="carbonqa: cited answers from China's 碳达峰 implementation plans.", no_args_is_help=True)


def print_version(requested: bool) -> None:
    if requested:
        typer.echo(f"carbonqa {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=print_version, is_eager=True,
                                 help="print the installed version and exit"),
) -> None:
    """carbonqa: cited answers from China's 碳达峰 implementation plans."""


app.command()(corpus.ingest)
app.command("eval")(evaluation.eval_command)
app.command("bench-retrieval")(evaluation.bench_retrieval_command)
app.command("index")(corpus.index_command)
app.command()(questions.search)
app.command()(questions.ask)
app.command("list")(library.list_command)
app.command()(library.add)
app.command()(library.remove)
app.command()(serve.serve)
app.command()(serve.mcp)
app.add_typer(feedback.feedback_app, name="feedback")
