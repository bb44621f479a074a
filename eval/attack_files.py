"""Hostile plan files, generated: what the untrusted-file tests and `python -m carbonqa.eval.bench_uploads`
send to ingest and to the service. Each is as small as it can be while still being the attack.

    docx_bomb(size), pdf_bomb(size)  a .docx / PDF under 2 MB that unpacks to `size` bytes
    pdf_file([stream, ...])          a PDF with one page per content stream (many pages: many streams)
    docx_with_document(xml)          南山's plan as a .docx whose document.xml is `xml` (MALFORMED, ...)
    html_plan(paragraph)             南山's plan as a saved web page with one more paragraph (LONG_SENTENCE)
"""
from __future__ import annotations

import io
import tempfile
import zipfile
import zlib
from pathlib import Path

from carbonqa.eval.plan_formats import plan_blocks, write_docx, write_html

NANSHAN = Path(__file__).resolve().parent / "library_plans" / "nanshan-2024.txt"
MB = 1 << 20


def deflated(size: int) -> bytes:
    """A zlib stream of `size` spaces (a whole number of MiB), made without compressing them all: after
    a full flush a deflate block stands alone, so one compressed MiB is repeated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate; zlib's header and checksum added below
    block = packer.compress(b" " * MB) + packer.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(size // MB):
        checksum = zlib.adler32(b" " * MB, checksum)
    return b"\x78\xda" + block * (size // MB) + packer.flush() + checksum.to_bytes(4, "big")


def plan_docx() -> bytes:
    out = io.BytesIO()
    write_docx(plan_blocks(NANSHAN), out)
    return out.getvalue()


def with_member(docx: bytes, name: str, write) -> bytes:
    """The .docx with member `name` replaced (or added) by what `write(file)` writes."""
    out = io.BytesIO()
    # Level 1: quick to write, and a run of spaces still packs over 200 times.
    with zipfile.ZipFile(io.BytesIO(docx)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for member in source.infolist():
            if member.filename != name:
                target.writestr(member, source.read(member))
        with target.open(name, "w") as file:
            write(file)
    return out.getvalue()


def docx_with_document(xml: bytes) -> bytes:
    return with_member(plan_docx(), "word/document.xml", lambda file: file.write(xml))


def docx_bomb(size: int) -> bytes:
    """A .docx whose document.xml is well-formed and unpacks to `size` bytes (mostly whitespace)."""
    head = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'

    def write(file):
        file.write(head)
        for _ in range(size // MB):
            file.write(b" " * MB)
        file.write(b"<w:body/></w:document>")
    return with_member(plan_docx(), "word/document.xml", write)


WORD = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
BILLION_LAUGHS = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">'
                  + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
                  + f']><w:document {WORD}><w:body><w:p><w:r><w:t>珠海市碳达峰实施方案&j;</w:t></w:r></w:p>'
                  + '</w:body></w:document>').encode()
XXE = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
       f'<w:document {WORD}><w:body><w:p><w:r><w:t>珠海市碳达峰实施方案&secret;</w:t></w:r></w:p></w:body>'
       f'</w:document>').encode()
MALFORMED = f'<?xml version="1.0"?><w:document {WORD}><w:body><w:p><w:r><w:t>珠海市</w:r></w:body>'.encode()


def pdf_file(contents: list[bytes], deflate: bool = False) -> bytes:
    """A PDF with one page per content stream, in Helvetica; `deflate`: the streams are already deflated."""
    count = len(contents)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(count))
               + b"] /Count %d >>" % count,
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for i, content in enumerate(contents):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i))
        objects.append(b"<< /Length %d%s >>\nstream\n" % (len(content), b" /Filter /FlateDecode" if deflate else b"")
                       + content + b"\nendstream")
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_bomb(size: int) -> bytes:
    """A PDF whose one page's content stream unpacks to `size` bytes."""
    return pdf_file([deflated(size)], deflate=True)


def text_page(lines: int = 40) -> bytes:
    """A PDF page's content stream of `lines` lines of text."""
    return b"BT /F1 10 Tf 12 TL 50 800 Td " + b"".join(
        b"(Line %d of a page that is only here to be read.) Tj T* " % n for n in range(lines)) + b"ET"


def html_plan(extra_paragraph: str) -> bytes:
    """南山's plan as a saved web page, with one more paragraph after its first clause."""
    blocks = plan_blocks(NANSHAN)
    at = next(i for i, block in enumerate(blocks) if isinstance(block, str) and block.startswith("（一）"))
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "page.html"
        write_html(blocks[:at + 1] + [extra_paragraph] + blocks[at + 1:], page)
        return page.read_bytes()


# One run-on "sentence" of 1 MB in UTF-8 without a sentence end, no two of its 1,000-character pieces alike.
LONG_SENTENCE = "".join(f"推进第{n}批绿色低碳项目" for n in range(40_000)).encode("utf-8")[:MB].decode("utf-8", "ignore")
