"""Loading eval sets and predictions: extra fields ignored, bad lines reported with their number."""
import json

import pytest

from carbonqa.eval.qa_models import EvalFileError, Prediction, QAType, load_predictions, load_qa, write_jsonl

pytestmark = pytest.mark.unit


def write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_loads_items_and_ignores_extra_fields(tmp_path):
    qa = write_lines(tmp_path / "qa.jsonl", [
        json.dumps({"id": "q1", "question": "珠海市的目标？", "type": "number", "docs": ["珠海市"],
                    "evidence": ["一二三四五六七八九十一二"], "answer_keys": ["2030年"],
                    "notes": "written by hand", "difficulty": 3}, ensure_ascii=False),
        "",
        json.dumps({"id": "q2", "question": "只有问题"}, ensure_ascii=False),
    ])
    first, second = load_qa(qa)
    assert first.type is QAType.number and first.answer_keys == ["2030年"] and first.answerable
    assert not hasattr(first, "notes")
    assert not second.has_gold and not second.answerable and second.evidence == []


def test_bad_json_names_the_line(tmp_path):
    qa = write_lines(tmp_path / "qa.jsonl", ['{"id": "q1", "question": "好"}', '{"id": "q2", "question": '])
    with pytest.raises(EvalFileError, match=r"qa.jsonl line 2: .*invalid JSON"):
        load_qa(qa)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "q1"}', r"line 1: .*missing field 'question'"),
        ('{"question": "好"}', r"line 1: .*missing field 'id'"),
        ('{"id": "q1", "question": " \u3000"}', r"line 1: 字段 / field 'question': 不能为空 / must not be blank"),
        ('{"id": 7, "question": "好"}', r"line 1: .*'id'"),
        ('{"id": "q1", "question": "好", "type": "opinion"}', r"line 1: .*'type'"),
        ('["q1", "好"]', r"line 1: .*JSON object"),
    ],
)
def test_invalid_items_are_reported(tmp_path, line, message):
    with pytest.raises(EvalFileError, match=message):
        load_qa(write_lines(tmp_path / "qa.jsonl", [line]))


def test_duplicate_ids_are_rejected(tmp_path):
    qa = write_lines(tmp_path / "qa.jsonl", ['{"id": "q1", "question": "甲"}', '{"id": "q1", "question": "乙"}'])
    with pytest.raises(EvalFileError, match=r"line 2: .*duplicate id \(first on line 1\)"):
        load_qa(qa)


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(EvalFileError, match="file not found"):
        load_qa(tmp_path / "nope.jsonl")
    with pytest.raises(EvalFileError, match="no items"):
        load_qa(write_lines(tmp_path / "blank.jsonl", [""]))


def test_predictions_round_trip(tmp_path):
    preds = [
        Prediction(id="q1", question="目标？", retrieved=["条款"], retrieved_ids=["gd/1"], answer="答[1]",
                   citations=["条款"], citation_ids=["gd/1"], refused=False, latency_ms=12.5,
                   timings_ms={"retrieve": 3.0}),
        Prediction(id="q2", question="检索而已", retrieved=["条款"]),
    ]
    path = tmp_path / "out" / "predictions.jsonl"
    write_jsonl(path, preds)
    assert "目标" in path.read_text(encoding="utf-8")  # UTF-8, not \u escapes
    assert load_predictions(path) == preds
