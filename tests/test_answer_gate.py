"""The learned answer/refuse gate (answer/gate.py) on hand-made features, without the model."""
from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from carbonqa.answer.compose import CitationBook
from carbonqa.answer.gate import (
    FEATURES, GATE_DIR, GATE_FILE, LEAF, TRAIN_COMMAND, GateModel, PairModel, RegressionTree, best_similarity,
    candidate_features, gate_bytes, gated, load_gate, novel_compounds, novel_meaning, novel_terms, save_gate, standing,
)
from carbonqa.answer.kinds.base import Asked, Reply
from carbonqa.answer.kinds.facets import FacetAnswer
from carbonqa.answer.kinds.single import SentenceAnswer
from carbonqa.answer.policy import AnswerPolicy
from carbonqa.answer.selection import general_idf
from carbonqa.eval.train_gate import (
    MAX_LOST_RIGHT, Examples, Pairs, allowed_thresholds, choose_threshold, crag, cross_fitted_pair_scores,
    cross_validated_probabilities, fit, fit_pair,
)
from carbonqa.index.sentence_vectors import SentenceVectors
from carbonqa.indicators.matching import Meaning
from carbonqa.ingest.vocabulary import ASKS_EXISTENCE
from test_answer_policy import candidate, frame

pytestmark = pytest.mark.unit
POLICY = AnswerPolicy()
NO_PAIR = PairModel(weights=[], intercept=0.0)  # no pair scorer: its feature is 0


def coverage_tree(split: float = 0.6, below: float = -5.0, above: float = 5.0) -> RegressionTree:
    """One split on coverage: `below` at or under `split`, `above` over it."""
    return RegressionTree(feature=[FEATURES.index("coverage"), -2, -2], threshold=[split, -2.0, -2.0],
                          left=[1, LEAF, LEAF], right=[2, LEAF, LEAF], value=[0.0, below, above])


def coverage_gate(threshold: float = 0.5) -> GateModel:
    """A gate that trusts coverage alone: P = 0.99 over coverage 0.6, 0.01 at or under it."""
    return GateModel(features=list(FEATURES), base_score=0.0, learning_rate=1.0, trees=[coverage_tree()],
                     threshold=threshold)


# How many sentences of a pretend corpus hold each term: the plans write 汽车 and 电动, never 甲醇 or 自行车.
CORPUS_DF = {"汽车": 37, "新能源汽车": 20, "电动": 17, "非化石能源": 12}


def asked_with(best, terms=("非化石能源",), text: str = "", nouns=()) -> Asked:
    evidence = SimpleNamespace(policy=POLICY, sentences=SimpleNamespace(df=lambda term: CORPUS_DF.get(term, 0)))
    question = frame(terms=list(terms)).model_copy(update={"text": text or "".join(terms)})
    asked = Asked(question, result=None, evidence=evidence)
    asked.__dict__["usable"] = [best]  # the rules' usable sentences, as the cached property holds them
    asked.__dict__["unused_nouns"] = list(nouns)  # the nouns no plan's text holds (Evidence.unused_nouns)
    asked.__dict__["candidates"] = [best]
    return asked


def features(best, terms=("非化石能源",), text: str = "", nouns=()) -> list[float]:
    return candidate_features(asked_with(best, terms, text, nouns), best, NO_PAIR)


def test_the_features_are_the_candidates_evidence_in_order():
    values = features(candidate(coverage=0.7, dense_top=True))
    assert len(values) == len(FEATURES)
    assert values[FEATURES.index("coverage")] == 0.7
    assert values[FEATURES.index("dense_top")] == 1.0
    assert values[FEATURES.index("words_match")] == 1.0  # 0.7 >= answer_min_coverage, key term held
    assert values[FEATURES.index("slots_missing")] == 0.0  # no slots read: not a figure question
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

def test_two_plan_words_naming_together_what_no_plan_writes_are_a_novel_compound():
    asked = asked_with(candidate(), terms=["甲醇", "汽车", "推广"], text="江门有没有推广甲醇汽车")
    assert novel_compounds(asked) == ["推广甲醇", "甲醇汽车"]  # a verb and its object count too (measured alike)
    # Not written next to each other, or written together in the plans: no compound.
    assert novel_compounds(asked_with(candidate(), terms=["汽车", "推广"], text="汽车要不要推广")) == []
    assert novel_compounds(asked_with(candidate(), terms=["新能源", "汽车"], text="推广新能源汽车")) == []


