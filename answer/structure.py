"""Sections that can answer questions enumerating a plan's parts ("保障措施包括哪些？").

The answer lists a section's items, its children's numbered headings (or its bulleted lines), and
cites the section as a whole: the heading quoted, the section with all its descendants as its text.
"""
from __future__ import annotations

import re

from answer.evidence import SentenceIndex
from answer.policy import AnswerPolicy
from answer.text import first_sentence, strip_end
from ingest.models import Chunk, ChunkKind
from ingest.text import squash
from ingest.tree import ClauseTree
from retriever.models import QuestionFrame, SearchHit

BULLET = re.compile(r"^\s*(?:——|—|-|•|·)\s*")


class Outline:
    """The list-like sections of the clause tree, and how well each matches a question."""

    def __init__(self, tree: ClauseTree, policy: AnswerPolicy | None = None):
        self.tree = tree
        self.policy = policy or AnswerPolicy()
        # Sections that can answer "包括哪些": a heading line to quote, and two or more children or
        # bulleted lines.
        self.sections = [c for c in tree if first_sentence(c.text) and len(self.items(c)) >= 2]

    def items(self, section: Chunk) -> list[str]:
        """A section's items: its children's numbered headings, or its bulleted lines; those without
        words (a line of dashes, an empty table row) are skipped."""
        children = self.tree.children(section.id)
        if len(children) >= 2:
            titles = [(c.number, strip_end(c.heading or first_sentence(c.text))) for c in children]
        else:
            lines = [line for line in section.text.split("\n") if BULLET.match(line)]
            titles = [("", strip_end(first_sentence(BULLET.sub("", line)))) for line in lines]
        return [number + title for number, title in titles if title]

    def best_section(self, info: QuestionFrame, hits: list[SearchHit], sentences: SentenceIndex) -> Chunk | None:
        """The section of the plans asked about that best matches the question ("第三部分" picks part 三)."""
        regions = info.regions.regions
        sections = [c for c in self.sections if not regions or c.region in regions]
        if info.part_number:
            # Parts are labelled "三、" (ingest normalises labels): 第十部分 is not 十一、.
            sections = [c for c in sections if c.kind == ChunkKind.part and c.number == info.part_number + "、"]
        rank = {h.chunk.id: i for i, h in reversed(list(enumerate(hits)))}
        best, best_score = None, self.policy.section_min_score
        for section in sections:
            score = 1.0 if info.part_number else self._match(info, section, sentences)
            ranked = [rank[c.id] for c in [section, *self.tree.children(section.id)] if c.id in rank]
            score += self.policy.section_rank_prior / (1 + min(ranked)) if ranked else 0.0
            if score > best_score:
                best, best_score = section, score
        return best

    def _match(self, info: QuestionFrame, section: Chunk, sentences: SentenceIndex) -> float:
        """The heading (its lead text at half credit), plus the child headings' match at policy.child_credit."""
        own = sentences.coverage(info.terms, squash(section.heading), squash(section.text))
        return own + self.policy.child_credit * sentences.coverage(info.terms, squash("".join(self.items(section))))
