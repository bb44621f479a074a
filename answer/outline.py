"""The plans' clause tree, for questions about a plan's parts: "保障措施包括哪些？", "几大行动？",
"第三项行动是什么？", "……下设哪些任务？".

The answer names the section (cited as a whole: its heading, or the sentence stating its count in the
plan's own words, with all its descendants as its text), then lists the items asked for, one numbered
line each, every item cited to its own clause (a bulleted line to its own line).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from carbonqa.answer.evidence import SentenceIndex
from carbonqa.answer.policy import AnswerPolicy
from carbonqa.answer.text import first_sentence, strip_end
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.sentences import split_sentences
from carbonqa.ingest.text import squash
from carbonqa.ingest.tree import ClauseTree
from carbonqa.ingest.vocabulary import (ATTACHMENT_NAME, COUNT_PHRASE, OUTLINE_WORDS, PART_MARK, PART_NAME,
                                        chinese_number)
from carbonqa.retriever.models import QuestionFrame, SearchHit

BULLET = re.compile(r"^\s*(?:——|—|-|•|·)\s*")
# The kinds of chunk a part named by its heading may be (a task table is the plan's attachment).
HEADED_KINDS = (ChunkKind.part, ChunkKind.section, ChunkKind.clause, ChunkKind.table)
TEXT_KINDS = (ChunkKind.part, ChunkKind.section, ChunkKind.clause, ChunkKind.item, ChunkKind.paragraph)
MIN_NAMED_HEADING = 6  # characters: shorter headings (重点任务, 保障措施) are named by the patterns of a question's frame
# Characters: a heading spelled in full this long names its section ("总体要求", "主要目标"); "任务" is too general.
MIN_SPELLED_HEADING = 4


@dataclass
class ListItem:
    title: str  # its number and heading, as the plan writes them
    chunk: Chunk  # the clause it is cited to
    quote: str  # the verbatim line quoted: the child's heading sentence, or the bulleted line


def topic_terms(info: QuestionFrame) -> list[str]:
    """The question's terms that may name a section: not those about the list's shape ("那部分", "几块")."""
    return [term for term in info.terms if not OUTLINE_WORDS.fullmatch(term)]


@dataclass
class MissingPart:
    """A part the question names that the one plan asked about does not have, and that plan's parts."""
    title: str  # the plan's title
    name: str  # as the question names it: "工作原则", "重点任务分工表", "第五部分"
    attachment: bool  # an attachment (a task table), not a part of the text
    parts: list[ListItem]


def fits(name: str, chunk: Chunk) -> bool:
    """Does the heading of `chunk` answer to the part named? An attachment (分工表, 附件) is a task table; a
    part is a heading holding the name, or sharing the word either ends in ("保障措施" for 三、政策保障 or
    三、完善绿色低碳保障措施; "工作原则" for （二）基本原则; not "组织实施" for （一）加强组织领导)."""
    if ATTACHMENT_NAME.fullmatch(name):
        return chunk.kind == ChunkKind.table
    heading = squash(strip_end(chunk.heading or ""))
    return len(heading) >= 2 and (name in heading or heading.endswith(name[-2:]) or heading[-2:] in name)


def spells_heading(question: str, heading: str) -> bool:
    """Does the question spell the heading in full, one long enough to name its section (both squashed)?"""
    return len(heading) >= MIN_SPELLED_HEADING and heading in question


def child_item(chunk: Chunk) -> ListItem:
    """A numbered heading as a list item: "16.积极推动工业数字化转型", cited to its heading sentence."""
    title = chunk.number + strip_end(chunk.heading or first_sentence(chunk.text))
    return ListItem(title, chunk, first_sentence(chunk.text))


