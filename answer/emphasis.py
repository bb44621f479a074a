"""The figure a reply answers with, marked in its quotes so a reader finds it at a glance.

For a figure question, each answering quote's figures of the asked kind (value, unit and a trailing
以上/左右, as written) are listed in its citation's `emphasis`; where the quote sets figures for
several years, only those in the part about the asked year, and of those the parts naming most of
the question's words ("非化石能源消费比重提升至16%", not the "能耗……下降15%" beside it). The chat and the
export show them bold.
"""
from __future__ import annotations

import re

from carbonqa.answer.models import Citation
from carbonqa.ingest.text import squash
from carbonqa.ingest.vocabulary import BASE_YEAR, UNIT_FAMILIES, YEAR, term_forms, unit_family
from carbonqa.retriever.models import QuestionFrame

_UNITS = sorted({unit for units in UNIT_FAMILIES.values() for unit in units}, key=len, reverse=True)
# A number (or a range), a magnitude, a unit and its qualifier; the plans sometimes put spaces between.
STATED_FIGURE = re.compile(r"\d+(?:\.\d+)?(?:\s*[-—~～至]\s*\d+(?:\.\d+)?)?\s*(?:万|亿)?\s*(" +
                           "|".join(map(re.escape, _UNITS)) + r")(?:\s*(?:以上|以下|以内|左右))?")
PIECE_END = re.compile(r"[，,；;。：:！？!?\n]")


def year_scopes(quote: str) -> list[tuple[int, int, int | None]]:
    """(start, end, year) per comma-piece: the target year the piece is about, carried on from the
    last piece naming one ("到2025年，……；到2030年，……"); a base year (比2020年) is no target."""
    scopes: list[tuple[int, int, int | None]] = []
    year = None
    start = 0
    for end in [m.end() for m in PIECE_END.finditer(quote)] + [len(quote)]:
        piece = quote[start:end]
        base = {m.start(1) for m in BASE_YEAR.finditer(piece)}
        targets = [int(m.group(1)) for m in YEAR.finditer(piece) if m.start(1) not in base]
        year = targets[0] if targets else year
        if end > start:
            scopes.append((start, end, year))
        start = end
    return scopes


def asked_figures(quote: str, frame: QuestionFrame) -> list[str]:
    """The figures of the asked unit family (any unit if the question names none) the quote states,
    about the asked year when it names one; empty unless the question asks for a figure."""
    if not frame.wants_figure:
        return []
    scopes = year_scopes(quote)
    asked = frame.target_years
    if asked and not any(year in asked for _, _, year in scopes):
        asked = set()  # the quote's own years are other ones or none: its figures are what it says
    pieces = []  # (question words named, figures) of each piece in the asked year
    for start, end, year in scopes:
        if asked and year not in asked:
            continue
        figures = [m.group(0) for m in STATED_FIGURE.finditer(quote, start, end)
                   if frame.unit_family is None or unit_family(m.group(1)) == frame.unit_family]
        if figures:
            flat = squash(quote[start:end])
            pieces.append((sum(any(f in flat for f in term_forms(t)) for t in frame.terms), figures))
    most = max((named for named, _ in pieces), default=0)
    return [figure for named, figures in pieces if named == most for figure in figures]


def with_emphasis(citations: list[Citation], frame: QuestionFrame) -> list[Citation]:
    """The citations with the asked figures of their quotes; related text (not the answer) gets none."""
    return [c if c.related else c.model_copy(update={"emphasis": asked_figures(c.quote, frame)})
            for c in citations]
