"""Where a plan names an indicator without setting a figure for it: "森林覆盖率和森林蓄积量完成省下达指标",
"到2030年，非化石能源消费比重进一步提升". A plan that says so states the target in words; one that never
names the indicator does not state it at all, and an answer must tell the two apart.
"""
from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field

from carbonqa.indicators.extract import comma_pieces, target_years
from carbonqa.indicators.matching import name_forms, unified
from carbonqa.indicators.names import written_out
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.sentences import split_sentences
from carbonqa.ingest.text import squash


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
        for piece in self.pieces.get(region, []):
            if (year is None or year in piece.years) and any(w in piece.matching for w in wanted):
                return Mention(region=region, clause_id=piece.chunk_id, quote=piece.quote, sentence=piece.sentence,
                               years=piece.years)
        return None
