"""Questions about a plan's notice (印发通知) rather than its content: its document number (文号), the date
it was issued and who issued it, each quoted from the notice at the head of the plan's preamble."""
from __future__ import annotations

from dataclasses import dataclass

from carbonqa.answer.compose import CitationBook
from carbonqa.ingest.metadata import doc_number, notice_date, signer_above
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.vocabulary import NOTICE_LABELS


@dataclass
class Notice:
    chunk: Chunk
    lines: dict[str, str]  # number / date / issuer -> the notice's line stating it, verbatim


def read_notice(chunks: list[Chunk]) -> Notice | None:
    """The notice among a plan's chunks: the first preamble chunk with a date line or a document number
    (the clause tree ends the notice's chunk at its date line)."""
    for chunk in chunks:
        if chunk.kind != ChunkKind.preamble:
            continue
        lines = [line.strip() for line in chunk.text.splitlines()]
        signed = notice_date(lines)
        found = {"number": doc_number(lines)}
        if signed:
            found |= {"date": lines[signed[0]], "issuer": signer_above(lines, signed[0])}
        found = {part: line for part, line in found.items() if line}
        if found:
            return Notice(chunk, found)
    return None


def notice_line(book: CitationBook, title: str, notice: Notice | None, asked: list[str]) -> tuple[str, list[str]]:
    """One plan's line: each asked part quoted and cited, or said to be missing; and the missing parts' labels."""
    if notice is None:
        return f"《{title}》未附印发通知，未载明其{'、'.join(NOTICE_LABELS[part] for part in asked)}。", \
            [NOTICE_LABELS[part] for part in asked]
    stated = [part for part in asked if part in notice.lines]
    missing = [NOTICE_LABELS[part] for part in asked if part not in notice.lines]
    parts = [f"{NOTICE_LABELS[part]}为{notice.lines[part]}[{book.cite(notice.chunk, notice.lines[part])}]"
             for part in stated]
    text = f"据《{title}》的印发通知，{'，'.join(parts)}。" if parts else ""
    if missing:
        text += f"《{title}》的印发通知未载明{'、'.join(missing)}。"
    return text, missing
