"""Eval metrics on tiny hand-made predictions whose right values are known."""
import math

import pytest

from carbonqa.eval.metrics import (
    GROUPINGS,
    HEADLINE,
    Estimate,
    bootstrap_interval,
    citation_precision,
    citation_recall,
    conclusion_first,
    first_hit_rank,
    group_by,
    has_all_keys,
    has_correct_candidate,
    headline,
    latency_percentiles,
    ndcg_at_k,
    percentile,
    same_passage,
    score_all,
    summarize,
    summarize_by_type,
    uses_candidate_sentences,
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


def changed(item: QAItem, **fields) -> QAItem:
    """The item with these fields, validated (tags and analysis become their models)."""
    return QAItem.model_validate(item.model_dump() | fields)


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


def test_crag_rewards_right_answers_and_refusals_of_unanswerable_questions():
    preds = oracle()
    assert [s.crag for s in score_all(ITEMS, preds)] == [1, 1, 1]
    wrong = [preds[0].model_copy(update={"answer": "比重达到30%[1]。"}),  # answered without the key
             preds[1].model_copy(update={"refused": True}),  # refused an answerable question
             preds[2].model_copy(update={"refused": False})]  # answered an unanswerable one
    scores = score_all(ITEMS, wrong)
    assert [s.crag for s in scores] == [-1, 0, -1]
    assert headline(scores)["crag"].value == pytest.approx(-2 / 3)
    retrieval_only = [Prediction(id=p.id, question="", retrieved=p.retrieved) for p in preds]
    assert headline(score_all(ITEMS, retrieval_only))["crag"] == Estimate(n=0, value=None, low=None, high=None)


def test_bootstrap_interval_is_reproducible_and_brackets_the_mean():
    values = [1.0] * 80 + [0.0] * 20
    low, high = bootstrap_interval(values)
    assert low < 0.8 < high and (low, high) == bootstrap_interval(values)  # seeded
    assert 0.70 < low < 0.75 and 0.85 < high < 0.90  # about ±1.96·sqrt(.8·.2/100) = ±0.078
    assert bootstrap_interval([1.0] * 5) == (1.0, 1.0)
    assert bootstrap_interval(values, seed=1) != (low, high)


def test_headline_has_every_metric_with_its_interval():
    estimates = headline(score_all(ITEMS, oracle()))
    assert list(estimates) == list(HEADLINE)
    assert estimates["answer_key_accuracy"] == Estimate(n=2, value=1.0, low=1.0, high=1.0)
    assert estimates["refusal_accuracy"].n == 1 and estimates["recall_at_5"].value == 1.0
    assert estimates["paraphrase"].value is None  # no paraphrase item
    assert estimates["candidate_oracle"].value is None  # the predictions recorded no candidates


def test_same_passage_overlaps_at_edges_or_inside():
    span = "非化石能源消费比重达到32%"
    assert same_passage("到2025年非化石能源消费比重达到32%左右。", span)  # holds the span
    assert same_passage("比重达到32%", span)  # inside it
    assert same_passage("消费比重达到32%左右，风电装机达到100万千瓦。", span)  # shares its end
    assert not same_passage("比重达到40%左右。", span)
    assert not same_passage("32%左右，风电装机达到100万千瓦。", span)  # shares only 3 characters


def test_candidate_oracle_needs_each_key_in_a_gold_passage():
    keys = ["32%", "20.5%"]
    first, second = "到2025年非化石能源消费比重达到32%左右。", "单位地区生产总值二氧化碳排放下降20.5%。"
    assert has_correct_candidate([SPAN_A, SPAN_B], keys, ["无关的一句话。", first, second])
    assert not has_correct_candidate([SPAN_A, SPAN_B], keys, [first])
    assert not has_correct_candidate([SPAN_A, SPAN_B], keys, [first, "另一处下降20.5%的句子。"])  # not a gold passage

    preds = [p.model_copy(update={"candidates": [first]}) for p in oracle()]
    scores = score_all(ITEMS, preds)
    assert [s.candidate_hit for s in scores] == [True, False, None]  # unanswerable: no candidate to find
    assert headline(scores)["candidate_oracle"].value == 0.5
    structure = QAItem(id="s1", question="有哪几项？", type="structure", docs=["广东省"],
                       evidence=[SPAN_A], answer_keys=["能源"])
    notice = changed(structure, id="n2", type="fact", tags=["notice"])
    tagged_structure = changed(structure, id="s2", type="fact", tags=["structure", "ordinal"])
    assert not any(uses_candidate_sentences(i) for i in (structure, notice, tagged_structure))
    assert uses_candidate_sentences(changed(structure, id="f1", type="fact", tags=["department"]))


def test_conclusion_first_needs_the_conclusion_in_the_first_line_and_every_key():
    assert conclusion_first(["云浮市"], ["15%", "14%"], "云浮市最高（15%）。\n江门市：14%[1]")
    assert not conclusion_first(["云浮市"], ["15%", "14%"], "江门市：14%[1]\n云浮市：15%[2]")
    assert not conclusion_first(["云浮市"], ["15%", "14%"], "云浮市最高（15%）。")  # a figure missing
    analytical = QAItem(id="a1", question="哪个最高？", type="compare", docs=["广东省"], evidence=[SPAN_A, SPAN_B],
                        answer_keys=["32%", "20.5%"], tags=["ranking"],
                        analysis={"operation": "superlative", "conclusion": ["32%"]})
    incomparable = changed(analytical, id="a2", tags=["incomparable"],
                           analysis={"operation": "superlative", "conclusion": []})
    pred = oracle()[1]
    scores = score_all([analytical, incomparable], [pred.model_copy(update={"id": "a1"}),
                                                     pred.model_copy(update={"id": "a2"})])
    assert [s.conclusion_first for s in scores] == [True, None]
    assert [s.operation for s in scores] == ["superlative", "superlative"]
    refused = score_all([analytical], [pred.model_copy(update={"id": "a1", "refused": True})])
    assert refused[0].conclusion_first is False


def test_groups_by_split_writer_and_each_tag():
    items = [changed(ITEMS[0], writer="w01", split="train", tags=["year", "colloquial"]),
             changed(ITEMS[1], writer="w02", split="dev", tags=["year"]),
             changed(ITEMS[2], writer="w02", split="dev")]
    scores = score_all(items, oracle())
    by = {label: {group: [s.id for s in members] for group, members in group_by(scores, keys).items()}
          for label, keys in GROUPINGS.items()}
    assert by["split"] == {"dev": ["c1", "u1"], "train": ["n1"]}
    assert by["writer"] == {"w01": ["n1"], "w02": ["c1", "u1"]}
    assert by["tag"] == {"colloquial": ["n1"], "year": ["n1", "c1"]}
    assert by["analysis operation"] == {}
