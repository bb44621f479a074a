"""The eval report folder, written from hand-made predictions."""
import json

import pytest

from carbonqa.eval.qa_models import Prediction, QAItem, load_predictions
from carbonqa.eval.report import write_report
from carbonqa.eval.run import EvalRun, distinct_chunks
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.retriever.models import Fusion, SearchHit, SearchMode

pytestmark = pytest.mark.unit

GOOD = "　　到2030年，全市非化石能源消费比重达到40%左右。"
OTHER = "　　有序推进充电基础设施建设。"
ITEMS = [
    QAItem(id="ok", question="2030年非化石能源比重？", type="number", docs=["珠海市"],
           evidence=["全市非化石能源消费比重达到40%"], answer_keys=["40%"]),
    QAItem(id="bad", question="充电|设施？", type="fact", docs=["珠海市"],
           evidence=["全市非化石能源消费比重达到40%"], answer_keys=["40%"]),
    QAItem(id="no", question="深圳市的目标？", type="unanswerable", docs=["深圳市"]),
]
PREDICTIONS = [
    Prediction(id="ok", question=ITEMS[0].question, retrieved=[GOOD, OTHER], retrieved_ids=["zh/1", "zh/2"],
               answer="比重达到40%左右[1]。", citations=[GOOD], citation_ids=["zh/1"], refused=False,
               latency_ms=40.0, timings_ms={"retrieve": 30.0, "answer": 10.0}),
    Prediction(id="bad", question=ITEMS[1].question, retrieved=[OTHER], retrieved_ids=["zh/2"],
               answer="推进充电\n基础设施|建设[1]。", citations=[OTHER], citation_ids=["zh/2"], refused=False,
               latency_ms=60.0, timings_ms={"retrieve": 50.0, "answer": 10.0}),
    Prediction(id="no", question=ITEMS[2].question, retrieved=[OTHER], retrieved_ids=["zh/2"],
               answer="方案中没有深圳市。", refused=True, latency_ms=20.0, timings_ms={"retrieve": 15.0}),
]


