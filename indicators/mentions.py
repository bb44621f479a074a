"""Where a plan names an indicator without setting a figure for it: "森林覆盖率和森林蓄积量完成省下达指标",
"到2030年，非化石能源消费比重进一步提升". A plan that says so states the target in words; one that never
names the indicator does not state it at all, and an answer must tell the two apart.
"""
from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field

from carbonqa.indicators.extract import comma_pieces, target_years
from carbonqa.indicators.matching import MIN_CORE_CHARS, MIN_SLIP_CHARS, in_order, name_forms, unified
from carbonqa.indicators.names import opening_term, written_out
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.sentences import split_sentences
from carbonqa.ingest.text import squash
from carbonqa.ingest.vocabulary import COORDINATORS


def modifier_split(name: str) -> tuple[str, str] | None:
    """公共机构人均综合能源消耗 -> (公共机构, 人均综合能源消耗): the domain term opening a name, which a plan may
    say once for a list ("公共机构单位建筑面积能耗和人均综合能耗"), and the rest of the name."""
    head = opening_term(name, MIN_CORE_CHARS)
    return (head, name[len(head):]) if head else None


def _listed_after(rest: str, text: str) -> bool:
    """"…单位建筑面积能耗和人均综合能耗": the rest of a name is listed, after 和/、/及, behind its domain term."""
    return any(joiner + rest in text for joiner in COORDINATORS)


def nearly_in(name: str, text: str) -> bool:
    """A long name the text writes with one character more ("LED等高效能节能灯具" for LED等高效节能灯具): its
    characters in order within a stretch one longer than the name."""
    if len(name) < MIN_SLIP_CHARS:
        return False
    starts = (i for i, ch in enumerate(text) if ch == name[0])
    return any(in_order(name, text[i:i + len(name) + 1]) for i in starts)


class Mention(BaseModel):
    """A plan's words naming an indicator, quoted verbatim from one clause."""

    region: str
    clause_id: str
    quote: str = Field(description="the comma-piece naming the indicator, verbatim from the clause")
    sentence: str = Field(description="the sentence holding it")
    years: list[int] = Field(default_factory=list, description="target years its sentence states")


class _Piece(BaseModel):
    chunk_id: str
    quote: str
    sentence: str
    years: list[int]
    matching: str  # the piece as names are matched: abbreviations written out, wordings unified


class MentionFinder:
    """Every comma-piece of every plan, read once; `run` finds the first that names an indicator."""

    def __init__(self, chunks: Iterable[Chunk]):
        # Clauses before the task-table rows that repeat them, each plan in document order.
        ordered = sorted(chunks, key=lambda c: (c.kind in (ChunkKind.table, ChunkKind.table_row), c.start))
        self.pieces: dict[str, list[_Piece]] = {}
        for chunk in ordered:
            for sentence in split_sentences(chunk.text):
                years: list[int] = []
                for start, end in comma_pieces(sentence.text):
                    quote = sentence.text[start:end].strip()
                    years = target_years(quote) or years
                    self.pieces.setdefault(chunk.region, []).append(_Piece(
                        chunk_id=chunk.id, quote=quote, sentence=sentence.text, years=list(years),
                        matching=unified(written_out(squash(quote)))))

    def run(self, region: str, names: list[str], year: int | None = None) -> Mention | None:
        """The first piece of the region's plans naming one of `names` (or the name without its measure
        word), in a sentence about `year` if one is given; None if the plans never name it there."""
        wanted = [form for name in names for form in name_forms(unified(name))]
        shared = [split for name in names if (split := modifier_split(unified(name)))]
        for piece in self.pieces.get(region, []):
            text = piece.matching
            if (year is None or year in piece.years) and (
                    any(form in text or nearly_in(form, text) for form in wanted)
                    or any(head in text and _listed_after(rest, text.split(head, 1)[1]) for head, rest in shared)):
                return Mention(region=region, clause_id=piece.chunk_id, quote=piece.quote, sentence=piece.sentence,
                               years=piece.years)
        return None
