"""Recognise the numbered headings of a plan: 一、 parts, （一） sections, 1. clauses, （1） items."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.models import ChunkKind

CN_DIGITS = {ch: value for value, ch in enumerate("〇一二三四五六七八九")}
MAX_TITLE_CHARS = 40  # a heading that runs into a long first sentence is cut here (with …)

# (kind, pattern, normalised label); half-width brackets and full-width dots occur in the corpus.
_PATTERNS = [
    (ChunkKind.part, re.compile(r"([一二三四五六七八九十]+)、\s*"), "{}、"),
    (ChunkKind.section, re.compile(r"[（(]([一二三四五六七八九十]+)[）)]\s*"), "（{}）"),
    (ChunkKind.clause, re.compile(r"(\d{1,3})[.．、](?!\d)\s*"), "{}."),
    (ChunkKind.item, re.compile(r"[（(](\d{1,3})[）)]\s*"), "（{}）"),
]
LEVELS = {kind: level for level, (kind, _, _) in enumerate(_PATTERNS, start=1)}


@dataclass(frozen=True)
class Heading:
    kind: ChunkKind
    level: int  # 1 part, 2 section, 3 clause, 4 item
    number: int
    label: str  # the number in one form for every plan: 二、 / （一） / 2. / （1）
    title: str  # the heading's words: up to the first 。 when the heading runs inline
    standalone: bool  # the line is only the heading (no sentence of body text follows it)

    @property
    def path_entry(self) -> str:
        return self.label + self.title


def match_heading(line: str) -> Heading | None:
    """The heading a cleaned line starts with, or None."""
    for kind, pattern, label in _PATTERNS:
        match = pattern.match(line)
        if not match:
            continue
        number = _to_int(match.group(1))
        if number is None:
            return None
        rest = line[match.end():]
        first_sentence, period, body = rest.partition("。")
        title = first_sentence.strip().rstrip("：:；;")
        if len(title) > MAX_TITLE_CHARS:
            title = title[:MAX_TITLE_CHARS] + "…"
        standalone = not body.strip() and "；" not in first_sentence
        return Heading(kind, LEVELS[kind], number, label.format(match.group(1)), title, standalone)
    return None


def _to_int(numeral: str) -> int | None:
    """'12' or a Chinese numeral up to 九十九 ('十二', '二十', '三十一') -> int; None if malformed."""
    if numeral.isdigit():
        return int(numeral)
    tens, ten, ones = numeral.partition("十")
    if not ten:
        return CN_DIGITS[numeral] if len(numeral) == 1 else None
    if any(part and (len(part) > 1 or part not in CN_DIGITS) for part in (tens, ones)):
        return None
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)
