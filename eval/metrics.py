"""Eval metrics: pure functions from predictions and gold QA items.

Retrieval metrics are over answerable items only; a "hit at k" means every gold evidence span is
contained in some chunk of the top k (spans may sit in different chunks). All matching is done with
whitespace removed (ingest.text.squash).
"""
from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
from pydantic import BaseModel

from carbonqa.eval.qa_models import Outcome, Prediction, QAItem
from carbonqa.ingest.text import squash

K_MAX = 10
RECALL_KS = (1, 3, 5, 10)
WALL_CLOCK = "wall_clock"  # latency key for the whole call as measured by the eval, beside the stages


def first_hit_rank(spans: list[str], texts: list[str], k_max: int = K_MAX) -> int | None:
    """Smallest k such that every span is inside some text among the first k; None if not within k_max."""
    wanted = {squash(s) for s in spans}
    if not wanted:
        return None
    for rank, text in enumerate(texts[:k_max], start=1):
        flat = squash(text)
        wanted = {s for s in wanted if s not in flat}
        if not wanted:
            return rank
    return None


def ndcg_at_k(spans: list[str], texts: list[str], k: int = K_MAX) -> float:
    """Binary-relevance nDCG: a chunk is relevant if it contains any gold span.

    The ideal list has one relevant chunk per span (capped at k). A span can sit both in a section and
    in its clause, so more chunks than spans may be relevant: the ratio is clipped to 1.
    """
    flat_spans = [squash(s) for s in spans]
    if not flat_spans:
        return 0.0
    dcg = 0.0
    for rank, text in enumerate(texts[:k], start=1):
        flat = squash(text)
        if any(s in flat for s in flat_spans):
            dcg += 1.0 / math.log2(rank + 1)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(flat_spans), k) + 1))
    return min(1.0, dcg / ideal)


def has_all_keys(keys: list[str], answer: str) -> bool:
    flat = squash(answer)
    return all(squash(key) in flat for key in keys)


def citation_precision(spans: list[str], cited: list[str], cited_ids: list[str] | None = None) -> float:
    """Fraction of cited chunks that contain some gold span, or lie inside a cited chunk that does
    (with `cited_ids`, parallel to `cited`): a list cites its section and each item's own clause."""
    flat_spans = [squash(s) for s in spans]
    holds = [any(s in squash(text) for s in flat_spans) for text in cited]
    gold_ids = [i for i, ok in zip(cited_ids or [], holds) if ok]
    good = sum(1 for n, ok in enumerate(holds)
               if ok or (cited_ids and any(inside(cited_ids[n], gold) for gold in gold_ids)))
    return good / len(cited)


def inside(chunk_id: str, section_id: str) -> bool:
    """Is the chunk a descendant of the section? Ids are "<doc>/<position>", a child's position
    extending its parent's with "." ("foshan-2023/2.3" is inside "foshan-2023/2")."""
    return chunk_id.startswith(section_id + ".")


def citation_recall(spans: list[str], cited: list[str]) -> float:
    """Fraction of gold spans found in some cited chunk."""
    flat_cited = [squash(text) for text in cited]
    found = sum(1 for s in spans if any(squash(s) in text for text in flat_cited))
    return found / len(spans)


class ItemScore(BaseModel):
    """Per-item outcome; a field is None where the metric does not apply to this item."""

    id: str
    type: str
    answerable: bool
    first_hit_rank: int | None = None
    ndcg: float | None = None
    key_correct: bool | None = None  # answerable items with an answer: not refused and all keys present
    citation_precision: float | None = None
    citation_recall: float | None = None
    refused: bool | None = None
    outcome_correct: bool | None = None  # the reply's outcome (answered/partial/not_stated) is the expected one

    @property
    def correct(self) -> bool | None:
        """Did the answer do the right thing: contain the keys, or refuse an unanswerable question."""
        if self.refused is None:
            return None
        return bool(self.key_correct) if self.answerable else self.refused


