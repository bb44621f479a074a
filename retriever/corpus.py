"""The Corpus: the plans' chunks and everything built from them once, shared by the retriever and the
answerer (neither reaches into the other for it)."""
from __future__ import annotations

from dataclasses import dataclass

from carbonqa.index.chunk_store import ChunkStore
from carbonqa.index.sentence_vectors import SentenceVectors
from carbonqa.index.tokenizer import Tokenizer
from carbonqa.indicators.models import Indicator
from carbonqa.ingest.models import Chunk
from carbonqa.ingest.text import squash
from carbonqa.ingest.tree import ClauseTree
from carbonqa.retriever.divisions import Divisions
from carbonqa.retriever.plans import PlanCatalog
from carbonqa.retriever.regions import RegionCatalog


@dataclass(frozen=True)
class Corpus:
    chunks: list[Chunk]  # in the index's row order
    tree: ClauseTree  # who is whose parent, child or sibling
    regions: RegionCatalog  # the plan regions and the names a question may use for them
    plans: PlanCatalog  # each plan, with what tells it from its region's other plans
    indicators: list[Indicator]  # the plans' quantitative targets
    tokenizer: Tokenizer  # the index's tokenizer: its domain dictionary and word segmentation
    sentences: SentenceVectors | None = None  # content sentences' vectors (no semantic evidence without)

    @classmethod
    def build(cls, chunks: list[Chunk], tokenizer: Tokenizer, indicators: list[Indicator] | None = None,
              sentences: SentenceVectors | None = None) -> Corpus:
        regions = list(dict.fromkeys(chunk.region for chunk in chunks))  # corpus order
        catalog = RegionCatalog(
            regions, levels={chunk.region: chunk.level for chunk in chunks},
            plan_texts={r: "".join(squash(c.text) for c in chunks if c.region == r) for r in regions},
            divisions=Divisions.packaged())
        return cls(chunks, ClauseTree(chunks), catalog, PlanCatalog.from_chunks(chunks), list(indicators or []),
                   tokenizer, sentences)

    @classmethod
    def of_index(cls, index: ChunkStore) -> Corpus:
        """The corpus an index holds: its chunks, tokenizer, indicators and sentence vectors."""
        return cls.build(index.chunks, index.tokenizer, index.indicators, index.sentences)
