"""Read-only views of the parsed plans for /documents and /chunks: summaries, outlines, neighbours."""
from __future__ import annotations

from collections import Counter, defaultdict

from ingest.models import Chunk, ParsedPlan
from api.schemas import ChunkContext, OutlineNode, PlanOutline, PlanSummary

LABEL_CHARS = 40  # unheaded items and table rows are labelled by the start of their text


def summarise(plan: ParsedPlan) -> PlanSummary:
    meta = plan.meta
    return PlanSummary(
        doc_id=meta.doc_id,
        title=meta.title,
        region=meta.region,
        level=meta.level,
        issuer=meta.issuer,
        doc_number=meta.doc_number,
        issue_date=meta.issue_date,
        source_file=meta.source_file,
        chunk_count=len(plan.chunks),
        counts_by_kind=dict(Counter(chunk.kind for chunk in plan.chunks)),
    )


def label(chunk: Chunk) -> str:
    if chunk.heading:
        return chunk.heading
    text = " ".join(chunk.text.split())
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS] + "…"


class CorpusView:
    """The clause trees of all plans, indexed once for lookups by id."""

    def __init__(self, plans: list[ParsedPlan]):
        self.summaries = {plan.meta.doc_id: summarise(plan) for plan in plans}
        self.chunks: dict[str, Chunk] = {}
        # Children of each node in document order; top-level chunks are keyed by (doc_id, None).
        self.children: dict[tuple[str, str | None], list[Chunk]] = defaultdict(list)
        for plan in plans:
            for chunk in sorted(plan.chunks, key=lambda c: c.start):
                self.chunks[chunk.id] = chunk
                self.children[(chunk.doc_id, chunk.parent_id)].append(chunk)

    def documents(self) -> list[PlanSummary]:
        return list(self.summaries.values())

    def outline(self, doc_id: str) -> PlanOutline | None:
        if doc_id not in self.summaries:
            return None
        return PlanOutline(plan=self.summaries[doc_id], outline=self._subtree(doc_id, None))

    def context(self, chunk_id: str) -> ChunkContext | None:
        chunk = self.chunks.get(chunk_id)
        if chunk is None:
            return None
        siblings = self.children[(chunk.doc_id, chunk.parent_id)]
        position = next(i for i, sibling in enumerate(siblings) if sibling.id == chunk.id)
        return ChunkContext(
            chunk=chunk,
            plan=self.summaries[chunk.doc_id],
            ancestors=[self._node(a) for a in self._ancestors(chunk)],
            parent=self.chunks.get(chunk.parent_id) if chunk.parent_id else None,
            previous=siblings[position - 1] if position > 0 else None,
            next=siblings[position + 1] if position + 1 < len(siblings) else None,
            children=self.children.get((chunk.doc_id, chunk.id), []),
        )

    def _ancestors(self, chunk: Chunk) -> list[Chunk]:
        chain: list[Chunk] = []
        parent_id = chunk.parent_id
        while parent_id and parent_id in self.chunks:
            chain.append(self.chunks[parent_id])
            parent_id = self.chunks[parent_id].parent_id
        return chain[::-1]

    def _node(self, chunk: Chunk) -> OutlineNode:
        return OutlineNode(id=chunk.id, kind=chunk.kind, number=chunk.number, label=label(chunk))

    def _subtree(self, doc_id: str, parent_id: str | None) -> list[OutlineNode]:
        return [
            self._node(child).model_copy(update={"children": self._subtree(doc_id, child.id)})
            for child in self.children.get((doc_id, parent_id), [])
        ]
