"""Write a plain-text plan as the formats governments publish: .docx, text-layer .pdf, a saved web page.

Used by the fidelity tests and `python -m carbonqa.eval.fidelity`: each shipped plan, written in another format
and read back by ingest, must give the same clause chunks as its .txt original. The documents are laid
out the way real ones are: Word paragraphs and a table with merged cells; a PDF with first-line
indents, wrapped lines, a running header, page numbers and a table that may cross a page; a web page
with navigation, breadcrumbs, article info, a share bar and a footer around the text.
"""
from __future__ import annotations

import html
from pathlib import Path

from carbonqa.ingest.clean import CleanDocument, clean_document
from carbonqa.ingest.decode import decode_plan
from carbonqa.ingest.table import Table

Block = str | Table
FORMATS = ("docx", "pdf", "html")


def plan_blocks(txt_path: Path) -> list[Block]:
    """The cleaned paragraphs and tables of a .txt plan, in order: what a publisher's file holds."""
    doc: CleanDocument = clean_document(decode_plan(txt_path.read_bytes(), txt_path))
    blocks: list[Block] = []
    table_lines = doc.table_line_indexes()
    for index in range(len(doc.lines)):
        if index in doc.tables:
            table = doc.tables[index]
            if table.title:
                blocks.append(table.title)  # the caption is a paragraph above the table
            blocks.append(Table(None, table.header, table.rows))
        elif index not in table_lines:
            blocks.append(doc.line(index))
    return blocks


def write_format(txt_path: Path, fmt: str, out_path: Path) -> Path:
    writer = {"docx": write_docx, "pdf": write_pdf, "html": write_html}[fmt]
    writer(plan_blocks(txt_path), out_path)
    return out_path


def write_docx(blocks: list[Block], out_path) -> None:
    """out_path: a path or a binary file object."""
    from docx import Document

    document = Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        width = max(len(row) for row in (block.header, *block.rows))
        table = document.add_table(rows=1 + len(block.rows), cols=width)
        table.style = "Table Grid"
        header = table.rows[0].cells
        for col, name in enumerate(block.header[:-1]):
            header[col].text = name
        header[width - 1].text = block.header[-1]
        if len(block.header) < width:  # the second-last name spans the columns Word wrote it once over
            header[len(block.header) - 2].merge(header[width - 2])
        for r, row in enumerate(block.rows, start=1):
            for col in range(width):
                value = row[col] if col < len(row) else ""
                cell = table.cell(r, col)
                if value:
                    cell.text = value
                elif r > 1:  # a merged cell: Word marks it as continuing the cell above
                    table.cell(r - 1, col).merge(cell)
    document.save(str(out_path) if isinstance(out_path, Path) else out_path)


def write_pdf(blocks: list[Block], out_path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate
    from reportlab.platypus import Table as PdfTable
    from reportlab.platypus import TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=12, leading=20, firstLineIndent=24,
                          wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")
    running_title = next((b for b in blocks if isinstance(b, str)), "")[:30]

    def furniture(canvas, doc) -> None:  # the running header and the page number on every page
        canvas.saveState()
        canvas.setFont("STSong-Light", 9)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, running_title)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"— {doc.page} —")
        canvas.restoreState()

    story = []
    for block in blocks:
        if isinstance(block, str):
            story.append(Paragraph(html.escape(block), body))
            continue
        width = max(len(row) for row in (block.header, *block.rows))
        header = block.header[:-1] + [""] * (width - len(block.header)) + block.header[-1:]
        rows = [[cell_text or "" for cell_text in row] + [""] * (width - len(row)) for row in block.rows]
        spans = [("SPAN", (len(block.header) - 2, 0), (width - 2, 0))] if len(block.header) < width else []
        # An empty cell is merged with the filled cell above it, as in Word (+1: the header row).
        spans += [("SPAN", (col, top + 1), (col, top + down)) for key, down in merged_spans(block.rows, width).items()
                  if key[0] == "top" for _, top, col in [key]]
        data = [[Paragraph(html.escape(text), cell) for text in row] for row in (header, *rows)]
        table = PdfTable(data, repeatRows=1, colWidths=[12 * mm, 30 * mm, 80 * mm, 48 * mm][:width]
                         if width == 4 else None)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP"), *spans]))
        story.append(table)
    doc = SimpleDocTemplate(str(out_path), pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm,
                            topMargin=25 * mm, bottomMargin=22 * mm)
    doc.build(story, onFirstPage=furniture, onLaterPages=furniture)


