"""Analytical questions across plans ("哪个市最高", "高于全省的有哪些", "相差几个百分点", "哪些方案提出了…"),
answered from the plans' target records: the conclusion first, then each plan's cited figure, then the
plans that give none (indicators/analysis.py computes, answer/analysis_text.py writes).

A question whose indicator no plan sets a figure for, or that no plan names at all, returns None: the
other kinds answer it from the clauses.
"""
from __future__ import annotations

from carbonqa.answer.analysis_text import analysis_text
from carbonqa.answer.compose import CitationBook
from carbonqa.answer.kinds.base import Asked, Reply
from carbonqa.answer.models import AnalysisPlan, AnalysisRecord, AnswerAnalysis
from carbonqa.indicators.analysis import AnalysisResult, PlanLine, PlanStatus
from carbonqa.indicators.models import AnalysisOperation, Indicator


class Analysis:
    """An analytical question the targets answer; None when they say nothing about its indicator."""

    def applies(self, asked: Asked) -> bool:
        return asked.frame.analysis is not None

    def answer(self, asked: Asked) -> Reply | None:
        frame = asked.frame
        result = asked.evidence.analysis.run(frame.analysis, frame.text)
        if result is None or not any(line.status is not PlanStatus.not_mentioned for line in _lines(result)):
            return None
        text, book = analysis_text(result, asked.evidence.corpus.tree)
        return Reply(text, book, analysis=answer_analysis(result, book))


def answer_analysis(result: AnalysisResult, book: CitationBook) -> AnswerAnalysis:
    """The computation as the Answer carries it, each record with its marker in the text."""
    counting = result.operation in (AnalysisOperation.coverage, AnalysisOperation.count)
    return AnswerAnalysis(
        operation=result.operation, indicator=result.indicator, year=result.year, unit=result.unit,
        comparable=result.comparable, reason=result.reason, plans=[_plan(line, book) for line in result.lines],
        reference=_plan(result.reference, book) if result.reference else None,
        lower_is_stricter=result.lower_is_stricter, extreme=result.extreme, winners=result.winners,
        ranking=result.positions, selected=result.selected, equal=result.equal, side=result.side,
        difference=result.difference, difference_text=result.difference_text, gaps=result.gaps,
        ratio_text=result.ratio_text,
        threshold_text=result.threshold_text,
        comparator=result.comparator, count=len(result.selected) if counting else None, cautions=result.cautions)


def _lines(result: AnalysisResult) -> list[PlanLine]:
    return [*result.lines, *([result.reference] if result.reference else [])]


def _plan(line: PlanLine, book: CitationBook) -> AnalysisPlan:
    return AnalysisPlan(region=line.region, status=line.status, value=line.value, note=line.note,
                        records=[_record(record, book) for record in line.records],
                        mention_clause_id=line.mention.clause_id if line.mention else None)


def _record(record: Indicator, book: CitationBook) -> AnalysisRecord:
    marker = next((c.marker for c in book.citations if c.chunk_id == record.clause_id and c.quote == record.quote),
                  None)
    return AnalysisRecord(region=record.region, plan=record.title, doc_id=record.doc_id, indicator=record.indicator,
                          year=record.year, value=record.value, unit=record.unit, direction=record.direction,
                          qualifiers=record.qualifiers, base_year=record.base_year, label=record.label,
                          clause_id=record.clause_id, marker=marker)
