"""GET /indicators and /indicators/names on the real index: filters, citations, CSV, bad input."""
from __future__ import annotations

import csv
import io
from datetime import date
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from carbonqa.api.app import create_app
from carbonqa.ingest.text import squash
from carbonqa.service.settings import get_settings


@pytest.fixture(scope="module")
def client(runtime):
    with TestClient(create_app(get_settings(), runtime)) as test_client:
        yield test_client


def rows(client: TestClient, **params) -> list[dict]:
    response = client.get("/indicators", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_every_value_appears_verbatim_in_its_cited_clause(client, runtime):
    everything = rows(client)
    assert len(everything) >= 150
    for row in everything:
        chunk = runtime.tree[row["clause_id"]]
        assert row["sentence"] in chunk.text and row["quote"] in row["sentence"], row
        assert row["value_text"] in row["quote"] and float(row["value_text"]) == row["value"], row
        assert squash(row["value_text"] + row["unit"]) in squash(row["quote"]), row
        assert row["region"] == chunk.region and row["title"] == chunk.title and row["path"] == chunk.path


def test_rows_are_typed_fields_province_first(client):
    everything = rows(client)
    assert everything[0]["region"] == "广东省"
    first = everything[0]
    assert isinstance(first["value"], float) and isinstance(first["year"], int)
    assert {"indicator", "region", "year", "value", "unit", "direction", "qualifiers", "base_year", "clause_id",
            "title", "path", "sentence", "quote"} <= set(first)


def test_filters_accept_any_wording_and_region_alias(client):
    by_abbreviation = rows(client, indicator="单位GDP能耗", year=2025)
    assert {r["region"] for r in by_abbreviation} == {"珠海市", "佛山市", "江门市", "云浮市"}
    assert all(r["indicator"] == "单位地区生产总值能源消耗" for r in by_abbreviation)
    zhuhai = rows(client, region="珠海", year=2030)
    assert zhuhai and all(r["region"] == "珠海市" and r["year"] == 2030 for r in zhuhai)
    assert rows(client, indicator="没有这个指标") == []


def test_names_list_each_indicator_once_with_its_plans(client):
    names = client.get("/indicators/names").json()
    assert len({n["indicator"] for n in names}) == len(names)
    forest = next(n for n in names if n["indicator"] == "森林覆盖率")
    assert forest["regions"] == ["广东省", "珠海市", "江门市", "云浮市"] and forest["years"] == [2030]


@pytest.mark.parametrize("how", [{"params": {"format": "csv"}}, {"headers": {"Accept": "text/csv"}}])
def test_csv_holds_the_same_rows_as_json(client, how):
    params = {"year": 2030} | how.get("params", {})
    response = client.get("/indicators", params=params, headers=how.get("headers"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    expected = rows(client, year=2030)
    assert [(r["条款编号"], r["指标"], float(r["目标值"]), r["单位"]) for r in table] == \
           [(r["clause_id"], r["indicator"], r["value"], r["unit"]) for r in expected]


def test_wide_csv_is_the_grid_with_regions_as_columns_named_after_the_selection(client):
    response = client.get("/indicators", params={"year": 2025, "format": "csv", "layout": "wide"})
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    today = date.today().isoformat()
    assert f'filename="indicators-2025-wide_{today}.csv"' in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == f"指标对照_2025年_按地区分列_{today}.csv"
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    regions = ["广东省", "珠海市", "佛山市", "江门市", "云浮市"]
    assert table[0] == ["指标", "年份", *regions]
    expected = rows(client, year=2025)
    assert len(table) - 1 == len({r["indicator"] for r in expected})
    for name, year, *cells in table[1:]:
        assert year == "2025"
        for region, cell in zip(regions, cells):
            labels = [r["label"] for r in expected if r["indicator"] == name and r["region"] == region]
            assert cell == ("；".join(labels) if labels else "未说明"), (name, region)
    stated = [sum(cell != "未说明" for cell in row[2:]) for row in table[1:]]
    assert stated == sorted(stated, reverse=True)  # the indicators most plans state first, as on screen

    one = client.get("/indicators", params={"format": "csv", "layout": "wide", "region": "珠海", "indicator": "单位GDP能耗"})
    assert unquote(one.headers["content-disposition"].split("filename*=UTF-8''")[1]) == \
        f"指标对照_珠海市_单位地区生产总值能源消耗_按地区分列_{today}.csv"
    assert next(csv.reader(io.StringIO(one.content.decode("utf-8-sig")))) == ["指标", "年份", "珠海市"]


def test_browser_navigation_gets_the_page(client):
    page = client.get("/indicators", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 200 and "指标对照" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


@pytest.mark.parametrize("params, field", [
    ({"region": "深圳"}, "region"),
    ({"year": "明年"}, "year"),
    ({"year": 99999}, "year"),
    ({"format": "xml"}, "format"),
    ({"format": "csv", "layout": "grid"}, "layout"),
])
def test_bad_filters_are_clear_errors(client, params, field):
    response = client.get("/indicators", params=params)
    assert response.status_code == 422
    body = response.json()
    assert " / " in body["detail"] and any(e["field"].endswith(field) for e in body["errors"]), body


@pytest.mark.parametrize("accept, media_type", [
    ("text/csv;q=0, */*;q=0.5", "application/json"),
    ("application/json;q=0.3, text/csv;q=0.7", "text/csv"),
    ("text/html;q=0.9, text/csv", "text/csv"),
])
def test_accept_q_values_choose_the_format(client, accept, media_type):
    response = client.get("/indicators", params={"year": 2030}, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media_type)


@pytest.mark.parametrize("accept", ["text/csv;q=0", "image/png"])
def test_an_accept_allowing_no_format_is_a_406_saying_what_is_offered(client, accept):
    response = client.get("/indicators", headers={"Accept": accept})
    assert response.status_code == 406 and response.json()["code"] == "not_acceptable"
    assert "text/csv" in response.json()["message"]["en"] and "?format=" in response.json()["message"]["zh"]
    assert client.get("/indicators", params={"format": "csv"}, headers={"Accept": accept}).status_code == 200
