"""Cleaned document -> the plan's clause tree, one Chunk per node, spans tiling the cleaned text.

Chunk ids (after "<doc_id>/") come from the numbers written in the plan, so they are the same on
every run and do not depend on other plans:
  2 / 2.1 / 2.1.2 / 2.1.2.1   part 二 / its section （一） / clause "2." / item （1）; a level the plan
                              skips is 0 (a clause directly under a part: 2.0.3)
  0.1, 0.2                    preamble: text before the first heading, split after the notice's date line
  table, table.3              a table (caption + header row) and its 3rd data row; later tables table2, …
  p.1, p.2                    paragraphs of a file without numbered headings, or after a table
  2.1.cont2, 2.1.cont3        the rest of a body too long for one chunk (below)
A chunk spans its heading line and the body lines up to the next heading; its children are separate.
No chunk is longer than max_chunk_chars (ingest/limits.py): a body that would grow past it continues in
paragraph chunks of whole lines, children of the clause placed before its numbered children, so the
clause's whole_text is still its text in order (only a hostile or broken file has such a body: the
longest shipped clause has 770 characters).

`build_chunks` makes the chunks of one plan; `ClauseTree` navigates the chunks of all plans (built once
by the retriever and shared by every stage above it).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from carbonqa.ingest.clean import CleanDocument
from carbonqa.ingest.headings import match_heading
from carbonqa.ingest.limits import DEFAULT_LIMITS, IngestLimits
from carbonqa.ingest.metadata import DATE_LINE
from carbonqa.ingest.models import Chunk, ChunkKind, PlanMeta
from carbonqa.ingest.table import Table


@dataclass(frozen=True)
class _OpenHeading:
    level: int
    number: int
    chunk: Chunk


class _TreeBuilder:
    def __init__(self, doc: CleanDocument, meta: PlanMeta, max_chunk_chars: int):
        self.doc, self.meta, self.max_chunk_chars = doc, meta, max_chunk_chars
        self.pieces: dict[str, list[Chunk]] = {}  # chunk id -> the chunks continuing its body, in order
        self.chunks: list[Chunk] = []
        self.ids: set[str] = set()
        self.warnings: list[str] = []
        self.counts = {ChunkKind.preamble: 0, ChunkKind.paragraph: 0, ChunkKind.table: 0}

    def build(self) -> None:
        doc = self.doc
        table_lines = doc.table_line_indexes()
        has_headings = any(match_heading(doc.line(i)) for i in range(len(doc.lines)) if i not in table_lines)
        stack: list[_OpenHeading] = []
        body_of: Chunk | None = None  # the chunk that takes the following body lines
        before_first_heading = True
        index = 0
        while index < len(doc.lines):
            if index in doc.tables:
                stack, body_of = [], None  # a table is a top-level node: text after it is under no heading
                index = self.add_table(index, doc.tables[index])
                continue
            line = doc.line(index)
            heading = match_heading(line) if has_headings else None
            if heading:
                while stack and stack[-1].level >= heading.level:
                    stack.pop()
                before_first_heading = False
                numbers = {open_.level: open_.number for open_ in stack}
                local_id = ".".join([str(numbers.get(level, 0)) for level in range(1, heading.level)]
                                    + [str(heading.number)])
                parent = stack[-1].chunk if stack else None
                body_of = self.add(local_id, heading.kind, index, number=heading.label,
                                   heading=heading.title, path=(parent.path if parent else []) + [heading.path_entry],
                                   parent_id=parent.id if parent else None)
                stack.append(_OpenHeading(heading.level, heading.number, body_of))
            elif body_of is not None:
                self.add_body_line(body_of, index)
            elif has_headings and before_first_heading:
                body_of = self.add_numbered(ChunkKind.preamble, "0", index)
            else:
                self.add_numbered(ChunkKind.paragraph, "p", index)
            # The notice ends with its date line; the rest of the preamble is the plan's own opening.
            if body_of is not None and body_of.kind == ChunkKind.preamble and DATE_LINE.fullmatch(line):
                body_of = None
            index += 1
        if self.pieces:
            most = self.max_chunk_chars
            self.warnings.append(f"{len(self.pieces)} 条条款超过 {most:,} 字，正文分成多块 / {len(self.pieces)} "
                                 f"clause(s) over {most:,} characters: body continued in further chunks")
        if not has_headings:
            self.warnings.append(f"未找到编号标题，按段落切分为 {len(self.chunks)} 块 / no numbered headings "
                                 f"found: split into {len(self.chunks)} paragraph chunks")

    def add(self, local_id: str, kind: ChunkKind, line: int, text: str | None = None, **fields) -> Chunk:
        """A chunk starting at `line` (its span grows as body lines follow); ids are made unique."""
        chunk_id = f"{self.meta.doc_id}/{local_id}"
        if chunk_id in self.ids:
            suffix = 2
            while f"{chunk_id}-{suffix}" in self.ids:
                suffix += 1
            self.warnings.append(f"编号重复 / duplicate heading number: {chunk_id} -> {chunk_id}-{suffix}")
            chunk_id = f"{chunk_id}-{suffix}"
        start, end = self.doc.lines[line]
        meta = self.meta
        chunk = Chunk(id=chunk_id, doc_id=meta.doc_id, title=meta.title, region=meta.region, level=meta.level,
                      kind=kind, text=self.doc.text[start:end] if text is None else text, start=start, end=end,
                      **fields)
        self.ids.add(chunk_id)
        self.chunks.append(chunk)
        return chunk

    def extend(self, chunk: Chunk, line: int) -> None:
        """Grow a chunk's span (and text) to the end of `line`."""
        chunk.end = self.doc.lines[line][1]
        chunk.text = self.doc.text[chunk.start:chunk.end]

    def add_body_line(self, chunk: Chunk, line: int) -> None:
        """Add a body line to the chunk, or to the last chunk continuing its body; one that would grow
        past max_chunk_chars starts the next continuation instead (a line fits in an empty chunk: lines
        are at most max_paragraph_chars)."""
        pieces = self.pieces.get(chunk.id, [])
        last = pieces[-1] if pieces else chunk
        if self.doc.lines[line][1] - last.start <= self.max_chunk_chars:
            self.extend(last, line)
            return
        local_id = chunk.id.split("/", 1)[1]
        self.pieces[chunk.id] = pieces + [
            self.add(f"{local_id}.cont{len(pieces) + 2}", ChunkKind.paragraph, line, heading=chunk.heading,
                     path=chunk.path, parent_id=chunk.id)]

    def add_numbered(self, kind: ChunkKind, prefix: str, line: int) -> Chunk:
        self.counts[kind] += 1
        return self.add(f"{prefix}.{self.counts[kind]}", kind, line)

    def add_table(self, first: int, table: Table) -> int:
        """Chunks for a table: caption + header row, then one per data row; returns the next line index."""
        self.counts[ChunkKind.table] += 1
        count = self.counts[ChunkKind.table]
        caption = table.title or f"表{count}"
        header_line = first + (1 if table.title else 0)
        table_chunk = self.add("table" if count == 1 else f"table{count}", ChunkKind.table, first,
                               heading=caption, path=[caption])
        self.extend(table_chunk, header_line)
        local_id = table_chunk.id.split("/", 1)[1]
        for row_number, (row, values) in enumerate(zip(table.rows, table.filled_rows()), start=1):
            if len(row) < table.width:
                self.warnings.append(f"表格行不完整 / table row {row_number} has {len(row)} of {table.width} "
                                     f"cells (truncated): {table_chunk.id}")
            number = values[0] if values else ""
            # The row's span is its tab-separated line in the cleaned text; its text names the columns.
            self.add(f"{local_id}.{row_number}", ChunkKind.table_row, header_line + row_number,
                     text=table.render(values), number=number, heading=values[1] if len(values) > 1 else "",
                     path=[caption, f"{table.header[0]}：{number}"], parent_id=table_chunk.id)
        return header_line + len(table.rows) + 1