def score_item(item: QAItem, pred: Prediction) -> ItemScore:
    score = ItemScore(id=item.id, type=item.type.value, answerable=item.answerable, refused=pred.refused)
    if pred.answer is not None:
        score.outcome_correct = predicted_outcome(pred) is item.expected_outcome
    if item.answerable and item.evidence:
        score.first_hit_rank = first_hit_rank(item.evidence, pred.retrieved)
        score.ndcg = ndcg_at_k(item.evidence, pred.retrieved)
    if item.answerable and pred.answer is not None:
        score.key_correct = not pred.refused and has_all_keys(item.answer_keys, pred.answer)
        if item.evidence:
            score.citation_recall = citation_recall(item.evidence, pred.citations)
            if pred.citations:
                score.citation_precision = citation_precision(item.evidence, pred.citations, pred.citation_ids)
    return score


def predicted_outcome(pred: Prediction) -> Outcome:
    """The prediction's outcome; predictions written before outcomes existed have only `refused`."""
    if pred.outcome is not None:
        return pred.outcome
    return Outcome.not_stated if pred.refused else Outcome.answered


def score_all(items: list[QAItem], preds: list[Prediction]) -> list[ItemScore]:
    """Score every gold item that has a prediction (matched by id); items without gold are skipped."""
    by_id = {p.id: p for p in preds}
    return [score_item(item, by_id[item.id]) for item in items if item.has_gold and item.id in by_id]


class Summary(BaseModel):
    """Aggregate metrics over a group of items; None when no item in the group has the metric."""

    n: int
    n_answerable: int
    recall: dict[int, float | None]
    mrr: float | None
    ndcg: float | None
    answer_key_accuracy: float | None
    citation_precision: float | None
    citation_recall: float | None
    refusal_accuracy: float | None  # unanswerable items that were refused
    false_refusal_rate: float | None  # answerable items that were refused
    outcome_accuracy: float | None = None  # items whose outcome (answered/partial/not_stated) is the expected one


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _ranked(scores: list[ItemScore]) -> list[ItemScore]:
    """Items with retrieval metrics: answerable, with evidence spans."""
    return [s for s in scores if s.ndcg is not None]


def recall_at(scores: list[ItemScore], k: int) -> float | None:
    ranked = _ranked(scores)
    return _mean([1.0 if s.first_hit_rank is not None and s.first_hit_rank <= k else 0.0 for s in ranked])


def summarize(scores: list[ItemScore]) -> Summary:
    ranked = _ranked(scores)
    answered = [s for s in scores if s.answerable and s.refused is not None]
    unanswerable = [s for s in scores if not s.answerable and s.refused is not None]
    return Summary(
        n=len(scores),
        n_answerable=sum(1 for s in scores if s.answerable),
        recall={k: recall_at(scores, k) for k in RECALL_KS},
        mrr=_mean([1.0 / s.first_hit_rank if s.first_hit_rank else 0.0 for s in ranked]),
        ndcg=_mean([s.ndcg for s in ranked]),
        answer_key_accuracy=_mean([1.0 if s.key_correct else 0.0 for s in answered]),
        citation_precision=_mean([s.citation_precision for s in answered if s.citation_precision is not None]),
        citation_recall=_mean([s.citation_recall for s in answered if s.citation_recall is not None]),
        refusal_accuracy=_mean([1.0 if s.refused else 0.0 for s in unanswerable]),
        false_refusal_rate=_mean([1.0 if s.refused else 0.0 for s in answered]),
        outcome_accuracy=_mean([1.0 if s.outcome_correct else 0.0 for s in scores if s.outcome_correct is not None]),
    )


def summarize_by_type(scores: list[ItemScore]) -> dict[str, Summary]:
    """"overall" first, then one entry per question type in order of first appearance."""
    groups: dict[str, list[ItemScore]] = defaultdict(list)
    for s in scores:
        groups[s.type].append(s)
    return {"overall": summarize(scores)} | {t: summarize(group) for t, group in groups.items()}


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of non-empty values, interpolated linearly between ranks."""
    return float(np.percentile(values, q))


def latency_percentiles(preds: list[Prediction]) -> dict[str, tuple[float, float]]:
    """p50 and p95 in ms: WALL_CLOCK (the whole call, as the eval timed it) and each pipeline stage."""
    samples: dict[str, list[float]] = defaultdict(list)
    for p in preds:
        if p.latency_ms is not None:
            samples[WALL_CLOCK].append(p.latency_ms)
        for stage, ms in p.timings_ms.items():
            samples[stage].append(ms)
    return {
        stage: (percentile(values, 50), percentile(values, 95))
        for stage, values in samples.items()
    }
