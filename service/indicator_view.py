"""The plans' quantitative targets for /indicators: filtered, province first, as JSON rows or CSV."""
from __future__ import annotations

import csv
import io

from carbonqa.indicators.models import Indicator
from carbonqa.indicators.names import indicator_name
from carbonqa.retriever.regions import RegionCatalog
from carbonqa.service.models import IndicatorName

# Column order of the CSV download; list fields are joined so each row stays one line of cells.
CSV_COLUMNS = ["indicator", "region", "year", "value", "unit", "direction", "qualifiers", "base_year", "label",
               "subject", "title", "clause_id", "path", "quote", "sentence"]


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


def to_csv(records: list[Indicator]) -> str:
    """UTF-8 CSV with a byte-order mark, so spreadsheet programs read the Chinese text correctly."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for record in records:
        row = record.model_dump()
        row |= {"qualifiers": "、".join(record.qualifiers), "path": " > ".join(record.path),
                "value": record.value_text, "base_year": record.base_year or ""}
        writer.writerow(row)
    return out.getvalue()
