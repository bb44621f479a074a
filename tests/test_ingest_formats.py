"""Plans as .docx, text-layer .pdf and saved web pages: same clause chunks as the .txt, clear errors for bad files."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from carbonqa.eval.fidelity import Fidelity, convert_and_compare
from carbonqa.eval.plan_formats import FORMATS, write_docx
from carbonqa.ingest.errors import IngestError
from carbonqa.ingest.pipeline import parse_plan, plan_files
from carbonqa.ingest.table import Table

REPO_DIR = Path(__file__).resolve().parents[1]
# The .txt's last task-table row is cut off after its number (1 of 4 cells); a Word, PDF or HTML table
# is rectangular, so there the row has 4 cells and its empty ones take the row above, as merged cells do.
TRUNCATED_ROW = "zhuhai-2023/table.18"


@pytest.fixture(scope="module")
def fidelity(tmp_path_factory) -> dict[str, list[Fidelity]]:
    """Every shipped plan written in each format and read back: generated once for this module."""
    out_dir = tmp_path_factory.mktemp("formats")
    return {fmt: [convert_and_compare(path, fmt, out_dir)[0] for path in plan_files(REPO_DIR / "data" / "corpus")]
            for fmt in FORMATS}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_gives_the_same_clause_tree_ids_and_metadata(fidelity, fmt):
    assert [row.doc_id for row in fidelity[fmt]] == ["zhuhai-2023", "guangdong-2022", "foshan-2023",
                                                     "jiangmen-2023", "yunfu-2024"]
    assert all(row.same_tree for row in fidelity[fmt])


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_gives_the_same_chunk_texts(fidelity, fmt):
    different = [chunk_id for row in fidelity[fmt] for chunk_id in row.different]
    assert different == [TRUNCATED_ROW]
    whitespace_only = [chunk_id for row in fidelity[fmt] for chunk_id in row.whitespace_only]
    if fmt == "docx":
        assert whitespace_only == []  # Word keeps every character, including the full-width space
    else:  # a full-width space comes back as a space; a PDF hides a space where a line wraps
        assert len(whitespace_only) <= 5


def write_docx_bytes(blocks) -> bytes:
    out = io.BytesIO()
    write_docx(blocks, out)
    return out.getvalue()


PLAN = ["深圳市南山区人民政府关于印发深圳市南山区碳达峰实施方案的通知", "深南府〔2024〕3号",
        "各街道办事处，区政府直属各单位：", "现将《深圳市南山区碳达峰实施方案》印发给你们，请认真组织实施。",
        "深圳市南山区人民政府", "2024年3月1日", "一、总体要求", "（一）主要目标。到2025年，非化石能源消费比重达到30%。"]


def test_word_automatic_numbering_is_written_back_as_heading_numbers(tmp_path):
    """Headings numbered by Word (the number is not in the paragraph text) are still headings."""
    from docx import Document
    from docx.oxml import parse_xml

    document = Document()
    for line in PLAN[:6]:
        document.add_paragraph(line)
    numbering = document.part.numbering_part.element
    numbering.append(parse_xml(
        '<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
        '</w:abstractNum>'))
    numbering.append(parse_xml(
        '<w:num xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:numId="90">'
        '<w:abstractNumId w:val="90"/></w:num>'))
    for level, text in [(0, "总体要求"), (1, "主要目标。到2025年，非化石能源消费比重达到30%。"),
                        (1, "工作原则。坚持全区统筹。"), (0, "重点任务"), (1, "能源绿色低碳转型行动。")]:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(parse_xml(
            '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f'<w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
    path = tmp_path / "nanshan.docx"
    document.save(str(path))
    plan = parse_plan(path)
    assert [chunk.id for chunk in plan.chunks if chunk.kind != "preamble"] == [
        "shenzhen-nanshan-2024/1", "shenzhen-nanshan-2024/1.1", "shenzhen-nanshan-2024/1.2",
        "shenzhen-nanshan-2024/2", "shenzhen-nanshan-2024/2.1"]
    assert plan.chunks[-1].path == ["二、重点任务", "（一）能源绿色低碳转型行动"]


def test_a_word_table_with_merged_cells_is_read_as_rows(tmp_path):
    path = tmp_path / "table.docx"
    table = Table(None, ["序号", "重点任务", "主要责任单位"], [["1", "能源转型", "区发展改革局"], ["2", "", "区工业和信息化局"]])
    path.write_bytes(write_docx_bytes([*PLAN, "重点任务分工表", table]))
    plan = parse_plan(path)
    rows = [chunk for chunk in plan.chunks if chunk.kind == "table_row"]
    assert [row.text for row in rows] == ["序号：1\n重点任务：能源转型\n主要责任单位：区发展改革局",
                                          "序号：2\n重点任务：能源转型\n主要责任单位：区工业和信息化局"]
    assert rows[0].path == ["重点任务分工表", "序号：1"]


def scanned_pdf() -> bytes:
    """A page that is only a picture, as a scanner makes it: no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (600, 800), 255)
    ImageDraw.Draw(image).rectangle((50, 50, 550, 90), fill=0)
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.drawImage(ImageReader(image), 50, 50, width=500, height=700)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def password_pdf() -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, encrypt="secret")
    pdf.setFont("STSong-Light", 12)
    pdf.drawString(72, 700, PLAN[0])
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def broken_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a Word document")
    return out.getvalue()


BAD_FILES = {
    "scan.pdf": (scanned_pdf, "没有文字层"),
    "locked.pdf": (password_pdf, "密码"),
    "truncated.pdf": (lambda: password_pdf()[:300], "已损坏"),
    "notapdf.pdf": (lambda: "这不是PDF".encode(), "已损坏"),
    "locked.docx": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "加密"),
    "broken.docx": (broken_docx, "已损坏"),
    "random.docx": (lambda: bytes(range(256)) * 4, "已损坏"),
    "empty.pdf": (lambda: b"", "为空"),
    "script.html": (lambda: b"<html><head><title>x</title></head><body><script>var a = 1;</script></body></html>",
                    "正文"),
    "menu.html": (lambda: "<html><body><ul><li><a href='/'>首页</a></li></ul></body></html>".encode(), "地区"),
    "plan.doc": (lambda: b"\xd0\xcf\x11\xe0" + bytes(100), "不支持"),
}


@pytest.mark.unit
@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_is_a_clear_bilingual_error_naming_it(tmp_path, name):
    make, reason = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(IngestError) as error:
        parse_plan(path)
    message = str(error.value)
    assert name in message and reason in message and "/ " in message  # 中文 / English
