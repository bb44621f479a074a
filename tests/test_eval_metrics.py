"""Eval metrics on tiny hand-made predictions whose right values are known."""
import math

import pytest

from carbonqa.eval.metrics import (
    citation_precision,
    citation_recall,
    first_hit_rank,
    has_all_keys,
    latency_percentiles,
    ndcg_at_k,
    percentile,
    score_all,
    summarize,
    summarize_by_type,
)
from carbonqa.eval.qa_models import Prediction, QAItem
from carbonqa.ingest.text import squash

pytestmark = pytest.mark.unit

SPAN_A = "到2025年非化石能源消费比重达到32%"
SPAN_B = "单位地区生产总值二氧化碳排放下降20.5%"
CHUNK_A = "（一）主要目标。\n　　到2025年非化石能源\n消费比重达到 32%左右。"  # SPAN_A with spaces and breaks
CHUNK_B = "　　单位地区生产总值二氧化碳排放下降20.5%，确保完成国家下达的指标。"
NOISE = [f"　　第{n}条 与问题无关的条款内容。" for n in range(10)]

ITEMS = [
    QAItem(id="n1", question="到2025年非化石能源消费比重目标？", type="number", docs=["广东省"],
           evidence=[SPAN_A], answer_keys=["32%"]),
    QAItem(id="c1", question="两个目标分别是多少？", type="compare", docs=["广东省"],
           evidence=[SPAN_A, SPAN_B], answer_keys=["32%", "20.5%"]),
    QAItem(id="u1", question="深圳市的目标是什么？", type="unanswerable", docs=["深圳市"]),
]


def oracle() -> list[Prediction]:
    return [
        Prediction(id="n1", question="", retrieved=[CHUNK_A, *NOISE], answer="比重达到32%左右[1]。",
                   citations=[CHUNK_A], refused=False),
        Prediction(id="c1", question="", retrieved=[CHUNK_A, CHUNK_B, *NOISE], answer="32%[1]；20.5%[2]。",
                   citations=[CHUNK_A, CHUNK_B], refused=False),
        Prediction(id="u1", question="", retrieved=NOISE, answer="未找到相关内容。", refused=True),
    ]


def empty() -> list[Prediction]:
    return [Prediction(id=i.id, question=i.question, answer="", refused=False) for i in ITEMS]


def test_squash_removes_every_kind_of_whitespace():
    assert squash(" a\u3000b\n\tc\r\u00a0d ") == "abcd"


def test_first_hit_rank_matches_across_whitespace():
    assert first_hit_rank([SPAN_A], [CHUNK_A]) == 1


def test_gold_at_rank_4_gives_mrr_quarter():
    retrieved = [*NOISE[:3], CHUNK_A, *NOISE[3:]]
    assert first_hit_rank([SPAN_A], retrieved) == 4
    pred = Prediction(id="n1", question="", retrieved=retrieved)
    s = summarize(score_all(ITEMS[:1], [pred]))
    assert s.mrr == 0.25
    assert s.recall == {1: 0.0, 3: 0.0, 5: 1.0, 10: 1.0}


def test_hit_needs_every_span_each_may_be_in_another_chunk():
    retrieved = [CHUNK_B, NOISE[0], NOISE[1], NOISE[2], CHUNK_A]
    assert first_hit_rank([SPAN_A, SPAN_B], retrieved) == 5
    assert first_hit_rank([SPAN_A, SPAN_B], [CHUNK_B, *NOISE]) is None


def test_hit_beyond_rank_10_is_a_miss():
    assert first_hit_rank([SPAN_A], [*NOISE, CHUNK_A]) is None


def test_ndcg_binary_relevance():
    assert ndcg_at_k([SPAN_A], [NOISE[0], CHUNK_A]) == pytest.approx(1 / math.log2(3))
    two_spans = ndcg_at_k([SPAN_A, SPAN_B], [CHUNK_A, NOISE[0], CHUNK_B])
    assert two_spans == pytest.approx((1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3)))
    # A span inside both a section and its clause: two relevant chunks for one span, clipped to 1.
    assert ndcg_at_k([SPAN_A], [CHUNK_A, "前言" + CHUNK_A]) == 1.0
    assert ndcg_at_k([SPAN_A], NOISE) == 0.0


def test_citation_precision_and_recall():
    assert citation_precision([SPAN_A], [CHUNK_A, NOISE[0]]) == 0.5
    assert citation_recall([SPAN_A, SPAN_B], [CHUNK_A, NOISE[0]]) == 0.5
    assert citation_recall([SPAN_A, SPAN_B], [CHUNK_B, CHUNK_A]) == 1.0


def test_citing_the_items_of_a_cited_gold_section_is_precise():
    section, item, elsewhere = "二、重点任务\n重点实施十三大行动。", "（一）产业绿色提质行动。", "（一）加强组织领导。"
    ids = ["foshan-2023/2", "foshan-2023/2.1", "foshan-2023/4.1"]
    assert citation_precision(["重点实施十三大行动"], [section, item, elsewhere], ids) == 2 / 3
    assert citation_precision(["重点实施十三大行动"], [section, item, elsewhere]) == 1 / 3  # no ids: text only
    assert citation_precision(["重点实施十三大行动"], [item], ids[1:2]) == 0.0  # its section is not cited


