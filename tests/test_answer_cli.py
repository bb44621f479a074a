"""`carbonqa ask`: the answer with its citations below it, JSON output, and clear errors."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()


def test_ask_prints_the_answer_then_its_citations():
    result = runner.invoke(app, ["ask", "云浮2025年非化石能源消费比重目标？"])
    assert result.exit_code == 0, result.output
    answer, _, citations = result.output.partition("引用 / citations:")
    assert "16%" in answer and "[1]" in answer
    assert "[1] 《云浮市碳达峰实施方案》" in citations and "非化石能源消费比重" in citations


def test_ask_json_is_the_answer_contract():
    result = runner.invoke(app, ["ask", "深圳到2025年光伏装机目标是多少？", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["refused"] is True and data["refusal_reason"] == "no_plan_for_region"
    assert all(c["related"] for c in data["citations"])


def test_ask_with_an_unknown_region_is_a_clear_error():
    result = runner.invoke(app, ["ask", "光伏装机目标是多少？", "--region", "深圳"])
    assert result.exit_code == 2
    assert "未知地区" in result.output and "Traceback" not in result.output