def test_report_folder_has_tables_plots_and_predictions(tmp_path):
    retrieval_only = [Prediction(id=p.id, question=p.question, retrieved=p.retrieved) for p in PREDICTIONS]
    run = EvalRun(mode=SearchMode.hybrid, fusion=Fusion.rrf, predictions=PREDICTIONS,
                  ablation={"bm25": retrieval_only, "hybrid-rrf no-region": retrieval_only[:1]})
    overall = write_report(run, ITEMS, tmp_path, {"eval set": "tiny"})

    assert overall.recall[1] == 0.5 and overall.answer_key_accuracy == 0.5 and overall.refusal_accuracy == 1.0
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    for heading in ("## Metrics", "## Latency (ms)", "## Ablation", "## Items, worst first"):
        assert heading in report
    assert "| overall | 3 | 0.500 |" in report and "| unanswerable | 1 | — |" in report
    assert "| answer run (hybrid, rrf) | 0.500 |" in report and "| bm25 | 0.500 |" in report
    assert "| bm25 | 0.500 | 0.500 | 0.500 | 0.500 | 0.500 | 0.500 | — | — | — | — | — | — |" in report
    assert "| hybrid-rrf no-region | 1.000 |" in report  # scored over the one item it has
    items_table = report.split("## Items, worst first")[1]
    assert items_table.index("| bad | fact |") < items_table.index("| ok | number |")  # wrong answers first
    assert "充电\\|设施？" in items_table and "推进充电 基础设施\\|建设" in items_table  # cells stay one cell
    assert "| wall_clock | 40.0 | 58.0 |" in report

    for plot in ("recall_at_k.png", "latency_hist.png"):
        assert (tmp_path / plot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert load_predictions(tmp_path / "predictions.jsonl") == PREDICTIONS
    assert load_predictions(tmp_path / "predictions-bm25.jsonl") == retrieval_only
    metrics = json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["by_type"]["overall"]["answer_key_accuracy"] == 0.5
    assert set(metrics["ablation"]) == {"answer run (hybrid, rrf)", "bm25", "hybrid-rrf no-region"}


def test_report_has_headline_tables_per_split_writer_tag_and_operation(tmp_path):
    bank_items = [
        QAItem.model_validate(ITEMS[0].model_dump() | {"writer": "w01", "split": "train", "tags": ["year"]}),
        QAItem.model_validate(ITEMS[1].model_dump() | {
            "type": "compare", "writer": "a1", "split": "dev", "tags": ["ranking"],
            "analysis": {"operation": "superlative", "conclusion": ["珠海市"]}}),
        QAItem.model_validate(ITEMS[2].model_dump() | {"writer": "a1", "split": "dev", "tags": ["place_without_plan"]}),
    ]
    predictions = [p.model_copy(update={"candidates": [GOOD.strip()]}) for p in PREDICTIONS]
    run = EvalRun(mode=SearchMode.hybrid, fusion=Fusion.rrf, predictions=predictions)
    write_report(run, bank_items, tmp_path, {})

    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    headline_part = report.split("## Headline metrics with 95% intervals")[1].split("## Latency")[0]
    assert "CRAG" in headline_part and "1,000 resamples" in headline_part
    # ok: right (+1); bad: answered without its key (-1); no: unanswerable and refused (+1)
    assert "| overall | 3 | 0.500 [0.000, 1.000] | — | 1.000 [1.000, 1.000] | 0.000 [0.000, 0.000] |" in headline_part
    # both answerable items had their gold sentence among the candidates; the analytical one led with nothing
    assert "| 0.333 [-1.000, 1.000] | 1.000 [1.000, 1.000] | 0.000 [0.000, 0.000] |" in headline_part
    for section in ("### By split", "### By writer", "### By tag", "### By analysis operation"):
        assert section in headline_part
    assert "| dev | 2 |" in headline_part and "| train | 1 |" in headline_part and "| a1 | 2 |" in headline_part
    assert "| place_without_plan | 1 | — | — | 1.000 [1.000, 1.000] |" in headline_part
    assert "| superlative | 1 | 0.000 [0.000, 0.000] |" in headline_part

    metrics = json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8"))["headline"]
    assert metrics["overall"]["crag"] == pytest.approx({"n": 3, "value": 1 / 3, "low": -1.0, "high": 1.0})
    assert set(metrics) == {"overall", "split", "writer", "tag", "analysis operation"}
    assert metrics["writer"]["w01"]["answer_key_accuracy"]["value"] == 1.0
    assert load_predictions(tmp_path / "predictions.jsonl")[0].candidates == [GOOD.strip()]


def test_a_grouping_with_one_group_of_every_item_is_left_out(tmp_path):
    one_writer = [QAItem.model_validate(i.model_dump() | {"writer": "qa"}) for i in ITEMS]
    write_report(EvalRun(mode=SearchMode.hybrid, fusion=Fusion.rrf, predictions=PREDICTIONS), one_writer, tmp_path, {})
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| overall | 3 |" in report.split("## Headline metrics")[1]
    assert "### By" not in report


def test_set_without_gold_writes_predictions_only(tmp_path):
    items = [QAItem(id=i.id, question=i.question) for i in ITEMS]
    run = EvalRun(mode=SearchMode.bm25, fusion=Fusion.rrf, predictions=PREDICTIONS)
    assert write_report(run, items, tmp_path, {}) is None
    assert "predictions only, no metrics" in (tmp_path / "report.md").read_text(encoding="utf-8")
    assert len(load_predictions(tmp_path / "predictions.jsonl")) == 3
    assert not (tmp_path / "metrics.json").exists()


def test_distinct_chunks_keeps_first_occurrence_in_rank_order():
    def hit(n: int, score: float) -> SearchHit:
        chunk = Chunk(id=f"zh/{n}", doc_id="zh", title="t", region="珠海市", level="市", kind=ChunkKind.clause,
                      text=f"条款{n}", start=0, end=3)
        return SearchHit(chunk=chunk, score=score)

    hits = [hit(3, 0.9), hit(1, 0.8), hit(3, 0.7), *(hit(n, 0.5 - n / 100) for n in range(4, 20))]
    assert [c.id for c in distinct_chunks(hits, limit=4)] == ["zh/3", "zh/1", "zh/4", "zh/5"]
    assert len(distinct_chunks(hits)) == 10
