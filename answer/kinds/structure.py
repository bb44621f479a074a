"""Questions enumerating a plan's parts ("保障措施包括哪些？", "几大行动？", "第三项行动是什么？"): the
best-matching section, then its items, each cited to its own clause (answer/outline.py)."""
from __future__ import annotations

from carbonqa.answer.compose import CitationBook, structure_list
from carbonqa.answer.kinds.base import Asked, Reply
from carbonqa.answer.kinds.refusal import refusal
from carbonqa.answer.text import first_sentence, strip_end
from carbonqa.retriever.models import QuestionFrame


class Structure:
    """None when no section matches well enough: the question is then answered from sentences."""

    def applies(self, asked: Asked) -> bool:
        return asked.frame.wants_structure

    def answer(self, asked: Asked) -> Reply | None:
        evidence, frame = asked.evidence, asked.frame
        outline = evidence.outline
        section = outline.best_section(frame, asked.hits, evidence.sentences)
        if section is None:
            return None
        items = outline.list_items(section)
        picked = asked_items(frame)
        if picked is not None and not items[picked]:
            heading = strip_end(first_sentence(section.text))
            return refusal(evidence.policy, f"“{heading}”只有{len(items)}项。", "no_supporting_clause", [])
        count = outline.count_sentence(section, len(items)) if frame.wants_count else None
        book = CitationBook()
        text = structure_list(book, section, items, outline.tree.whole_text(section.id), picked, count)
        return Reply(text, book)


def asked_items(frame: QuestionFrame) -> slice | None:
    """The list items asked for: 第3项 [2:3], 最后一项 [-1:], 前3项 [:3]; None for all."""
    if frame.first_items:
        return slice(0, frame.first_items)
    if frame.ordinal == -1:
        return slice(-1, None)
    if frame.ordinal:
        return slice(frame.ordinal - 1, frame.ordinal)
    return None
