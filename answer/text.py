"""Answer text: its pieces and markers, and numbers in clause text (sentences: ingest/sentences.py).

Matching (of years, numbers, terms) is done on squashed text: the plans break lines mid-sentence and
some write "2025 年" with spaces.
"""
from __future__ import annotations

import re
from functools import lru_cache

from carbonqa.ingest.sentences import split_sentences
from carbonqa.ingest.text import squash
from carbonqa.ingest.time_expressions import years_in
from carbonqa.ingest.vocabulary import NUMBER

MARKER = re.compile(r"\[(\d{1,3})\]")
LEADING_MARKERS = re.compile(r"(?:\s*\[\d{1,3}\])*\s*")  # at a sentence start, they close the one before


def first_sentence(text: str) -> str:
    """The text's first sentence; "" if it has none (an empty table row, a bullet with no words)."""
    sentences = split_sentences(text)
    return sentences[0].text if sentences else ""


def sentence_pieces(text: str) -> list[str]:
    """The text cut before each sentence, markers written after a full stop ("……。[1]") kept with
    the sentence they follow. The pieces join back to the text exactly."""
    cuts = [0] + [LEADING_MARKERS.match(text, s.start).end() for s in split_sentences(text)[1:]] + [len(text)]
    return [text[start:end] for start, end in zip(cuts, cuts[1:]) if end > start]


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


def character_pairs(text: str) -> set[str]:
    """The text's pairs of adjacent characters: how much two Chinese texts share, without a segmenter."""
    return {text[i:i + 2] for i in range(len(text) - 1)}


def longest_only(terms: list[str]) -> list[str]:
    """The terms not inside a longer one of them (jieba gives 自行, 行车 and 自行车 for one word)."""
    return [term for term in terms if not any(term != other and term in other for other in terms)]
