"""The sentences of a clause: where a sentence ends, and which sentences say something quotable.

Every sentence keeps its offsets into the clause, so a quote is always a verbatim slice of it. The
index embeds the content sentences (index/sentence_vectors.py) and the answer stage scores them
(answer/evidence.py): both take them from here, so they are the same sentences.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from carbonqa.ingest.clean import CLOSERS
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.text import squash
from carbonqa.ingest.time_expressions import years_in
from carbonqa.ingest.vocabulary import HEADING_LABEL

MIN_SENTENCE_CHARS = 6  # shorter fragments say nothing quotable

# Where a sentence ends. Narrower than ingest.clean.LINE_END (where a line may end): a quote is
# never cut after ： or …, the text after them belongs to the same sentence.
SENTENCE_END = "。！？；!?;"
OPENERS = "“‘「『（(《"  # the openers of ingest.clean.CLOSERS: no sentence ends inside a pair


class Sentence(NamedTuple):
    text: str  # verbatim slice of the source, outer whitespace stripped
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """Split on 。！？； and line breaks, but not inside brackets or quotes; a terminator keeps its
    closing quotes: "构筑“三山两江一海湾”（三山：……；两江：……）格局。" stays one sentence."""
    sentences: list[Sentence] = []
    start = depth = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth = max(0, depth - 1)
        if ch == "\n" or (ch in SENTENCE_END and depth == 0):
            end = i + 1
            if ch != "\n":
                while end < n and text[end] in CLOSERS:
                    end += 1
            _append(sentences, text, start, end)
            start = i = end
            depth = 0
        else:
            i += 1
    _append(sentences, text, start, n)
    return sentences


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped or all(c in SENTENCE_END or c in CLOSERS or c == "*" for c in stripped):
        return
    left = start + (len(piece) - len(piece.lstrip()))
    sentences.append(Sentence(stripped, left, left + len(stripped)))


@dataclass
class Sent:
    """A content sentence of a chunk, with the years it is about."""

    sentence: Sentence
    flat: str
    years: set[int]  # its own, or those of the sentence it continues after a ；


def content_sentences(chunk: Chunk, min_chars: int = MIN_SENTENCE_CHARS) -> list[Sent]:
    """The chunk's sentences minus heading lines and fragments too short to say anything.

    A table row is a record: it is one "sentence" (its cells, without the row label line).
    """
    if chunk.kind == ChunkKind.table_row:
        first_line = chunk.text.split("\n", 1)[0]
        start = len(first_line) + 1 if chunk.path and first_line.strip() == chunk.path[-1] else 0
        row = Sentence(chunk.text[start:].strip(), start, len(chunk.text.rstrip()))
        return [Sent(row, squash(row.text), years_in(squash(row.text)))] if row.text else []
    sents: list[Sent] = []
    years: set[int] = set()
    continues = False
    for sentence in split_sentences(chunk.text):
        flat = squash(sentence.text)
        own = years_in(flat)
        # "到2025年，A达到x；B达到y。": B is about 2025 too.
        years = own or (years if continues else set())
        continues = flat.endswith(("；", ";"))
        if is_heading(chunk, sentence) or len(flat) < min_chars:
            continue
        sents.append(Sent(sentence, flat, years))
    return sents


def is_heading(chunk: Chunk, sentence: Sentence) -> bool:
    """The sentence is a heading: the chunk's own heading title, or a short numbered line."""
    flat = squash(sentence.text).rstrip("。：:；")
    label = HEADING_LABEL.match(flat)
    bare = flat[label.end():] if label else flat
    heading = squash(chunk.heading).rstrip("。：:；")
    if heading and bare == heading:
        return True
    return bool(label) and len(bare) <= 30 and not re.search(r"[。；！？]", sentence.text.rstrip("。；"))
