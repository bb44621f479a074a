"""A learned answer/refuse gate: gradient-boosted trees over the best usable candidate's evidence.

The rules (AnswerPolicy.answers) pick the sentences that may answer; the gate may still refuse when the
best of them looks, by the trees learned on the bank's train split, like a sentence that does not hold
the answer. Besides the candidate's evidence it weighs the question's novel terms: terms no sentence of
the plans contains. Everyday wording is novel too (煤气罐 for 瓶装液化气), so novelty alone decides
nothing; but a specific word in general Chinese (甲醇, 钠离子 — jieba's general-language IDF dictionary),
none of whose characters the best sentence holds, is how a topic no plan mentions looks. Three more
signals tell such a topic from everyday wording: the question asks whether the plans say something at all
(有没有提到…, 是否推广…), two of its words that the plans use name together something they never write
(甲醇+汽车, 电动+自行车), and its nouns no plan contains (Asked.unused_nouns: what, not how, it asks).
Whether the best sentence speaks of the novel terms in other words is read from meaning: the question is
embedded again without them. A sentence saying in other words what they name (巡游车 for 的士) tends to lose
more of its nearness without them than one about something else (机场车辆 asked about 游艇), and a question
whose meaning leaves with its novel terms asks about what no plan names. The most specific unused noun is
embedded alone too, in the same batch: how far the best sentence stands out among the usable ones in
nearness to it (稻草 should lift the 秸秆 sentence, 游艇 not the 机场车辆 one). And how many sentences the rules
accept: a topic the plans hold is answered by a few sentences that stand out, one they do not hold is
matched loosely by many. Each of these only shifts the odds; the trees weigh them together.

One more signal is learned from the embeddings themselves: a pair score, a logistic regression on the
elementwise product of the question's vector and the sentence's (a diagonal bilinear form, one weight per
dimension), fitted on train questions' usable sentences (holding the gold answer or not). A plain cosine
weighs every dimension alike; the pair score weighs the dimensions that tell the sentence answering the
question from one on a nearby topic (机场车辆 for 游艇, 新能源汽车 charging for 电动自行车). Its weights
times the question vector are one vector, so it costs one dot product per question.

It is read from JSON (feature names, the trees' nodes, the pair weights) whose sha256 a manifest records: no pickle,
and an edited or stale artifact is refused. Train it with `python -m carbonqa.eval.train_gate`.
"""
from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from functools import partial
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field, model_validator

from carbonqa.answer.candidate import Candidate
from carbonqa.answer.kinds.base import AnswerStrategy, Asked, Decide, first_reply
from carbonqa.answer.kinds.facets import FacetAnswer
from carbonqa.answer.kinds.single import SentenceAnswer
from carbonqa.answer.selection import general_idf, unused_terms
from carbonqa.answer.text import longest_only
from carbonqa.index.tokenizer import widen
from carbonqa.ingest.vocabulary import ASKS_EXISTENCE

GATE_DIR = Path(__file__).resolve().parent / "gate_model"
GATE_FILE = "gate.json"
MANIFEST_FILE = "manifest.json"
TRAIN_COMMAND = "python -m carbonqa.eval.train_gate"
# The kinds whose replies quote the sentences that score best against the question (one sentence, or one
# per facet: "低空经济、无人机物流"): the gate weighs the question's best usable sentence before they stand.
GATED_KINDS = (SentenceAnswer, FacetAnswer)

# The evidence of a candidate, as numbers, in the order the trees' feature indices refer to.
FEATURES = (
    "coverage", "figure_coverage", "score", "semantic", "dense_top", "has_key_term", "states_asked_figure",
    "words_match", "wants_figure", "slots_missing", "novel_share", "novel_specificity", "novel_uncovered",
    "novel_terms", "asks_existence", "novel_compound",
    "novel_noun_specificity", "novel_noun_uncovered", "best_similarity", "novel_pull", "meaning_without_novel",
    "usable_sentences", "noun_standing", "pair_score",
)


