"""Eval metrics: pure functions from predictions and gold QA items.

Retrieval metrics are over answerable items only; a "hit at k" means every gold evidence span is
contained in some chunk of the top k (spans may sit in different chunks). All matching is done with
whitespace removed (ingest.text.squash).

The headline metrics come with bootstrap 95% intervals. An answer is "right" when it is not refused and
holds every answer key (the answer-key criterion); the CRAG-style score gives +1 for a right answer, 0 for
a refusal and -1 for a wrong one, and for an unanswerable question +1 for a refusal and -1 for an answer.
"""
from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable

import numpy as np
from pydantic import BaseModel

from carbonqa.eval.qa_models import DEFAULT_QA_PATH, Outcome, Prediction, QAItem, QAType, Tag
from carbonqa.ingest.text import squash

K_MAX = 10
RECALL_KS = (1, 3, 5, 10)
WALL_CLOCK = "wall_clock"  # latency key for the whole call as measured by the eval, beside the stages
# A candidate sentence is the gold passage when it holds a gold span, lies inside one, or shares this
# many characters with one at their edges: content sentences are at least 6 characters long.
PASSAGE_OVERLAP = 6
BOOTSTRAP_RESAMPLES = 1000  # enough for stable 2.5/97.5 percentiles of a mean
BOOTSTRAP_SEED = 0  # fixed: the same predictions always give the same intervals


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


def same_passage(sentence: str, span: str, min_shared: int = PASSAGE_OVERLAP) -> bool:
    """Do the two (whitespace-removed) texts overlap: one inside the other, or an end of one being the
    start of the other over at least `min_shared` characters?"""
    if sentence in span or span in sentence:
        return True
    longest = min(len(sentence), len(span)) - 1
    return any(sentence.endswith(span[:n]) or span.endswith(sentence[:n]) for n in range(longest, min_shared - 1, -1))


def has_correct_candidate(spans: list[str], keys: list[str], candidates: list[str]) -> bool:
    """Could the answer stage have answered from the sentences it scored: does every answer key lie in
    some candidate sentence that is a gold evidence passage (see same_passage)?"""
    flat_spans = [squash(s) for s in spans]
    gold = [flat for flat in map(squash, candidates) if any(same_passage(flat, span) for span in flat_spans)]
    return all(any(squash(key) in sentence for sentence in gold) for key in keys)


def conclusion_first(conclusion: list[str], keys: list[str], answer: str) -> bool:
    """An analytical answer leads with its conclusion: every conclusion string in the first line, and
    every answer key (each plan's figure) somewhere in the answer."""
    first_line = squash(answer.strip().split("\n", 1)[0])
    return all(squash(text) in first_line for text in conclusion) and has_all_keys(keys, answer)


def uses_candidate_sentences(item: QAItem) -> bool:
    """Is the item answered from scored sentences? Structure questions (by type or tag) are answered
    from the outline's headings and notice questions from the notice block, not from the candidates."""
    return item.answerable and bool(item.evidence) and item.type is not QAType.structure \
        and not {Tag.structure, Tag.notice} & set(item.tags)


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
    candidate_hit: bool | None = None  # a correct sentence was among the answer stage's candidates
    conclusion_first: bool | None = None  # analytical items with a conclusion: see conclusion_first()
    writer: str | None = None
    split: str | None = None
    tags: list[str] = []
    operation: str | None = None  # an analytical item's operation

    @property
    def correct(self) -> bool | None:
        """Did the answer do the right thing: contain the keys, or refuse an unanswerable question."""
        if self.refused is None:
            return None
        return bool(self.key_correct) if self.answerable else self.refused

    @property
    def crag(self) -> int | None:
        """+1 right, 0 refused, -1 wrong; for an unanswerable question +1 refused, -1 answered."""
        if self.refused is None:
            return None
        if not self.answerable:
            return 1 if self.refused else -1
        return 1 if self.key_correct else 0 if self.refused else -1


def score_item(item: QAItem, pred: Prediction) -> ItemScore:
    score = ItemScore(id=item.id, type=item.type.value, answerable=item.answerable, refused=pred.refused,
                      writer=item.writer, split=item.split, tags=[tag.value for tag in item.tags],
                      operation=item.analysis.operation.value if item.analysis else None)
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
        if pred.candidates is not None and uses_candidate_sentences(item):
            score.candidate_hit = has_correct_candidate(item.evidence, item.answer_keys, pred.candidates)
        if item.analysis is not None and item.analysis.conclusion:
            score.conclusion_first = not pred.refused and \
                conclusion_first(item.analysis.conclusion, item.answer_keys, pred.answer)
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
    return _mean(recall_values(scores, k))


def _answered(scores: list[ItemScore]) -> list[ItemScore]:
    """Answerable items the answer run replied to."""
    return [s for s in scores if s.answerable and s.refused is not None]


# Each metric as its per-item values: the metric is their mean (and its interval is bootstrapped from them).
def key_values(scores: list[ItemScore]) -> list[float]:
    return [1.0 if s.key_correct else 0.0 for s in _answered(scores)]


