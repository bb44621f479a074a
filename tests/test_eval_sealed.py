"""The sealed split is scored only on purpose, and every scoring leaves a line in sealed_runs.jsonl.

Tested on tiny temporary folders named `sealed`, never on the bank's own sealed split.
"""
import json

import pytest

from carbonqa.eval.qa_models import Prediction, load_qa
from carbonqa.eval.sealed import SealedSplitError, check_sealed, current_commit, record_sealed_run, sealed_runs_path

pytestmark = pytest.mark.unit

ITEM = {"id": "w99-001", "question": "长沙的碳达峰目标是什么？", "type": "unanswerable", "docs": [],
        "tags": ["place_without_plan"], "note": "长沙 has no plan here"}


def tiny_bank(tmp_path):
    for split, writer in (("dev", "w98"), ("sealed", "w99")):
        (tmp_path / "bank" / split).mkdir(parents=True)
        row = ITEM | {"id": f"{writer}-001"}
        (tmp_path / "bank" / split / f"{writer}.jsonl").write_text(json.dumps(row, ensure_ascii=False) + "\n",
                                                                    encoding="utf-8")
    return tmp_path / "bank"


def test_a_set_with_sealed_items_needs_permission(tmp_path):
    bank = tiny_bank(tmp_path)
    for path in (bank, bank / "sealed", bank / "sealed" / "w99.jsonl"):
        with pytest.raises(SealedSplitError, match=r"--sealed.*scored once.*sealed_runs.jsonl"):
            check_sealed(load_qa(path), path, allowed=False)
        assert check_sealed(load_qa(path), path, allowed=True)
    assert not check_sealed(load_qa(bank / "dev"), bank / "dev", allowed=False)


def test_the_record_lies_beside_the_sealed_folder(tmp_path):
    bank = tiny_bank(tmp_path)
    expected = (bank / "sealed_runs.jsonl").resolve()
    assert sealed_runs_path(bank) == sealed_runs_path(bank / "sealed") == expected
    assert sealed_runs_path(bank / "sealed" / "w99.jsonl") == expected


def test_each_sealed_run_appends_one_line(tmp_path):
    bank = tiny_bank(tmp_path)
    items = load_qa(bank)
    predictions = [Prediction(id=i.id, question=i.question, answer="现有语料没有长沙的方案。", refused=True) for i in items]
    for _ in range(2):
        assert record_sealed_run(bank, items, predictions) == (bank / "sealed_runs.jsonl").resolve()
    lines = [json.loads(line) for line in (bank / "sealed_runs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2  # a second scoring is visible
    first = lines[0]
    assert first["items"] == 1 and first["commit"] == current_commit()[0] and first["date"]
    assert first["headline"]["refusal_accuracy"] == {"n": 1, "value": 1.0, "low": 1.0, "high": 1.0}
    assert first["headline"]["crag"]["value"] == 1.0


def test_a_run_of_chosen_files_records_what_was_scored(tmp_path):
    bank = tiny_bank(tmp_path)
    chosen = [bank / "sealed" / "w99.jsonl", bank / "dev"]
    items = load_qa(chosen)
    predictions = [Prediction(id=i.id, question=i.question, answer="现有语料没有长沙的方案。", refused=True) for i in items]
    record_sealed_run(chosen[0], items, predictions, eval_set=" ".join(map(str, chosen)))
    line = json.loads((bank / "sealed_runs.jsonl").read_text(encoding="utf-8"))
    assert line["eval_set"] == f"{chosen[0]} {chosen[1]}" and line["items"] == 1  # only sealed items count
