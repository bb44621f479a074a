"""CSV files: formulas neutralised in every cell, Chinese text readable by spreadsheets (no model)."""
from __future__ import annotations

import csv
import io
from datetime import date
from urllib.parse import unquote

import pytest

from carbonqa.service.csv_export import attachment, csv_text, neutralised
from carbonqa.service.indicator_view import long_csv, wide_csv
from carbonqa.indicators.models import Indicator

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\",\"点我\")", "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_starting_like_a_formula_is_shown_as_text(cell):
    assert neutralised(cell) == "'" + cell


@pytest.mark.parametrize("cell, text", [("14.5%", "14.5%"), ("比2020年下降14.5%", "比2020年下降14.5%"), (None, ""),
                                        (2025, "2025"), ("a=b", "a=b"), ("", "")])
def test_other_cells_are_left_as_they_are(cell, text):
    assert neutralised(cell) == text


def test_csv_text_has_a_byte_order_mark_crlf_rows_and_no_live_formula():
    text = csv_text(["指标", "=名称"], [["=HYPERLINK(\"http://x\")", "珠海市"], ["@cmd", "-1"]])
    assert text.startswith("\ufeff") and text.count("\r\n") == 3
    table = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert table == [["指标", "'=名称"], ["'=HYPERLINK(\"http://x\")", "珠海市"], ["'@cmd", "'-1"]]


def test_the_download_name_is_utf8_with_an_ascii_fallback():
    header = attachment("指标对照_2025年_逐条", "indicators-2025-long", date(2026, 1, 5))
    assert 'filename="indicators-2025-long_2026-01-05.csv"' in header
    assert unquote(header.split("filename*=UTF-8''")[1]) == "指标对照_2025年_逐条_2026-01-05.csv"


def target(region: str, indicator: str, label: str, quote: str) -> Indicator:
    return Indicator(indicator=indicator, subject=indicator, region=region, level="市", doc_id="d", title="某市方案",
                     year=2025, value=1.0, value_text="1", unit="%", direction="达到", label=label,
                     clause_id="d/1", sentence=quote, quote=quote)


def test_a_plan_sentence_that_is_a_formula_is_neutralised_in_both_layouts():
    # An uploaded plan's sentence is untrusted text: both CSVs write it through csv_text.
    records = [target("珠海市", "=HYPERLINK(\"http://x\")", "@达到1%", "=HYPERLINK(\"http://x\",\"1%\")")]
    for text in (long_csv(records), wide_csv(records, ["珠海市", "江门市"])):
        cells = [cell for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"))) for cell in row]
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells), cells
        assert "'=HYPERLINK(\"http://x\")" in cells


def test_the_wide_layout_marks_plans_without_a_figure_as_not_stated():
    records = [target("珠海市", "森林覆盖率", "达到1%", "森林覆盖率达到1%"), target("江门市", "森林覆盖率", "达到2%", "x"),
               target("珠海市", "绿地率", "达到3%", "y")]
    table = list(csv.reader(io.StringIO(wide_csv(records, ["珠海市", "江门市"]).removeprefix("\ufeff"))))
    assert table == [["指标", "年份", "珠海市", "江门市"], ["森林覆盖率", "2025", "达到1%", "达到2%"],
                     ["绿地率", "2025", "达到3%", "未说明"]]
