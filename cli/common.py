"""What every command shares: the consoles, a clear error exit, and the settings and pipeline loaded from
them (or a clear error saying what to fix)."""
from __future__ import annotations

import re

import typer
from pydantic import ValidationError
from pydantic_settings import SettingsError
from rich.console import Console

from carbonqa.retriever.validation import QuestionError, validate_question
from carbonqa.service.settings import Settings, get_settings

console = Console()
err_console = Console(stderr=True)


def fail(message: str) -> None:
    """Print a clear error and exit non-zero, without a traceback."""
    err_console.print(f"[bold red]错误 / error:[/] {message}")
    raise typer.Exit(code=2)


def load_settings() -> Settings:
    """The settings, or a clear error naming the CARBONQA_ variable that is wrong (instead of a traceback)."""
    prefix = Settings.model_config["env_prefix"]
    where = "（环境变量或 .env 文件 / environment variable or .env file）"
    try:
        return get_settings()
    except ValidationError as error:
        problems = "; ".join(f"{prefix}{'_'.join(map(str, e['loc'])).upper()}={e['input']!r}: {e['msg']}"
                             if e["loc"] else e["msg"].removeprefix("Value error, ")  # several settings together
                             for e in error.errors())
        fail(f"设置无效 / invalid setting {problems} {where}")
    except SettingsError as error:  # e.g. a list setting whose value is not JSON
        field = re.search(r'field "(\w+)"', str(error))
        name = f"{prefix}{field.group(1).upper()} " if field else ""
        fail(f"设置无效 / invalid setting {name}({error}; list settings take JSON such as [\"a\", \"b\"]) {where}")


def checked_question(question: str, settings: Settings) -> str:
    """The question stripped, or a clear error (blank, too long, control characters, no words)."""
    try:
        return validate_question(question, settings.max_question_chars)
    except QuestionError as error:
        fail(str(error))


def loaded_runtime(settings: Settings, progress: bool = False, rebuild: bool = False):
    """The pipeline loaded from settings, or a clear error (bad corpus, missing model, corrupt index)."""
    from carbonqa.index.chunk_store import IndexCorruptError, StoreUnavailableError
    from carbonqa.index.embedder import EmbeddingModelError
    from carbonqa.index.query_adapter import QueryAdapterError
    from carbonqa.service.runtime import load_runtime

    try:
        return load_runtime(settings, progress=progress, rebuild=rebuild)
    except (IndexCorruptError, StoreUnavailableError, EmbeddingModelError, QueryAdapterError, OSError,
            ValueError) as error:
        fail(str(error))
