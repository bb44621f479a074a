"""The learned answer/refuse gate (answer/gate.py) on hand-made features, without the model."""
from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from carbonqa.answer.compose import CitationBook
from carbonqa.answer.gate import (
    FEATURES, GATE_DIR, GATE_FILE, TRAIN_COMMAND, GateModel, candidate_features, gate_bytes, gated, general_idf,
    load_gate, novel_terms, save_gate,
)
from carbonqa.answer.kinds.base import Asked, Reply
from carbonqa.answer.kinds.single import SentenceAnswer
from carbonqa.answer.policy import AnswerPolicy
from carbonqa.eval.train_gate import MAX_LOST_RIGHT, choose_threshold, crag, fit
from test_answer_policy import candidate, frame

pytestmark = pytest.mark.unit
POLICY = AnswerPolicy()


def coverage_gate(threshold: float = 0.5) -> GateModel:
    """A gate that trusts coverage alone: P = 0.5 at coverage 0.6."""
    n = len(FEATURES)
    coef = [0.0] * n
    coef[FEATURES.index("coverage")] = 10.0
    mean = [0.0] * n
    mean[FEATURES.index("coverage")] = 0.6
    return GateModel(features=list(FEATURES), mean=mean, scale=[1.0] * n, coef=coef, intercept=0.0,
                     threshold=threshold)


# How many sentences of a pretend corpus hold each term: the plans write 汽车 and 电动, never 甲醇 or 自行车.
CORPUS_DF = {"汽车": 37, "新能源汽车": 20, "电动": 17, "非化石能源": 12}


def asked_with(best, terms=("非化石能源",)) -> Asked:
    evidence = SimpleNamespace(policy=POLICY, sentences=SimpleNamespace(df=lambda term: CORPUS_DF.get(term, 0)))
    asked = Asked(frame(terms=list(terms)), result=None, evidence=evidence)
    asked.__dict__["usable"] = [best]  # the rules' usable sentences, as the cached property holds them
    return asked


def features(best, terms=("非化石能源",)) -> list[float]:
    return candidate_features(asked_with(best, terms), best)


def test_the_features_are_the_candidates_evidence_in_order():
    values = features(candidate(coverage=0.7, dense_top=True))
    assert len(values) == len(FEATURES)
    assert values[FEATURES.index("coverage")] == 0.7
    assert values[FEATURES.index("dense_top")] == 1.0
    assert values[FEATURES.index("words_match")] == 1.0  # 0.7 >= answer_min_coverage, key term held
    assert values[FEATURES.index("slots_metric")] == 1.0  # no slots read: not a figure question
    assert values[FEATURES.index("novel_terms")] == values[FEATURES.index("novel_share")] == 0.0


def test_novel_terms_are_the_questions_terms_no_plan_sentence_holds_longest_only():
    asked = asked_with(candidate(), terms=["电动", "自行车", "电动自行车", "充电"])
    assert novel_terms(asked) == ["电动自行车", "充电"]  # 自行车 lies inside a longer novel term


def test_a_specific_novel_word_the_sentence_does_not_hold_is_measured():
    idf, _ = general_idf()
    best = candidate(text="大力推广节能及新能源汽车。")
    values = dict(zip(FEATURES, features(best, terms=["甲醇", "汽车"])))
    assert values["novel_terms"] == 1.0 and values["novel_share"] == 0.5  # 2 of the terms' 4 characters
    assert values["novel_specificity"] == idf["甲醇"] and values["novel_uncovered"] == 1.0
    # A sentence holding one of its characters leaves half of it uncovered.
    assert dict(zip(FEATURES, features(candidate(text="推广甲烷回收。"), ["甲醇"])))["novel_uncovered"] == 0.5

def test_the_gate_answers_above_its_threshold_and_refuses_below():
    gate = coverage_gate()
    high = features(candidate(coverage=0.9))
    low = features(candidate(coverage=0.3))
    assert gate.probability(high) > 0.9 and gate.answers(high)
    assert gate.probability(low) < 0.1 and not gate.answers(low)
    assert not coverage_gate(threshold=0.99).answers(high)


