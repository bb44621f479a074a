"""Recognise the numbered headings of a plan: 一、 parts, （一） sections, 1. clauses, （1） items."""
from __future__ import annotations

import re
from dataclasses import dataclass

from carbonqa.ingest.models import ChunkKind
from carbonqa.ingest.vocabulary import HEADING_LABELS, chinese_number

MAX_TITLE_CHARS = 40  # a heading that runs into a long first sentence is cut here (with …)

# (kind, pattern, normalised label); the grammar of each label is in ingest/vocabulary.py.
_PATTERNS = [
    (ChunkKind.part, re.compile(HEADING_LABELS["part"]), "{}、"),
    (ChunkKind.section, re.compile(HEADING_LABELS["section"]), "（{}）"),
    (ChunkKind.clause, re.compile(HEADING_LABELS["clause"]), "{}."),
    (ChunkKind.item, re.compile(HEADING_LABELS["item"]), "（{}）"),
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
        number = chinese_number(match.group(1))
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