def refusal_values(scores: list[ItemScore]) -> list[float]:
    return [1.0 if s.refused else 0.0 for s in scores if not s.answerable and s.refused is not None]


def false_refusal_values(scores: list[ItemScore]) -> list[float]:
    return [1.0 if s.refused else 0.0 for s in _answered(scores)]


def citation_precision_values(scores: list[ItemScore]) -> list[float]:
    return [s.citation_precision for s in _answered(scores) if s.citation_precision is not None]


def recall_values(scores: list[ItemScore], k: int) -> list[float]:
    return [1.0 if s.first_hit_rank is not None and s.first_hit_rank <= k else 0.0 for s in _ranked(scores)]


def summarize(scores: list[ItemScore]) -> Summary:
    ranked = _ranked(scores)
    answered = _answered(scores)
    return Summary(
        n=len(scores),
        n_answerable=sum(1 for s in scores if s.answerable),
        recall={k: recall_at(scores, k) for k in RECALL_KS},
        mrr=_mean([1.0 / s.first_hit_rank if s.first_hit_rank else 0.0 for s in ranked]),
        ndcg=_mean([s.ndcg for s in ranked]),
        answer_key_accuracy=_mean(key_values(scores)),
        citation_precision=_mean(citation_precision_values(scores)),
        citation_recall=_mean([s.citation_recall for s in answered if s.citation_recall is not None]),
        refusal_accuracy=_mean(refusal_values(scores)),
        false_refusal_rate=_mean(false_refusal_values(scores)),
        outcome_accuracy=_mean([1.0 if s.outcome_correct else 0.0 for s in scores if s.outcome_correct is not None]),
    )


# The regression set's floors (eval/floors.json): each metric of its summary must stay at or above them.
FLOORS_PATH = DEFAULT_QA_PATH.parent / "floors.json"
FLOOR_METRICS: dict[str, Callable[[Summary], float | None]] = {
    "recall_at_5": lambda s: s.recall[5],
    "answer_key_accuracy": lambda s: s.answer_key_accuracy,
    "citation_precision": lambda s: s.citation_precision,
    "refusal_accuracy": lambda s: s.refusal_accuracy,
    "outcome_accuracy": lambda s: s.outcome_accuracy,
}


def floors() -> dict[str, float]:
    return json.loads(FLOORS_PATH.read_text(encoding="utf-8"))


def below_floors(summary: Summary) -> dict[str, float | None]:
    """The metrics of a summary of the regression set that fell below their floors, with their values."""
    limits = floors()
    values = {name: FLOOR_METRICS[name](summary) for name in limits}
    return {name: value for name, value in values.items() if value is None or value < limits[name]}


# The headline metrics, in report order: name -> per-item values.
HEADLINE: dict[str, Callable[[list[ItemScore]], list[float]]] = {
    "answer_key_accuracy": key_values,
    "paraphrase": lambda scores: key_values([s for s in scores if s.type == QAType.paraphrase.value]),
    "refusal_accuracy": refusal_values,
    "false_refusal_rate": false_refusal_values,
    "citation_precision": citation_precision_values,
    "recall_at_5": lambda scores: recall_values(scores, 5),
    "crag": lambda scores: [float(s.crag) for s in scores if s.crag is not None],
    "candidate_oracle": lambda scores: [1.0 if s.candidate_hit else 0.0 for s in scores if s.candidate_hit is not None],
    "conclusion_first": lambda scores: [1.0 if s.conclusion_first else 0.0
                                        for s in scores if s.conclusion_first is not None],
}


class Estimate(BaseModel):
    """A metric over n items with its bootstrap 95% interval; all None when no item has the metric."""

    n: int
    value: float | None
    low: float | None
    high: float | None


def bootstrap_interval(values: list[float], resamples: int = BOOTSTRAP_RESAMPLES,
                       seed: int = BOOTSTRAP_SEED) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of the mean over resamples of the values (with replacement)."""
    data = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, len(data), size=(resamples, len(data)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def estimate(values: list[float]) -> Estimate:
    if not values:
        return Estimate(n=0, value=None, low=None, high=None)
    low, high = bootstrap_interval(values)
    return Estimate(n=len(values), value=_mean(values), low=low, high=high)


def headline(scores: list[ItemScore]) -> dict[str, Estimate]:
    """Every headline metric of a group of items, with its interval."""
    return {name: estimate(values(scores)) for name, values in HEADLINE.items()}


def group_by(scores: list[ItemScore], keys: Callable[[ItemScore], Iterable[str | None]]) -> dict[str, list[ItemScore]]:
    """Items grouped by each key they have (an item with several tags is in each tag's group), by key name."""
    groups: dict[str, list[ItemScore]] = defaultdict(list)
    for s in scores:
        for key in keys(s):
            if key is not None:
                groups[key].append(s)
    return dict(sorted(groups.items()))


# The groupings of the headline tables: label -> the keys of an item.
GROUPINGS: dict[str, Callable[[ItemScore], Iterable[str | None]]] = {
    "split": lambda s: [s.split],
    "writer": lambda s: [s.writer],
    "tag": lambda s: s.tags,
    "analysis operation": lambda s: [s.operation],
}


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
