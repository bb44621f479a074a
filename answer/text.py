"""Sentence splitting and number/year extraction on clause text.

Every sentence keeps its offsets into the clause, so a quote is always a verbatim slice of it.
Matching (of years, numbers, terms) is done on squashed text: the plans break lines mid-sentence and
some write "2025 年" with spaces.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from ingest.clean import CLOSERS
from ingest.text import squash
from ingest.vocabulary import NUMBER, years_in

# Where a sentence ends. Narrower than ingest.clean.SENTENCE_END (where a line may end): a quote is
# never cut after ： or …, the text after them belongs to the same sentence.
SENTENCE_END = "。！？；!?;"
OPENERS = "“‘「『（(《"  # the openers of ingest.clean.CLOSERS: no sentence ends inside a pair
MARKER = re.compile(r"\[(\d{1,3})\]")
LEADING_MARKERS = re.compile(r"(?:\s*\[\d{1,3}\])*\s*")  # at a sentence start, they close the one before


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


def first_sentence(text: str) -> str:
    """The text's first sentence; "" if it has none (an empty table row, a bullet with no words)."""
    sentences = split_sentences(text)
    return sentences[0].text if sentences else ""


def sentence_pieces(text: str) -> list[str]:
    """The text cut before each sentence, markers written after a full stop ("……。[1]") kept with
    the sentence they follow. The pieces join back to the text exactly."""
    cuts = [0] + [LEADING_MARKERS.match(text, s.start).end() for s in split_sentences(text)[1:]] + [len(text)]
    return [text[start:end] for start, end in zip(cuts, cuts[1:]) if end > start]


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped or all(c in SENTENCE_END or c in CLOSERS or c == "*" for c in stripped):
        return
    left = start + (len(piece) - len(piece.lstrip()))
    sentences.append(Sentence(stripped, left, left + len(stripped)))


def numbers_in(text: str) -> list[str]:
    """Arabic numbers in text, markers [n] excluded, thousands separators dropped: "1,200" -> "1200"."""
    flat = MARKER.sub("", squash(text))
    flat = re.sub(r"(?<=\d)[,，](?=\d{3}(?!\d))", "", flat)
    return NUMBER.findall(flat)


def strip_end(sentence: str) -> str:
    """A quoted sentence without its final ；，。 so the answer can close it with its own 。."""
    return sentence.rstrip("；;，,。 \u3000")


@lru_cache(maxsize=8192)
def clause_years(text: str) -> frozenset[int]:
    """Every year a clause's text mentions. Cached: the same clauses come back question after question."""
    return frozenset(years_in(squash(text)))
