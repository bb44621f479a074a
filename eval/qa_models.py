"""Contracts of the eval: a question with its gold answer (QAItem) and what the pipeline said (Prediction).

An eval set is one JSON Lines file, or a folder of them: the question bank (eval/bank) keeps one file per
writer in one folder per split, and an item loaded from it carries its writer (the file's name) and split
(the folder's name).
"""
from __future__ import annotations

import json
from collections.abc import Sequence
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
# Questions by independent writers, one file per writer in a folder per split (eval/bank/README.md).
BANK_PATH = Path(__file__).resolve().parent / "bank"
BANK_SPLITS = ("train", "dev", "sealed")
SEALED_SPLIT = "sealed"  # scored once, deliberately: `carbonqa eval --sealed`


class QAType(str, Enum):
    number = "number"
    fact = "fact"
    paraphrase = "paraphrase"
    compare = "compare"
    structure = "structure"
    unanswerable = "unanswerable"


class Tag(str, Enum):
    """Kinds of question a bank item is (eval/bank/BRIEF.md); an item has every kind that applies."""

    colloquial = "colloquial"
    abbreviated = "abbreviated"
    typo = "typo"
    year = "year"
    period = "period"
    two_digit_year = "two_digit_year"
    implicit_year = "implicit_year"
    year_end = "year_end"
    paraphrase = "paraphrase"  # a paraphrase of no one kind below (writers also tag the kind in general)
    purpose = "purpose"
    effect = "effect"
    everyday_object = "everyday_object"
    description = "description"
    structure = "structure"
    ordinal = "ordinal"
    count = "count"
    notice = "notice"
    department = "department"
    compare = "compare"
    ranking = "ranking"
    near_miss = "near_miss"
    not_mentioned = "not_mentioned"
    place_without_plan = "place_without_plan"
    followup = "followup"
    two_part = "two_part"
    yes_no = "yes_no"
    list = "list"
    date = "date"
    project = "project"
    incomparable = "incomparable"  # an analytical item whose figures cannot be compared (conclusion empty)


class Analysis(BaseModel):
    """An analytical item's computation and the strings the first line of a correct answer contains."""

    model_config = ConfigDict(extra="forbid")

    operation: AnalysisOperation
    conclusion: list[str] = Field(description="e.g. the winning region; empty when the figures are incomparable")

    @field_validator("conclusion")
    @classmethod
    def no_blank_strings(cls, value: list[str]) -> list[str]:
        if any(not text.strip() for text in value):
            raise ValueError("不能有空字符串 / must not hold blank strings")
        return value


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
    tags: list[Tag] = Field(default_factory=list, description="the kinds of question it is")
    history: list[str] = Field(default_factory=list, description="a follow-up's earlier questions, oldest first")
    note: str | None = Field(default=None, description="how absence was checked, or what a partial answer lacks")
    analysis: Analysis | None = Field(default=None, description="analytical items: operation and conclusion")
    writer: str | None = Field(default=None, description="who wrote it: the name of its file (set on loading)")
    split: str | None = Field(default=None, description="train | dev | sealed: the bank folder it is in (set on loading)")

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

    @field_validator("history")
    @classmethod
    def no_blank_turns(cls, value: list[str]) -> list[str]:
        if any(not turn.strip() for turn in value):
            raise ValueError("不能有空的问题 / must not hold blank questions")
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
    candidates: list[str] | None = Field(default=None, description="the content sentences of the clauses the "
                                         "answer stage scored (Answer.retrieved): what it could have quoted")
    writer: str | None = None
    split: str | None = None


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


def split_of(file: Path) -> str | None:
    """The bank split a question file belongs to: the name of its folder, if that is a split's."""
    return file.parent.name if file.parent.name in BANK_SPLITS else None


def load_qa(path: Path | Sequence[Path] = DEFAULT_QA_PATH) -> list[QAItem]:
    """Read an eval set: a JSON Lines file, a folder of them (see qa_files), or several such. Each item gets its writer
    (the file's name) and split (its folder's name, if a bank split). Raises EvalFileError naming the
    bad line, or the two files sharing an id."""
    items: list[QAItem] = []
    first_file: dict[str, Path] = {}
    paths = [path] if isinstance(path, (str, Path)) else list(path)
    for file in (file for one in paths for file in qa_files(Path(one))):
        split = split_of(file)
        for item in _read_jsonl(file, QAItem):
            if item.id in first_file:
                raise EvalFileError(f"{file}: id {item.id!r} 重复 / duplicate id (also in {first_file[item.id]})")
            first_file[item.id] = file
            items.append(item.model_copy(update={"writer": file.stem, "split": split}))
    return items


def qa_files(path: Path) -> list[Path]:
    """The question files of an eval set: the file itself; a folder's *.jsonl files; or, for a bank
    folder (one holding split folders: train/, dev/, sealed/), the files of its split folders (the
    bank's own records beside them, such as sealed_runs.jsonl, hold no questions)."""
    if not path.is_dir():
        return [path]
    splits = [path / name for name in BANK_SPLITS if (path / name).is_dir()]
    files = sorted(file for folder in splits or [path] for file in folder.glob("*.jsonl"))
    if not files:
        raise EvalFileError(f"{path}: 文件夹中没有 .jsonl 题目文件 / no .jsonl question files in the folder")
    return files


def load_predictions(path: Path) -> list[Prediction]:
    """Read a predictions file written by `carbonqa eval`."""
    return _read_jsonl(path, Prediction)


def write_jsonl(path: Path, rows: list[BaseModel]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(row.model_dump_json() + "\n")
