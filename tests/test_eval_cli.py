"""`carbonqa eval` end to end on a few questions, with the real runtime, and its errors on bad input."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from carbonqa.cli import app
from carbonqa.eval.qa_models import load_predictions

runner = CliRunner()


def test_eval_writes_predictions_and_report(tmp_path, use_loaded_runtime):
    qa = tmp_path / "qa.jsonl"
    lines = [
        {"id": "g1", "question": "珠海到2025年风电和光伏装机目标是多少？", "type": "number", "docs": ["珠海市"],
         "evidence": ["力争风电和光伏发电装机容量达到355万千瓦"], "answer_keys": ["355万千瓦"], "note": "extra"},
        {"id": "u1", "question": "深圳市的碳达峰目标是什么？", "type": "unanswerable", "docs": ["深圳市"]},
        {"id": "p1", "question": "广东省的森林覆盖率目标是多少？"},  # no gold: predicted, not scored
        {"id": "skipped", "question": "不在 --limit 内"},
    ]
    qa.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    out = tmp_path / "report"
    result = runner.invoke(app, ["eval", "--qa", str(qa), "--limit", "3", "--report", str(out),
                                 "--predictions", str(tmp_path / "preds.jsonl")])
    assert result.exit_code == 0, result.output
    assert "R@5" in result.output

    preds = load_predictions(tmp_path / "preds.jsonl")
    assert [p.id for p in preds] == ["g1", "u1", "p1"]
    assert preds == load_predictions(out / "predictions.jsonl")
    for p in preds:
        assert len(p.retrieved) == len(p.retrieved_ids) == len(set(p.retrieved_ids)) == 10
        assert len(p.citations) == len(p.citation_ids) and p.answer and p.latency_ms > 0
        assert p.refused is not None and p.timings_ms
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "- items: 3, with gold: 2" in report and "## Ablation" in report
    assert "| dense |" in report and "| hybrid-weighted |" in report
    assert (out / "recall_at_k.png").exists() and (out / "predictions-bm25.jsonl").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "q1", "question": "好"}\n{"id": "q2"', "line 2"),
        ('{"id": "q1"}', "missing field 'question'"),
    ],
)
def test_bad_eval_file_is_a_clear_error(tmp_path, content, message):
    qa = tmp_path / "qa.jsonl"
    qa.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["eval", "--qa", str(qa), "--report", str(tmp_path / "r")])
    output = " ".join(result.output.split())  # rich wraps long lines
    assert result.exit_code == 2
    assert message in output and "Traceback" not in output
    assert not (tmp_path / "r").exists()


def test_missing_eval_file_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["eval", "--qa", str(tmp_path / "none.jsonl")])
    assert result.exit_code == 2 and "file not found" in " ".join(result.output.split())


def test_unwritable_report_folder_is_a_clear_error(tmp_path, use_loaded_runtime):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = runner.invoke(app, ["eval", "--limit", "1", "--no-ablation", "--report", str(blocker / "report")])
    assert result.exit_code == 2 and "cannot write" in " ".join(result.output.split())


FOLLOW_UP = {"id": "w98-001", "question": "那云浮呢？", "type": "number", "docs": ["云浮市"],
             "evidence": ["单位地区生产总值能源消耗比2020年下降15%，单位地区生产总值二氧化碳"], "answer_keys": ["15%"],
             "tags": ["followup"], "history": ["江门2025年单位地区生产总值能耗下降多少？"]}
NO_PLAN = {"id": "w99-001", "question": "长沙的碳达峰目标是什么？", "type": "unanswerable", "docs": [],
           "tags": ["place_without_plan"], "note": "长沙 has no plan here"}


def tiny_bank(tmp_path):
    """A bank folder with a follow-up in dev/ and one item in a folder named sealed (not the real one)."""
    for split, item in (("dev", FOLLOW_UP), ("sealed", NO_PLAN)):
        (tmp_path / "bank" / split).mkdir(parents=True)
        (tmp_path / "bank" / split / f"{item['id'][:3]}.jsonl").write_text(
            json.dumps(item, ensure_ascii=False) + "\n", encoding="utf-8")
    return tmp_path / "bank"


def test_the_sealed_split_is_refused_without_the_flag(tmp_path):
    bank = tiny_bank(tmp_path)
    for qa in (bank, bank / "sealed"):
        result = runner.invoke(app, ["eval", "--qa", str(qa), "--report", str(tmp_path / "r")])
        output = " ".join(result.output.split())
        assert result.exit_code == 2 and "--sealed" in output and "scored once" in output
        assert "Traceback" not in output
    assert not (tmp_path / "r").exists() and not (bank / "sealed_runs.jsonl").exists()


def test_a_bank_run_passes_history_keeps_writer_and_split_and_records_a_sealed_run(tmp_path, use_loaded_runtime):
    bank = tiny_bank(tmp_path)
    out = tmp_path / "report"
    result = runner.invoke(app, ["eval", "--qa", str(bank), "--sealed", "--no-ablation", "--report", str(out)])
    assert result.exit_code == 0, result.output
    follow_up, no_plan = load_predictions(out / "predictions.jsonl")
    assert (follow_up.writer, follow_up.split, no_plan.writer, no_plan.split) == ("w98", "dev", "w99", "sealed")
    # Answered with its history, as /ask does (alone, "那云浮呢？" asks nothing and is refused).
    assert "15%" in follow_up.answer and not follow_up.refused
    assert any("15%" in sentence for sentence in follow_up.candidates)
    assert no_plan.refused

    report = (out / "report.md").read_text(encoding="utf-8")
    assert "### By split" in report and "| dev | 1 | 1.000 [1.000, 1.000] |" in report
    records = (bank / "sealed_runs.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(records) == 1 and json.loads(records[0])["items"] == 1  # only the sealed item is recorded


def test_repeated_qa_scores_the_files_together(tmp_path, use_loaded_runtime):
    bank = tiny_bank(tmp_path)
    out = tmp_path / "report"
    sealed_file = bank / "sealed" / "w99.jsonl"
    result = runner.invoke(app, ["eval", "--qa", str(bank / "dev"), "--qa", str(sealed_file), "--sealed",
                                 "--no-ablation", "--report", str(out)])
    assert result.exit_code == 0, result.output
    assert [p.id for p in load_predictions(out / "predictions.jsonl")] == ["w98-001", "w99-001"]
    record = json.loads((bank / "sealed_runs.jsonl").read_text(encoding="utf-8"))
    assert record["eval_set"] == f"{bank / 'dev'} {sealed_file}" and record["items"] == 1
