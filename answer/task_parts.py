"""Which task a row of a plan's task-division table is for, so that asked who is responsible for a task named by
its heading ("绿色经贸合作行动的责任单位有哪些"), a row for another task does not answer: the table may have no row
for the task asked."""
from __future__ import annotations

from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.text import squash
from carbonqa.ingest.tree import ClauseTree


class TaskParts:
    def __init__(self, tree: ClauseTree):
        rows = [c for c in tree.chunks if c.kind == ChunkKind.table_row and c.heading]
        sections = [c for c in tree.chunks if c.kind != ChunkKind.table_row and c.heading]
        tasks = {(row.doc_id, squash(row.heading)) for row in rows}
        # A plan's tasks: the sections its table's rows are for, and their siblings (a task the table has no row
        # for); not the plan's other headings (主要目标, 落实主体责任), which a question may say in passing.
        parents = {c.parent_id for c in sections if c.parent_id and (c.doc_id, squash(c.heading)) in tasks}
        self.tasks: dict[str, set[str]] = {}
        for section in sections:
            if section.parent_id in parents:
                self.tasks.setdefault(section.doc_id, set()).add(squash(section.heading))

    def row_for_another_task(self, question: str, chunk: Chunk) -> bool:
        """Is the chunk a task-table row of its plan for another task than the ones the question names?"""
        if chunk.kind != ChunkKind.table_row:
            return False
        text = squash(question)
        named = {task for task in self.tasks.get(chunk.doc_id, ()) if task in text}
        return bool(named) and squash(chunk.heading) not in named