def test_an_existence_question_about_an_unused_noun_is_measured():
    idf, _ = general_idf()
    best = candidate(text="大力推广节能及新能源汽车。")
    values = dict(zip(FEATURES, features(best, ["甲醇", "汽车"], text="江门有没有推广甲醇汽车", nouns=["甲醇"])))
    assert values["asks_existence"] == 1.0 and values["novel_compound"] == 1.0
    assert values["novel_noun_specificity"] == idf["甲醇"] and values["novel_noun_uncovered"] == 1.0
    plain = dict(zip(FEATURES, features(best, ["新能源", "汽车"], text="新能源汽车推广目标是多少")))
    assert plain["asks_existence"] == plain["novel_compound"] == plain["novel_noun_uncovered"] == 0.0


@pytest.mark.parametrize("question", ["方案有没有提到虚拟电厂", "是否推广甲醇汽车", "江门有冇提绿氨", "佛山推不推共享单车",
                                      "省里对这个有要求吗"])
def test_questions_asking_whether_the_plans_say_something(question):
    assert ASKS_EXISTENCE.search(question)


@pytest.mark.parametrize("question", ["2025年非化石能源占比多少", "推广新能源汽车的目标是什么", "由哪个部门负责"])
def test_questions_asking_what_the_plans_say(question):
    assert not ASKS_EXISTENCE.search(question)


def test_the_best_similarity_is_the_nearest_retrieved_sentence_in_meaning():
    asked = asked_with(candidate())
    far, near, unknown = candidate(), candidate(), candidate()
    far.similarity, near.similarity = 0.71, 0.86
    asked.__dict__["candidates"] = [far, near, unknown]
    assert best_similarity(asked) == 0.86
    asked.__dict__["candidates"] = [unknown]  # no sentence vectors: nothing is known to be near
    assert best_similarity(asked) == 0.0


# Hand-made unit vectors in three directions (游艇, 电动, 车辆): the question, itself without its novel term
# 游艇, and two sentences, one about 游艇 in other words (游船), one about 电动 车辆 only.
QUESTION, WITHOUT = "游艇要不要电动", "要不要电动"
VECTORS = {QUESTION: [0.6, 0.8, 0.0], WITHOUT: [0.0, 1.0, 0.0],
           "游船岸电。": [0.8, 0.6, 0.0], "机场车辆电动化。": [0.0, 0.8, 0.6]}


def asked_in_meaning(*sentences: str) -> tuple[Asked, list]:
    """A question with the novel term 游艇 (the plans write 电动), its sentences' similarities set."""
    asked = asked_with(candidate(), terms=["游艇", "电动"], text=QUESTION)
    texts = list(sentences)
    asked.evidence.sentences.vectors = SentenceVectors(texts, np.array([VECTORS[t] for t in texts]))
    asked.evidence.meaning = Meaning(query=lambda batch: np.array([VECTORS[t] for t in batch]))
    asked.result = SimpleNamespace(query_vector=np.array(VECTORS[QUESTION]))
    best = [candidate(text=t) for t in texts]
    for c in best:
        c.similarity = float(np.dot(VECTORS[c.flat], VECTORS[QUESTION]))
    asked.__dict__["usable"] = asked.__dict__["candidates"] = best
    return asked, best


def test_what_the_novel_terms_carry_in_meaning_is_measured_without_them():
    asked, (about_it, about_else) = asked_in_meaning("游船岸电。", "机场车辆电动化。")
    # 游船 speaks of 游艇: the sentence drifts away from the question without it (0.96 -> 0.6).
    pull, kept, _ = novel_meaning(asked, about_it)
    assert pull == pytest.approx(0.96 - 0.6) and kept == pytest.approx(0.8)
    # 机场车辆 does not: it comes nearer the question without 游艇 (0.64 -> 0.8).
    assert novel_meaning(asked, about_else)[0] == pytest.approx(0.64 - 0.8)
    values = dict(zip(FEATURES, candidate_features(asked, about_else, NO_PAIR)))
    assert values["novel_pull"] == pytest.approx(-0.16) and values["meaning_without_novel"] == pytest.approx(0.8)
    assert values["usable_sentences"] == pytest.approx(np.log1p(2))  # both sentences usable


def test_the_unused_noun_alone_tells_whether_the_sentence_stands_out_in_meaning():
    asked, (about_it, about_else) = asked_in_meaning("游船岸电。", "机场车辆电动化。")
    asked.__dict__["unused_nouns"] = ["游艇"]
    VECTORS["游艇"] = [1.0, 0.0, 0.0]  # the noun alone: near 游船 (0.8), far from 机场车辆 (0.0)
    try:
        # Among the two usable sentences (0.8 and 0.0: mean 0.4, deviation 0.4) one stands out, one lags.
        assert novel_meaning(asked, about_it)[2] == pytest.approx(1.0)
        assert novel_meaning(asked, about_else)[2] == pytest.approx(-1.0)
        assert dict(zip(FEATURES, candidate_features(asked, about_else, NO_PAIR)))["noun_standing"] == pytest.approx(-1.0)
        asked.__dict__["usable"] = [about_else]  # one usable sentence: nothing to stand out from
        assert novel_meaning(asked, about_else)[2] == 0.0
    finally:
        del VECTORS["游艇"]