class Quoted(SentenceAnswer):
    def applies(self, asked: Asked) -> bool:
        return True

    def answer(self, asked: Asked) -> Reply:
        return Reply("引用的句子。", CitationBook())


class Refused:
    def applies(self, asked: Asked) -> bool:
        return True

    def answer(self, asked: Asked) -> Reply:
        return Reply("方案中没有找到。", CitationBook(), refusal_reason="no_supporting_clause")


def test_the_gated_decision_passes_a_rejected_quote_to_the_refusal():
    decide = gated(coverage_gate())
    kinds = (Quoted(), Refused())
    assert decide(asked_with(candidate(coverage=0.9)), kinds).refusal_reason is None
    assert decide(asked_with(candidate(coverage=0.3)), kinds).refusal_reason == "no_supporting_clause"
    # Other kinds' replies are never gated.
    assert decide(asked_with(candidate(coverage=0.3)), (Refused(),)).refusal_reason == "no_supporting_clause"


def test_the_artifact_round_trips_through_json_to_the_same_bytes(tmp_path):
    gate = coverage_gate(threshold=0.4)
    first = save_gate(gate, tmp_path / "a", "eval/bank/train", 10)
    second = save_gate(load_gate(tmp_path / "a"), tmp_path / "b", "eval/bank/train", 10)
    assert load_gate(tmp_path / "a") == gate
    assert first.sha256 == second.sha256
    assert (tmp_path / "a" / GATE_FILE).read_bytes() == (tmp_path / "b" / GATE_FILE).read_bytes() == gate_bytes(gate)


def test_a_changed_artifact_is_refused_naming_the_training_command(tmp_path):
    save_gate(coverage_gate(), tmp_path, "eval/bank/train", 10)
    data = json.loads((tmp_path / GATE_FILE).read_text(encoding="utf-8"))
    data["intercept"] = 3.0
    (tmp_path / GATE_FILE).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match=TRAIN_COMMAND.replace(".", r"\.")):
        load_gate(tmp_path)
    with pytest.raises(ValueError, match="train_gate"):
        load_gate(tmp_path / "missing")


def test_the_shipped_artifact_matches_its_manifest_and_the_features():
    assert load_gate(GATE_DIR).features == list(FEATURES)


def test_fitting_is_deterministic_and_learns_the_signal():
    rng = np.random.default_rng(0)
    features = rng.random((60, len(FEATURES)))
    labels = (features[:, 0] > 0.5).astype(int)
    first, second = fit(features, labels), fit(features.copy(), labels.copy())
    assert gate_bytes(first) == gate_bytes(second)
    assert first.coef[0] == max(first.coef)  # the only informative feature weighs most
    assert first.answers(np.r_[0.95, features[0, 1:]]) and not first.answers(np.r_[0.05, features[0, 1:]])


def test_the_threshold_refuses_few_right_answers_in_cross_validation():
    labels = np.array([1] * 100 + [0] * 20)
    # Right answers mostly confident, three of them doubtful; the wrong ones doubtful.
    probabilities = np.r_[np.full(97, 0.9), [0.12, 0.22, 0.35], np.full(20, 0.08)]
    assert MAX_LOST_RIGHT == 0.01
    assert choose_threshold(probabilities, labels) == 0.2  # refuses one of the right answers (1%), not two
    assert choose_threshold(np.r_[np.full(97, 0.9), [0.06, 0.12, 0.22], np.full(20, 0.08)], labels) == 0.1
    assert choose_threshold(np.full(120, 0.01), labels) == 0.05  # none allowed: the lowest


def test_crag_of_answering_and_refusing():
    labels, answerable = np.array([1, 0, 0]), np.array([True, True, False])
    assert crag(np.array([True, True, True]), labels, answerable) == pytest.approx(-1 / 3)  # +1 -1 -1
    assert crag(np.array([True, False, False]), labels, answerable) == pytest.approx(2 / 3)  # +1 0 +1
