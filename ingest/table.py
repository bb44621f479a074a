"""A task table (e.g. 珠海's 重点任务分工表): column labels, merged cells carried down, rows rendered with labels."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    title: str | None
    header: list[str]
    rows: list[list[str]]  # cells as written; "" is a cell merged with the one above it

    @property
    def lines(self) -> list[str]:
        """The table as lines of the cleaned document: title, header, then one line per row, cells tab-separated."""
        return ([self.title] if self.title else []) + ["\t".join(row) for row in (self.header, *self.rows)]

    @property
    def width(self) -> int:
        return max(len(row) for row in (self.header, *self.rows))

    def labels(self) -> list[str]:
        """One column name per column. A header merged across columns (Word writes it once) leaves
        fewer names than columns: the last name keeps the last column, the columns between take the
        name on their left (珠海: 序号 | 重点任务 | 重点任务 | 主要责任单位)."""
        names, width = self.header, self.width
        if len(names) >= width:
            return names[:width]
        if len(names) == 1:
            return names * width
        return names[:-1] + [names[-2]] * (width - len(names)) + [names[-1]]

    def filled_rows(self) -> list[list[str]]:
        """The rows with each merged (empty) cell taking the value of the cell above it."""
        filled: list[list[str]] = []
        for row in self.rows:
            above = filled[-1] if filled else []
            filled.append([cell or (above[col] if col < len(above) else "") for col, cell in enumerate(row)])
        return filled

    def render(self, values: list[str]) -> str:
        """A filled row as labelled lines; a column sharing its label with the previous one is not relabelled."""
        lines, previous = [], None
        for label, value in zip(self.labels(), values):
            if value:
                lines.append(value if label == previous else f"{label}：{value}")
                previous = label
        return "\n".join(lines)
