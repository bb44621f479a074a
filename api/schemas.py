"""Request bodies of the HTTP API, and the one response of its own (the pipeline's and the live library's
contracts are returned as they are)."""
from __future__ import annotations

from contextvars import ContextVar

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from carbonqa.retriever.models import SearchMode
from carbonqa.retriever.validation import normalize_text, validate_question
from carbonqa.service.models import PlanSummary
from carbonqa.service.settings import TOP_K_MAX, TOP_K_MIN, Settings


# The longest question the app serving this request accepts: each app sets it from its own settings
# for every request (api.limits.RequestLimits), since FastAPI validates bodies before the endpoint runs.
MAX_QUESTION_CHARS: ContextVar[int] = ContextVar(
    "max_question_chars", default=Settings.model_fields["max_question_chars"].default)


def checked_question(value: str) -> str:
    """The question stripped, or the QuestionError (a ValueError) that makes it a 422 with its message."""
    return validate_question(value, MAX_QUESTION_CHARS.get())


def checked_answer(value: str | None) -> str | None:
    """An earlier answer sent back by a client, checked for characters no text may hold."""
    return None if value is None else normalize_text(value, "回答", "answer")


def integral(value: object) -> object:
    """10.0 is the integer 10 in JSON (and in the spec's "type": "integer"); 2.5 and "5" stay errors
    (with strict=True on the field)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


class HistoryTurn(BaseModel):
    """One earlier turn of the conversation, oldest first."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(description="the earlier question, checked like the question itself")
    answer: str | None = Field(
        default=None, description="the earlier answer; accepted so clients can send whole turns, but ignored: "
                                  "follow-ups are resolved from the earlier questions"
    )

    _checked_question = field_validator("question")(checked_question)
    _checked_answer = field_validator("answer")(checked_answer)


class QuestionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(description="the question in Chinese; its longest length is in /readyz limits")
    regions: list[str] | None = Field(
        default=None, description="restrict to these plans, e.g. ['珠海'] or ['广东省']; empty or null = all"
    )
    documents: list[str] | None = Field(
        default=None, description="restrict to these plans by doc id (GET /documents), e.g. ['zhuhai-2025'] for one "
                                  "of a region's several plans; empty or null = the plans of the regions asked about"
    )
    top_k: int | None = Field(default=None, strict=True, description=f"{TOP_K_MIN}-{TOP_K_MAX} chunks to use")

    _checked_question = field_validator("question")(checked_question)

    @field_validator("regions")
    @classmethod
    def checked_regions(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else [normalize_text(region, "地区", "region") for region in value]

    @field_validator("documents")
    @classmethod
    def checked_documents(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else [normalize_text(doc_id, "方案", "document") for doc_id in value]

    _integral_top_k = field_validator("top_k", mode="before")(integral)

    @field_validator("top_k")
    @classmethod
    def top_k_in_range(cls, value: int | None) -> int | None:
        if value is not None and not TOP_K_MIN <= value <= TOP_K_MAX:
            raise PydanticCustomError(
                "top_k_range",
                f"top_k 应在 {TOP_K_MIN} 到 {TOP_K_MAX} 之间 / top_k must be between {TOP_K_MIN} and {TOP_K_MAX}",
            )
        return value


class AskRequest(QuestionRequest):
    history: list[HistoryTurn] = Field(
        default_factory=list, description="earlier turns, oldest first; lets '那佛山呢？' inherit the topic"
    )


class SearchRequest(QuestionRequest):
    mode: SearchMode = SearchMode.hybrid


# The target years an indicator filter may name.
YEAR_MIN, YEAR_MAX = 1900, 2100


class IndicatorFilter(BaseModel):
    """Which quantitative targets to list: the filters of GET /indicators (its query parameters)."""

    model_config = ConfigDict(extra="forbid")

    indicator: str | None = Field(default=None, description="normalised name (or any wording of it, e.g. 单位GDP能耗)")
    region: str | None = Field(default=None, description="e.g. 珠海 / 珠海市 / 广东省")
    year: int | None = Field(default=None, ge=YEAR_MIN, le=YEAR_MAX, strict=True, description="target year, e.g. 2025")

    _integral_year = field_validator("year", mode="before")(integral)


class LibraryChange(BaseModel):
    """What an upload or removal changed, and the library served from now on."""

    added: list[PlanSummary] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    plans: int = Field(description="plans in the library now")
    chunks: int
    index: str = Field(description="how the index was updated, e.g. 'updated: 18 of 415 chunks embedded'")
    kept_file: str | None = Field(default=None, description="where a removed plan's original file is kept, "
                                                            "relative to the library folder")
