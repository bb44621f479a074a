"""The answer from one plan's sentences (or, when the question names none, from the best plans, named):
a figure, a fact, an overview of a topic, a paraphrased question. And the refusal of a figure question
whose topic the plan covers without the figure asked, or, when the question first asks whether the plan does
the thing at all ("有没有补贴？一个站补多少钱？"), the sentence doing it with the figure said to be missing."""
from __future__ import annotations

import re

from carbonqa.answer.compose import CitationBook, attributed
from carbonqa.answer.kinds.base import Asked, Reply
from carbonqa.answer.kinds.department import on_rest
from carbonqa.answer.kinds.refusal import closest, refusal
from carbonqa.answer.selection import quote_order
from carbonqa.ingest.vocabulary import ASKS_EXISTENCE, FIGURE_WORDS, QUANTITY_NOUNS
from carbonqa.retriever.models import QuestionFrame

QUESTION_END = re.compile(r"[？?]")


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
        # Asked who as well ("新型储能多少 谁负责"), a figure the sentences state is no figure missing: who is what
        # they lack, and the department kinds say so.
        return asked.evidence.policy.figure_missing(asked.frame, asked.candidates) and \
            not (asked.frame.wants_agency and on_rest(asked))

    def answer(self, asked: Asked) -> Reply:
        policy = asked.evidence.policy
        # A near miss: the closest sentence names the metric asked, but its figure is a neighbouring one's.
        nearest = closest(policy, asked.candidates)
        named = nearest.slots.named_without_figure.rstrip("。；;") if nearest and nearest.slots else ""
        said = f"方案只写到“{named}”" if named else "方案提到了相关内容"
        figure = asked_figure(asked.frame)
        if nearest is not None and nearest.has_key_term and asks_whether_then_figure(asked.frame.text):
            book = CitationBook()
            return Reply(f"{attributed(book, [nearest])}\n方案未给出所问的{figure}。", book, unstated=[figure])
        return refusal(policy, f"{said}，但没有给出所问的{figure}。", "figure_not_stated", asked.candidates)


def asks_whether_then_figure(question: str) -> bool:
    """Does one question ask whether the plan does something ("有没有补贴？") before another asks a figure of it
    ("一个站补多少钱？")? The first is answered by the sentence doing it, whatever the second finds; not when what it
    asks about is itself a quantity ("有没有量化目标？多少？"). Two questions, each closed by its question mark: a
    clause of one ("买车有没有补贴，补多少") asks the figure."""
    asked = [q for q in QUESTION_END.split(question) if q.strip()]
    whether = next((i for i, q in enumerate(asked)
                    if ASKS_EXISTENCE.search(q) and not FIGURE_WORDS.search(q) and not QUANTITY_NOUNS.search(q)), None)
    return whether is not None and any(FIGURE_WORDS.search(q) for q in asked[whether + 1:])


def asked_figure(frame: QuestionFrame, with_years: bool = True) -> str:
    """The figure asked, in words: "2025年比2015年的具体数值", "以“亿千瓦时”计的具体数值"."""
    years = "、".join(f"{y}年" for y in sorted(frame.target_years)) if with_years else ""
    base = f"比{frame.base_year}年的" if frame.base_year else ""
    unit = f"以“{frame.unit}”计的" if frame.unit and frame.unit_family != "share" else ""
    kind = "百分比" if frame.unit_family == "share" else "具体数值"
    return f"{years}{base}{unit}{kind}"