def test_answer_keys_whitespace_insensitive():
    assert has_all_keys(["32%", "20.5%"], "分别为 32 %与20.5%")
    assert not has_all_keys(["32%", "20.5%"], "32%")


def test_oracle_scores_perfectly():
    s = summarize(score_all(ITEMS, oracle()))
    assert s.n == 3 and s.n_answerable == 2
    assert s.recall == {1: 0.5, 3: 1.0, 5: 1.0, 10: 1.0}  # c1 needs two chunks, so it hits at 2
    assert (s.mrr, s.ndcg) == (0.75, 1.0)
    assert s.answer_key_accuracy == 1.0
    assert s.citation_precision == 1.0 and s.citation_recall == 1.0
    assert s.refusal_accuracy == 1.0 and s.false_refusal_rate == 0.0


def test_empty_predictions_score_zero():
    s = summarize(score_all(ITEMS, empty()))
    assert s.recall == {1: 0.0, 3: 0.0, 5: 0.0, 10: 0.0}
    assert s.mrr == 0.0 and s.ndcg == 0.0
    assert s.answer_key_accuracy == 0.0 and s.citation_recall == 0.0
    assert s.citation_precision is None  # no item cited anything
    assert s.refusal_accuracy == 0.0 and s.false_refusal_rate == 0.0


def test_refusal_counts_as_wrong_even_with_keys():
    preds = oracle()
    preds[0] = preds[0].model_copy(update={"refused": True})
    s = summarize(score_all(ITEMS, preds))
    assert s.answer_key_accuracy == 0.5
    assert s.false_refusal_rate == 0.5


def test_by_type_and_unanswerable_has_no_retrieval_metrics():
    groups = summarize_by_type(score_all(ITEMS, oracle()))
    assert list(groups) == ["overall", "number", "compare", "unanswerable"]
    number = groups["number"]
    assert set(number.recall.values()) == {1.0} and number.mrr == 1.0 and number.ndcg == 1.0
    assert groups["compare"].recall[1] == 0.0 and groups["compare"].recall[3] == 1.0
    assert groups["unanswerable"].mrr is None and groups["unanswerable"].answer_key_accuracy is None
    assert groups["unanswerable"].refusal_accuracy == 1.0
    assert groups["number"].refusal_accuracy is None


def test_retrieval_only_predictions_have_no_answer_metrics():
    preds = [Prediction(id=p.id, question="", retrieved=p.retrieved) for p in oracle()]
    s = summarize(score_all(ITEMS, preds))
    assert s.recall[10] == 1.0
    assert s.answer_key_accuracy is None and s.refusal_accuracy is None and s.citation_recall is None


def test_outcome_accuracy_compares_expected_and_predicted_outcomes():
    items = [*ITEMS, QAItem(id="p1", question="风电和光伏目标？", type="number", docs=["广东省"],
                            evidence=[SPAN_A], answer_keys=["32%"], outcome="partial")]
    partial = Prediction(id="p1", question="", retrieved=[CHUNK_A], answer="32%[1]；未提出风电目标。",
                         citations=[CHUNK_A], refused=False, outcome="partial")
    scores = score_all(items, [*oracle(), partial])  # oracle predictions carry no outcome: from `refused`
    assert [s.outcome_correct for s in scores] == [True, True, True, True]
    assert summarize(scores).outcome_accuracy == 1.0
    wrong = partial.model_copy(update={"outcome": "answered"})
    groups = summarize_by_type(score_all(items, [*oracle(), wrong]))
    assert groups["overall"].outcome_accuracy == 0.75 and groups["number"].outcome_accuracy == 0.5
    assert groups["number"].answer_key_accuracy == 1.0  # the keys are there; only the outcome is wrong


def test_items_without_gold_or_prediction_are_skipped():
    items = [*ITEMS, QAItem(id="x", question="只有问题")]
    assert [s.id for s in score_all(items, oracle()[:2])] == ["n1", "c1"]


def test_latency_percentiles_per_stage():
    preds = [
        Prediction(id=str(n), question="", latency_ms=float(n),
                   timings_ms={"retrieve": float(n) / 2, "total": float(n) + 1000})
        for n in range(1, 101)
    ]
    stats = latency_percentiles(preds)
    assert stats["total"] == pytest.approx((1050.5, 1095.05))  # the pipeline's own total, kept apart
    assert stats["wall_clock"] == pytest.approx((50.5, 95.05))
    assert stats["retrieve"] == pytest.approx((25.25, 47.525))


def test_percentile_interpolates_between_ranks():
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5  # unsorted input, even count
    assert percentile([10.0, 20.0], 95) == pytest.approx(19.5)
    assert percentile([7.0], 99) == 7.0
