"""A plan's metadata, read from its own front matter (the notice): title, region, issuer, number, date, id."""
from __future__ import annotations

import re
from datetime import date

from pypinyin import lazy_pinyin

from carbonqa.ingest.clean import PROSE_PUNCTUATION
from carbonqa.ingest.errors import IngestError
from carbonqa.ingest.models import PlanMeta
from carbonqa.ingest.vocabulary import REGION_SUFFIX, YEAR_NUMBER, region_level, region_units

DATE_LINE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
DOC_NUMBER = re.compile(rf"[\u4e00-\u9fff]{{1,8}}[〔［\[]({YEAR_NUMBER})[〕］\]]\d+号")
# "现将《珠海市碳达峰实施方案》印发给你们" / "《…》已经省人民政府同意，现印发给你们"
TITLE_IN_NOTICE = re.compile(r"《([^《》]{2,60})》[^。]*?印发")
TITLE_OF_NOTICE = re.compile(r"关于印发《?([^《》]{2,60}?)》?的通知")
ISSUER_OF_NOTICE = re.compile(r"^(.{2,30}?)关于印发")
# A sector plan's title: the sector between the region and 碳达峰…方案 (工业领域碳达峰实施方案).
SECTOR_PLAN = re.compile(r"(.+?)(碳达峰|碳排放达峰)\S{0,6}方案$")
DOC_ID_YEAR = re.compile(rf"-({YEAR_NUMBER})$")
MAX_TITLE_CHARS = 60
MAX_TOPIC_CHARS = 6


def extract_meta(front: list[str], source_file: str, sha256: str) -> tuple[PlanMeta, list[str]]:
    """Metadata from the lines before the first heading (the notice and the plan's title).

    A plan must name its region (珠海市…) in its title: region filters and citations depend on it.
    """
    warnings: list[str] = []
    joined = "".join(front)  # a title broken over two lines reads whole here
    title = _first_group(TITLE_IN_NOTICE, joined) or _first_group(TITLE_OF_NOTICE, joined)
    if not title:
        title = front[0][:MAX_TITLE_CHARS] if front else source_file
        warnings.append(f"未找到方案标题，使用首行 / no plan title found, using the first line: {title}")
    signed = notice_date(front)
    issue_date, issuer = (signed[1], signer_above(front, signed[0])) if signed else (None, None)
    if issuer is None:
        issuer = _first_group(ISSUER_OF_NOTICE, joined)
    units = region_units(title, issuer) if not title.startswith("关于") else []
    if not units:
        raise IngestError(f"无法从标题识别地区（标题应以“某某市/省/县/区”开头）/ no region found in the title of "
                          f"{source_file}: {title!r} (the title should start with the region, e.g. 珠海市)")
    region = "".join(units)
    number = doc_number(front)
    year = issue_date.year if issue_date else _doc_number_year(number)
    meta = PlanMeta(
        doc_id=make_doc_id(units, year, topic=plan_topic(title, region)),
        title=title,
        region=region,
        level=region_level(region),
        issuer=issuer,
        doc_number=number,
        issue_date=issue_date,
        source_file=source_file,
        sha256=sha256,
    )
    return meta, warnings


def plan_topic(title: str, region: str) -> str:
    """What a title names besides its region, for a sector plan (广东省工业领域碳达峰实施方案 -> 工业领域);
    "" for a region's overall plan. A bracketed note ("（2024年修订）") is not a topic."""
    rest = re.sub(r"[（(][^）)]*[）)]", "", title[len(region):]).strip() if title.startswith(region) else ""
    match = SECTOR_PLAN.fullmatch(rest)
    return match.group(1) if match else ""


def make_doc_id(units: list[str], year: int | None, topic: str = "") -> str:
    """Pinyin of each region unit without 省/市/区 (+ of the sector topic) plus the issue year:
    zhuhai-2023, shenzhen-nanshan-2024, guangdong-gongyelingyu-2022."""
    names = [REGION_SUFFIX.sub("", unit) or unit for unit in units] + ([topic[:MAX_TOPIC_CHARS]] if topic else [])
    slug = "-".join(filter(None, (_slug(name) for name in names))) or "plan"
    return f"{slug}-{year}" if year else slug


def issue_year(doc_id: str) -> int | None:
    """The issue year a doc id ends in (zhuhai-2025 -> 2025), None for an id made without one."""
    match = DOC_ID_YEAR.search(doc_id)
    return int(match.group(1)) if match else None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", "".join(lazy_pinyin(text)).lower()).strip("-")


def _first_group(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1).strip() if match else None


def notice_date(front: list[str]) -> tuple[int, date] | None:
    """The date line that closes the notice (2023年5月19日): its index among the lines, and the date."""
    for index, line in enumerate(front):
        match = DATE_LINE.fullmatch(line)
        if not match:
            continue
        try:
            return index, date(*(int(part) for part in match.groups()))
        except ValueError:
            continue
    return None


def signer_above(front: list[str], index: int) -> str | None:
    """The signing line above the notice's date line (珠海市人民政府), if the line above is one."""
    above = front[index - 1] if index else ""
    return above if above and len(above) <= 30 and not any(ch in PROSE_PUNCTUATION for ch in above) else None


def doc_number(front: list[str]) -> str | None:
    """The document number, preferring a line of its own (珠府〔2023〕39号) to one inside a title."""
    for line in front:
        if DOC_NUMBER.fullmatch(line):
            return line
    for line in front:
        if match := DOC_NUMBER.search(line):
            return match.group(0)
    return None


def _doc_number_year(doc_number: str | None) -> int | None:
    match = DOC_NUMBER.fullmatch(doc_number) if doc_number else None
    return int(match.group(1)) if match else None
