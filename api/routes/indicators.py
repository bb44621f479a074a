"""The plans' quantitative targets: filtered rows as JSON or CSV (or the 指标对照 page for a browser), and
the normalised indicator names."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from carbonqa.api.dependencies import ready
from carbonqa.api.errors import ApiError
from carbonqa.api.openapi import COMMON_ERRORS, LIST_ERRORS, errors
from carbonqa.api.routes.pages import navigated_page, page
from carbonqa.indicators.models import Indicator
from carbonqa.service.csv_export import attachment
from carbonqa.service.live import Ready
from carbonqa.service.models import IndicatorName

router = APIRouter(tags=["indicators"])


@router.get("/indicators", response_model=list[Indicator],
            responses={200: {"content": {"text/csv": {}}}, **errors(422, 429), **COMMON_ERRORS})
async def indicators(
    request: Request,
    indicator: str | None = Query(None, description="normalised name (or any wording of it, e.g. 单位GDP能耗)"),
    region: str | None = Query(None, description="e.g. 珠海 / 珠海市 / 广东省"),
    year: int | None = Query(None, ge=1900, le=2100, description="target year, e.g. 2025"),
    format: Literal["json", "csv"] | None = Query(None, description="csv, or send Accept: text/csv"),
    layout: Literal["long", "wide"] = Query("long", description="CSV only: long = one row per target; "
                                            "wide = the 指标对照 grid, a row per indicator and year, regions as columns"),
) -> Response:
    """Every quantitative target matching the filters, each with its citation (clause id, plan, path,
    sentence); JSON by default, CSV with `?format=csv` or `Accept: text/csv` (Chinese column names, a
    file name with the selection and the date). A browser navigating here (Accept: text/html) gets
    the 指标对照 page, which loads the same rows as JSON."""
    shown = navigated_page(request)
    if shown:
        return page(shown)
    accept = request.headers.get("accept", "")
    live = await ready(request)
    region_name = None
    if region:
        region_name = live.indicators.region(region)
        if region_name is None:
            raise ApiError(422, f"没有{region}的方案；可选：{'、'.join(live.indicators.regions)} / "
                                f"no plan for region {region!r}", field="region")
    rows = live.indicators.rows(indicator, region_name, year)
    if format == "csv" or (format is None and "text/csv" in accept):
        download = live.indicators.csv(rows, layout, indicator, region_name, year)
        return Response(download.text, media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": attachment(download.name, download.ascii_name)})
    return JSONResponse([row.model_dump(mode="json") for row in rows])


@router.get("/indicators/names", response_model=list[IndicatorName], responses=LIST_ERRORS)
def indicator_names(live: Ready = Depends(ready)) -> list[IndicatorName]:
    """Each normalised indicator name with the plans and years that set it, most plans first."""
    return live.indicators.names()
