"""Overlong paragraphs and sentences cut into pieces: whatever a file holds, no line of a plan is longer
than max_paragraph_chars and no sentence longer than max_sentence_chars (ingest/limits.py).

A paragraph over the limit is split into lines after sentence ends, each line as long as fits; a
sentence over the limit (a run without 。！？；) is cut every max_sentence_chars characters. A cut is a
line break in the cleaned text, so every piece is still a verbatim slice of it and sentence splitting
(ingest/sentences.py) ends a sentence at every cut. A table with a line over the sentence limit (a
table row is quoted whole, as one record) is read as paragraphs instead.
"""
from __future__ import annotations

from carbonqa.ingest.clean import CleanDocument, layout
from carbonqa.ingest.limits import IngestLimits
from carbonqa.ingest.sentences import split_sentences
from carbonqa.ingest.table import Table


def limit_runs(doc: CleanDocument, limits: IngestLimits) -> tuple[CleanDocument, list[str]]:
    """The document with every overlong paragraph, sentence and table cut as above, and a warning for
    each kind of cut made (the document itself when nothing is too long)."""
    blocks: list[str | Table] = []
    long_tables = long_paragraphs = cut_sentences = 0
    index = 0
    while index < len(doc.lines):
        table = doc.tables.get(index)
        if table is not None:
            index += len(table.lines)
            if max(map(len, table.lines)) <= limits.max_sentence_chars:
                blocks.append(table)
                continue
            long_tables += 1
            lines = table.lines
        else:
            lines = [doc.line(index)]
            index += 1
        for line in lines:
            pieces, cuts = _cut(line, limits)
            long_paragraphs += len(pieces) > 1
            cut_sentences += cuts
            blocks += pieces
    if not (long_tables or long_paragraphs):
        return doc, []
    warnings = []
    if long_tables:
        warnings.append(f"{long_tables} 个表格有超过 {limits.max_sentence_chars:,} 字的行，按正文读取 / {long_tables} "
                        f"table(s) with a line over {limits.max_sentence_chars:,} characters read as paragraphs")
    if long_paragraphs:
        warnings.append(f"{long_paragraphs} 段超过 {limits.max_paragraph_chars:,} 字或含过长的句子，已分成多行 / "
                        f"{long_paragraphs} paragraph(s) over {limits.max_paragraph_chars:,} characters or with an "
                        f"overlong sentence split into lines")
    if cut_sentences:
        warnings.append(f"{cut_sentences} 句超过 {limits.max_sentence_chars:,} 字（没有句末标点），已按该长度切断 / "
                        f"{cut_sentences} sentence(s) over {limits.max_sentence_chars:,} characters (no sentence "
                        f"end) cut every {limits.max_sentence_chars:,} characters")
    return layout(blocks), warnings


def _cut(line: str, limits: IngestLimits) -> tuple[list[str], int]:
    """The line as lines within the limits (the line itself if it is within them), and how many of its
    sentences were cut."""
    most = limits.max_sentence_chars
    if len(line) <= most:
        return [line], 0
    # The line in consecutive pieces: its sentences, each overlong one cut every `most` characters. A
    # piece that ends inside a sentence must end its line, or the sentence would run on.
    pieces: list[tuple[str, bool]] = []  # (text, ends its line)
    start, cuts = 0, 0
    ends = [sentence.end for sentence in split_sentences(line)]
    for end in ends[:-1] + [len(line)]:
        cuts += end - start > most
        while end - start > most:
            pieces.append((line[start:start + most], True))
            start += most
        pieces.append((line[start:end], False))
        start = end
    lines, current = [], ""
    for text, forced in pieces:
        if current and len(current) + len(text) > limits.max_paragraph_chars:
            lines.append(current)
            current = ""
        current += text
        if forced:
            lines.append(current)
            current = ""
    lines.append(current)
    return [text.strip() for text in lines if text.strip()], cuts
