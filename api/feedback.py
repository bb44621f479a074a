"""Staff feedback on answers (👍/👎 with an optional note), kept in SQLite so that evaluators can turn
the 👎 ones into eval items (`carbonqa feedback export`).

Nothing personal is stored: no address, no browser, no user; the server adds only the time. The
table is bounded: past `max_rows` the oldest rows are dropped, and every field has a length limit.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from carbonqa.api.schemas import checked_answer, checked_question
from carbonqa.retriever.validation import check_characters

MAX_ANSWER_CHARS = 8000
MAX_NOTE_CHARS = 1000
MAX_CITATIONS = 50
MAX_CHUNK_ID_CHARS = 200

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    note TEXT,
    citation_ids TEXT NOT NULL,
    outcome TEXT
)
"""


class Rating(str, Enum):
    up = "up"
    down = "down"


class FeedbackIn(BaseModel):
    """What the chat UI sends for one answer."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(description="the question as asked")
    answer: str = Field(max_length=MAX_ANSWER_CHARS, description="the answer text shown, with its [n] markers")
    rating: Rating
    note: str | None = Field(default=None, max_length=MAX_NOTE_CHARS, description="what was wrong or good, optional")
    citation_ids: list[Annotated[str, Field(max_length=MAX_CHUNK_ID_CHARS)]] = Field(
        default_factory=list, max_length=MAX_CITATIONS, description="chunk ids the answer cited")
    outcome: str | None = Field(default=None, max_length=40,
                                description="the answer's outcome as shown (e.g. answered / refused)")

    _checked_question = field_validator("question")(checked_question)
    _checked_answer = field_validator("answer")(checked_answer)

    @field_validator("note")
    @classmethod
    def checked_note(cls, value: str | None) -> str | None:
        """Checked for characters no text may hold, as the question is; blank is no note."""
        return check_characters(value, "备注", "note").strip() or None if value is not None else None

    @field_validator("citation_ids")
    @classmethod
    def checked_citation_ids(cls, value: list[str]) -> list[str]:
        return [check_characters(chunk_id, "引用条款编号", "citation_ids") for chunk_id in value]


class FeedbackRecord(FeedbackIn):
    id: int
    created_at: datetime


class FeedbackStore:
    """The feedback table in one SQLite file (WAL: readers never block the writer)."""

    def __init__(self, path: Path, max_rows: int):
        self.path = path
        self.max_rows = max_rows
        self._ready = False
        self._lock = threading.Lock()  # one writer at a time inside this process

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=10)) as connection:
            if not self._ready:
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute(SCHEMA)
                self._ready = True
            with connection:  # commits, or rolls back on error
                yield connection

    def add(self, item: FeedbackIn) -> FeedbackRecord:
        created = datetime.now(timezone.utc).replace(microsecond=0)
        with self._lock, self._connect() as db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, rating, question, answer, note, citation_ids, outcome) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (created.isoformat(), item.rating.value, item.question, item.answer, item.note,
                 json.dumps(item.citation_ids, ensure_ascii=False), item.outcome),
            )
            row_id = cursor.lastrowid
            db.execute("DELETE FROM feedback WHERE id <= ?", (row_id - self.max_rows,))
        return FeedbackRecord(id=row_id, created_at=created, **item.model_dump())

    def list(self, rating: Rating | None = None, limit: int | None = None) -> list[FeedbackRecord]:
        """Newest first; all ratings unless one is given."""
        query = "SELECT id, created_at, rating, question, answer, note, citation_ids, outcome FROM feedback"
        args: list = []
        if rating is not None:
            query += " WHERE rating = ?"
            args.append(rating.value)
        query += " ORDER BY id DESC"
        if limit is not None:
            query += " LIMIT ?"
            args.append(limit)
        with self._connect() as db:
            rows = db.execute(query, args).fetchall()
        return [  # validated on the way in; not again, so a later, stricter limit cannot hide old rows
            FeedbackRecord.model_construct(
                id=row[0], created_at=datetime.fromisoformat(row[1]), rating=Rating(row[2]), question=row[3],
                answer=row[4], note=row[5], citation_ids=json.loads(row[6]), outcome=row[7])
            for row in rows
        ]


def eval_item(record: FeedbackRecord) -> dict:
    """A 👎 as an eval-format line: evaluators add type, docs, evidence and keys to make it an eval item."""
    return {"id": f"feedback-{record.id}", "question": record.question, "type": "unknown",
            "answer": record.answer, "note": record.note, "citation_ids": record.citation_ids,
            "shown_outcome": record.outcome,  # what the user saw; an eval item's `outcome` is the expected one
            "created_at": record.created_at.isoformat()}
