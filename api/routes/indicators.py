"""The plans' quantitative targets: filtered rows as JSON or CSV (or the 指标对照 page for a browser), and
the normalised indicator names."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from carbonqa.api.dependencies import ready
from carbonqa.api.errors import ApiError
from carbonqa.api.negotiation import CSV, DATA_OR_PAGE, HTML, JSON, preferred
from carbonqa.api.openapi import COMMON_ERRORS, LIST_ERRORS, errors
from carbonqa.api.schemas import YEAR_MAX, YEAR_MIN, IndicatorFilter
from carbonqa.api.routes.pages import page
from carbonqa.indicators.models import Indicator
from carbonqa.service.csv_export import attachment
from carbonqa.service.live import Ready
from carbonqa.service.models import IndicatorName

router = APIRouter(tags=["indicators"])
FILTERS = IndicatorFilter.model_fields  # the query parameters are the filter model's fields


def plan_region(live: Ready, region: str | None) -> str | None:
    """The plan region a filter names (珠海 → 珠海市), None for no filter, or a 422 naming the regions served."""
    if not region:
        return None
    name = live.indicators.region(region)
    if name is None:
        raise ApiError(422, f"没有{region}的方案；可选：{'、'.join(live.indicators.regions)} / "
                            f"no plan for region {region!r}", field="region")
    return name


def indicator_rows(live: Ready, filters: IndicatorFilter) -> list[Indicator]:
    """The targets matching `filters` (the MCP `indicators` tool; the route adds the CSV and page forms)."""
    return live.indicators.rows(filters.indicator, plan_region(live, filters.region), filters.year)

# What GET /indicators can answer with, the default first.
OFFERED = DATA_OR_PAGE
NOT_ACCEPTABLE = (f"无法按 Accept 请求的格式回答：可选 {'、'.join(OFFERED)}，或用 ?format=json / ?format=csv 指定 / "
                  f"none of the formats in Accept is available: send one of {', '.join(OFFERED)}, "
                  "or choose with ?format=json or ?format=csv")


def chosen_format(request: Request, format: str | None) -> str:
    """The media type to answer with: ?format= if given, otherwise the one Accept prefers (q-values
    honoured), or a 406 when Accept allows none of them."""
    if format is not None:
        return CSV if format == "csv" else JSON
    media_type = preferred(request.headers.get("accept"), OFFERED)
    if media_type is None:
        raise ApiError(406, NOT_ACCEPTABLE, field="Accept")
    return media_type


@router.get("/indicators", response_model=list[Indicator],
            responses={200: {"content": {CSV: {}}}, **errors(406, 422, 429), **COMMON_ERRORS})
async def indicators(
    request: Request,
    indicator: str | None = Query(None, description=FILTERS["indicator"].description),
    region: str | None = Query(None, description=FILTERS["region"].description),
    year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX, description=FILTERS["year"].description),
    format: Literal["json", "csv"] | None = Query(None, description="csv, or send Accept: text/csv"),
    layout: Literal["long", "wide"] = Query("long", description="CSV only: long = one row per target; "
                                            "wide = the 指标对照 grid, a row per indicator and year, regions as columns"),
) -> Response:
    """Every quantitative target matching the filters, each with its citation (clause id, plan, path,
    sentence); JSON by default, CSV with `?format=csv` or `Accept: text/csv` (Chinese column names, a
    file name with the selection and the date). A browser navigating here (Accept: text/html) gets
    the 指标对照 page, which loads the same rows as JSON. Accept's q-values decide between the three
    (`text/csv;q=0` never gets CSV); a 406 when it accepts none of them."""
    media_type = chosen_format(request, format)
    if media_type == HTML:
        return page("indicators.html")
    live = await ready(request)
    region_name = plan_region(live, region)
    rows = live.indicators.rows(indicator, region_name, year)
    if media_type == CSV:
        download = live.indicators.csv(rows, layout, indicator, region_name, year)
        return Response(download.text, media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": attachment(download.name, download.ascii_name)})
    return JSONResponse([row.model_dump(mode="json") for row in rows])


@router.get("/indicators/names", response_model=list[IndicatorName], responses=LIST_ERRORS)
def indicator_names(live: Ready = Depends(ready)) -> list[IndicatorName]:
    """Each normalised indicator name with the plans and years that set it, most plans first."""
    return live.indicators.names()
