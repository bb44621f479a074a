"""Any region's plan is recognised from its own notice; two plans of one region get different ids."""
from __future__ import annotations

from pathlib import Path

import pytest

from carbonqa.ingest.metadata import extract_meta
from carbonqa.ingest.pipeline import parse_plan

LIBRARY_PLANS = Path(__file__).resolve().parents[1] / "eval" / "library_plans"


def meta_of(*front: str):
    return extract_meta(list(front), "plan.txt", "0" * 64)[0]


@pytest.mark.unit
@pytest.mark.parametrize("front, expected", [
    (["广州市人民政府关于印发广州市碳达峰实施方案的通知", "穗府〔2022〕26号", "广州市人民政府", "2022年12月30日"],
     ("guangzhou-2022", "广州市", "市", "广州市人民政府", "穗府〔2022〕26号")),
    (["深圳市南山区人民政府关于印发深圳市南山区碳达峰实施方案的通知", "深圳市南山区人民政府", "2024年3月18日"],
     ("shenzhen-nanshan-2024", "深圳市南山区", "县", "深圳市南山区人民政府", None)),
    (["湖南省人民政府关于印发《湖南省碳达峰实施方案》的通知", "湘政发〔2022〕19号", "湖南省人民政府", "2022年10月28日"],
     ("hunan-2022", "湖南省", "省", "湖南省人民政府", "湘政发〔2022〕19号")),
    (["广西壮族自治区人民政府关于印发广西壮族自治区碳达峰实施方案的通知", "2022年12月30日"],
     ("guangxizhuangzu-2022", "广西壮族自治区", "省", "广西壮族自治区人民政府", None)),
])
def test_a_plan_of_any_province_city_or_district_is_recognised(front, expected):
    meta = meta_of(*front)
    assert (meta.doc_id, meta.region, meta.level, meta.issuer, meta.doc_number) == expected


@pytest.mark.unit
def test_a_title_that_goes_on_after_its_city_names_only_the_city():
    """广州市城市更新…: 城市 is not a district; the sector goes into the id, so it differs from the city plan's."""
    meta = meta_of("广州市住房和城乡建设局关于印发广州市城市更新领域碳达峰实施方案的通知", "广州市住房和城乡建设局", "2023年1月5日")
    assert (meta.region, meta.doc_id) == ("广州市", "guangzhou-chengshigengxinlingyu-2023")


@pytest.mark.unit
def test_a_sector_plan_and_a_revision_are_told_apart_from_the_regions_plan():
    sector = meta_of("广东省工业和信息化厅关于印发广东省工业领域碳达峰实施方案的通知", "广东省工业和信息化厅", "2023年2月9日")
    assert (sector.region, sector.doc_id) == ("广东省", "guangdong-gongyelingyu-2023")
    revision = parse_plan(LIBRARY_PLANS / "zhuhai-2025.txt").meta
    assert (revision.region, revision.doc_id, revision.title) == ("珠海市", "zhuhai-2025", "珠海市碳达峰实施方案（2025年修订）")


def test_the_library_test_plans_parse_into_clause_trees():
    nanshan = parse_plan(LIBRARY_PLANS / "nanshan-2024.txt")
    assert nanshan.meta.doc_id == "shenzhen-nanshan-2024" and not nanshan.warnings
    assert [c.id for c in nanshan.chunks if c.kind == "clause"] == [
        f"shenzhen-nanshan-2024/2.{section}.{clause}" for section, clause in [(1, 1), (1, 2), (2, 3), (2, 4), (3, 5), (3, 6)]]