GOV_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}_政府信息公开_人民政府门户网站</title>
<meta name="ArticleTitle" content="{title}"></head>
<body>
<div class="header"><div class="logo">人民政府门户网站</div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/bsfw/">办事服务</a></li>
<li><a href="/hdjl/">互动交流</a></li><li><a href="/zjzh/">走进本市</a></li></ul>
<form class="search"><input type="text" name="q" placeholder="请输入关键词"><button>搜索</button></form></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/wjk/">文件库</a></div>
<div class="main"><div class="article">
<div class="info"><span>发布时间：2023-05-19 10:12</span><span>来源：本网</span><span>浏览次数：1024</span>
<span>【字体：<a>大</a> <a>中</a> <a>小</a>】</span></div>
<div class="content" id="zoom">
{body}
</div>
<div class="share">分享到：<a>微信</a><a>微博</a><a>QQ空间</a></div>
<div class="tools"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
</div>
<div class="related"><h3>相关文件</h3><ul><li><a href="/a">关于做好2023年节能宣传周活动的通知</a></li>
<li><a href="/b">市发展改革局2022年度政府信息公开工作年度报告</a></li></ul></div></div>
<div class="footer"><p>主办单位：人民政府办公室 | <a href="/wzdt">网站地图</a> | <a href="/lxwm">联系我们</a></p>
<p>网站标识码：4404000001 备案号：粤ICP备05000000号 公网安备 44040202000001号</p></div>
</body></html>
"""


def merged_spans(rows: list[list[str]], width: int) -> dict:
    """Empty cells as merged with the filled cell above them: {(row, col): True} for each covered cell
    and {("top", row, col): rows spanned} for each cell that spans down (row 0 never merges upward).
    Cells missing from a short (truncated) row are blank, not merged."""
    spans: dict = {}
    for col in range(width):
        top = 0
        for r in range(1, len(rows)):
            if col >= len(rows[r]):
                top = r
            elif rows[r][col]:
                top = r
            else:
                spans[(r, col)] = True
                spans[("top", top, col)] = r - top + 1
    return spans


def write_html(blocks: list[Block], out_path: Path) -> None:
    parts = []
    for block in blocks:
        if isinstance(block, str):
            parts.append(f"<p>{html.escape(block)}</p>")
            continue
        width = max(len(row) for row in (block.header, *block.rows))
        span = width - len(block.header) + 1
        cells = [f"<th>{html.escape(n)}</th>" for n in block.header[:-2]]
        if len(block.header) >= 2:
            cells.append(f'<th colspan="{span}">{html.escape(block.header[-2])}</th>')
        cells.append(f"<th>{html.escape(block.header[-1])}</th>")
        rows = [f"<tr>{''.join(cells)}</tr>"]
        spans = merged_spans(block.rows, width)
        for r, row in enumerate(block.rows):
            tds = []
            for col in range(width):
                if (r, col) in spans:  # a merged cell: the cell above spans down over it
                    continue
                down = spans.get(("top", r, col), 1)
                rowspan = f' rowspan="{down}"' if down > 1 else ""
                tds.append(f"<td{rowspan}>{html.escape(row[col] if col < len(row) else '')}</td>")
            rows.append("<tr>" + "".join(tds) + "</tr>")
        parts.append(f'<table border="1">{"".join(rows)}</table>')
    title = next((b for b in blocks if isinstance(b, str)), "")
    out_path.write_text(GOV_PAGE.format(title=html.escape(title), body="\n".join(parts)), encoding="utf-8")
