"""A question naming a plan's section by its heading and asking nothing beyond it ("珠海方案的主要目标是什么",
"云浮的指导思想讲了啥"): the section itself, its items when it lists them, else its paragraphs, each cited.

The heading is the whole question: its frame words (目标, 是什么) leave no topic term to search sentences by,
and the sentences that would match are those naming the heading in passing ("按照本方案确定的主要目标和重点
任务"), not the section."""
from __future__ import annotations

from carbonqa.answer.compose import CitationBook, display, structure_list
from carbonqa.answer.kinds.base import Asked, Reply
from carbonqa.answer.outline import Outline, spells_heading
from carbonqa.answer.text import first_sentence, strip_end
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.text import squash

SECTION_KINDS = (ChunkKind.part, ChunkKind.section)


class SectionText:
    def applies(self, asked: Asked) -> bool:
        frame = asked.frame
        return not (frame.wants_figure or frame.wants_year or frame.wants_agency
                    or frame.ordinal or frame.notice or frame.analysis) and bool(named_sections(asked))

    def answer(self, asked: Asked) -> Reply:
        outline, book = asked.evidence.outline, CitationBook()
        texts = [section_text(book, section, outline) for section in named_sections(asked)]
        return Reply("\n".join(texts), book)


def named_sections(asked: Asked) -> list[Chunk]:
    """Per plan asked (every plan when none is), its first section whose whole heading the question spells,
    when each term naming what the question asks about lies inside that heading or names the plan itself (碳达峰
    of "碳达峰的主要目标是什么" is in every plan's title); its verbs (概括一下) and what it only tells (我在写对比材料)
    ask nothing of the section."""
    frame = asked.frame
    question, regions = squash(frame.text), frame.regions.regions
    things = asked.evidence.asked_things(frame)
    found: dict[str, Chunk] = {}
    for chunk in asked.evidence.outline.tree:
        heading = squash(chunk.heading or "")
        if chunk.kind not in SECTION_KINDS or not spells_heading(question, heading) \
                or (regions and chunk.region not in regions) or chunk.doc_id in found:
            continue
        if all(term in heading or term in squash(chunk.title) for term in things):
            found[chunk.doc_id] = chunk
    return list(found.values())


def section_text(book: CitationBook, section: Chunk, outline: Outline) -> str:
    """The section's items as a list, or its heading then each paragraph after it, cited to the section."""
    items = outline.list_items(section)
    if len(items) >= 2:
        return structure_list(book, section, items, outline.tree.whole_text(section.id))
    heading = strip_end(first_sentence(section.text))
    body = outline.body(section) or ""
    lines = [f"{display(p)}[{book.cite(section, p.strip())}]" for p in body.split("\n") if p.strip()]
    return f"据《{section.title}》，“{heading}”：\n" + "\n".join(lines)
