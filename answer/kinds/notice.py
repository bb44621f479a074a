"""Questions about a plan's notice (印发通知) rather than its content: its document number (文号), the date
it was issued and who issued it, each quoted from the notice at the head of the plan's preamble."""
from __future__ import annotations

from dataclasses import dataclass

from carbonqa.answer.compose import CitationBook
from carbonqa.answer.kinds.base import Asked, Reply
from carbonqa.ingest.metadata import doc_number, notice_date, signer_above
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.vocabulary import NOTICE_LABELS


class NoticeAnswer:
    """The 文号, 印发日期 or 印发机关 asked, for each plan asked about (every plan when the question names
    none), quoted from the plans' notices; what a notice does not state is said to be unstated."""

    def applies(self, asked: Asked) -> bool:
        return bool(asked.frame.notice)

    def answer(self, asked: Asked) -> Reply:
        frame, corpus = asked.frame, asked.evidence.corpus
        plans = corpus.plans
        asked = frame.regions.regions or plans.regions
        regions = [region for region in corpus.regions.answer_order if region in asked]
        doc_ids = frame.regions.documents or [plan.doc_id for region in regions for plan in plans.of_region(region)]
        book = CitationBook()
        lines, unstated = [], []
        for doc_id in doc_ids:
            chunks = [chunk for chunk in corpus.tree if chunk.doc_id == doc_id]
            line, missing = notice_line(book, plans.by_id[doc_id].title, read_notice(chunks), frame.notice)
            lines.append(line)
            unstated += [label for label in missing if label not in unstated]
        if not book.citations:
            return Reply("\n".join(lines), book, "no_supporting_clause")
        return Reply("\n".join(lines), book, unstated=unstated)


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