def novel_terms(asked: Asked) -> list[str]:
    """The question's terms no sentence of the plans contains, without those inside a longer one."""
    return unused_terms(asked.frame.terms, lambda term: asked.evidence.sentences.df(term) > 0)


def novel_compounds(asked: Asked) -> list[str]:
    """Two question terms written next to each other whose joined form no sentence of the plans holds:
    the plans write 汽车 and 电动, never 甲醇汽车 or 电动自行车."""
    text = asked.frame.text
    terms = [term for term in longest_only(asked.frame.terms) if len(term) > 1 and term in text]
    placed = sorted((text.find(term), term) for term in terms)
    joined = [first + second for (start, first), (next_start, second) in zip(placed, placed[1:])
              if start + len(first) == next_start]
    return [term for term in joined if asked.evidence.sentences.df(term) == 0]


def uncovered(terms: list[str], candidate: Candidate) -> float:
    """The largest share of a term's characters the candidate's sentence lacks (0 without terms)."""
    return max((sum(ch not in candidate.flat for ch in t) / len(t) for t in terms), default=0.0)


def best_similarity(asked: Asked) -> float:
    """The cosine of the question to the nearest sentence of the retrieved clauses (0 without vectors). The
    candidates' semantic z-scores rank them against each other; this says whether any is near at all:
    a topic no plan mentions is far from every sentence retrieved for it."""
    return max((c.similarity for c in asked.candidates if c.similarity is not None), default=0.0)


def most_specific_noun(asked: Asked) -> str | None:
    """The question's unused noun most specific in general Chinese (jieba's IDF): what it asks about."""
    idf, median = general_idf()
    return max(asked.unused_nouns, key=lambda noun: idf.get(noun, median), default=None)


def standing(similarities: list[float], best: float) -> float:
    """The z-score of `best` among the similarities (0 with fewer than two)."""
    if len(similarities) < 2:
        return 0.0
    return (best - float(np.mean(similarities))) / max(float(np.std(similarities)), 1e-3)


def novel_meaning(asked: Asked, candidate: Candidate) -> tuple[float, float, float]:
    """What the question's novel wording carries in meaning, read from one batch of embeddings: the question
    without its novel terms, and its most specific unused noun alone. (How much nearer the candidate's
    sentence is to the question than to the question without them, the cosine of the question to itself
    without them, how far the sentence stands out among the usable sentences in nearness to the noun alone.)
    (0, 1, 0) for what is not there: no novel terms in its text, no unused noun, no vectors."""
    evidence, query = asked.evidence, asked.result.query_vector if asked.result is not None else None
    if query is None or evidence.meaning is None or evidence.sentences.vectors is None or candidate.similarity is None:
        return 0.0, 1.0, 0.0
    text = asked.frame.text
    for term in sorted(novel_terms(asked), key=len, reverse=True):
        text = text.replace(term, "")
    noun = most_specific_noun(asked)
    texts = ([text] if text != asked.frame.text else []) + ([noun] if noun else [])
    if not texts:
        return 0.0, 1.0, 0.0
    # Embedded as the retriever embeds the question (retriever/search.py), so the vectors compare.
    vectors = evidence.meaning.query([widen(t) for t in texts])
    vectors = evidence.meaning.adapt(vectors) if evidence.meaning.adapt else vectors
    pull, kept, stands_out = 0.0, 1.0, 0.0
    if text != asked.frame.text:
        without = evidence.sentences.vectors.similarities(vectors[0], [candidate.flat])[0]
        pull, kept = candidate.similarity - without, float(np.dot(np.ravel(query), vectors[0]))
    if noun:
        # 稻草 is nearer the 秸秆 sentence than the other usable ones; 游艇 is not nearer the 机场车辆 one.
        usable = [c.flat for c in asked.usable]
        to_noun = evidence.sentences.vectors.similarities(vectors[-1], [candidate.flat] + usable)
        known = [s for s in to_noun[1:] if s is not None]
        stands_out = standing(known, to_noun[0]) if to_noun[0] is not None else 0.0
    return pull, kept, stands_out


