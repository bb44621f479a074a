"""`carbonqa feedback export`: the staff's 👎 feedback as eval items."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from carbonqa.cli.common import err_console, fail, load_settings

feedback_app = typer.Typer(help="Staff feedback stored by the service (POST /feedback).", no_args_is_help=True)


@feedback_app.command("export")
def feedback_export(
    out: Optional[Path] = typer.Option(None, "--out", help="write to this file instead of stdout"),
) -> None:
    """Write the 👎 feedback as eval-format JSON Lines (type "unknown", the answer given, the note), oldest first."""
    import json
    import sqlite3

    from carbonqa.api.feedback import FeedbackStore, Rating, eval_item

    settings = load_settings()
    path = settings.feedback_path
    if not path.is_file():
        err_console.print(f"还没有反馈 / no feedback stored yet: {path}")
        records = []
    else:
        try:
            records = FeedbackStore(path, settings.feedback_max_rows).list(Rating.down)[::-1]
        except sqlite3.Error as error:
            fail(f"无法读取反馈数据库 / cannot read the feedback database {path}: {error}")
    lines = "".join(json.dumps(eval_item(record), ensure_ascii=False) + "\n" for record in records)
    if out is None:
        print(lines, end="")
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(lines, encoding="utf-8")
    except OSError as error:
        fail(f"无法写入 / cannot write {out}: {error}")
    err_console.print(f"{len(records)} 条负面反馈 / negative feedback items -> {out}")