def test_the_pair_score_weighs_the_dimensions_that_tell_the_answer_from_a_nearby_topic():
    asked, (about_it, about_else) = asked_in_meaning("游船岸电。", "机场车辆电动化。")
    # Only the first dimension (what 游艇 and 游船 share) tells: 0.6 * 0.8 * 2 - 1 = -0.04, and 0 * 2 - 1 = -1.
    pair = PairModel(weights=[2.0, 0.0, 0.0], intercept=-1.0)
    assert pair.score(asked, about_it) == pytest.approx(-0.04) and pair.score(asked, about_else) == pytest.approx(-1.0)
    assert candidate_features(asked, about_else, pair)[FEATURES.index("pair_score")] == pytest.approx(-1.0)
    asked.result = None  # no question vector: nothing to score
    assert pair.score(asked, about_it) == 0.0


def test_pair_weights_of_another_embedding_size_are_refused_naming_the_training_command():
    asked, (about_it, _) = asked_in_meaning("游船岸电。", "机场车辆电动化。")
    with pytest.raises(ValueError, match=TRAIN_COMMAND):
        PairModel(weights=[2.0, 0.0], intercept=-1.0).score(asked, about_it)


def test_the_pair_score_is_fitted_on_products_of_question_and_sentence_vectors():
    # Aligned pairs share the first dimension, misaligned ones the second: products [a, 0] vs [0, b].
    rng = np.random.default_rng(2)
    aligned = np.column_stack([rng.uniform(0.2, 0.6, 20), np.zeros(20)])
    misaligned = np.column_stack([np.zeros(20), rng.uniform(0.2, 0.6, 20)])
    products, labels = np.r_[aligned, misaligned], np.r_[np.ones(20), np.zeros(20)].astype(int)
    pair = fit_pair(products, labels)
    assert pair == fit_pair(products.copy(), labels.copy())  # lbfgs: no randomness
    assert pair.logit(np.array([[0.4, 0.0]]))[0] > 0 > pair.logit(np.array([[0.0, 0.4]]))[0]


def test_each_writers_pair_scores_come_from_a_pair_model_fitted_on_the_others():
    rng = np.random.default_rng(3)
    products = rng.random((60, 2))
    labels = (products[:, 0] > 0.5).astype(int)
    writers = np.array(["w1"] * 20 + ["w2"] * 20 + ["w3"] * 20)
    examples = Examples(np.zeros((60, 1)), labels, np.ones(60, dtype=bool), writers)
    pairs = Pairs(products, labels, question=np.arange(60), best=np.ones(60, dtype=bool))
    scores = cross_fitted_pair_scores(examples, pairs)
    assert scores[40:] == pytest.approx(fit_pair(products[:40], labels[:40]).logit(products[40:]))


def test_a_similarity_stands_out_by_its_z_score():
    assert standing([0.2, 0.4, 0.6], 0.6) == pytest.approx(0.2 / np.std([0.2, 0.4, 0.6]))
    assert standing([0.5], 0.5) == 0.0 and standing([0.5, 0.5], 0.5) == 0.0


def test_without_novel_terms_or_vectors_nothing_is_measured():
    asked, (best, _) = asked_in_meaning("游船岸电。", "机场车辆电动化。")
    asked.__dict__["candidates"] = [best]
    assert novel_meaning(asked_with(best, terms=["电动"], text="要不要电动"), best) == (0.0, 1.0, 0.0)  # none
    asked.result = None  # no question vector (bm25 search)
    assert novel_meaning(asked, best) == (0.0, 1.0, 0.0)


def test_a_tree_goes_left_at_or_under_its_split_and_right_over_it():
    tree = coverage_tree(split=0.5, below=-1.5, above=2.0)
    at = [0.0] * len(FEATURES)
    for coverage, value in ((0.49, -1.5), (0.5, -1.5), (0.51, 2.0)):
        at[FEATURES.index("coverage")] = coverage
        assert tree.predict(at) == value


def test_a_tree_whose_child_comes_before_its_parent_is_refused():
    with pytest.raises(ValueError, match="树结构"):
        RegressionTree(feature=[0, 0], threshold=[0.5, 0.5], left=[1, 0], right=[1, 0], value=[0.0, 1.0])


def test_the_probability_sums_the_trees_scaled_after_the_prior():
    gate = GateModel(features=list(FEATURES), base_score=-1.0, learning_rate=0.5,
                     trees=[coverage_tree(below=-2.0, above=2.0), coverage_tree(split=0.8, below=0.0, above=4.0)])
    high = features(candidate(coverage=0.9))
    assert gate.probability(high) == pytest.approx(1 / (1 + np.exp(-(-1.0 + 0.5 * (2.0 + 4.0)))))
    assert gate.probability(features(candidate(coverage=0.7))) == pytest.approx(1 / (1 + np.exp(-(-1.0 + 0.5 * 2.0))))


