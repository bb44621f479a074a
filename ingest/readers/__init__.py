"""Plan files in the formats governments publish -> raw paragraphs and tables for `clean_blocks`.

Every reader returns the document's paragraphs (or lines) and tables in reading order; cleaning,
line joining and table captions are then the same for every format, so a plan published as .docx,
.pdf or a web page gives the same clause chunks as its .txt version. A file that cannot be read
(scanned PDF, password, broken file) raises IngestError naming the file and the reason.
"""
from __future__ import annotations

from pathlib import Path

from carbonqa.ingest.clean import split_text
from carbonqa.ingest.decode import decode_plan
from carbonqa.ingest.errors import IngestError
from carbonqa.ingest.limits import DEFAULT_LIMITS, IngestLimits, check_text_chars
from carbonqa.ingest.table import Table

Block = str | Table
TEXT_SUFFIXES = (".txt", ".md")
PLAN_SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".pdf", ".html", ".htm")


def read_blocks(data: bytes, path: Path, limits: IngestLimits = DEFAULT_LIMITS) -> list[Block]:
    """The raw blocks of a plan file's bytes, by its suffix, within the limits."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return split_text(decode_plan(data, path, limits))
    if suffix in (".html", ".htm"):
        from carbonqa.ingest.readers.webpage import read_html
        return read_html(data, path, limits)
    if suffix == ".docx":
        from carbonqa.ingest.readers.word import read_docx
        blocks = read_docx(data, path, limits)
    elif suffix == ".pdf":
        from carbonqa.ingest.readers.pdf import read_pdf
        blocks = read_pdf(data, path, limits)
    else:
        raise IngestError(f"不支持的文件类型 {suffix or '（无扩展名）'}，支持 {' '.join(PLAN_SUFFIXES)} / unsupported file "
                          f"type {suffix or '(no extension)'}: {path.name}; supported: {' '.join(PLAN_SUFFIXES)}")
    # Text files and web pages are checked once decoded; a packed format's text is known once read.
    check_text_chars(sum(len(line) for block in blocks for line in (block.lines if isinstance(block, Table) else [block])),
                     limits, path)
    return blocks
