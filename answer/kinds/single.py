"""The answer from one plan's sentences (or, when the question names none, from the best plans, named):
a figure, a fact, an overview of a topic, a paraphrased question. And the refusal of a figure question
whose topic the plan covers without the figure asked, or, when the question first asks whether the plan does
the thing at all ("有没有补贴？一个站补多少钱？"), the sentence doing it with the figure said to be missing. And the refusal of a question asking an attribute
of a covered topic that no sentence expresses (how often, how much money)."""
from __future__ import annotations

import re

from carbonqa.answer.candidate import Candidate
from carbonqa.answer.compose import CitationBook, attributed
from carbonqa.answer.kinds.base import Asked, Reply
from carbonqa.answer.kinds.department import on_rest
from carbonqa.answer.kinds.refusal import closest, refusal
from carbonqa.answer.selection import quote_order
from carbonqa.ingest.vocabulary import ASKED_ATTRIBUTES, ASKS_EXISTENCE, FIGURE_WORDS, QUANTITY_NOUNS, asked_attribute
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
        return whether_done(asked, nearest, figure) or \
            refusal(policy, f"{said}，但没有给出所问的{figure}。", "figure_not_stated", asked.candidates)


class AttributeNotStated:
    """A question asking an attribute of a topic the plan covers (how often, how much money, which standard
    level, whether a fee is charged), no sentence of which expresses it: "定期编制" says nothing of how often."""

    def applies(self, asked: Asked) -> bool:
        return asked.evidence.policy.attribute_missing(asked.frame, asked.candidates)

    def answer(self, asked: Asked) -> Reply:
        policy, missing = asked.evidence.policy, ASKED_ATTRIBUTES[asked.frame.asked_attribute].missing
        return whether_done(asked, closest(policy, asked.candidates), missing) or \
            refusal(policy, f"方案提到了相关内容，但没有给出所问的{missing}。", "attribute_not_stated", asked.candidates)


def whether_done(asked: Asked, nearest: Candidate | None, missing: str) -> Reply | None:
    """When the question first asks whether the plan does the thing ("有没有补贴？一个站补多少钱？"), the closest
    sentence naming its most specific term answers that, with what it asks next said to be missing."""
    if nearest is None or not nearest.has_key_term or not asks_whether_then_figure(asked.frame.text):
        return None
    book = CitationBook()
    return Reply(f"{attributed(book, [nearest])}\n方案未给出所问的{missing}。", book, unstated=[missing])


def asks_whether_then_figure(question: str) -> bool:
    """Does one question ask whether the plan does something ("有没有补贴？") before another asks a figure of it
    ("一个站补多少钱？", "多久编一次？")? The first is answered by the sentence doing it, whatever the second finds; not when what it
    asks about is itself a quantity ("有没有量化目标？多少？"). Two questions, each closed by its question mark: a
    clause of one ("买车有没有补贴，补多少") asks the figure."""
    asked = [q for q in QUESTION_END.split(question) if q.strip()]
    whether = next((i for i, q in enumerate(asked)
                    if ASKS_EXISTENCE.search(q) and not FIGURE_WORDS.search(q) and not QUANTITY_NOUNS.search(q)), None)
    return whether is not None and any(FIGURE_WORDS.search(q) or asked_attribute(q) for q in asked[whether + 1:])


def asked_figure(frame: QuestionFrame, with_years: bool = True) -> str:
    """The figure asked, in words: "2025年比2015年的具体数值", "以“亿千瓦时”计的具体数值"."""
    years = "、".join(f"{y}年" for y in sorted(frame.target_years)) if with_years else ""
    base = f"比{frame.base_year}年的" if frame.base_year else ""
    unit = f"以“{frame.unit}”计的" if frame.unit and frame.unit_family != "share" else ""
    kind = "百分比" if frame.unit_family == "share" else "具体数值"
    return f"{years}{base}{unit}{kind}"
