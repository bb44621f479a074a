"""A question-side adapter: a linear map W applied to a question's e5 vector before it is compared with
passage vectors (the dense arm's clauses, the answer stage's sentences).

Staff ask in everyday words (a household object for an official term, a purpose for the plan's name of
it); W, trained on the question bank's train split (eval/train_adapter.py), moves such a question's
vector towards the clauses and sentences that answer it. Passages are not changed, so the index stays
as built. The shipped matrix is a float32 .npy (no pickle) beside a manifest recording its sha256 and the
model it was trained for; a file that does not match its manifest is refused, not used.
"""
from __future__ import annotations

import hashlib
import json
from enum import Enum
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict


ADAPTER_DIR = Path(__file__).resolve().parent / "adapter"
ADAPTER_MANIFEST = "question_adapter.json"
RETRAIN_HINT = ("retrain it with `python -m carbonqa.eval.train_adapter`, "
                "or switch it off with CARBONQA_QUERY_ADAPTER=false")


class AdapterUse(str, Enum):
    """Where the adapted question vector is used; the other places keep the model's own vector."""

    off = "off"
    dense = "dense"  # the dense arm's search only
    both = "both"  # the dense arm and the answer stage's question-sentence similarity


class QueryAdapterError(RuntimeError):
    """The adapter's files are missing, damaged or do not match their manifest."""


class AdapterManifest(BaseModel):
    """What the training command recorded beside the matrix."""

    model_config = ConfigDict(extra="forbid")

    matrix_file: str
    sha256: str
    model_id: str
    dimension: int
    trained_on: str
    training: dict[str, float | int | str]
    metrics: dict[str, float]


class QueryAdapter:
    """q -> normalise(q @ W): rows of the input are unit question vectors."""

    def __init__(self, matrix: np.ndarray, manifest: AdapterManifest):
        self.matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        self.manifest = manifest

    def apply(self, vectors: np.ndarray) -> np.ndarray:
        mapped = np.asarray(vectors, dtype=np.float32) @ self.matrix
        norms = np.linalg.norm(mapped, axis=1, keepdims=True)
        return mapped / np.maximum(norms, 1e-12)

    def fits(self, model_id: str, dimension: int) -> bool:
        """Trained for this model's vectors (another model's vectors live in another space)?"""
        return self.manifest.model_id == model_id and self.manifest.dimension == dimension

    @classmethod
    def load(cls, folder: Path | None = None) -> QueryAdapter:
        """The matrix named by the folder's manifest (default: the shipped one), checked against its
        recorded sha256 and shape."""
        folder = folder or ADAPTER_DIR
        manifest_path = folder / ADAPTER_MANIFEST
        try:
            manifest = AdapterManifest.model_validate_json(manifest_path.read_text(encoding="utf-8"))
            data = (folder / manifest.matrix_file).read_bytes()
        except (OSError, ValueError) as exc:
            raise QueryAdapterError(f"问题向量适配器无法读取 / cannot read the question adapter in {folder}: "
                                    f"{exc}; {RETRAIN_HINT}") from exc
        actual = hashlib.sha256(data).hexdigest()
        if actual != manifest.sha256:
            raise QueryAdapterError(
                f"问题向量适配器与清单不符 / question adapter {folder / manifest.matrix_file} has sha256 {actual}, "
                f"its manifest records {manifest.sha256}; {RETRAIN_HINT}")
        with open(folder / manifest.matrix_file, "rb") as file:
            matrix = np.load(file, allow_pickle=False)
        if matrix.shape != (manifest.dimension, manifest.dimension) or matrix.dtype != np.float32:
            raise QueryAdapterError(f"question adapter matrix is {matrix.dtype} {matrix.shape}, expected float32 "
                                    f"({manifest.dimension}, {manifest.dimension}); {RETRAIN_HINT}")
        return cls(matrix, manifest)


def save_adapter(matrix: np.ndarray, manifest: AdapterManifest, folder: Path = ADAPTER_DIR) -> AdapterManifest:
    """Write the matrix and a manifest holding its sha256 (the one given is completed with it)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / manifest.matrix_file
    with open(path, "wb") as file:
        np.save(file, np.ascontiguousarray(matrix, dtype=np.float32), allow_pickle=False)
    manifest = manifest.model_copy(update={"sha256": hashlib.sha256(path.read_bytes()).hexdigest()})
    (folder / ADAPTER_MANIFEST).write_text(json.dumps(manifest.model_dump(), ensure_ascii=False, indent=2) + "\n",
                                           encoding="utf-8")
    return manifest