def test_the_gate_answers_above_its_threshold_and_refuses_below():
    gate = coverage_gate()
    high = features(candidate(coverage=0.9))
    low = features(candidate(coverage=0.3))
    assert gate.probability(high) > 0.9 and gate.answers(high)
    assert gate.probability(low) < 0.1 and not gate.answers(low)
    assert not coverage_gate(threshold=0.999).answers(high)


class Quoted(SentenceAnswer):
    def applies(self, asked: Asked) -> bool:
        return True

    def answer(self, asked: Asked) -> Reply:
        return Reply("引用的句子。", CitationBook())


class QuotedPerFacet(FacetAnswer):
    def applies(self, asked: Asked) -> bool:
        return True

    def answer(self, asked: Asked) -> Reply:
        return Reply("每个方面引用的句子。", CitationBook())


class Refused:
    def applies(self, asked: Asked) -> bool:
        return True

    def answer(self, asked: Asked) -> Reply:
        return Reply("方案中没有找到。", CitationBook(), refusal_reason="no_supporting_clause")


@pytest.mark.parametrize("quoting", [Quoted, QuotedPerFacet])
def test_the_gated_decision_passes_a_rejected_quote_to_the_refusal(quoting):
    decide = gated(coverage_gate())
    kinds = (quoting(), Refused())
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
    data["base_score"] = 3.0
    (tmp_path / GATE_FILE).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match=TRAIN_COMMAND.replace(".", r"\.")):
        load_gate(tmp_path)
    save_gate(coverage_gate().model_copy(update={"pair": PairModel(weights=[1.0, 2.0], intercept=0.0)}),
              tmp_path, "eval/bank/train", 10)
    data = json.loads((tmp_path / GATE_FILE).read_text(encoding="utf-8"))
    data["pair"]["weights"][1] = 2.5  # an edited pair scorer is refused too
    (tmp_path / GATE_FILE).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="sha256"):
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
    assert all(tree.feature[0] == 0 for tree in first.trees)  # every tree splits first on the informative feature
    assert first.answers(np.r_[0.95, features[0, 1:]]) and not first.answers(np.r_[0.05, features[0, 1:]])


def test_cross_validation_scores_each_writer_with_a_gate_fitted_on_the_others():
    rng = np.random.default_rng(1)
    features = rng.random((90, len(FEATURES)))
    writers = np.array(["w1"] * 30 + ["w2"] * 30 + ["w3"] * 30)
    # w1 and w2: the first feature tells right from wrong; w3 writes the other way round.
    labels = np.where(writers == "w3", features[:, 0] < 0.5, features[:, 0] > 0.5).astype(int)
    examples = Examples(features, labels, np.ones(90, dtype=bool), writers)
    probabilities = cross_validated_probabilities(examples)
    on_others = fit(features[:60], labels[:60])
    assert probabilities[60:] == pytest.approx([on_others.probability(row) for row in features[60:]])
    # A gate that never saw w3 is wrong about most of w3's questions.
    assert ((probabilities[60:] >= 0.5) == labels[60:]).mean() < 0.3


def test_the_allowed_thresholds_refuse_few_right_answers_in_cross_validation():
    labels = np.array([1] * 100 + [0] * 20)
    # Right answers mostly confident, four of them doubtful; the wrong ones doubtful.
    probabilities = np.r_[np.full(96, 0.9), [0.07, 0.12, 0.22, 0.45], np.full(20, 0.08)]
    assert MAX_LOST_RIGHT == 0.03
    assert allowed_thresholds(probabilities, labels) == [0.4, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05]  # 3 refused, not 4
    assert allowed_thresholds(np.full(120, 0.01), labels) == [0.05]  # none allowed: the lowest


def test_the_threshold_is_the_highest_allowed_that_keeps_the_floors():
    missed = {0.4: {"outcome_accuracy": 0.95}, 0.3: {"answer_key_accuracy": 0.94}}
    assert choose_threshold([0.4, 0.3, 0.25, 0.2], lambda t: missed.get(t, {})) == 0.25
    assert choose_threshold([0.4, 0.3], lambda t: missed.get(t, {})) == 0.3  # none keeps them: the lowest allowed


def test_crag_of_answering_and_refusing():
    labels, answerable = np.array([1, 0, 0]), np.array([True, True, False])
    assert crag(np.array([True, True, True]), labels, answerable) == pytest.approx(-1 / 3)  # +1 -1 -1
    assert crag(np.array([True, False, False]), labels, answerable) == pytest.approx(2 / 3)  # +1 0 +1
