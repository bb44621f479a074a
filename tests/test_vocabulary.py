"""The domain vocabulary (ingest/vocabulary.py): heading grammar, region names, years, units, abbreviations."""
from __future__ import annotations

import pytest

from carbonqa.ingest.vocabulary import (BASE_YEAR, HEADING_LABEL, REGION_NAME, YEAR_MENTION, chinese_number, full_forms,
                               region_aliases, region_level, term_forms, unit_family)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("line", ["一、总体要求", "（三）工业领域", "(三)工业领域", "12．推进", "3.加快", "（2）建设",
                                  "①加强", "## 二、主要目标"])
def test_heading_labels_are_recognised(line):
    assert HEADING_LABEL.match(line)


@pytest.mark.parametrize("line", ["1.5万千瓦光伏", "2025年非化石能源", "到2030年", "十分重要"])
def test_numbers_and_prose_are_not_heading_labels(line):
    assert not HEADING_LABEL.match(line)


@pytest.mark.parametrize("numeral, value", [("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("三十一", 31),
                                            ("12", 12), ("十十", None), ("三四", None)])
def test_chinese_numbers(numeral, value):
    assert chinese_number(numeral) == value


@pytest.mark.parametrize("title, region, level", [
    ("广东省碳达峰实施方案", "广东省", "省"),
    ("珠海市碳达峰实施方案", "珠海市", "市"),
    ("湖南省碳达峰实施方案", "湖南省", "省"),
    ("深圳市南山区碳达峰实施方案", "深圳市南山区", "县"),
    ("江门市台山市碳达峰实施方案", "江门市台山市", "市"),
    ("广西壮族自治区碳达峰实施方案", "广西壮族自治区", "省"),
])
def test_region_and_level_come_from_the_title(title, region, level):
    assert REGION_NAME.match(title).group(1) == region
    assert region_level(region) == level


def test_region_aliases_are_derived_from_the_name():
    assert region_aliases("珠海市") == ["珠海市", "珠海"]
    district = region_aliases("深圳市南山区")
    assert {"深圳市南山区", "深圳南山区", "深圳南山", "南山区", "南山"} <= set(district)
    assert "深圳" not in district and "深圳市" not in district  # the city is not the district
    assert {"湖南省", "湖南", "全省", "省里"} <= set(region_aliases("湖南省"))  # any province answers to 全省
    assert region_aliases("赵县") == ["赵县"]  # a one-character name keeps its suffix
    assert all(len(a) >= len(b) for a, b in zip(district, district[1:]))  # longest first


def test_years_and_base_years():
    assert YEAR_MENTION.findall("那2030呢，2035年呢") == ["2030", "2035年"]
    assert BASE_YEAR.search("单位GDP能耗比2020年下降多少").group(1) == "2020"
    assert BASE_YEAR.search("与2020年相比").group(1) == "2020"
    assert BASE_YEAR.search("到2025年下降多少") is None


def test_unit_families():
    assert unit_family("万千瓦") == "power"
    assert unit_family("万千瓦时") == "energy"
    assert unit_family("%") == unit_family("％") == "share"
    assert unit_family("万吨标准煤") == "mass"
    assert unit_family("年") is None


def test_abbreviations_read_both_ways():
    assert full_forms("单位GDP能耗下降多少") == ["地区生产总值", "能源消耗"]
    assert full_forms("单位地区生产总值能源消耗") == []
    # “两高” is written out by every plan but 云浮's: a plan without the abbreviation still speaks of it.
    assert {"高耗能高排放", "高耗能、高排放"} <= set(term_forms("两高"))
    assert "能源消耗" in term_forms("能耗")  # abbreviation -> the plans' wording
    assert "能耗" in term_forms("能源消耗")  # and back
    assert "比重" in term_forms("比例") and term_forms("碳汇") == ("碳汇",)
