"""Which parts of a plan a row of its task-division table speaks for, so that asked who is responsible for
a part named by its heading ("绿色经贸合作行动的责任单位有哪些"), a row of another part does not answer: the
table may have no row for the part asked."""
from __future__ import annotations

from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.text import squash
from carbonqa.ingest.tree import ClauseTree

MIN_HEADING_CHARS = 4  # shorter headings (目标, 总体要求) name no part a question would ask who is responsible for


class TaskParts:
    def __init__(self, tree: ClauseTree):
        self.headings = {squash(c.heading) for c in tree.chunks
                         if c.kind != ChunkKind.table_row and len(squash(c.heading)) >= MIN_HEADING_CHARS}
        chains = {c.id: {squash(a.heading) for a in [*tree.ancestors(c.id), c] if a.heading}
                  for c in tree.chunks if c.kind != ChunkKind.table_row}
        # Each row's parts: its task (the row's heading), every heading above or below the task's section in
        # the plan (重点任务 above 节能降碳增效行动, 加强重点用能单位节能降碳 below it), and those above the row.
        self.parts: dict[str, set[str]] = {}
        for row in (c for c in tree.chunks if c.kind == ChunkKind.table_row):
            task = squash(row.heading)
            self.parts[row.id] = {task, *(squash(a.heading) for a in tree.ancestors(row.id) if a.heading)}.union(
                *(chain for chunk_id, chain in chains.items() if task in chain and tree[chunk_id].doc_id == row.doc_id))

    def named(self, question: str) -> set[str]:
        """The parts the question names by their headings."""
        text = squash(question)
        return {heading for heading in self.headings if heading in text}

    def other(self, named: set[str], chunk: Chunk) -> bool:
        """Is the chunk a task-table row of none of the named parts?"""
        return bool(named) and chunk.id in self.parts and not named & self.parts[chunk.id]
