"""Turning selected sentences into answer text with [n] markers and their citations.

Every quote is a verbatim slice of its clause; the answer shows it on one line, with its
final ；/， closed by 。, so a citation is true by construction.
"""
from __future__ import annotations

import re

from answer.evidence import Candidate
from answer.models import Citation
from answer.text import first_sentence, strip_end
from ingest.models import Chunk

SILENT = "方案未提及相关内容。"


class CitationBook:
    """Hands out markers: one per distinct (clause, quote), numbered in order of first use."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []

    def cite(self, chunk: Chunk, quote: str, related: bool = False, clause_text: str | None = None) -> int:
        """The marker for this quote of this chunk; clause_text overrides the chunk's own text (a
        section cited as a whole, with its sub-clauses)."""
        for citation in self.citations:
            if citation.chunk_id == chunk.id and citation.quote == quote and citation.related == related:
                return citation.marker
        marker = len(self.citations) + 1
        self.citations.append(Citation(
            marker=marker, chunk_id=chunk.id, plan_title=chunk.title, region=chunk.region,
            path=chunk.path, quote=quote, clause_text=clause_text or chunk.text, related=related,
        ))
        return marker


def display(quote: str) -> str:
    """The quote as shown in the answer: on one line, closed with a sentence end."""
    text = strip_end(re.sub(r"\s*\n\s*", " ", quote))
    return text if text.endswith(("。", "！", "？", "”", "」")) else text + "。"


def quote_runs(picked: list[Candidate]) -> list[tuple[Chunk, str]]:
    """Group picked sentences by clause (best clause first); adjacent sentences of a clause join into
    one quote, a verbatim slice of the clause from the first sentence's start to the last one's end."""
    order: list[str] = []
    by_chunk: dict[str, list[Candidate]] = {}
    for candidate in picked:
        if candidate.chunk.id not in by_chunk:
            order.append(candidate.chunk.id)
            by_chunk[candidate.chunk.id] = []
        by_chunk[candidate.chunk.id].append(candidate)
    runs: list[tuple[Chunk, str]] = []
    for chunk_id in order:
        group = sorted(by_chunk[chunk_id], key=lambda c: c.sentence.start)
        chunk = group[0].chunk
        start, end = group[0].sentence.start, group[0].sentence.end
        for candidate in group[1:]:
            gap = chunk.text[end:candidate.sentence.start]
            if gap.strip():  # not adjacent: close this run
                runs.append((chunk, chunk.text[start:end]))
                start = candidate.sentence.start
            end = candidate.sentence.end
        runs.append((chunk, chunk.text[start:end]))
    return runs


def cited_quotes(book: CitationBook, picked: list[Candidate], related: bool = False) -> str:
    """The picked sentences as answer text, each run followed by its marker."""
    return "".join(f"{display(quote)}[{book.cite(chunk, quote, related)}]" for chunk, quote in quote_runs(picked))


def attributed(book: CitationBook, picked: list[Candidate], related: bool = False) -> str:
    """"据《方案》，……[1]" per plan, plans in the order of their best sentence."""
    plans: list[str] = []
    for candidate in picked:
        if candidate.chunk.title not in plans:
            plans.append(candidate.chunk.title)
    parts = []
    for title in plans:
        mine = [c for c in picked if c.chunk.title == title]
        parts.append(f"据《{title}》，{cited_quotes(book, mine, related)}")
    return "\n".join(parts)


def structure_list(book: CitationBook, section: Chunk, items: list[str], whole_text: str) -> str:
    """The items of a part/section (its child headings), citing the section as a whole."""
    heading = first_sentence(section.text)  # its numbered heading line (Outline.sections have one)
    marker = book.cite(section, heading, clause_text=whole_text)
    return f"据《{section.title}》，“{strip_end(heading)}”包括以下{len(items)}项[{marker}]：{'；'.join(items)}。"


def comparison_line(book: CitationBook, region: str, picked: list[Candidate]) -> str:
    if not picked:
        return f"{region}：{SILENT}"
    return f"{region}：{cited_quotes(book, picked)}"
