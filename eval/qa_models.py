"""Contracts of the eval: a question with its gold answer (QAItem) and what the pipeline said (Prediction)."""
from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from carbonqa.answer.models import Outcome
from carbonqa.indicators.models import AnalysisOperation

# The project's eval set, shipped inside the eval package.
DEFAULT_QA_PATH = Path(__file__).resolve().parent / "qa.jsonl"
# Questions written by others from the plan files alone, without this project's eval set or code.
HELDOUT_QA_PATH = Path(__file__).resolve().parent / "qa_heldout.jsonl"


class QAType(str, Enum):
    number = "number"
    fact = "fact"
    paraphrase = "paraphrase"
    compare = "compare"
    structure = "structure"
    unanswerable = "unanswerable"


class AnalysisGold(BaseModel):
    """An analytical item's gold: the operation, and the strings the answer's first line must contain
    (empty for an item whose figures cannot be compared)."""

    operation: AnalysisOperation
    conclusion: list[str] = Field(default_factory=list)


class QAItem(BaseModel):
    """One eval question. Only id and question are required: without a type it has no gold answer."""

    model_config = ConfigDict(extra="ignore")

    id: str
    question: str
    type: QAType | None = None
    docs: list[str] = Field(default_factory=list, description="regions of the plans that answer it")
    evidence: list[str] = Field(default_factory=list, description="verbatim spans, each unique in the corpus")
    answer_keys: list[str] = Field(default_factory=list, description="strings a correct answer contains")
    outcome: Outcome | None = Field(default=None, description="expected outcome; default from the type")
    analysis: AnalysisGold | None = Field(default=None, description="analytical items: what the answer computes")

    @field_validator("type", mode="before")
    @classmethod
    def unknown_is_unlabelled(cls, value: object) -> object:
        """"unknown" (e.g. `carbonqa feedback export`) means nobody has labelled the item yet."""
        return None if value == "unknown" else value

    @field_validator("id", "question")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("不能为空 / must not be blank")
        return value

    @property
    def has_gold(self) -> bool:
        return self.type is not None

    @property
    def answerable(self) -> bool:
        return self.type is not None and self.type is not QAType.unanswerable

    @property
    def expected_outcome(self) -> Outcome | None:
        """The outcome given, else not_stated for an unanswerable item and answered for the others."""
        if self.outcome is not None or self.type is None:
            return self.outcome
        return Outcome.answered if self.answerable else Outcome.not_stated


class Prediction(BaseModel):
    """One line of a predictions file. Answer fields are None for a retrieval-only run."""

    model_config = ConfigDict(extra="ignore")

    id: str
    question: str
    retrieved: list[str] = Field(default_factory=list, description="texts of the top distinct chunks, rank order")
    retrieved_ids: list[str] = Field(default_factory=list)
    answer: str | None = None
    citations: list[str] = Field(default_factory=list, description="full texts of the chunks the answer cites")
    citation_ids: list[str] = Field(default_factory=list)
    refused: bool | None = None
    outcome: Outcome | None = Field(default=None, description="answered | partial | not_stated")
    latency_ms: float | None = Field(default=None, description="wall-clock time of the whole call")
    timings_ms: dict[str, float] = Field(default_factory=dict, description="per pipeline stage")


class EvalFileError(ValueError):
    """A QA or predictions file that cannot be read; the message names the file and line."""


Model = TypeVar("Model", bound=BaseModel)


def _read_jsonl(path: Path, model: type[Model]) -> list[Model]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise EvalFileError(f"找不到文件 / file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalFileError(f"无法读取 / cannot read {path}: {exc}") from None
    rows: list[Model] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path} line {number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalFileError(f"{where}: 不是合法的 JSON / invalid JSON ({exc.msg})") from None
        if not isinstance(data, dict):
            raise EvalFileError(f"{where}: 每行应是一个 JSON 对象 / each line must be a JSON object")
        try:
            row = model.model_validate(data)
        except ValidationError as exc:
            raise EvalFileError(f"{where}: {_describe(exc)}") from None
        if row.id in seen:
            raise EvalFileError(f"{where}: id {row.id!r} 重复 / duplicate id (first on line {seen[row.id]})")
        seen[row.id] = number
        rows.append(row)
    if not rows:
        raise EvalFileError(f"{path}: 文件为空 / no items in file")
    return rows


def _describe(exc: ValidationError) -> str:
    """One short line per problem, e.g. "missing field 'question'"."""
    parts = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error["loc"]) or "line"
        if error["type"] == "missing":
            parts.append(f"缺少字段 / missing field {field!r}")
        else:
            parts.append(f"字段 / field {field!r}: {error['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)


def load_qa(path: Path = DEFAULT_QA_PATH) -> list[QAItem]:
    """Read an eval set (JSON Lines). Raises EvalFileError naming the bad line."""
    return _read_jsonl(path, QAItem)


def load_predictions(path: Path) -> list[Prediction]:
    """Read a predictions file written by `carbonqa eval`."""
    return _read_jsonl(path, Prediction)


def write_jsonl(path: Path, rows: list[BaseModel]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(row.model_dump_json() + "\n")
