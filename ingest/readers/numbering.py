"""Word's automatic list numbering, rendered as the label a reader sees ("一、", "（二）", "3.").

A paragraph numbered by Word holds only its words; the number lives in numbering.xml (a list
definition per level: start value, format, label text such as "%1、"). Counting follows Word: each
list counts per level, and a level restarts when a higher level of the same list advances.
"""
from __future__ import annotations

from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

CN_DIGITS = "〇一二三四五六七八九"
CHINESE_FORMATS = {"chineseCounting", "chineseCountingThousand", "ideographDigital", "japaneseCounting",
                   "taiwaneseCounting", "taiwaneseCountingThousand"}


def chinese_number(value: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 23 -> 二十三 (lists in plans stay under 100)."""
    if value < 10:
        return CN_DIGITS[value]
    tens, ones = divmod(value, 10)
    return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")


def format_number(value: int, fmt: str) -> str:
    if fmt in CHINESE_FORMATS:
        return chinese_number(value)
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (value - 1) % 26)
        return letter if fmt == "upperLetter" else letter.lower()
    return str(value)  # decimal, decimalZero, decimalFullWidth and anything unknown


class ListNumbering:
    """Labels of the automatically numbered paragraphs of one document, counted in reading order."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # numId -> ilvl -> (start, fmt, text)
        self.style_numbering: dict[str, tuple[str, int]] = {}  # style id -> (numId, ilvl)
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):  # no numbering part: nothing is auto-numbered
            return
        abstract = {node.get(qn("w:abstractNumId")): node for node in root.findall(qn("w:abstractNum"))}
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            definition = abstract.get(ref.get(qn("w:val"))) if ref is not None else None
            if definition is not None:
                self.levels[num.get(qn("w:numId"))] = {
                    int(lvl.get(qn("w:ilvl"))): (_int(lvl, "w:start", 1), _val(lvl, "w:numFmt", "decimal"),
                                                 _val(lvl, "w:lvlText", ""))
                    for lvl in definition.findall(qn("w:lvl"))
                }
        for style in document.styles.element.findall(qn("w:style")):
            num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num_pr is not None and num_pr.find(qn("w:numId")) is not None:
                self.style_numbering[style.get(qn("w:styleId"))] = (
                    num_pr.find(qn("w:numId")).get(qn("w:val")), _int(num_pr, "w:ilvl", 0))

    def label(self, paragraph: Paragraph) -> str:
        """The paragraph's automatic number as text ("" if it has none); advances the list's counter."""
        numbered = self._num_pr(paragraph)
        if numbered is None or numbered[0] not in self.levels:
            return ""
        num_id, ilvl = numbered
        levels = self.levels[num_id]
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl][0] - 1) + 1
        for deeper in [level for level in counters if level > ilvl]:
            del counters[deeper]  # a higher level advanced: the lower ones start again
        text = levels[ilvl][2]
        for level, (start, fmt, _) in levels.items():
            if f"%{level + 1}" in text:
                text = text.replace(f"%{level + 1}", format_number(counters.get(level, start), fmt))
        return text

    def _num_pr(self, paragraph: Paragraph) -> tuple[str, int] | None:
        p_pr = paragraph._p.pPr
        num_pr = p_pr.find(qn("w:numPr")) if p_pr is not None else None
        if num_pr is not None and num_pr.find(qn("w:numId")) is not None:
            num_id = num_pr.find(qn("w:numId")).get(qn("w:val"))
            return (num_id, _int(num_pr, "w:ilvl", 0)) if num_id != "0" else None  # numId 0: numbering removed
        style_id = p_pr.find(qn("w:pStyle")).get(qn("w:val")) if p_pr is not None and \
            p_pr.find(qn("w:pStyle")) is not None else None
        return self.style_numbering.get(style_id)


def _val(node, tag: str, default: str) -> str:
    child = node.find(qn(tag))
    return child.get(qn("w:val"), default) if child is not None else default


def _int(node, tag: str, default: int) -> int:
    try:
        return int(_val(node, tag, str(default)))
    except ValueError:
        return default