class Outline:
    """The list-like sections of the clause tree, and how well each matches a question."""

    def __init__(self, tree: ClauseTree, policy: AnswerPolicy | None = None):
        self.tree = tree
        self.policy = policy or AnswerPolicy()
        self._items: dict[str, list[ListItem]] = {}  # by section id: the tree does not change
        # Sections that can answer "包括哪些": a heading line to quote, and two or more children or
        # bulleted lines.
        self.sections = [c for c in tree if first_sentence(c.text) and len(self.items(c)) >= 2]
        # Every plan's part, section and table headings: the words a part of a plan is called by.
        self.headings = {squash(strip_end(c.heading)) for c in tree
                         if c.kind in (ChunkKind.part, ChunkKind.section, ChunkKind.table) and c.heading}
        # The plans' own text, without their notices and tables: a word it uses names a thing it speaks of.
        self._plan_text = "\n".join(squash(c.text) for c in tree if c.kind in TEXT_KINDS)

    def items(self, section: Chunk) -> list[str]:
        return [item.title for item in self.list_items(section)]

    def list_items(self, section: Chunk) -> list[ListItem]:
        """A section's items: its children (numbered headings), or its bulleted lines; those without
        words (a line of dashes, an empty table row) are skipped."""
        if section.id not in self._items:
            self._items[section.id] = self._list_items(section)
        return self._items[section.id]

    @staticmethod
    def body(chunk: Chunk) -> str | None:
        """The clause's text after its heading sentence ("第七条讲的是什么": what it sets out), if any."""
        heading = first_sentence(chunk.text)
        start = chunk.text.find(heading) + len(heading) if heading else 0
        return chunk.text[start:].strip() or None

    def list_of(self, chunk: Chunk) -> Chunk | None:
        """The list (section) the chunk is an item of: its parent, when that lists its children."""
        parent = self.tree.parent(chunk.id)
        if parent is None or len(self.tree.children(parent.id)) < 2 or not first_sentence(parent.text):
            return None
        return parent

    def holding_item(self, chunk: Chunk, noun: str | None = None) -> Chunk | None:
        """The item of a list that holds the chunk (itself or an ancestor): the one whose heading ends in
        the noun asked ("哪一项行动"), else the item of the plan's part (the 行动 under 重点任务; the clause
        itself when it sits right under a part, as 保障措施's do)."""
        chain = [*self.tree.ancestors(chunk.id), chunk]
        items = [c for c in chain if self.list_of(c) is not None]
        if noun:
            named = [c for c in items if strip_end(c.heading or first_sentence(c.text)).endswith(noun)]
            if named:
                return named[-1]
        return next((c for c in items if self.list_of(c).kind == ChunkKind.part), items[-1] if items else None)

    def named_list(self, info: QuestionFrame) -> Chunk | None:
        """A list of the plans asked about whose heading the question spells out, whole or nearly
        ("广东“工业重点行业碳达峰行动”具体点了哪几个行业", "云浮工业碳达峰行动分别抓哪几个行业"): its longest such
        heading's section."""
        regions = info.regions.regions
        question = squash(info.text)
        best, best_size = None, 0
        for section in self.sections:
            heading = squash(section.heading)
            if (regions and section.region not in regions) or len(heading) < MIN_NAMED_HEADING:
                continue
            blocks = SequenceMatcher(None, heading, question, autojunk=False).get_matching_blocks()
            spelled = sum(block.size for block in blocks if block.size >= 2)
            if spelled >= self.policy.heading_spelled * len(heading) and spelled > best_size:
                best, best_size = section, spelled
        return best

    def names_attachment(self, term: str) -> bool:
        """Does the term name an attachment (分工表, 附件)? Not a word the plans' text uses: 清单 of "对哪些项目实行
        清单管理" or "负面清单包括哪些行业" is the thing the text speaks of, not a table attached."""
        return bool(ATTACHMENT_NAME.fullmatch(term)) and term not in self._plan_text

    def _names_attachment(self, info: QuestionFrame) -> bool:
        return any(self.names_attachment(term) for term in topic_terms(info))

    def named_part(self, info: QuestionFrame) -> str | None:
        """The part the question names by its heading words: its longest term naming an attachment (分工表,
        附件), a heading of some plan ("组织实施", "保障措施", "基本原则"), or another part the question marks as
        one ("工作原则第五条", "“工作要求”部分")."""
        question = squash(info.text)

        def marked(term: str) -> bool:
            return any(PART_MARK.match(question, found.end()) for found in re.finditer(re.escape(term), question))
        names = [term for term in topic_terms(info) if self.names_attachment(term) or
                 PART_NAME.fullmatch(term) and (term in self.headings or marked(term))]
        return max(names, key=len, default=None)

    def asked_plan(self, info: QuestionFrame) -> str | None:
        """The one plan (doc id) the question is about, if it is about one."""
        regions = info.regions.regions
        plans = info.regions.documents or sorted({c.doc_id for c in self.tree if c.region in regions})
        return plans[0] if len(plans) == 1 else None

    def named_section(self, info: QuestionFrame) -> Chunk | None:
        """The list of the one plan asked about that answers to the part the question names ("保障措施" ->
        三、政策保障): one whose heading holds the name first, then the outermost."""
        name, plan = self.named_part(info), self.asked_plan(info)
        if name is None or plan is None:
            return None
        fitting = [s for s in self.sections if s.doc_id == plan and fits(name, s)]
        return min(fitting, key=lambda s: (name not in squash(s.heading), len(self.tree.ancestors(s.id))),
                   default=None)

    def missing_part(self, info: QuestionFrame) -> MissingPart | None:
        """The part the question names (by its heading words, or 第N部分) that the one plan asked about lacks:
        no heading of that plan answers to the name (`fits`), or it has no part of that number."""
        plan = self.asked_plan(info)
        if plan is None:
            return None
        chunks = [c for c in self.tree if c.doc_id == plan]
        parts = self.parts(plan)
        if info.part_number:
            numbered = any(part.chunk.number == info.part_number + "、" for part in parts)
            return None if numbered or not parts else \
                MissingPart(chunks[0].title, f"第{info.part_number}部分", False, parts)
        name = self.named_part(info)
        if name is None or any(fits(name, c) for c in chunks if c.kind in HEADED_KINDS):
            return None
        return MissingPart(chunks[0].title, name, bool(ATTACHMENT_NAME.fullmatch(name)), parts)

    def parts(self, doc_id: str) -> list[ListItem]:
        """The plan's own parts (一、总体要求 …), as items."""
        return [child_item(c) for c in self.tree.roots(doc_id) if c.kind == ChunkKind.part]

    def _list_items(self, section: Chunk) -> list[ListItem]:
        children = self.tree.children(section.id)
        if len(children) >= 2:
            items = [child_item(c) for c in children]
        else:
            lines = [line for line in section.text.split("\n") if BULLET.match(line)]
            items = [ListItem(strip_end(first_sentence(BULLET.sub("", line))), section, first_sentence(line))
                     for line in lines]
        return [item for item in items if item.title]

    def count_sentence(self, section: Chunk, count: int) -> str | None:
        """The section's sentence stating its number of items in the plan's own words, if it has one."""
        for sentence in split_sentences(section.text):
            match = COUNT_PHRASE.search(squash(sentence.text))
            if match and chinese_number(match.group(1)) == count:
                return sentence.text
        return None

    def best_section(self, info: QuestionFrame, hits: list[SearchHit], sentences: SentenceIndex) -> Chunk | None:
        """The section of the plans asked about that best matches the question ("第三部分" picks part 三;
        "十三大行动里排第9的" a list of thirteen 行动)."""
        regions = info.regions.regions
        sections = [c for c in self.sections if not regions or c.region in regions]
        if info.part_number:
            # Parts are labelled "三、" (ingest normalises labels): 第十部分 is not 十一、.
            sections = [c for c in sections if c.kind == ChunkKind.part and c.number == info.part_number + "、"]
        sections, described = self._fitting(info, sections, sentences)
        rank = {h.chunk.id: i for i, h in reversed(list(enumerate(hits)))}
        named = self._named_alone(info, sections)
        best, best_score = None, self.policy.section_min_score
        for section in sections:
            if info.part_number:
                score = 1.0
            elif described:  # its own words still tell lists of 行动 apart ("科技……行动的第二个")
                score = 1.0 + self._match(info, section, sentences, named)
            else:
                score = self._match(info, section, sentences, named)
            ranked = [rank[c.id] for c in [section, *self.tree.children(section.id)] if c.id in rank]
            score += self.policy.section_rank_prior / (1 + min(ranked)) if ranked else 0.0
            if score > best_score:
                best, best_score = section, score
        return best

    def _fitting(self, info: QuestionFrame, sections: list[Chunk],
                 sentences: SentenceIndex) -> tuple[list[Chunk], bool]:
        """The sections the question's own description of the list fits, and whether it described one:
        items that are 行动 ("第三项行动"), as many as it names ("十三大行动"), at least as many as the
        position asked ("第9个"). A description no section fits narrows nothing (the reply then says how
        many items the list has). A list described but not named ("排第一的行动") is the outermost one.
        "第十四大行动" or "第十四项行动" counts the plan's own 大行动, never the rows of a task table, unless the
        question names the table ("分工表第13项")."""
        if info.ordinal_measure == "大" or not self._names_attachment(info):
            sections = [s for s in sections if s.kind != ChunkKind.table]
        tests = []
        if info.item_noun:
            tests.append(lambda s: self._items_are(s, info.item_noun))
        if info.list_size:
            tests.append(lambda s: len(self.items(s)) == info.list_size)
        described = False
        for test in tests:
            fitting = [s for s in sections if test(s)]
            if fitting:
                sections, described = fitting, True
        if info.ordinal:
            sections = [s for s in sections if len(self.items(s)) >= abs(info.ordinal)] or sections
        if described and not any(self.names(info, s, sentences) for s in sections):
            depth = min(len(self.tree.ancestors(s.id)) for s in sections)
            sections = [s for s in sections if len(self.tree.ancestors(s.id)) == depth]
        return sections, described

    def _items_are(self, section: Chunk, noun: str) -> bool:
        """Do most of the section's items end in the noun ("（三）节能降碳增效行动")?"""
        titles = self.items(section)
        return 2 * sum(title.endswith(noun) for title in titles) > len(titles)

    def names(self, info: QuestionFrame, section: Chunk, sentences: SentenceIndex) -> bool:
        """Does the question name the section by its heading ("保障措施第六条"), beyond what its items are? A
        heading spelled in full names it even in words every plan uses ("总体要求包括哪几部分")."""
        terms = [t for t in topic_terms(info) if not (info.item_noun and info.item_noun in t)]
        heading = squash(section.heading)
        return sentences.coverage(terms, heading) > 0 or spells_heading(squash(info.text), heading)

    def numbered_clause(self, info: QuestionFrame) -> Chunk | None:
        """The clause a plan numbers `info.ordinal` ("第35条": the plans number their clauses on through the
        parts, 1. … 40.), when one plan is asked and it has exactly one clause of that number."""
        regions = info.regions.regions
        label = re.compile(rf"{info.ordinal}[.．、]")
        found = [c for c in self.tree
                 if c.kind == ChunkKind.clause and c.region in regions and label.fullmatch(c.number)]
        return found[0] if len(found) == 1 and len(regions) == 1 else None

    @staticmethod
    def _named_alone(info: QuestionFrame, sections: list[Chunk]) -> str | None:
        """The one heading the question names in full ("“总体要求”部分包括哪两块"); with several named ("总体要求
        部分提出了几条基本原则"), their terms tell them apart."""
        question = squash(info.text)
        named = {h for h in (squash(s.heading) for s in sections) if len(h) >= 2 and h in question}
        return named.pop() if len(named) == 1 else None

    def _match(self, info: QuestionFrame, section: Chunk, sentences: SentenceIndex, named: str | None) -> float:
        """The heading (its lead text at half credit), plus the child headings' mean match at
        policy.child_credit: a list of 行动 fits "有哪些行动", while one child that matches well is the
        item asked about ("工业……行动下设哪些任务" wants that child's items, not its siblings)."""
        terms = topic_terms(info)
        own = sentences.coverage(terms, squash(section.heading), squash(section.text))
        if squash(section.heading) == named:
            own = 1.0  # named in full, even in words every plan uses ("“总体要求”部分")
        children = [sentences.coverage(terms, squash(title)) for title in self.items(section)]
        return own + self.policy.child_credit * sum(children) / len(children)
