"""Loading eval sets and predictions: extra fields ignored, bad lines reported with their number."""
import json

import pytest

from carbonqa.eval.qa_models import (
    EvalFileError,
    Prediction,
    QAType,
    Tag,
    load_predictions,
    load_qa,
    write_jsonl,
)
from carbonqa.indicators.models import AnalysisOperation

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


BANK_ITEM = {"id": "w99-001", "question": "那云浮呢", "type": "number", "docs": ["云浮市"],
             "evidence": ["单位地区生产总值能源消耗比2020年下降15%"], "answer_keys": ["15%"],
             "tags": ["followup", "two_digit_year"], "history": ["江门25年单位GDP能耗降多少"]}
ANALYTICAL = {"id": "a9-001", "question": "哪个市最高？", "type": "compare", "docs": ["珠海市", "江门市"],
              "evidence": ["一二三四五六七八九十一二", "二三四五六七八九十一二三"], "answer_keys": ["35%", "20%"],
              "tags": ["compare", "ranking"], "analysis": {"operation": "superlative", "conclusion": ["珠海市"]}}


def test_bank_fields_are_read(tmp_path):
    follow_up, analytical = load_qa(write_lines(tmp_path / "w99.jsonl", [
        json.dumps(BANK_ITEM, ensure_ascii=False), json.dumps(ANALYTICAL, ensure_ascii=False)]))
    assert follow_up.tags == [Tag.followup, Tag.two_digit_year] and follow_up.history == ["江门25年单位GDP能耗降多少"]
    assert analytical.analysis.operation is AnalysisOperation.superlative and analytical.analysis.conclusion == ["珠海市"]
    assert follow_up.writer == "w99" and follow_up.split is None  # not in a split folder


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"tags": ["slang"]}, r"line 1: .*'tags.0'"),
        ({"analysis": {"operation": "median", "conclusion": []}}, r"line 1: .*'analysis.operation'"),
        ({"analysis": {"operation": "count"}}, r"line 1: .*missing field 'analysis.conclusion'"),
        ({"analysis": {"operation": "count", "conclusion": [" "]}}, r"'analysis.conclusion': 不能有空字符串"),
        ({"history": ["", "那云浮呢"]}, r"'history': 不能有空的问题"),
    ],
)
def test_bad_bank_fields_are_reported(tmp_path, fields, message):
    with pytest.raises(EvalFileError, match=message):
        load_qa(write_lines(tmp_path / "w99.jsonl", [json.dumps(BANK_ITEM | fields, ensure_ascii=False)]))


def bank(tmp_path, files: dict[str, list[dict]]):
    """A bank folder: {"dev/w99": [item, ...]} -> tmp_path/bank/dev/w99.jsonl."""
    root = tmp_path / "bank"
    for name, rows in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        write_lines(root / f"{name}.jsonl", [json.dumps(row, ensure_ascii=False) for row in rows])
    return root


def test_a_bank_folder_gives_each_item_its_writer_and_split(tmp_path):
    root = bank(tmp_path, {"train/w01": [BANK_ITEM | {"id": "w01-001"}],
                           "dev/w02": [BANK_ITEM | {"id": "w02-001"}, BANK_ITEM | {"id": "w02-002"}],
                           "sealed/w03": [BANK_ITEM | {"id": "w03-001"}]})
    (root / "sealed_runs.jsonl").write_text('{"date": "a record, not a question"}\n', encoding="utf-8")
    assert [(i.id, i.writer, i.split) for i in load_qa(root)] == [
        ("w02-001", "w02", "dev"), ("w02-002", "w02", "dev"), ("w03-001", "w03", "sealed"), ("w01-001", "w01", "train")]
    assert [(i.id, i.split) for i in load_qa(root / "dev")] == [("w02-001", "dev"), ("w02-002", "dev")]
    assert [i.writer for i in load_qa(root / "train" / "w01.jsonl")] == ["w01"]


def test_an_id_in_two_files_and_an_empty_folder_are_reported(tmp_path):
    root = bank(tmp_path, {"dev/w02": [BANK_ITEM], "dev/w06": [BANK_ITEM]})
    with pytest.raises(EvalFileError, match=r"w06.jsonl: id 'w99-001' .*duplicate id \(also in .*w02.jsonl\)"):
        load_qa(root / "dev")
    (tmp_path / "empty").mkdir()
    with pytest.raises(EvalFileError, match="no .jsonl question files"):
        load_qa(tmp_path / "empty")


def test_several_files_are_read_as_one_set(tmp_path):
    root = bank(tmp_path, {"sealed/w03": [BANK_ITEM | {"id": "w03-001"}], "sealed/w13": [BANK_ITEM | {"id": "w13-001"}],
                           "dev/w02": [BANK_ITEM | {"id": "w02-001"}]})
    chosen = [root / "sealed" / "w13.jsonl", root / "dev"]
    assert [(i.id, i.split) for i in load_qa(chosen)] == [("w13-001", "sealed"), ("w02-001", "dev")]
    with pytest.raises(EvalFileError, match=r"duplicate id"):
        load_qa([root / "dev", root / "dev" / "w02.jsonl"])
