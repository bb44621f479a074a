"""Plans saved from a government web page (trafilatura): the article's text without the page around it.

trafilatura finds the main text of a page and drops navigation, breadcrumbs, share bars, related
links and footers; its XML output keeps paragraphs, headings, list items and tables (merged cells
come back as empty cells, which is this project's convention for "same as above").
"""
from __future__ import annotations

from pathlib import Path

import trafilatura
from lxml import etree

from carbonqa.ingest.decode import decode_plan
from carbonqa.ingest.errors import IngestError
from carbonqa.ingest.limits import IngestLimits
from carbonqa.ingest.table import Table

TEXT_TAGS = {"p", "head", "item", "quote", "code"}


def read_html(data: bytes, path: Path, limits: IngestLimits) -> list[str | Table]:
    page = decode_plan(data, path, limits)  # the page's own charset is UTF-8 or GB2312/GBK on government sites
    xml = trafilatura.extract(page, output_format="xml", include_tables=True, include_comments=False,
                              include_links=False, include_images=False, favor_recall=True, deduplicate=False)
    if not xml:
        raise IngestError(f"网页中没有找到正文 / no main text found in the web page: {path.name}")
    main = etree.fromstring(xml.encode("utf-8")).find("main")
    blocks: list[str | Table] = []
    for element in main.iter():
        if element.tag == "table":
            blocks += _table(element)
        elif element.tag in TEXT_TAGS and _outside_table(element):
            blocks.append("".join(element.itertext()))
    return blocks


def _outside_table(element) -> bool:
    return not any(ancestor.tag == "table" for ancestor in element.iterancestors())


def _table(element) -> list[str | Table]:
    rows = [["".join(cell.itertext()).strip() for cell in row.findall("cell")] for row in element.findall("row")]
    rows = [row for row in rows if any(row)]
    if len(rows) < 2:  # a layout table with one row is prose
        return [cell for row in rows for cell in row if cell]
    return [Table(None, [cell for cell in rows[0] if cell], rows[1:])]