class PairModel(BaseModel):
    """A logistic regression on the product of the question's and a sentence's vectors, dimension by
    dimension: its logit is intercept + sum(weights * question * sentence)."""

    weights: list[float]
    intercept: float

    def logit(self, products: np.ndarray) -> np.ndarray:
        """The logit of each row of pair_product values (or of one row)."""
        return self.intercept + products @ np.asarray(self.weights)

    def score(self, asked: Asked, candidate: Candidate) -> float:
        """The logit that the candidate's sentence answers the question (0 without vectors)."""
        query = asked.result.query_vector if asked.result is not None else None
        if query is None or not self.weights or asked.evidence.sentences.vectors is None:
            return 0.0
        if len(self.weights) != np.size(query):
            raise ValueError(f"答题门控模型的句对权重有 {len(self.weights)} 维，问题向量有 {np.size(query)} 维"
                             f"（换了嵌入模型？）；请运行 {TRAIN_COMMAND} 重新训练")
        sentence = asked.evidence.sentences.vectors.vector(candidate.flat)
        return 0.0 if sentence is None else float(self.logit(pair_product(query, sentence)))


def pair_product(query: np.ndarray, sentence: np.ndarray) -> np.ndarray:
    """The question's and the sentence's vectors multiplied dimension by dimension (in float64): what the pair
    score weighs, at answer time and in training alike."""
    return np.ravel(query).astype(np.float64) * np.ravel(sentence).astype(np.float64)


def candidate_features(asked: Asked, candidate: Candidate, pair: PairModel) -> list[float]:
    """The candidate's evidence, the question's novelty and the pair score, in FEATURES order."""
    return evidence_features(asked, candidate) + [pair.score(asked, candidate)]


def evidence_features(asked: Asked, candidate: Candidate) -> list[float]:
    """The candidate's evidence and the question's novelty, FEATURES but the pair score (booleans as 0/1)."""
    frame, policy = asked.frame, asked.evidence.policy
    slots = candidate.slots
    novel, nouns = novel_terms(asked), asked.unused_nouns
    idf, median = general_idf()
    term_chars = sum(len(t) for t in frame.terms)
    pull, kept, stands_out = novel_meaning(asked, candidate)
    return [
        candidate.coverage, candidate.figure_coverage, candidate.score, candidate.semantic,
        float(candidate.dense_top), float(candidate.has_key_term), float(candidate.states_asked_figure),
        float(policy.matches_words(frame, candidate)), float(frame.wants_figure),
        float(len(slots.missing)) if slots else 0.0,
        sum(len(t) for t in novel) / term_chars if term_chars else 0.0,
        max((idf.get(t, median) for t in novel), default=0.0), uncovered(novel, candidate), float(len(novel)),
        float(bool(ASKS_EXISTENCE.search(frame.text))), float(bool(novel_compounds(asked))),
        max((idf.get(t, median) for t in nouns), default=0.0), uncovered(nouns, candidate),
        best_similarity(asked), pull, kept, math.log1p(len(asked.usable)), stands_out,
    ]


LEAF = -1  # a tree node's `left` when it has no children


def as_float32(values: Sequence[float]) -> list[float]:
    """The features rounded to float32, once per question: scikit-learn fits and compares its splits in float32."""
    return np.asarray(values, dtype=np.float32).astype(np.float64).tolist()


class RegressionTree(BaseModel):
    """One tree of the ensemble as lists by node (scikit-learn's tree arrays): a node whose `left` is LEAF
    holds its `value`; any other goes left when its feature's value <= its threshold, else right."""

    feature: list[int]
    threshold: list[float]
    left: list[int]
    right: list[int]
    value: list[float]

    @model_validator(mode="after")
    def _children_follow_their_parent(self) -> "RegressionTree":
        # scikit-learn numbers a node's children after it: a walk from the root always ends at a leaf.
        sizes = {len(self.feature), len(self.threshold), len(self.left), len(self.right), len(self.value)}
        if len(sizes) != 1 or any(child != LEAF and child <= node
                                  for node, children in enumerate(zip(self.left, self.right)) for child in children):
            raise ValueError("答题门控模型的树结构无效（节点数不一致或子节点不在父节点之后）")
        return self

    def predict(self, values: Sequence[float]) -> float:
        """The leaf value for features already in float32 (as scikit-learn compares them: `as_float32`)."""
        node = 0
        while self.left[node] != LEAF:
            node = self.left[node] if values[self.feature[node]] <= self.threshold[node] else self.right[node]
        return self.value[node]


