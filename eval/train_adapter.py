"""Train the question adapter (index/query_adapter.py) on the question bank's train split.

Run: python -m carbonqa.eval.train_adapter   (writes index/adapter/; run again, it writes the same bytes)

Each answerable train question with gold evidence is embedded as the retriever embeds it; its positives
are the content sentences and the clauses holding a gold span, its negatives every other sentence and
clause of the index (the full softmax over the corpus: in-batch negatives and more, at this corpus size).
W starts at the identity and a penalty keeps it near it: loss = InfoNCE(sentences) + InfoNCE(clauses)
+ penalty·‖W − I‖². Training is full-batch Adam on one thread with deterministic algorithms, so the
matrix is the same bytes on every run over the same index and model. The step count and the penalty are
chosen on the dev split (mean of the clause and sentence MRR of the gold, within the gold plans); the
sealed split is never read.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from carbonqa.eval.qa_models import BANK_PATH, QAItem, load_qa
from carbonqa.index.query_adapter import ADAPTER_DIR, AdapterManifest, AdapterUse, save_adapter
from carbonqa.index.tokenizer import widen
from carbonqa.ingest.text import squash

SEED = 0
TEMPERATURE = 0.02  # e5 similarities lie in a narrow band; a low temperature spreads them
LEARNING_RATE = 5e-4
MAX_STEPS = 150
CHECK_EVERY = 10
PENALTIES = (0.1, 1.0)
MATRIX_FILE = "question_adapter.npy"


@dataclass
class Examples:
    """Question vectors and, per question, its positive sentence rows, clause rows and allowed rows (the
    gold plans' clauses and sentences, where the eval's ranking is measured)."""

    queries: np.ndarray
    sentence_pos: list[list[int]]
    chunk_pos: list[list[int]]
    sentence_allowed: list[np.ndarray]
    chunk_allowed: list[np.ndarray]


@dataclass(frozen=True)
class Passages:
    sentences: np.ndarray
    chunks: np.ndarray


def gold_rows(spans: list[str], texts: list[str]) -> list[int]:
    """Rows whose text holds a gold span, or lies inside one (a span longer than a sentence)."""
    flat_spans = [squash(s) for s in spans]
    return [row for row, text in enumerate(texts)
            if any(span in text or (len(text) >= 8 and text in span) for span in flat_spans)]


def build_examples(items: list[QAItem], embed, read, sentence_texts: list[str], chunks) -> Examples:
    """`embed` embeds texts as questions (no adapter), `read` gives the text the retriever embeds."""
    chunk_texts = [squash(chunk.text) for chunk in chunks]
    sentence_region = _sentence_regions(sentence_texts, chunks, chunk_texts)
    chunk_region = np.array([chunk.region for chunk in chunks])
    texts, sent_pos, chunk_pos, sent_allowed, chunk_allowed = [], [], [], [], []
    for item in items:
        if not item.answerable or not item.evidence:
            continue
        text = read(item.question)
        sentences, clauses = gold_rows(item.evidence, sentence_texts), gold_rows(item.evidence, chunk_texts)
        if text is None or not sentences or not clauses:
            continue
        regions = {chunks[row].region for row in clauses}
        texts.append(text)
        sent_pos.append(sentences)
        chunk_pos.append(clauses)
        sent_allowed.append(np.array([bool(r & regions) for r in sentence_region]))
        chunk_allowed.append(np.isin(chunk_region, list(regions)))
    return Examples(np.asarray(embed(texts), dtype=np.float32), sent_pos, chunk_pos, sent_allowed, chunk_allowed)


def _sentence_regions(sentence_texts: list[str], chunks, chunk_texts: list[str]) -> list[set[str]]:
    return [{chunk.region for chunk, flat in zip(chunks, chunk_texts) if text in flat} for text in sentence_texts]


def mean_reciprocal_rank(queries: np.ndarray, passages: np.ndarray, positives: list[list[int]],
                         allowed: list[np.ndarray]) -> tuple[float, float]:
    """MRR and Recall@5 of the best-ranked positive among the allowed rows."""
    scores = queries @ passages.T
    ranks = []
    for row, (pos, mask) in enumerate(zip(positives, allowed)):
        masked = np.where(mask, scores[row], -np.inf)
        best = max(masked[p] for p in pos)
        ranks.append(1 + int(np.sum(masked > best)))
    ranks = np.array(ranks)
    return float(np.mean(1.0 / ranks)), float(np.mean(ranks <= 5))


def measure(matrix: np.ndarray, examples: Examples, passages: Passages) -> dict[str, float]:
    queries = examples.queries @ matrix
    queries /= np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-12)
    chunk_mrr, chunk_r5 = mean_reciprocal_rank(queries, passages.chunks, examples.chunk_pos, examples.chunk_allowed)
    sent_mrr, sent_r5 = mean_reciprocal_rank(queries, passages.sentences, examples.sentence_pos,
                                             examples.sentence_allowed)
    return {"clause_mrr": round(chunk_mrr, 4), "clause_r5": round(chunk_r5, 4),
            "sentence_mrr": round(sent_mrr, 4), "sentence_r5": round(sent_r5, 4),
            "selection": round((chunk_mrr + sent_mrr) / 2, 4)}


def _positive_mask(positives: list[list[int]], size: int):
    import torch

    mask = torch.zeros(len(positives), size, dtype=torch.bool)
    for row, pos in enumerate(positives):
        mask[row, pos] = True
    return mask


def train_matrix(train: Examples, passages: Passages, penalty: float, steps: int,
                 check=None, check_every: int = CHECK_EVERY) -> tuple[np.ndarray, int]:
    """Full-batch training from the identity; `check(matrix) -> score` picks the best step seen (every
    `check_every` steps, and step 0), else the last step is kept. Returns the matrix and its step."""
    import torch

    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    queries = torch.from_numpy(train.queries)
    targets = [(torch.from_numpy(passages.sentences), _positive_mask(train.sentence_pos, len(passages.sentences))),
               (torch.from_numpy(passages.chunks), _positive_mask(train.chunk_pos, len(passages.chunks)))]
    identity = torch.eye(queries.shape[1])
    weight = torch.nn.Parameter(identity.clone())
    optimiser = torch.optim.Adam([weight], lr=LEARNING_RATE)
    best_matrix, best_step = identity.numpy().copy(), 0
    best_score = check(best_matrix) if check else None
    for step in range(1, steps + 1):
        optimiser.zero_grad()
        mapped = torch.nn.functional.normalize(queries @ weight, dim=1)
        loss = penalty * ((weight - identity) ** 2).sum()
        for vectors, positive in targets:
            logits = mapped @ vectors.T / TEMPERATURE
            loss = loss + (torch.logsumexp(logits, 1) - torch.logsumexp(logits.masked_fill(~positive, -1e9), 1)).mean()
        loss.backward()
        optimiser.step()
        if check is None:
            best_matrix, best_step = weight.detach().numpy().copy(), step
        elif step % check_every == 0 and (score := check(weight.detach().numpy())) > best_score:
            best_matrix, best_step, best_score = weight.detach().numpy().copy(), step, score
    return best_matrix.astype(np.float32), best_step


def select(train: Examples, dev: Examples, passages: Passages, out=print) -> tuple[np.ndarray, dict]:
    """The penalty and step with the best dev selection score."""
    best = None
    for penalty in PENALTIES:
        matrix, step = train_matrix(train, passages, penalty, MAX_STEPS,
                                    check=lambda m: measure(m, dev, passages)["selection"])
        score = measure(matrix, dev, passages)["selection"]
        out(f"penalty {penalty}: best dev step {step}, selection {score}")
        if best is None or score > best[0]:
            best = (score, matrix, {"penalty": penalty, "steps": step})
    return best[1], best[2]


def load_data(settings):
    """The model (no adapter), the retriever's reading of a question, and the index's passage vectors."""
    from carbonqa.retriever.validation import QuestionError
    from carbonqa.service.runtime import load_runtime

    runtime = load_runtime(settings.model_copy(update={"query_adapter": AdapterUse.off}), progress=False)
    index = runtime.index
    if not hasattr(index, "dense"):
        raise SystemExit("train the adapter with the FAISS store (CARBONQA_STORE=faiss)")

    def read(question: str) -> str | None:
        try:
            return widen(runtime.retriever.read(question).text)
        except (ValueError, QuestionError):
            return None

    passages = Passages(np.asarray(index.sentences.matrix, dtype=np.float32),
                        index.dense.reconstruct_n(0, index.dense.ntotal).astype(np.float32))
    return runtime, read, passages


def main(argv: list[str] | None = None) -> None:
    from carbonqa.service.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ADAPTER_DIR, help="folder for the matrix and its manifest")
    args = parser.parse_args(argv)
    runtime, read, passages = load_data(Settings())
    index = runtime.index
    embed = runtime.embedder.embed_queries
    split = {name: build_examples(load_qa(BANK_PATH / name), embed, read, index.sentences.texts, index.chunks)
             for name in ("train", "dev")}
    print(f"examples: train {len(split['train'].queries)}, dev {len(split['dev'].queries)}")
    matrix, chosen = select(split["train"], split["dev"], passages)
    identity = np.eye(matrix.shape[0], dtype=np.float32)
    metrics = {f"{name}_{when}_{key}": value for name, examples in split.items()
               for when, m in (("before", identity), ("after", matrix))
               for key, value in measure(m, examples, passages).items()}
    manifest = save_adapter(matrix, AdapterManifest(
        matrix_file=MATRIX_FILE, sha256="", model_id=runtime.embedder.model_id, dimension=matrix.shape[0],
        trained_on="eval/bank/train", metrics=metrics,
        training={**chosen, "temperature": TEMPERATURE, "learning_rate": LEARNING_RATE, "seed": SEED,
                  "train_examples": len(split["train"].queries), "dev_examples": len(split["dev"].queries)}),
        args.out)
    for key, value in metrics.items():
        print(f"{key}: {value}")
    print(f"wrote {args.out / MATRIX_FILE} sha256 {manifest.sha256}")


if __name__ == "__main__":
    main()
