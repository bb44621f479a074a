"""Who is responsible ("由哪个部门牵头", "责任单位有哪些", "这块归谁管"): answered by a sentence that names a
department or unit (AnswerPolicy.answers requires one, so the responsibility tables answer); else, when the
sentence on the question's topic names no one, by the row of the plan's task-division table for the task
that sentence lies under; else refused here."""
from __future__ import annotations

from carbonqa.answer.candidate import Candidate
from carbonqa.answer.compose import CitationBook, attributed, cited_quotes, display
from carbonqa.answer.kinds.base import Asked, Reply
from carbonqa.answer.kinds.refusal import refusal
from carbonqa.answer.selection import quote_order
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.tree import ClauseTree
from carbonqa.ingest.vocabulary import AGENCY, LEADING_BODY


class ResponsibleForTask:
    """The sentence on the topic asked ("珠海电厂、金湾电厂……改造") names no one; its plan's task-division table
    has a row for the task it lies under (its heading, 能源绿色低碳转型行动, is the row's task): that row names
    who is responsible. The row is quoted first, then the sentence that ties the question to it."""

    def applies(self, asked: Asked) -> bool:
        return asked.frame.wants_agency

    def answer(self, asked: Asked) -> Reply | None:
        topic = on_topic(asked)
        if topic is None:
            return None
        found = task_row(asked.evidence.corpus.tree, topic.chunk, topic.flat)
        if found is None:
            return None
        row, task = found
        book = CitationBook()
        quote = row_quote(row)
        text = f"据《{row.title}》的任务分工表，{display(quote)}[{book.cite(row, quote)}]\n" \
               f"所问内容属“{task}”：{cited_quotes(book, [topic])}"
        return Reply(text, book)


class LeadingBody:
    """Who leads the work ("碳达峰这摊子事谁来领导", "整体由谁统筹部署"): a sentence naming the plan's leading
    body (its 领导小组) that holds every plan word the question uses answers, even where the wording
    (摊子) made the gate doubt the best sentence: the question asks of the plan's work as a whole."""

    def applies(self, asked: Asked) -> bool:
        return asked.frame.wants_agency

    def answer(self, asked: Asked) -> Reply | None:
        evidence = asked.evidence
        words = evidence.sentences.vocabulary_terms(asked.frame.terms)
        leading = [c for c in asked.usable if LEADING_BODY.search(c.flat) and all(w in c.flat for w in words)]
        if not leading:
            return None
        book = CitationBook()
        picked = evidence.pick(asked.frame, leading, evidence.policy.max_sentences, evidence.policy.max_clauses)
        return Reply(attributed(book, picked), book)


class DepartmentNotStated:
    """No retrieved sentence names who is responsible for what is asked."""

    def applies(self, asked: Asked) -> bool:
        return asked.frame.wants_agency

    def answer(self, asked: Asked) -> Reply:
        return refusal(asked.evidence.policy, "方案未写明负责的部门或单位。", "no_supporting_clause", asked.candidates)


def on_topic(asked: Asked) -> Candidate | None:
    """The sentence that would answer the question if it did not ask who: the best on the topic asked."""
    frame = asked.frame.model_copy(update={"wants_agency": False})
    usable = asked.evidence.usable(frame, asked.candidates)
    return quote_order(asked.evidence.policy, frame, usable)[0] if usable else None


def task_row(tree: ClauseTree, chunk: Chunk, sentence: str) -> tuple[Chunk, str] | None:
    """The row of the chunk's plan's task table whose task is a heading the chunk lies under (the nearest
    such heading), naming who is responsible, and that task; of several rows for the task, the one sharing
    most with the chunk's own heading and the sentence."""
    rows = [c for c in tree.chunks if c.doc_id == chunk.doc_id and c.kind == ChunkKind.table_row
            and AGENCY.search(c.text)]
    for heading in reversed([c.heading for c in [*tree.ancestors(chunk.id), chunk] if c.heading]):
        of_task = [row for row in rows if heading in _row_fields(row)]
        if of_task:
            said = _bigrams(chunk.heading + sentence)
            return max(of_task, key=lambda row: len(said & _bigrams(row.text))), heading
    return None


def row_quote(row: Chunk) -> str:
    """The row without its leading serial number (序号：1): a verbatim slice of it."""
    lines = row.text.split("\n")
    start = next((i for i, line in enumerate(lines) if not _value(line).isdigit()), 0)
    return "\n".join(lines[start:])


def _row_fields(row: Chunk) -> list[str]:
    """The values of a row's "label：value" lines."""
    return [_value(line) for line in row.text.split("\n") if "：" in line]


def _value(line: str) -> str:
    return line.split("：", 1)[1].strip() if "：" in line else line.strip()


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}
