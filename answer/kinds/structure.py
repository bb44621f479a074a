"""Questions enumerating a plan's parts ("保障措施包括哪些？", "几大行动？", "第三项行动是什么？"): the
best-matching section, then its items, each cited to its own clause (answer/outline.py). One item asked
by position comes with the items under it ("排第9的行动" and what it sets out); "第35条" of a plan that
numbers its clauses on through the parts is that clause."""
from __future__ import annotations

from carbonqa.answer.compose import CitationBook, numbered_clause_text, structure_list
from carbonqa.answer.kinds.base import Asked, Reply
from carbonqa.answer.kinds.refusal import refusal
from carbonqa.answer.outline import Outline, child_item
from carbonqa.answer.text import first_sentence, strip_end
from carbonqa.ingest.models import Chunk
from carbonqa.retriever.models import QuestionFrame


class Structure:
    """None when no section matches well enough: the question is then answered from sentences."""

    def applies(self, asked: Asked) -> bool:
        return asked.frame.wants_structure

    def answer(self, asked: Asked) -> Reply | None:
        evidence, frame = asked.evidence, asked.frame
        outline = evidence.outline
        section = outline.best_section(frame, asked.hits, evidence.sentences)
        numbered = frame.ordinal_measure == "条" and (frame.ordinal or 0) > 0
        clause = outline.numbered_clause(frame) if numbered else None
        if clause is not None and (section is None or not outline.names(frame, section, evidence.sentences)):
            return self._clause(outline, clause)
        if section is None:
            return None
        items = outline.list_items(section)
        picked = asked_items(frame)
        if picked is not None and not items[picked]:
            heading = strip_end(first_sentence(section.text))
            return refusal(evidence.policy, f"“{heading}”只有{len(items)}项。", "no_supporting_clause", [])
        count = outline.count_sentence(section, len(items)) if frame.wants_count else None
        one = items[picked][0].chunk if picked is not None and len(items[picked]) == 1 else None
        under = outline.list_items(one) if one is not None and one.id != section.id else []
        book = CitationBook()
        text = structure_list(book, section, items, outline.tree.whole_text(section.id), picked, count, under)
        return Reply(text, book)

    @staticmethod
    def _clause(outline: Outline, clause: Chunk) -> Reply:
        """"第35条": the clause, under the heading of the list it belongs to."""
        parent = outline.tree.parent(clause.id)
        whole = outline.tree.whole_text(parent.id) if parent else ""
        book = CitationBook()
        return Reply(numbered_clause_text(book, child_item(clause), parent, whole), book)


def asked_items(frame: QuestionFrame) -> slice | None:
    """The list items asked for: 第3项 [2:3], 最后一项 [-1:], 倒数第二个 [-2:-1], 前3项 [:3]; None for all."""
    if frame.first_items:
        return slice(0, frame.first_items)
    if frame.ordinal and frame.ordinal < 0:
        return slice(frame.ordinal, frame.ordinal + 1 or None)
    if frame.ordinal:
        return slice(frame.ordinal - 1, frame.ordinal)
    return None
