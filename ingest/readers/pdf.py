"""Text-layer PDF plans (pdfplumber): page furniture removed, paragraphs rejoined, tables as rows.

pdfplumber gives each text line with its position, which is what a PDF needs and plain text
extraction loses: a line that reaches the right margin continues on the next line (also across a
page break); a line repeated at the top or bottom of most pages (running header) or shaped like a
page number ("— 3 —", "第3页", "3") is page furniture; ruled tables are read as rows of cells, a
table that crosses a page continues, and its repeated header row is dropped.
"""
from __future__ import annotations

import io
import math
import re
import statistics
import zlib
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream, resolve1
from pdfminer.psexceptions import PSException
from pdfminer.psparser import LIT
from pdfplumber.utils.exceptions import PdfminerException

from carbonqa.ingest.errors import IngestError, limit_exceeded
from carbonqa.ingest.limits import IngestLimits
from carbonqa.ingest.table import Table

PAGE_NUMBER = re.compile(r"[-—–－\s]*(第\s*)?\d{1,4}(\s*页)?([\s/／共]*\d{1,4}\s*页?)?[-—–－\s]*")
MARGIN_BAND = 0.07  # top and bottom 7% of a page: where running headers and page numbers sit
# A gap wider than 0.15 character is a space ("到 2025 年"); CJK characters are set edge to edge.
SPACE_RATIO = 0.15
FULL_LINE_SLACK = 1.5  # a line ending within 1.5 characters of the right margin runs on
IMAGE = LIT("Image")
INFLATE_STEP = 1 << 20  # bytes inflated at a time when measuring a stream (nothing is kept)


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    size: float  # character height, the unit for indents and margins
    in_band: bool  # in the top or bottom band of its page, where page furniture sits


Rows = list[list[str | None]]  # a ruled table as pdfplumber reads it; None: covered by a merged cell


@dataclass
class Page:
    lines: list[tuple[float, Line | Rows]] = field(default_factory=list)  # (top, item) in reading order
    furniture: list[str] = field(default_factory=list)  # texts of the lines in the top/bottom band


def read_pdf(data: bytes, path: Path, limits: IngestLimits) -> list[str | Table]:
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            _check_streams(pdf.doc, limits, path)
            _check_page_count(pdf.doc, limits, path)
            pages = []
            for page in pdf.pages:
                pages.append(_read_page(page, limits, path))
                page.close()  # its layout caches: held until the file is closed otherwise
    except IngestError:  # over a limit (a ValueError, like the parser's own errors below)
        raise
    except PdfminerException as error:
        cause = error.args[0] if error.args else error
        if isinstance(cause, MemoryError):  # out of memory, not a broken file: the bounded worker reports it
            raise cause from None
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise IngestError(f"PDF 文件设有密码，请去除密码后再添加 / the PDF is password-protected; remove the "
                              f"password and add it again: {path.name}") from error
        raise IngestError(f"PDF 文件已损坏，无法读取 / the PDF is broken and cannot be read "
                          f"({type(cause).__name__}): {path.name}") from error
    except (PSException, ValueError, KeyError, TypeError) as error:
        raise IngestError(f"PDF 文件已损坏，无法读取 / the PDF is broken and cannot be read "
                          f"({type(error).__name__}): {path.name}") from error
    if not any(page.lines or page.furniture for page in pages):
        raise IngestError(f"PDF 没有文字层（可能是扫描件），请先做文字识别（OCR）或提供 Word/文本版本 / the PDF has no "
                          f"text layer (a scan?); run OCR first or provide the Word or text version: {path.name}")
    return _paragraphs(pages, _running_furniture(pages))


def _check_streams(doc: PDFDocument, limits: IngestLimits, path: Path) -> None:
    """Refuse a PDF whose streams unpack to more than max_unpacked_bytes together, measured before
    text extraction unpacks any of them. Images are not counted (extraction never unpacks them). The
    cross-reference and object streams pdfminer unpacks while opening the file are bounded by the
    worker's memory limit instead, as are the rare streams compressed otherwise than by Flate."""
    budget = limits.max_unpacked_bytes
    total = 0
    for objid in dict.fromkeys(objid for xref in doc.xrefs for objid in xref.get_objids()):
        try:
            if _position(doc, objid)[0] is not None:
                continue  # inside an object stream, where no stream can be
            stream = doc.getobj(objid)
        except (PSException, ValueError, KeyError, TypeError):
            continue  # a broken object: reading the pages reports it if a page needs it
        if isinstance(stream, PDFStream) and resolve1(stream.get("Subtype")) is not IMAGE:
            total += _unpacked_size(stream, budget - total)
            if total > budget:
                raise limit_exceeded("max_unpacked_bytes", budget, "PDF 文件的数据流解压后的大小（字节）",
                                     "the size of the PDF's streams once unpacked (bytes)", path.name)


def _position(doc: PDFDocument, objid: int) -> tuple[int | None, int, int]:
    """(object stream id or None, index or offset, generation) from the first cross-reference section
    listing the object, as pdfminer looks it up."""
    for xref in doc.xrefs:
        try:
            return xref.get_pos(objid)
        except KeyError:  # not in this section
            continue
    raise KeyError(objid)


