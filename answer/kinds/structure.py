"""Questions enumerating a plan's parts ("保障措施包括哪些？", "几大行动？", "第三项行动是什么？"): the
best-matching section, then its items, each cited to its own clause (answer/outline.py). One item asked
by position comes with the items under it ("排第9的行动" and what it sets out), or with its own text when
nothing is under it; "第35条" of a plan that numbers its clauses on through the parts is that clause.

Asked where a topic sits ("绿色金融归在哪一项行动下，是第几项"), the answer is the item holding the clause
retrieval ranks first, at its position in its list; asked for the plan's parts as a whole ("分成几个部分",
"一级标题"), its 一、二、… parts. A list no heading's words match ("生态碳汇那一部分由哪些任务组成") is the one
retrieval points at."""
from __future__ import annotations

from carbonqa.answer.compose import CitationBook, counted_list, numbered_clause_text, parts_list, structure_list
from carbonqa.answer.kinds.base import Asked, Reply
from carbonqa.answer.kinds.refusal import refusal
from carbonqa.answer.outline import MissingPart, Outline, child_item
from carbonqa.answer.policy import AnswerPolicy
from carbonqa.answer.text import first_sentence, strip_end
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.retriever.models import QuestionFrame


# The plan's numbered text: a topic is located among these, not in the rows of a task table.
OUTLINE_KINDS = (ChunkKind.part, ChunkKind.section, ChunkKind.clause, ChunkKind.item)


class Structure:
    """None when no section matches well enough: the question is then answered from sentences."""

    def applies(self, asked: Asked) -> bool:
        """A structure question, or one asking which or how many of a list it names by its heading
        ("工业重点行业碳达峰行动具体点了哪几个行业")."""
        frame, outline = asked.frame, asked.evidence.outline
        return frame.wants_structure or (frame.wants_list or frame.wants_count) and (
            outline.named_list(frame) is not None or outline.named_part(frame) is not None)

    def answer(self, asked: Asked) -> Reply | None:
        evidence, frame = asked.evidence, asked.frame
        outline = evidence.outline
        if (missing := outline.missing_part(frame)) is not None:
            return missing_part_reply(missing)
        if frame.locates and not frame.ordinal and (located := self._located(asked)) is not None:
            return located
        # a part pointed at by its topic, unless the question also spells its heading ("能源结构调整的那一块，
        # “能源绿色低碳转型行动”下面有几条")
        if frame.points_to_part and not asked_items(frame) and outline.named_list(frame) is None and \
                (pointed := self._pointed(asked)) is not None:
            return pointed
        section = outline.best_section(frame, asked.hits, evidence.sentences)
        named = section is not None and outline.names(frame, section, evidence.sentences)
        if frame.wants_plan_parts and not frame.part_number and not named and asked.hits:
            return self._plan_parts(outline, asked.hits[0].chunk.doc_id, frame.wants_count)
        numbered = frame.ordinal_measure == "条" and (frame.ordinal or 0) > 0
        clause = outline.numbered_clause(frame) if numbered else None
        # "保障措施第九条" of a plan whose 三、政策保障 has 4 items, and no clause 9 in it
        listed = outline.named_section(frame) if (frame.ordinal or 0) > 0 else None
        if listed is not None and len(outline.list_items(listed)) < frame.ordinal and \
                (clause is None or listed not in outline.tree.ancestors(clause.id)):
            return too_few(evidence.policy, listed, len(outline.list_items(listed)))
        # "重点任务第45条": a list of 13 named, so the plan's clause 45, which is in it ("保障措施第九条" of a
        # list of 4 is not the plan's clause 9, an action's)
        if clause is not None and (not named or len(outline.list_items(section)) < frame.ordinal
                                   and section in outline.tree.ancestors(clause.id)):
            return self._clause(outline, clause)
        if section is None:
            return None
        items = outline.list_items(section)
        picked = asked_items(frame)
        if picked is not None and not items[picked]:
            return too_few(evidence.policy, section, len(items))
        count = outline.count_sentence(section, len(items)) if frame.wants_count else None
        one = items[picked][0].chunk if picked is not None and len(items[picked]) == 1 else None
        under = outline.list_items(one) if one is not None and one.id != section.id else []
        detail = outline.body(one) if one is not None and one.id != section.id else None
        book = CitationBook()
        text = structure_list(book, section, items, outline.tree.whole_text(section.id), picked, count, under,
                              detail)
        return Reply(text, book)

    @staticmethod
    def _located(asked: Asked) -> Reply | None:
        """"绿色金融归在哪一项行动下，是第几项": the item of a list holding the clause retrieval ranks first, at
        its position, with the items under it."""
        outline = asked.evidence.outline
        item = topic_item(asked)
        if item is None:
            return None
        section = outline.list_of(item)
        items = outline.list_items(section)
        position = [entry.chunk.id for entry in items].index(item.id)
        # its items, or the one clause under it (a list of one is no list, but is where the topic is)
        under = outline.list_items(item) or [child_item(c) for c in outline.tree.children(item.id)]
        book = CitationBook()
        text = structure_list(book, section, items, outline.tree.whole_text(section.id),
                              slice(position, position + 1), None, under)
        return Reply(text, book)

    @staticmethod
    def _pointed(asked: Asked) -> Reply | None:
        """A part pointed at by what it is about, not by its heading ("生态碳汇那一部分由哪些具体任务组成", "关于建筑
        节能的那个行动下面有哪些任务"): the items under the item holding the clause retrieval ranks first."""
        outline = asked.evidence.outline
        item = topic_item(asked)
        if item is None or len(outline.list_items(item)) < 2:
            return None
        book = CitationBook()
        return Reply(structure_list(book, item, outline.list_items(item), outline.tree.whole_text(item.id)), book)

    @staticmethod
    def _plan_parts(outline: Outline, doc_id: str, counted: bool) -> Reply | None:
        """"分成几个部分，每部分标题是什么": the plan's own parts (一、总体要求 …), each cited to itself."""
        parts = outline.parts(doc_id)
        if len(parts) < 2:
            return None
        book = CitationBook()
        return Reply(parts_list(book, parts, counted), book)

    @staticmethod
    def _clause(outline: Outline, clause: Chunk) -> Reply:
        """"第35条": the clause, under the heading of the list it belongs to."""
        parent = outline.tree.parent(clause.id)
        whole = outline.tree.whole_text(parent.id) if parent else ""
        book = CitationBook()
        return Reply(numbered_clause_text(book, child_item(clause), parent, whole, outline.body(clause)), book)


