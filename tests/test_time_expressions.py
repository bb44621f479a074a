"""The time grammar (ingest/time_expressions.py) on hand-made phrases: each form plans and staff write, and
numbers that are no year."""
from __future__ import annotations

import pytest

from carbonqa.ingest.time_expressions import Period, read_times, spelled_out, without_times, years_in

pytestmark = pytest.mark.unit

FOURTEENTH = Period(name="十四五", first=2021, last=2025)


@pytest.mark.parametrize("text, years", [
    ("2025年", {2025}), ("到 2025 年，比 2020年下降", {2025, 2020}),
    ("二〇二五年", {2025}), ("二零三零年", {2030}),
    ("十四五", {2025}), ("“十四五”期间", {2025}), ("十五五", {2030}), ("“十五五”时期", {2030}),
])
def test_years_as_plans_write_them(text, years):
    assert years_in(text) == years


@pytest.mark.parametrize("text, years", [("25年", {2025}), ("30年", {2030}), ("三零年", {2030}), ("二五年", {2025}),
                                         ("60年实现碳中和", {2060})])
def test_short_years_only_where_staff_type_them(text, years):
    assert years_in(text, short_years=True) == years
    assert years_in(text) == set()  # in a plan, "30年" is a number of years


@pytest.mark.parametrize("text", ["25万千瓦", "30%", "1.5万千瓦，2025", "30年以上", "三五年内", "运行满25年以上",
                                  "近10年来", "99年", "一二三四年"])
def test_numbers_that_are_no_year(text):
    assert years_in(text, short_years=True) == set()


@pytest.mark.parametrize("text, deadline", [
    ("到2025年底", 2025), ("2025年前", 2025), ("2030年以前", 2030), ("2025年底前", 2025), ("2030年末", 2030),
    ("十四五末", 2025), ("“十四五”时期末", 2025), ("十四五结束时", 2025), ("十五五末", 2030), ("到2025年", None),
    ("“十四五”期间", None),
])
def test_deadlines(text, deadline):
    assert read_times(text).deadline == deadline


@pytest.mark.parametrize("text, period", [
    ("十四五末", FOURTEENTH), ("“十四五”期间新增460万千瓦", FOURTEENTH),
    ("十五五", Period(name="十五五", first=2026, last=2030)),
    ("2021—2025年", Period(name="2021—2025年", first=2021, last=2025)),
    ("2021年至2025年", Period(name="2021年至2025年", first=2021, last=2025)),
])
def test_periods(text, period):
    found = read_times(text)
    assert found.periods == [period]
    assert found.years == {period.last}  # a period counts as its last year


@pytest.mark.parametrize("text, base", [
    ("单位GDP能耗比2020年下降多少", 2020), ("较2020年", 2020), ("与2020年相比", 2020), ("以2020年为基数", 2020),
    ("2020年为基数", 2020), ("2030年比2020年下降", 2020), ("占比2025年", None), ("2025年与2030年", None),
    ("到2025年", None),
    # a bare 比 only before a change: after a ratio noun it is no comparison
    ("公共充电桩桩车比2025年要达到多少", None), ("能效比2025年达到多少", None), ("比2020年提高多少", 2020),
])
def test_base_years(text, base):
    assert read_times(text).base_year == base


def test_base_year_is_not_a_target():
    found = read_times("30年比20年降多少", short_years=True)
    assert (found.years, found.base_year, found.target_years) == ({2030, 2020}, 2020, {2030})


@pytest.mark.parametrize("question, spelled", [
    ("珠海25年风电装机多少", "珠海2025年风电装机多少"), ("那30年呢", "那2030年呢"), ("二〇三〇年前", "2030年前"),
    ("三零年目标", "2030年目标"), ("30年比20年降多少", "2030年比2020年降多少"),
    ("新增25万千瓦", "新增25万千瓦"), ("30年以上", "30年以上"), ("十四五末", "十四五末"),
    ("云浮2030非化石能源占比多少", "云浮2030年非化石能源占比多少"), ("2030比2020降多少", "2030年比2020年降多少"),
    ("那2030呢", "那2030年呢"), ("新增2000辆", "新增2000辆"), ("2030万千瓦", "2030万千瓦"), ("2025-2030年", "2025-2030年"),
    ("新增造林2030公顷", "新增造林2030公顷"), ("2000兆瓦", "2000兆瓦"), ("2030平方米", "2030平方米"),
])
def test_spelled_out(question, spelled):
    assert spelled_out(question) == spelled


@pytest.mark.parametrize("question, topic", [
    ("十四五末江门天然气发电装机规模要到多大", " 江门天然气发电装机规模要到多大"),
    ("到2025年底云浮垃圾分类要覆盖到多少", "到 云浮垃圾分类要覆盖到多少"),
    ("“十四五”期间新增460万千瓦", " 新增460万千瓦"), ("30年前佛山", " 佛山"),
    ("新增25万千瓦", "新增25万千瓦"), ("运行30年以上", "运行30年以上"),
])
def test_without_times(question, topic):
    assert without_times(question) == topic
