"""`carbonqa ask` and `search`: the answer with its citations below it, JSON output, and clear errors."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from carbonqa.cli import app
from carbonqa.service.settings import get_settings

runner = CliRunner()


@pytest.fixture
def fresh_settings():
    """Settings are read once per process (cached): reread them from the patched environment, then restore."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def one_line(output: str) -> str:
    return " ".join(output.split())  # rich wraps long lines


def test_ask_prints_the_answer_then_its_citations(use_loaded_runtime):
    result = runner.invoke(app, ["ask", "云浮2025年非化石能源消费比重目标？"])
    assert result.exit_code == 0, result.output
    answer, _, citations = result.output.partition("引用 / citations:")
    assert answer.startswith("【已回答 / answered】")
    assert "16%" in answer and "[1]" in answer
    assert "[1] 《云浮市碳达峰实施方案》" in citations and "非化石能源消费比重" in citations


def test_ask_json_is_the_answer_contract(use_loaded_runtime):
    result = runner.invoke(app, ["ask", "深圳到2025年光伏装机目标是多少？", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["outcome"] == "not_stated" and data["refused"] is True
    assert data["refusal_reason"] == "no_plan_for_region"
    assert all(c["related"] for c in data["citations"])


def test_ask_prints_an_analytical_answers_computation(use_loaded_runtime):
    question = "2025年单位GDP能耗下降目标，哪个市定得最严？"
    data = json.loads(runner.invoke(app, ["ask", question, "--json"]).stdout)
    analysis = data["analysis"]
    assert analysis["operation"] == "superlative" and analysis["winners"] == ["云浮市"]
    result = runner.invoke(app, ["ask", question])
    assert result.exit_code == 0, result.output
    answer, _, citations = one_line(result.output).partition("引用 / citations:")
    assert answer.split("】", 1)[1].strip().startswith("云浮市最严")
    assert "计算 / analysis: 最值（单位地区生产总值能源消耗，2025年）" in answer
    record = analysis["plans"][0]["records"][0]
    assert f"{record['year']}年 {record['label']} [{record['marker']}] {record['clause_id']}" in answer
    assert "结果 / result: 云浮市" in answer


@pytest.mark.parametrize("question, label, notes", [
    ("珠海、佛山、江门2030年电网尖峰负荷响应能力分别要达到多少？", "【部分回答 / partly answered】未说明：江门市",
     []),
    ("深圳到2025年光伏装机目标是多少？", "【未说明 / not stated】没有所问地区的方案 (no_plan_for_region)",
     ["（相关条款，并非答案 / related, not the answer）"]),
])
def test_ask_prints_the_outcome_and_what_is_not_stated(use_loaded_runtime, question, label, notes):
    result = runner.invoke(app, ["ask", question])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(label)
    for note in notes:
        assert note in one_line(result.output)


def test_ask_with_an_unknown_region_is_a_clear_error(use_loaded_runtime):
    result = runner.invoke(app, ["ask", "光伏装机目标是多少？", "--region", "深圳"])
    assert result.exit_code == 2
    assert "未知地区" in result.output and "Traceback" not in result.output


def test_search_takes_top_k_from_the_settings_unless_given(use_loaded_runtime, fresh_settings, monkeypatch):
    monkeypatch.setenv("CARBONQA_TOP_K", "3")

    def direct_hits(*options: str) -> int:
        result = runner.invoke(app, ["search", "  海上风电 ", "--mode", "bm25", "--json", *options])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["question"] == "海上风电"  # checked and stripped before searching
        return sum(not hit["via_tree"] for hit in data["hits"])

    assert direct_hits() == 3
    assert direct_hits("-k", "5") == 5


BAD_QUESTIONS = [
    ("？？？", "问题中没有文字 / question contains no words"),
    ("碳" * 600, "问题过长：最多 500 个字符 / question too long: at most 500 characters"),
    ("碳达峰\x07目标", "问题包含无效字符 U+0007"),
    ("  ", "问题不能为空 / question must not be empty"),
]


@pytest.mark.parametrize("command", ["ask", "search"])
@pytest.mark.parametrize(("question", "message"), BAD_QUESTIONS, ids=["no-words", "too-long", "control", "blank"])
def test_a_bad_question_is_a_clear_error(use_loaded_runtime, command, question, message):
    result = runner.invoke(app, [command, question])
    assert result.exit_code == 2, result.output
    assert message in one_line(result.output) and "Traceback" not in result.output


@pytest.mark.parametrize("command", [["ask", "碳达峰目标"], ["search", "碳达峰目标"], ["ingest"], ["index"], ["eval"],
                                     ["serve"]])
def test_a_bad_setting_is_a_clear_error_naming_the_variable(monkeypatch, fresh_settings, command):
    monkeypatch.setenv("CARBONQA_TOP_K", "abc")
    result = runner.invoke(app, command)
    assert result.exit_code == 2, result.output
    output = one_line(result.output)
    assert "设置无效 / invalid setting CARBONQA_TOP_K='abc'" in output and "valid integer" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("CARBONQA_TOP_K", "50", "CARBONQA_TOP_K='50': Input should be less than or equal to 20"),
        ("CARBONQA_FUSION", "fuzzy", "CARBONQA_FUSION='fuzzy': Input should be 'rrf' or 'weighted'"),
        ("CARBONQA_MAX_QUESTION_CHARS", "0", "CARBONQA_MAX_QUESTION_CHARS='0'"),
        ("CARBONQA_CORS_ORIGINS", "http://localhost:3000", "invalid setting CARBONQA_CORS_ORIGINS"),
        ("CARBONQA_INGEST_MAX_PDF_PAGES", "0", "CARBONQA_INGEST_MAX_PDF_PAGES='0': Input should be greater than"),
        ("CARBONQA_INGEST_PARSE_MEMORY_MB", "64", "CARBONQA_INGEST_PARSE_MEMORY_MB='64'"),
        # Two limits that only make sense together: the message names both variables.
        ("CARBONQA_INGEST_MAX_SENTENCE_CHARS", "9000", "invalid setting CARBONQA_INGEST_MAX_SENTENCE_CHARS (9000) "
                                                       "must not exceed CARBONQA_INGEST_MAX_PARAGRAPH_CHARS (5000)"),
    ],
)
def test_bad_settings_name_the_variable(monkeypatch, fresh_settings, variable, value, message):
    monkeypatch.setenv(variable, value)
    result = runner.invoke(app, ["search", "碳达峰目标"])
    assert result.exit_code == 2, result.output
    assert message in one_line(result.output) and "Traceback" not in result.output
