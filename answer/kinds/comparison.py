"""Questions about several plans at once ("珠海和江门……分别", "各市……"): a line per plan, in answer order
(province first), each quoting that plan or saying it is silent; with facets, each plan's line answers
every facet or says which it does not state."""
from __future__ import annotations

from carbonqa.answer.candidate import Candidate
from carbonqa.answer.compose import CitationBook, comparison_line
from carbonqa.answer.kinds.base import Asked, Reply
from carbonqa.answer.kinds.facets import answer_facets, skipped_line
from carbonqa.answer.kinds.refusal import refusal


class Comparison:
    """`by_facets`: the kind for a multi-part comparison ("珠海、江门的A和B分别是多少"); otherwise the one
    for a comparison about one thing."""

    def __init__(self, by_facets: bool = False):
        self.by_facets = by_facets

    def applies(self, asked: Asked) -> bool:
        return bool(asked.frame.compared_regions) and (not self.by_facets or len(asked.facets) >= 2)

    def answer(self, asked: Asked) -> Reply:
        book = CitationBook()
        lines, silent = [], []
        for region in asked.frame.compared_regions:
            picked, notes, unstated = self._plan(asked, region)
            silent += [f"{region}：{label}" for label in unstated] if picked else [region]
            several = len(asked.evidence.corpus.plans.of_region(region)) > 1
            lines.append(comparison_line(book, region, picked, name_plans=several) + "".join(notes if picked else []))
        if not book.citations:
            return refusal(asked.evidence.policy, "各方案均未找到能回答该问题的条款。", "no_supporting_clause",
                           asked.evidence.sentences.candidates(asked.frame, asked.hits))
        lines += [f"{place}：现有语料未收录该地的碳达峰实施方案。" for place in asked.frame.regions.unknown]
        skipped = asked.skipped_facets if self.by_facets else []
        if skipped:
            lines.append(skipped_line(skipped))
        return Reply("\n".join(lines), book, unstated=silent + asked.frame.regions.unknown, skipped=skipped)

    def _plan(self, asked: Asked, region: str) -> tuple[list[Candidate], list[str], list[str]]:
        """One plan region's sentences, the notes on the facets it does not state, and their labels."""
        evidence, frame = asked.evidence, asked.frame
        hits = [hit for hit in asked.hits if hit.chunk.region == region]
        if self.by_facets:
            return answer_facets(evidence, asked.facets, hits, region)
        usable = [] if evidence.absent_topics(frame, [region]) else \
            evidence.usable(frame, evidence.sentences.candidates(frame, hits))
        return (evidence.pick(frame, usable, evidence.policy.max_per_region, 1) if usable else []), [], []
