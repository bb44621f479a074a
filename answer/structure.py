"""The plans' clause tree, for questions that enumerate a plan's parts ("保障措施包括哪些？").

The answer lists a section's items, its children's numbered headings (or its bulleted lines), and
cites the section as a whole: the heading quoted, the section with all its descendants as its text.
"""
from __future__ import annotations

import re
from collections import defaultdict

from answer.evidence import SentenceIndex
from answer.question import QuestionInfo
from answer.text import first_sentence, strip_end
from ingest.models import Chunk, ChunkKind
from ingest.text import squash
from retriever.models import SearchHit

BULLET = re.compile(r"^\s*(?:——|—|-|•|·)\s*")
MIN_SCORE = 0.6  # how well a section (heading, lead, child headings) must match the question
RANK_PRIOR = 0.2  # bonus for a section (or child) the retriever ranked first: breaks ties, picks the plan
CHILD_CREDIT = 0.5  # weight of the child headings' match: "有哪些重点行动" fits a part whose children are 行动


class Outline:
    def __init__(self, chunks: list[Chunk]):
        self.children: dict[str, list[Chunk]] = defaultdict(list)
        for chunk in chunks:
            if chunk.parent_id:
                self.children[chunk.parent_id].append(chunk)
        # Sections that can answer "包括哪些": a heading line to quote, and two or more children or
        # bulleted lines.
        self.sections = [c for c in chunks if first_sentence(c.text) and len(self.items(c)) >= 2]

    def items(self, section: Chunk) -> list[str]:
        """A section's items: its children's numbered headings, or its bulleted lines; those without
        words (a line of dashes, an empty table row) are skipped."""
        children = self.children.get(section.id, [])
        if len(children) >= 2:
            titles = [(c.number, strip_end(c.heading or first_sentence(c.text))) for c in children]
        else:
            lines = [line for line in section.text.split("\n") if BULLET.match(line)]
            titles = [("", strip_end(first_sentence(BULLET.sub("", line)))) for line in lines]
        return [number + title for number, title in titles if title]

    def whole_text(self, section: Chunk) -> str:
        """The section with all its descendants, in document order."""
        return "\n".join([section.text] + [self.whole_text(c) for c in self.children.get(section.id, [])])

    def best_section(self, info: QuestionInfo, hits: list[SearchHit], sentences: SentenceIndex) -> Chunk | None:
        """The section of the plans asked about that best matches the question ("第三部分" picks part 三)."""
        regions = info.region_query.regions
        sections = [c for c in self.sections if not regions or c.region in regions]
        if info.part_number:
            # Parts are labelled "三、" (ingest normalises labels): 第十部分 is not 十一、.
            sections = [c for c in sections if c.kind == ChunkKind.part and c.number == info.part_number + "、"]
        rank = {h.chunk.id: i for i, h in reversed(list(enumerate(hits)))}
        best, best_score = None, MIN_SCORE
        for section in sections:
            score = 1.0 if info.part_number else self._match(info, section, sentences)
            ranked = [rank[c.id] for c in [section, *self.children.get(section.id, [])] if c.id in rank]
            score += RANK_PRIOR / (1 + min(ranked)) if ranked else 0.0
            if score > best_score:
                best, best_score = section, score
        return best

    def _match(self, info: QuestionInfo, section: Chunk, sentences: SentenceIndex) -> float:
        """The heading (its lead text at half credit), plus the child headings' match at CHILD_CREDIT."""
        own = sentences.coverage(info.terms, squash(section.heading), squash(section.text))
        return own + CHILD_CREDIT * sentences.coverage(info.terms, squash("".join(self.items(section))))