def _unpacked_size(stream: PDFStream, budget: int) -> int:
    """The size of a stream once its first filter is undone if that is Flate (else its size as stored),
    counting no further than budget + 1."""
    if stream.data is not None:  # already unpacked while opening the file
        return len(stream.data)
    data = stream.rawdata or b""
    filters = stream.get_filters()
    if not filters or filters[0][0] not in LITERALS_FLATE_DECODE:
        return len(data)
    if stream.decipher:  # an encrypted file: the stream is compressed, then encrypted
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    inflater = zlib.decompressobj()
    size = 0
    try:
        while size <= budget:
            piece = inflater.decompress(data, INFLATE_STEP)
            size += len(piece)
            data = inflater.unconsumed_tail
            if inflater.eof or (not data and len(piece) < INFLATE_STEP):
                break
    except zlib.error:
        pass  # broken from here on: pdfminer keeps what inflated before the damage, as counted
    return size


def _check_page_count(doc: PDFDocument, limits: IngestLimits, path: Path) -> None:
    """Count pages up to one past the limit without reading any."""
    most = limits.max_pdf_pages
    if sum(1 for _ in islice(PDFPage.create_pages(doc), most + 1)) > most:
        raise limit_exceeded("max_pdf_pages", most, "PDF 文件的页数", "the PDF's page count", path.name)


def _read_page(page, limits: IngestLimits, path: Path) -> Page:
    most = limits.max_page_chars
    if len(page.chars) > most:
        raise limit_exceeded("max_page_chars", most, f"PDF 第 {page.page_number} 页的字符数",
                             f"the number of characters on page {page.page_number} of the PDF", path.name)
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]
    result = Page()
    for table in tables:
        # A cell's wrapped lines are one value (no spaces: the text is Chinese).
        rows = [[cell.replace("\n", "").strip() if cell is not None else None for cell in row]
                for row in table.extract()]
        result.lines.append((table.bbox[1], rows))
    for raw in page.extract_text_lines(return_chars=True, x_tolerance_ratio=SPACE_RATIO):
        text = raw["text"].strip()
        if not text or any(_inside(raw, box) for box in boxes):
            continue
        in_band = raw["top"] < page.height * MARGIN_BAND or raw["bottom"] > page.height * (1 - MARGIN_BAND)
        if in_band:
            result.furniture.append(text)
        size = max((char["size"] for char in raw["chars"]), default=10.0)
        result.lines.append((raw["top"], Line(text, raw["x0"], raw["x1"], size, in_band)))
    result.lines.sort(key=lambda item: item[0])
    return result


def _table(rows: Rows) -> Table:
    """None is a cell covered by a merged one: in the header a name spanning columns (written once),
    below it a cell merged with the one above ("")."""
    header = [cell for cell in rows[0] if cell]
    return Table(None, header, [[cell or "" for cell in row] for row in rows[1:]])


def _inside(line: dict, box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    return line["x0"] >= x0 - 1 and line["x1"] <= x1 + 1 and line["top"] >= top - 1 and line["bottom"] <= bottom + 1


def _running_furniture(pages: list[Page]) -> set[str]:
    """Texts in the top/bottom band of at least half the pages (digits ignored: "— 3 —" ~ "— 4 —")."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({_shape(text) for text in page.furniture})
    return {shape for shape, count in counts.items() if count * 2 >= len(pages)}


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _is_furniture(text: str, running: set[str]) -> bool:
    return bool(PAGE_NUMBER.fullmatch(text)) or _shape(text) in running


def _paragraphs(pages: list[Page], running: set[str]) -> list[str | Table]:
    body = [item for page in pages for _, item in page.lines
            if not isinstance(item, Line) or not (item.in_band and _is_furniture(item.text, running))]
    lines = [item for item in body if isinstance(item, Line)]
    left = min((line.x0 for line in lines), default=0.0)
    # The text column's right edge: where most lines end (most lines of a plan are full ones).
    right = statistics.quantiles([line.x1 for line in lines], n=4)[2] if len(lines) > 1 else math.inf
    spaced = _spaces_latin(line.text for line in lines)
    blocks: list[str | Rows] = []
    open_paragraph = False  # the last block is a paragraph whose last line reached the right margin
    for item in body:
        if not isinstance(item, Line):
            previous = blocks[-1] if blocks else None
            if isinstance(previous, list) and len(previous[0]) == len(item[0]):
                # The table goes on over a page break; its header row may be repeated there.
                blocks[-1] = previous + (item[1:] if item[0] == previous[0] else item)
            else:
                blocks.append(item)
            open_paragraph = False
            continue
        indented = item.x0 > left + item.size * 0.5
        if open_paragraph and not indented:
            blocks[-1] += _joint(blocks[-1], item.text, spaced) + item.text
        else:
            blocks.append(item.text)
        open_paragraph = item.x1 >= right - item.size * FULL_LINE_SLACK
    return [_table(block) if isinstance(block, list) else block for block in blocks]



CJK_LATIN_SPACED = re.compile(r"[\u4e00-\u9fff] [0-9A-Za-z]|[0-9A-Za-z%] [\u4e00-\u9fff]")
CJK_LATIN_TOUCHING = re.compile(r"[\u4e00-\u9fff][0-9A-Za-z]|[0-9A-Za-z%][\u4e00-\u9fff]")


def _spaces_latin(texts) -> bool:
    """Does this document put a space between Chinese and figures ("到 2025 年")? Some plans do."""
    spaced = touching = 0
    for text in texts:
        spaced += len(CJK_LATIN_SPACED.findall(text))
        touching += len(CJK_LATIN_TOUCHING.findall(text))
    return spaced > touching


def _joint(before: str, after: str, spaced: bool) -> str:
    """What stood between two wrapped lines: a line break at a space hides the space, so in a document
    that spaces figures from Chinese a break between the two is a space."""
    if not (spaced and before and after):
        return ""
    pair = before[-1] + after[0]
    return " " if CJK_LATIN_TOUCHING.fullmatch(pair) else ""