class GateModel(BaseModel):
    """Gradient-boosted regression trees on the features (log-loss): answer when P(right) >= threshold.
    Trees weigh the features together where a sum cannot: a novel specific word counts against an answer
    far more when the question asks whether the plans say something at all."""

    features: list[str]
    base_score: float = Field(description="the log-odds of a right answer before any tree (the train prior)")
    learning_rate: float
    trees: list[RegressionTree]
    pair: PairModel = Field(default_factory=lambda: PairModel(weights=[], intercept=0.0),
                            description="the question-sentence pair scorer whose score is the last feature")
    threshold: float = Field(0.5, description="the probability of a right answer below which the gate refuses "
                                              "(chosen by the training command's cross-validation)")

    def probability(self, values: Sequence[float]) -> float:
        """P(the candidate holds the answer) for features in FEATURES order."""
        features = as_float32(values)
        z = self.base_score + self.learning_rate * sum(tree.predict(features) for tree in self.trees)
        return 1.0 / (1.0 + math.exp(-z))

    def answers(self, values: Sequence[float]) -> bool:
        return self.probability(values) >= self.threshold


class GateManifest(BaseModel):
    gate_file: str = GATE_FILE
    sha256: str
    trained_on: str  # the split it was fitted on
    examples: int


def gate_bytes(model: GateModel) -> bytes:
    """The artifact's bytes: sorted keys, fixed float repr, so equal models are equal files."""
    return (json.dumps(model.model_dump(), sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode()


def save_gate(model: GateModel, directory: Path, trained_on: str, examples: int) -> GateManifest:
    directory.mkdir(parents=True, exist_ok=True)
    data = gate_bytes(model)
    (directory / GATE_FILE).write_bytes(data)
    manifest = GateManifest(sha256=hashlib.sha256(data).hexdigest(), trained_on=trained_on, examples=examples)
    (directory / MANIFEST_FILE).write_text(manifest.model_dump_json(indent=1) + "\n", encoding="utf-8")
    return manifest


def load_gate(directory: Path = GATE_DIR) -> GateModel:
    """The gate, after checking its bytes against the manifest; a missing, changed or stale artifact
    is refused with the command that rebuilds it."""
    try:
        manifest = GateManifest.model_validate_json((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
        data = (directory / manifest.gate_file).read_bytes()
    except (OSError, ValueError) as error:
        raise ValueError(f"答题门控模型无法读取（{error}）；请运行 {TRAIN_COMMAND} 重新训练") from error
    if hashlib.sha256(data).hexdigest() != manifest.sha256:
        raise ValueError(f"答题门控模型 {directory / manifest.gate_file} 与清单的 sha256 不符（文件被改动）；"
                         f"请运行 {TRAIN_COMMAND} 重新训练")
    model = GateModel.model_validate_json(data)
    if tuple(model.features) != FEATURES:
        raise ValueError(f"答题门控模型的特征 {model.features} 与代码的 {list(FEATURES)} 不一致；"
                         f"请运行 {TRAIN_COMMAND} 重新训练")
    return model


def gated(model: GateModel) -> Decide:
    """first_reply, except that an answer quoting the best sentences (GATED_KINDS) whose best usable
    sentence the gate rejects passes to the next kinds: the rules' refusals."""
    general_idf()  # loaded with the service, not on its first question

    def accept(kind: AnswerStrategy, asked: Asked) -> bool:
        return not isinstance(kind, GATED_KINDS) or not asked.usable or \
            model.answers(candidate_features(asked, asked.usable[0], model.pair))
    return partial(first_reply, accept=accept)
