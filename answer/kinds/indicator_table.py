"""Comparison questions about one indicator, answered from the extracted targets as a small table.

"各市2025年单位GDP能耗下降目标分别是多少？" names an indicator the plans set figures for: the reply is
one line per compared plan quoting the words that set the figure, "珠海市：（2025年）单位地区生产总值能源
消耗比2020年下降14.5%[1]。", or 方案未给出该指标的数值 where a plan sets none. A plan that words the
indicator more narrowly or more broadly (绿色出行比例 / 城市绿色出行比例) answers with its own wording.
Questions that name no extracted indicator return None and get the usual sentence-based comparison.
"""
from __future__ import annotations

from carbonqa.answer.compose import CitationBook
from carbonqa.answer.kinds.base import Asked, Reply
from carbonqa.indicators.matching import asked_indicator
from carbonqa.indicators.models import Indicator
from carbonqa.ingest.tree import ClauseTree

NO_FIGURE = "方案未给出该指标的数值。"


class IndicatorTable:
    """A comparison about one extracted indicator: a line per plan from the target records; None when
    the question names no indicator with records."""

    def applies(self, asked: Asked) -> bool:
        return bool(asked.frame.compared_regions)

    def answer(self, asked: Asked) -> Reply | None:
        frame, corpus = asked.frame, asked.evidence.corpus
        found = indicator_comparison(frame.text, frame.target_years, frame.compared_regions, corpus.indicators,
                                     corpus.tree)
        if found is None:
            return None
        text, book, silent = found
        return Reply(text, book, unstated=silent)


def indicator_comparison(question: str, years: set[int], regions: list[str], records: list[Indicator],
                         tree: ClauseTree) -> tuple[str, CitationBook, list[str]] | None:
    """One line per region (in the given order) with its figures for the asked indicator and years,
    and the regions that give no figure for it."""
    name = asked_indicator(question, {r.indicator for r in records})
    if name is None:
        return None
    in_scope = [r for r in records if r.region in regions and (not years or r.year in years)]
    exact = [r for r in in_scope if r.indicator == name]
    if not exact:
        return None
    book = CitationBook()
    lines = []
    silent = []
    for region in regions:
        mine = [r for r in exact if r.region == region] or \
               [r for r in in_scope if r.region == region and (r.indicator in name or name in r.indicator)]
        # The plan's own words for each figure, verbatim, so the citation is true by construction.
        cells = [f"（{r.year}年）{r.quote}[{book.cite(tree[r.clause_id], r.quote)}]" for r in mine]
        lines.append(f"{region}：{'；'.join(cells) + '。' if cells else NO_FIGURE}")
        if not cells:
            silent.append(region)
    return "\n".join(lines), book, silent
