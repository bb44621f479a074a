"""Questions about a plan's notice (印发通知) rather than its content: its document number (文号), the date
it was issued, who issued it, to whom it went (and was copied), whom to call and where problems are reported,
each quoted from the notice at the head of the plan's preamble; asked which plan came out first, the dates are
compared."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from carbonqa.answer.compose import CitationBook
from carbonqa.answer.kinds.base import Asked, Reply
from carbonqa.ingest.metadata import doc_number, notice_date, signer_above
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.vocabulary import ISSUE_ORDER, NOTICE_LABELS

# The notice's addressees: a line ending in a colon (各区政府（管委会），市政府各部门、各直属机构：).
RECIPIENTS_LINE = re.compile(r"[^：:]{2,80}[：:]")
# Where problems are reported: 实施过程中遇到的问题，请径向市发展改革局反映。
CONTACT = re.compile(r"[^。\n]*(?:遇到|有关)[^。\n]*问题[^。\n]*反映。?")
# A notice's closing lines: 抄送：市委各部委……; （联系人：张三，联系电话：1234567）.
COPIED = re.compile(r"抄送[：:][^\n]+")
PHONE = re.compile(r"[（(]?联系(?:人|电话)[：:][^\n]+")
# The notice's parts found anywhere in its text, each by its pattern (not by its place, as its date is).
LINES_FOUND = {"contact": CONTACT, "copied": COPIED, "phone": PHONE}


class NoticeAnswer:
    """The parts of the notice asked (NOTICE_LABELS), for each plan asked about (every plan when the question
    names none), quoted from the plans' notices; what a notice does not state is said to be unstated. Asked
    which plan came out first, the answer opens with the dates in order."""

    def applies(self, asked: Asked) -> bool:
        return bool(asked.frame.notice)

    def answer(self, asked: Asked) -> Reply:
        frame, corpus = asked.frame, asked.evidence.corpus
        plans = corpus.plans
        asked = frame.regions.regions or plans.regions
        regions = [region for region in corpus.regions.answer_order if region in asked]
        doc_ids = frame.regions.documents or plans.documents(regions)
        book = CitationBook()
        notices = [(read_notice([chunk for chunk in corpus.tree if chunk.doc_id == doc_id]), plans.by_id[doc_id].title)
                   for doc_id in doc_ids]
        dated = [(notice, title) for notice, title in notices if notice and notice.issued]
        lines, unstated = [], []
        if ISSUE_ORDER.search(frame.text) and len(dated) >= 2:
            lines.append(issue_order(book, dated))  # the conclusion first
        for notice, title in notices:
            line, missing = notice_line(book, title, notice, frame.notice)
            lines.append(line)
            unstated += [label for label in missing if label not in unstated]
        if not book.citations:
            return Reply("\n".join(lines), book, "no_supporting_clause")
        return Reply("\n".join(lines), book, unstated=unstated)


@dataclass
class Notice:
    chunk: Chunk
    lines: dict[str, str]  # a part of NOTICE_LABELS -> the notice's text stating it, verbatim
    issued: date | None = None


def issue_order(book: CitationBook, dated: list[tuple[Notice, str]]) -> str:
    """The conclusion first: which plan was issued first, each date cited from its notice."""
    def when(notice: Notice, title: str) -> str:
        day = notice.issued
        return f"《{title}》（{day.year}年{day.month}月{day.day}日[{book.cite(notice.chunk, notice.lines['date'])}]）"
    first, *rest = sorted(dated, key=lambda pair: pair[0].issued)
    if len(rest) == 1:
        return f"{when(*first)}印发较早，{when(*rest[0])}较晚。"
    return f"{when(*first)}印发最早，其后依次为{'、'.join(when(*pair) for pair in rest)}。"


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
            recipients = next((line for line in lines if RECIPIENTS_LINE.fullmatch(line)), None)
            if recipients:
                found["recipients"] = recipients
            matches = {part: pattern.search(chunk.text) for part, pattern in LINES_FOUND.items()}
            found |= {part: match.group(0).strip() for part, match in matches.items() if match}
            return Notice(chunk, found, signed[1] if signed else None)
    return None


def notice_line(book: CitationBook, title: str, notice: Notice | None, asked: list[str]) -> tuple[str, list[str]]:
    """One plan's line: each asked part quoted and cited, or said to be missing; and the missing parts' labels."""
    if notice is None:
        return f"《{title}》未附印发通知，未载明其{'、'.join(NOTICE_LABELS[part] for part in asked)}。", \
            [NOTICE_LABELS[part] for part in asked]
    stated = [part for part in asked if part in notice.lines]
    missing = [NOTICE_LABELS[part] for part in asked if part not in notice.lines]
    # "请径向市发展改革局反映。" closes its own sentence: the line's full stop is the answer's.
    parts = [f"{NOTICE_LABELS[part]}为{notice.lines[part].rstrip('。')}[{book.cite(notice.chunk, notice.lines[part])}]"
             for part in stated]
    text = f"据《{title}》的印发通知，{'，'.join(parts)}。" if parts else ""
    if missing:
        text += f"《{title}》的印发通知未载明{'、'.join(missing)}。"
    return text, missing