class StructureAcrossPlans:
    """"佛山和云浮两个方案各安排了多少项重点行动": a line per plan, its list counted in its own words (and its
    items, asked which); None when a plan has no list that matches (the comparison by sentences answers)."""

    def applies(self, asked: Asked) -> bool:
        frame = asked.frame
        return len(frame.compared_regions) >= 2 and frame.wants_structure and \
            not (frame.ordinal or frame.first_items or frame.locates)

    def answer(self, asked: Asked) -> Reply | None:
        evidence, frame = asked.evidence, asked.frame
        outline, book, lines = evidence.outline, CitationBook(), []
        for region in frame.compared_regions:
            hits = [hit for hit in asked.hits if hit.chunk.region == region]
            section = outline.best_section(frame.for_region(region), hits, evidence.sentences)
            if section is None:
                return None
            items = outline.list_items(section)
            count = outline.count_sentence(section, len(items))
            lines.append(f"{region}：" + counted_list(book, section, items, outline.tree.whole_text(section.id), count,
                                                      listed=frame.wants_list))
        return Reply("\n".join(lines), book)


def too_few(policy: AnswerPolicy, section: Chunk, size: int) -> Reply:
    """A position beyond the list's end: "“二、重点任务”只有13项。"."""
    return refusal(policy, f"“{strip_end(first_sentence(section.text))}”只有{size}项。", "no_supporting_clause", [])


def missing_part_reply(missing: MissingPart) -> Reply:
    """"《佛山市碳达峰实施方案》没有名为“工作原则”的部分；它的部分是：一、总体要求[1]……": what the plan lacks, then
    its parts, each cited to its heading as what the plan does have (related: not the answer)."""
    if missing.name.startswith("第") or missing.attachment and len(missing.name) <= 3:
        lacks = f"没有{missing.name}"  # 第五部分; a bare 附件, 分工表
    elif missing.attachment:
        lacks = f"没有附“{missing.name}”"
    else:
        lacks = f"没有名为“{missing.name}”的部分"
    book = CitationBook()
    if not missing.parts:
        return Reply(f"《{missing.title}》{lacks}。", book, "topic_not_in_plan")
    listed = "、".join(f"{part.title}[{book.cite(part.chunk, part.quote, related=True)}]" for part in missing.parts)
    return Reply(f"《{missing.title}》{lacks}；它的部分是：{listed}。", book, "topic_not_in_plan")


def topic_item(asked: Asked) -> Chunk | None:
    """The item of a list holding the question's topic: that of the clause retrieval ranks first among those of
    the plan's numbered lists (itself or a heading above it an item of one), named by the noun asked (哪一项行动)."""
    outline = asked.evidence.outline
    topic = next((hit.chunk for hit in asked.hits
                  if hit.chunk.kind in OUTLINE_KINDS and outline.holding_item(hit.chunk) is not None), None)
    return outline.holding_item(topic, asked.frame.item_noun) if topic is not None else None


def asked_items(frame: QuestionFrame) -> slice | None:
    """The list items asked for: 第3项 [2:3], 最后一项 [-1:], 倒数第二个 [-2:-1], 前3项 [:3]; None for all."""
    if frame.first_items:
        return slice(0, frame.first_items)
    if frame.ordinal and frame.ordinal < 0:
        return slice(frame.ordinal, frame.ordinal + 1 or None)
    if frame.ordinal:
        return slice(frame.ordinal - 1, frame.ordinal)
    return None
