"""The answer from one plan's sentences (or, when the question names none, from the best plans, named):
a figure, a fact, an overview of a topic, a paraphrased question. And the refusal of a figure question
whose topic the plan covers without the figure asked."""
from __future__ import annotations

from carbonqa.answer.compose import CitationBook, attributed
from carbonqa.answer.kinds.base import Asked, Reply
from carbonqa.answer.kinds.refusal import closest, refusal
from carbonqa.answer.selection import quote_order
from carbonqa.retriever.models import QuestionFrame


class SentenceAnswer:
    """Some retrieved sentence answers: the best ones are quoted, each cited."""

    def applies(self, asked: Asked) -> bool:
        return bool(asked.usable)

    def answer(self, asked: Asked) -> Reply:
        evidence, frame = asked.evidence, asked.frame
        book = CitationBook()
        picked = evidence.pick(frame, quote_order(evidence.policy, frame, asked.usable), evidence.policy.max_sentences,
                               evidence.policy.max_clauses)
        return Reply(attributed(book, picked), book)


class FigureNotStated:
    """A figure question whose topic the plan covers, but with no figure of the year or kind asked."""

    def applies(self, asked: Asked) -> bool:
        return asked.evidence.policy.figure_missing(asked.frame, asked.candidates)

    def answer(self, asked: Asked) -> Reply:
        policy = asked.evidence.policy
        # A near miss: the closest sentence names the metric asked, but its figure is a neighbouring one's.
        nearest = closest(policy, asked.candidates)
        named = nearest.slots.named_without_figure.rstrip("。；;") if nearest and nearest.slots else ""
        said = f"方案只写到“{named}”" if named else "方案提到了相关内容"
        return refusal(policy, f"{said}，但没有给出所问的{asked_figure(asked.frame)}。", "figure_not_stated",
                       asked.candidates)


def asked_figure(frame: QuestionFrame, with_years: bool = True) -> str:
    """The figure asked, in words: "2025年比2015年的具体数值", "以“亿千瓦时”计的具体数值"."""
    years = "、".join(f"{y}年" for y in sorted(frame.target_years)) if with_years else ""
    base = f"比{frame.base_year}年的" if frame.base_year else ""
    unit = f"以“{frame.unit}”计的" if frame.unit and frame.unit_family != "share" else ""
    kind = "百分比" if frame.unit_family == "share" else "具体数值"
    return f"{years}{base}{unit}{kind}"
