"""Word .docx plans (python-docx): body paragraphs and tables in document order.

Automatic numbering (Word's list numbering, where "一、" is not in the paragraph's text) is written
back in front of the paragraph, so the headings are found as in a typed plan. Merged table cells
become "" (merged with the cell above), as in the plain-text export.

Before python-docx sees the file, the zip's directory is checked (how many members, how large once
unpacked: a zip member never unpacks to more than its declared size, Python's zipfile stops there)
and every XML member is parsed once without resolving anything: malformed XML and any DTD (the
carrier of entity expansion and external entities, which Word never writes) are refused.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table as DocxTable, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from carbonqa.ingest.errors import IngestError, limit_exceeded
from carbonqa.ingest.limits import IngestLimits
from carbonqa.ingest.readers.numbering import ListNumbering
from carbonqa.ingest.table import Table

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # encrypted .docx files and old .doc files are OLE containers, not zips
# What may come before an XML member's "<": byte order marks (UTF-8, UTF-16) and whitespace.
XML_LEAD = b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n"


def read_docx(data: bytes, path: Path, limits: IngestLimits) -> list[str | Table]:
    if data.startswith(OLE_MAGIC):
        raise IngestError(f"Word 文件已加密或是旧版 .doc 格式，请去除密码或另存为 .docx / the Word file is "
                          f"password-protected or an old .doc file; remove the password or save it as .docx: {path.name}")
    try:
        _check_package(data, path, limits)
        document = Document(io.BytesIO(data))
    except IngestError:  # over a limit or hostile XML (a ValueError, like the package errors below)
        raise
    # A damaged zip (bad CRC, unsupported compression, encrypted member) or package.
    except (PackageNotFoundError, zipfile.BadZipFile, zlib.error, KeyError, ValueError, NotImplementedError,
            RuntimeError) as error:
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


def _check_package(data: bytes, path: Path, limits: IngestLimits) -> None:
    """The zip's members counted and sized from its directory, then every XML member parsed safely."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        members = package.infolist()
        if len(members) > limits.max_zip_members:
            raise limit_exceeded("max_zip_members", limits.max_zip_members, f"Word 文件的部件数 {len(members):,} ",
                                 f"the Word file's part count, {len(members):,},", path.name)
        unpacked = sum(member.file_size for member in members)
        if unpacked > limits.max_unpacked_bytes:
            raise limit_exceeded("max_unpacked_bytes", limits.max_unpacked_bytes, f"Word 文件解压后的大小 {unpacked:,} 字节",
                                 f"the Word file's size once unpacked, {unpacked:,} bytes,", path.name)
        for member in members:
            with package.open(member) as part:
                if part.read(16).lstrip(XML_LEAD).startswith(b"<"):
                    _check_xml(package.read(member), member.filename, path)


def _check_xml(xml: bytes, member: str, path: Path) -> None:
    """IngestError if an XML member is malformed or has a DTD. Nothing is resolved or fetched."""
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    try:
        tree = etree.fromstring(xml, parser).getroottree()
    except etree.XMLSyntaxError as error:
        raise IngestError(f"Word 文件已损坏：{member} 第 {error.lineno} 行的 XML 有误（{error.msg}）/ the Word file is "
                          f"broken: malformed XML in {member}, line {error.lineno} ({error.msg}): {path.name}") from error
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise IngestError(f"Word 文件的 {member} 含有 DTD（实体声明），Word 从不写入，可能是特意构造的文件，已拒绝 / "
                          f"{member} in the Word file has a DTD (entity declarations), which Word never writes; "
                          f"a crafted file? Refused: {path.name}")


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
