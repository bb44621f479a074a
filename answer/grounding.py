"""LLM mode's guard rails: the numbered-clause prompt, and verification of the reply against it.

A reply sentence survives only if it carries a marker, every marker names a clause that was sent,
every number in it occurs in one of the clauses it cites, and its words come from them: most of its
character pairs (numbers and punctuation aside) occur in the cited clauses. A sentence without
numbers is checked as strictly as one with them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from carbonqa.answer.models import Citation
from carbonqa.answer.text import MARKER, character_pairs, numbers_in, sentence_pieces
from carbonqa.ingest.models import Chunk
from carbonqa.ingest.sentences import split_sentences

NOT_WORDS = re.compile(r"[^\u4e00-\u9fffA-Za-z]+")  # numbers, punctuation, spaces: left out of the overlap

SYSTEM_PROMPT = (
    "你是碳达峰实施方案问答助手。只能依据用户给出的编号条款回答，不得使用条款以外的知识。"
    "每句话末尾必须用方括号标注所依据条款的编号，例如“……比重达到16%[1]。”；只能引用给出的编号。"
    "数字、年份必须与条款原文完全一致。回答简洁，最多5句，中文作答。"
    "若条款不足以回答，请回答“方案未提及该内容”，并引用最接近的条款。"
)


@dataclass
class Clause:
    number: int
    chunk: Chunk
    text: str  # as sent to the model


@dataclass
class Verified:
    text: str  # the kept sentences, markers renumbered 1..k
    citations: list[Citation]
    removed: list[str] = field(default_factory=list)  # one reason per removed sentence


def numbered_clauses(chunks: list[Chunk], max_chars: int) -> list[Clause]:
    """The clauses numbered from 1, each cut at max_chars (policy.llm_clause_chars)."""
    return [Clause(n, chunk, chunk.text if len(chunk.text) <= max_chars else chunk.text[:max_chars] + "…")
            for n, chunk in enumerate(chunks, start=1)]


def build_messages(question: str, clauses: list[Clause]) -> list[dict[str, str]]:
    blocks = [f"[{c.number}]《{c.chunk.title}》{' > '.join(c.chunk.path)}\n{c.text}" for c in clauses]
    user = "条款：\n\n" + "\n\n".join(blocks) + f"\n\n问题：{question}"
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def reply_sentences(reply: str) -> list[str]:
    """Split a reply into sentences; markers written after the full stop ("……。[1]") stay with it."""
    pieces = (piece.strip() for piece in sentence_pieces(reply))
    return [s for s in pieces if MARKER.sub("", s).strip(" \u3000。，；：:、-*#")]


def verify(reply: str, clauses: list[Clause], min_support: float) -> Verified:
    """The reply's sentences that pass every check (`min_support`: policy.llm_min_support), renumbered."""
    by_number = {c.number: c for c in clauses}
    kept: list[tuple[str, list[int]]] = []
    removed: list[str] = []
    for sentence in reply_sentences(reply):
        markers = [int(m) for m in MARKER.findall(sentence)]
        if not markers:
            removed.append(f"no marker: {sentence[:30]}")
            continue
        if any(m not in by_number for m in markers):
            removed.append(f"unknown marker: {sentence[:30]}")
            continue
        cited_numbers = {n for m in markers for n in numbers_in(by_number[m].text)}
        missing = [n for n in numbers_in(sentence) if n not in cited_numbers]
        if missing:
            removed.append(f"number {missing[0]} not in cited clause: {sentence[:30]}")
            continue
        if support(sentence, [by_number[m].text for m in markers]) < min_support:
            removed.append(f"words not in cited clause: {sentence[:30]}")
            continue
        kept.append((sentence, markers))
    return _renumber(kept, by_number, removed)


def complete_part(reply: str) -> str:
    """The reply up to its last sentence that is surely complete: one followed by the words of the
    next (markers or closing quotes written after a full stop still belong to the sentence before)."""
    pieces = sentence_pieces(reply)
    for end in range(len(pieces) - 1, 0, -1):
        if _words(pieces[end]):
            return "".join(pieces[:end])
    return ""


def support(sentence: str, clause_texts: list[str]) -> float:
    """Share of the sentence's character pairs (words only) that occur in the cited clauses."""
    wanted = character_pairs(_words(sentence))
    have = set().union(*(character_pairs(_words(text)) for text in clause_texts))
    return len(wanted & have) / len(wanted) if wanted else 0.0


def _words(text: str) -> str:
    return NOT_WORDS.sub("", MARKER.sub("", text))


def _renumber(kept: list[tuple[str, list[int]]], by_number: dict[int, Clause], removed: list[str]) -> Verified:
    """Markers become 1..k in order of first use; each citation quotes the clause sentences that the
    reply's sentences draw on most."""
    new_marker: dict[int, int] = {}
    sources: dict[int, list[str]] = {}
    for sentence, markers in kept:
        for m in markers:
            new_marker.setdefault(m, len(new_marker) + 1)
            sources.setdefault(m, []).append(sentence)
    text = "".join(MARKER.sub(lambda match: f"[{new_marker[int(match.group(1))]}]", s) for s, _ in kept)
    citations = []
    for old, new in new_marker.items():
        chunk = by_number[old].chunk
        citations.append(Citation(marker=new, chunk_id=chunk.id, plan_title=chunk.title, region=chunk.region,
                                  path=chunk.path, quote=_closest_quote(chunk, sources[old]),
                                  clause_text=chunk.text))
    citations.sort(key=lambda c: c.marker)
    return Verified(text=text, citations=citations, removed=removed)


def _closest_quote(chunk: Chunk, reply_sentences_: list[str]) -> str:
    """The verbatim slice of the clause spanning its sentences closest to the reply's sentences."""
    sentences = split_sentences(chunk.text)
    if not sentences:
        return chunk.text
    picked = [max(sentences, key=lambda s: support(r, [s.text])) for r in reply_sentences_]
    start = min(s.start for s in picked)
    end = max(s.end for s in picked)
    return chunk.text[start:end]
