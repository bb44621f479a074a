"""Word .docx plans (python-docx): body paragraphs and tables in document order.

Automatic numbering (Word's list numbering, where "一、" is not in the paragraph's text) is written
back in front of the paragraph, so the headings are found as in a typed plan. Merged table cells
become "" (merged with the cell above), as in the plain-text export.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table as DocxTable, _Cell
from docx.text.paragraph import Paragraph

from carbonqa.ingest.errors import IngestError
from carbonqa.ingest.readers.numbering import ListNumbering
from carbonqa.ingest.table import Table

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # encrypted .docx files and old .doc files are OLE containers, not zips


def read_docx(data: bytes, path: Path) -> list[str | Table]:
    if data.startswith(OLE_MAGIC):
        raise IngestError(f"Word 文件已加密或是旧版 .doc 格式，请去除密码或另存为 .docx / the Word file is "
                          f"password-protected or an old .doc file; remove the password or save it as .docx: {path.name}")
    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise IngestError(f"Word 文件已损坏或不是 .docx / the Word file is broken or not a .docx "
                          f"({type(error).__name__}): {path.name}") from error
    numbering = ListNumbering(document)
    blocks: list[str | Table] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            blocks.append(numbering.label(item) + item.text)
        elif isinstance(item, DocxTable):
            blocks += _read_table(item)
    return blocks


def _read_table(table: DocxTable) -> list[str | Table]:
    """A table with a header and rows; a one-row (layout) table is read as paragraphs."""
    rows: list[list[str]] = []
    for row in table.rows:
        cells = []
        for tc in row._tr.tc_lst:
            merged_down = tc.tcPr is not None and tc.tcPr.find(qn("w:vMerge")) is not None \
                and tc.tcPr.find(qn("w:vMerge")).get(qn("w:val")) in (None, "continue")
            # Paragraphs of one cell are one value (Word wraps a long cell into several).
            cells.append("" if merged_down else "".join(p.text.strip() for p in _Cell(tc, table).paragraphs))
        rows.append(cells)
    if len(rows) < 2:
        return [cell for row in rows for cell in row if cell]
    header = [cell for cell in rows[0] if cell]  # a name spanning columns is written once
    return [Table(None, header, rows[1:])]