def build_chunks(doc: CleanDocument, meta: PlanMeta,
                 limits: IngestLimits = DEFAULT_LIMITS) -> tuple[list[Chunk], list[str]]:
    """The clause tree of a cleaned plan as chunks in document order, and any warnings."""
    builder = _TreeBuilder(doc, meta, limits.max_chunk_chars)
    builder.build()
    return builder.chunks, builder.warnings


class ClauseTree:
    """The clause tree of all plans, built once from their chunks: the one place that knows who is
    whose parent, child or sibling. Chunks keep the order given (the index's row order); children and
    siblings are in document order.

    tree["zhuhai-2023/2.1"] / tree.get(id)      the chunk (KeyError / None if unknown)
    tree.parent(id), tree.children(id)           one level up / down
    tree.roots(doc_id)                           a plan's top-level chunks
    tree.ancestors(id)                           root first, parent last
    tree.siblings(id), tree.position(id)         the parent's children (itself included), its 1-based place
    tree.previous(id), tree.next(id)             the neighbouring siblings
    tree.child_at(id, n)                         the n-th child (第N项; n = -1 is 最后一项)
    tree.descendants(id), tree.whole_text(id)    the subtree in document order, and its text joined
    """

    def __init__(self, chunks: Iterable[Chunk]):
        self.chunks: list[Chunk] = list(chunks)
        self._by_id = {chunk.id: chunk for chunk in self.chunks}
        self._children: dict[tuple[str, str | None], list[Chunk]] = defaultdict(list)
        for chunk in sorted(self.chunks, key=lambda c: c.start):  # stable: ties keep the given order
            self._children[(chunk.doc_id, chunk.parent_id)].append(chunk)
        self._position = {c.id: n for siblings in self._children.values() for n, c in enumerate(siblings, 1)}

    def __len__(self) -> int:
        return len(self.chunks)

    def __iter__(self) -> Iterator[Chunk]:
        return iter(self.chunks)

    def __contains__(self, chunk_id: object) -> bool:
        return chunk_id in self._by_id

    def __getitem__(self, chunk_id: str) -> Chunk:
        return self._by_id[chunk_id]

    def get(self, chunk_id: str | None) -> Chunk | None:
        return self._by_id.get(chunk_id) if chunk_id else None

    def parent(self, chunk_id: str) -> Chunk | None:
        return self.get(self[chunk_id].parent_id)

    def children(self, chunk_id: str) -> list[Chunk]:
        chunk = self.get(chunk_id)
        return self._children.get((chunk.doc_id, chunk.id), []) if chunk else []

    def roots(self, doc_id: str) -> list[Chunk]:
        return self._children.get((doc_id, None), [])

    def ancestors(self, chunk_id: str) -> list[Chunk]:
        chain: list[Chunk] = []
        parent = self.parent(chunk_id)
        while parent is not None:
            chain.append(parent)
            parent = self.get(parent.parent_id)
        return chain[::-1]

    def siblings(self, chunk_id: str) -> list[Chunk]:
        chunk = self[chunk_id]
        return self._children[(chunk.doc_id, chunk.parent_id)]

    def position(self, chunk_id: str) -> int:
        """1-based place among its siblings, in document order."""
        return self._position[chunk_id]

    def previous(self, chunk_id: str) -> Chunk | None:
        position = self.position(chunk_id)
        return self.siblings(chunk_id)[position - 2] if position > 1 else None

    def next(self, chunk_id: str) -> Chunk | None:
        siblings, position = self.siblings(chunk_id), self.position(chunk_id)
        return siblings[position] if position < len(siblings) else None

    def child_at(self, chunk_id: str, ordinal: int) -> Chunk | None:
        """The ordinal-th child (1-based; -1 the last), None if there is no such child."""
        children = self.children(chunk_id)
        index = ordinal - 1 if ordinal > 0 else ordinal
        return children[index] if ordinal and -len(children) <= index < len(children) else None

    def descendants(self, chunk_id: str) -> list[Chunk]:
        """Everything below the chunk, in document order."""
        return [d for child in self.children(chunk_id) for d in (child, *self.descendants(child.id))]

    def whole_text(self, chunk_id: str) -> str:
        """The container's full text: its own text then every descendant's, in document order."""
        return "\n".join(c.text for c in (self[chunk_id], *self.descendants(chunk_id)))
