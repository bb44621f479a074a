"""The plans' quantitative targets for /indicators: filtered, province first, as JSON rows or CSV (one row
per target, or the 指标对照 grid with regions as columns)."""
from __future__ import annotations

from dataclasses import dataclass

from carbonqa.answer.outcomes import LABELS
from carbonqa.indicators.models import Indicator
from carbonqa.indicators.names import indicator_name
from carbonqa.retriever.regions import RegionCatalog
from carbonqa.service.csv_export import csv_text
from carbonqa.service.models import IndicatorName

# The long CSV: one row per target, Chinese column names, list fields joined so a row stays one line.
LONG_COLUMNS = {
    "指标": lambda r: r.indicator, "地区": lambda r: r.region, "年份": lambda r: r.year,
    "目标值": lambda r: r.value_text, "单位": lambda r: r.unit, "表述": lambda r: r.direction,
    "限定词": lambda r: "、".join(r.qualifiers), "基准年": lambda r: r.base_year or "", "目标": lambda r: r.label,
    "方案原文主语": lambda r: r.subject, "方案": lambda r: r.title, "条款位置": lambda r: " > ".join(r.path),
    "引文": lambda r: r.quote, "原句": lambda r: r.sentence, "条款编号": lambda r: r.clause_id,
}
# A cell of the wide CSV for a plan that sets no figure for the indicator (it may mention it without
# one, or not at all): the outcome vocabulary's "not stated".
NOT_STATED = LABELS["not_stated"][0]
LAYOUTS = {"wide": "按地区分列", "long": "逐条"}


@dataclass(frozen=True)
class CsvDownload:
    """A CSV file to send: its text and its name (without the date and extension) in Chinese and ASCII."""

    text: str
    name: str
    ascii_name: str


class IndicatorView:
    """All extracted targets, ordered province first then plan order, then as the plan states them."""

    def __init__(self, indicators: list[Indicator], catalog: RegionCatalog):
        self.catalog = catalog
        self.regions = catalog.answer_order
        rank = {region: i for i, region in enumerate(self.regions)}
        self.records = sorted(indicators, key=lambda r: rank.get(r.region, len(rank)))

    def region(self, name: str) -> str | None:
        """A region filter (珠海 / 珠海市 / 全省) as a plan region, None if no plan has it."""
        return self.catalog.resolve(name)

    def rows(self, indicator: str | None = None, region: str | None = None, year: int | None = None) -> list[Indicator]:
        """Records matching every given filter; the indicator is normalised (单位GDP能耗 finds 单位地区生产总值能源消耗)."""
        wanted = indicator_name(indicator.strip()) if indicator else None
        return [r for r in self.records
                if (wanted is None or r.indicator == wanted)
                and (region is None or r.region == region)
                and (year is None or r.year == year)]

    def names(self) -> list[IndicatorName]:
        """Each indicator once, those stated by the most plans first."""
        grouped: dict[str, list[Indicator]] = {}
        for record in self.records:
            grouped.setdefault(record.indicator, []).append(record)
        names = [IndicatorName(indicator=name,
                               regions=[r for r in self.regions if any(x.region == r for x in records)],
                               years=sorted({x.year for x in records}), count=len(records))
                 for name, records in grouped.items()]
        return sorted(names, key=lambda n: -len(n.regions))

    def csv(self, rows: list[Indicator], layout: str, indicator: str | None = None, region: str | None = None,
            year: int | None = None) -> CsvDownload:
        """The rows (selected by these filters) as a CSV download, named after the selection (the HTTP layer
        adds the date: 指标对照_2025年_珠海市_按地区分列_2026-01-05.csv). Wide: the plan regions as columns."""
        wanted = indicator_name(indicator.strip()) if indicator else None
        if layout == "wide":
            text = wide_csv(rows, [region] if region else self.regions)
        else:
            text = long_csv(rows)
        selection = [part for part in (f"{year}年" if year else None, region, wanted) if part]
        name = "_".join(["指标对照", *(selection or ["全部"]), LAYOUTS[layout]])
        ascii_name = "-".join(["indicators", *([str(year)] if year else []), layout])
        return CsvDownload(text, name, ascii_name)


def long_csv(records: list[Indicator]) -> str:
    """One row per target, every field of it under a Chinese column name."""
    return csv_text(list(LONG_COLUMNS), ([cell(r) for cell in LONG_COLUMNS.values()] for r in records))


def wide_csv(records: list[Indicator], regions: list[str]) -> str:
    """The 指标对照 grid as on screen: a row per indicator and year, a column per plan region (full
    names), each cell the plan's targets ("比2020年下降14.5%"); indicators stated by the most plans first."""
    grid: dict[tuple[str, int], dict[str, list[str]]] = {}
    for record in records:
        grid.setdefault((record.indicator, record.year), {}).setdefault(record.region, []).append(record.label)
    ordered = sorted(grid.items(), key=lambda item: -len(item[1]))  # stable: ties keep the records' order
    return csv_text(["指标", "年份", *regions],
                    ([name, year, *("；".join(cells[r]) if r in cells else NOT_STATED for r in regions)]
                     for (name, year), cells in ordered))
