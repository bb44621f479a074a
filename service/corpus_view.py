"""Read-only views of the parsed plans for /documents and /chunks: summaries, outlines, neighbours."""
from __future__ import annotations

from collections import Counter

from carbonqa.ingest.models import Chunk, ParsedPlan
from carbonqa.ingest.tree import ClauseTree
from carbonqa.service.models import ChunkContext, OutlineNode, PlanOutline, PlanSummary

LABEL_CHARS = 40  # unheaded items and table rows are labelled by the start of their text


def summarise(plan: ParsedPlan, added: bool = False) -> PlanSummary:
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
        added=added,
    )


def label(chunk: Chunk) -> str:
    if chunk.heading:
        return chunk.heading
    text = " ".join(chunk.text.split())
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS] + "…"


class CorpusView:
    """The plans' summaries, and their clause tree (the runtime's one ClauseTree) as API views."""

    def __init__(self, plans: list[ParsedPlan], tree: ClauseTree, added: set[str] = frozenset()):
        """`added`: ids of the plans users added (the others were shipped)."""
        self.summaries = {plan.meta.doc_id: summarise(plan, plan.meta.doc_id in added) for plan in plans}
        self.tree = tree

    def documents(self) -> list[PlanSummary]:
        return list(self.summaries.values())

    def outline(self, doc_id: str) -> PlanOutline | None:
        if doc_id not in self.summaries:
            return None
        return PlanOutline(plan=self.summaries[doc_id], outline=self._subtree(self.tree.roots(doc_id)))

    def chunks_of(self, doc_id: str) -> list[Chunk] | None:
        """The plan's chunks in document order (its full text, clause by clause)."""
        if doc_id not in self.summaries:
            return None
        return sorted((c for c in self.tree if c.doc_id == doc_id), key=lambda c: c.start)

    def context(self, chunk_id: str) -> ChunkContext | None:
        chunk = self.tree.get(chunk_id)
        if chunk is None or chunk.doc_id not in self.summaries:
            return None
        return ChunkContext(
            chunk=chunk,
            plan=self.summaries[chunk.doc_id],
            ancestors=[self._node(a) for a in self.tree.ancestors(chunk.id)],
            parent=self.tree.parent(chunk.id),
            previous=self.tree.previous(chunk.id),
            next=self.tree.next(chunk.id),
            children=self.tree.children(chunk.id),
        )

    def _node(self, chunk: Chunk) -> OutlineNode:
        return OutlineNode(id=chunk.id, kind=chunk.kind, number=chunk.number, label=label(chunk))

    def _subtree(self, chunks: list[Chunk]) -> list[OutlineNode]:
        return [self._node(c).model_copy(update={"children": self._subtree(self.tree.children(c.id))}) for c in chunks]
