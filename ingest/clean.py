"""Decoded plan text -> the cleaned document: one line per paragraph, heading or table row.

Removed: web-page boilerplate (时间/来源/浏览/分享到 lines, lone "-" bullets), markdown heading
markers and ** bold markers, [bookmark: ...] tags, blank lines, indentation (full-width spaces, tabs).
Kept verbatim: every other character, including spaces inside a line ("到 2025 年").
Joined: a line broken in the middle of a sentence, to the line after it.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from carbonqa.ingest.headings import match_heading
from carbonqa.ingest.table import Table

INLINE_MARKUP = re.compile(r"\[bookmark:[^\]]*\]|\*\*")
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s*")
BOILERPLATE_LINE = re.compile(
    r"[-*•]"  # a lone list bullet
    r"|[-*•]?\s*(时间|来源|浏览|发布时间|发布日期|点击数?)\s*[:：].{0,40}"  # web-page article info
    r"|分享到\s*[:：]?.{0,20}|打印本页|关闭窗口|【?\s*字体\s*[:：].{0,10}"
)
# Where a line may end: a sentence end, or a lead-in (：, …) to the lines after it. A line ending in
# anything else was broken mid-sentence. Wider than ingest.sentences.SENTENCE_END.
LINE_END = "。！？；：!?;:…"
CLOSERS = "”’」』）)》"
PROSE_PUNCTUATION = "，、；。：,;"  # a line without any of these is a title, an issuer or a date
MAX_HEADER_CELL = 20


@dataclass(frozen=True)
class CleanDocument:
    text: str
    lines: list[tuple[int, int]]  # [start, end) of each line; lines are separated by one "\n"
    tables: dict[int, Table]  # index of a table's first line -> the table, whose lines follow it

    def line(self, index: int) -> str:
        start, end = self.lines[index]
        return self.text[start:end]

    def table_line_indexes(self) -> set[int]:
        return {i for first, table in self.tables.items() for i in range(first, first + len(table.lines))}


def clean_document(raw: str) -> CleanDocument:
    """A plain-text plan (.txt/.md) cleaned."""
    return clean_blocks(split_text(raw))


def split_text(raw: str) -> list[str | Table]:
    """Raw text -> its lines as written, with each Word-exported (tab-led) table read as a Table."""
    raw_lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[str | Table] = []
    index = 0
    while index < len(raw_lines):
        if _starts_table(raw_lines, index):
            rows, index = _read_table(raw_lines, index)
            blocks.append(Table(None, rows[0], rows[1:]))
        else:
            blocks.append(raw_lines[index])
            index += 1
    return blocks


def clean_blocks(blocks: Iterable[str | Table]) -> CleanDocument:
    """Raw paragraphs (or lines) and tables, in document order, from any format -> the cleaned document.

    Every reader (.txt, .docx, .pdf, .html) ends here, so the same plan gives the same text."""
    out: list[str | Table] = []
    prose: list[str] = []
    for block in blocks:
        if isinstance(block, Table):
            lines = join_broken_lines(prose)
            prose = []
            # A short title-like line right above the table is its caption (珠海: 重点任务分工表).
            if block.title is None and lines and _is_title_like(lines[-1]) and not match_heading(lines[-1]):
                block = Table(lines.pop(), block.header, block.rows)
            out += lines
            out.append(block)
        else:
            prose += filter(None, (clean_line(line) for line in block.replace("\r", "\n").split("\n")))
    out += join_broken_lines(prose)
    return layout(out)


def clean_line(raw: str) -> str:
    """One raw line without markup, indentation or boilerplate ("" if nothing is left)."""
    line = MARKDOWN_HEADING.sub("", INLINE_MARKUP.sub("", raw).strip()).strip()
    return "" if BOILERPLATE_LINE.fullmatch(line) else line


def join_broken_lines(lines: list[str]) -> list[str]:
    """Join each line that stops mid-sentence to the next one (佛山: "坚持先" + "立后破")."""
    joined: list[str] = []
    for line in lines:
        if joined and _runs_on(joined[-1], line):
            joined[-1] += line
        else:
            joined.append(line)
    return joined


def ends_line(text: str) -> bool:
    """Does the text end where a line may end (LINE_END, before any closing quotes or brackets)?"""
    core = text.rstrip(CLOSERS)
    return bool(core) and core[-1] in LINE_END


def _runs_on(line: str, next_line: str) -> bool:
    """Does `line` continue on `next_line`? Not if it ends a sentence or is a title or heading on its
    own, and never into a heading."""
    heading = match_heading(line)
    return not (
        ends_line(line)
        or _is_title_like(line)
        or (heading is not None and heading.standalone)
        or match_heading(next_line) is not None
    )


def _is_title_like(line: str) -> bool:
    return not any(ch in PROSE_PUNCTUATION for ch in line)


def _starts_table(lines: list[str], index: int) -> bool:
    """A table (Word export: one tab-led cell per line, rows separated by blank lines) starts with a
    header row of at least two short title-like cells. A single tab-indented paragraph is prose."""
    header: list[str] = []
    while index < len(lines) and lines[index].startswith("\t"):
        header += _cells(lines[index])
        index += 1
    return len(header) >= 2 and all(
        cell and len(cell) <= MAX_HEADER_CELL and _is_title_like(cell) for cell in header
    )


def _read_table(lines: list[str], index: int) -> tuple[list[list[str]], int]:
    """The table's rows (header first) and the index of the first line after the table. A line
    without the leading tab continues the cell above it when that cell stops mid-sentence (Word
    broke the cell: 珠海 "科技赋能碳达峰" / "行动"); any other such line ends the table."""
    rows: list[list[str]] = []
    row: list[str] = []
    while index < len(lines):
        line = lines[index]
        if line.startswith("\t"):
            row += _cells(line)
        elif not line.strip():
            if row:
                rows.append(row)
                row = []
        else:
            text = INLINE_MARKUP.sub("", line).strip()
            if not row and rows:
                row = rows.pop()  # the blank line was inside a broken cell, not between rows
            if not row or ends_line(row[-1]) or match_heading(text):
                break
            row[-1] += text
        index += 1
    if row:
        rows.append(row)
    return rows, index


def _cells(line: str) -> list[str]:
    return [INLINE_MARKUP.sub("", cell).strip() for cell in line[1:].split("\t")]


def layout(blocks: list[str | Table]) -> CleanDocument:
    """Cleaned lines and tables, in order, as one document."""
    texts: list[str] = []
    tables: dict[int, Table] = {}
    for block in blocks:
        if isinstance(block, Table):
            tables[len(texts)] = block
            texts += block.lines
        else:
            texts.append(block)
    spans, position = [], 0
    for text in texts:
        spans.append((position, position + len(text)))
        position += len(text) + 1
    return CleanDocument("\n".join(texts), spans, tables)
