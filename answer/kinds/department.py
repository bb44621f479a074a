"""Who is responsible ("由哪个部门牵头", "责任单位有哪些", "这块归谁管"): answered by a sentence that names a
department or unit (AnswerPolicy.answers requires one, so the responsibility tables answer); else, when the
sentence on the question's topic names no one, by the row of the plan's task-division table for the task
that sentence lies under; who leads the whole work, by the plan's leading body; else refused here. And the
other way round: which tasks a department named in the question is responsible for."""
from __future__ import annotations

import re

from carbonqa.answer.candidate import Candidate
from carbonqa.answer.compose import CitationBook, attributed, cited_quotes, display
from carbonqa.answer.kinds.base import Asked, Reply
from carbonqa.answer.kinds.refusal import refusal
from carbonqa.answer.selection import quote_order
from carbonqa.answer.text import character_pairs
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.tree import ClauseTree
from carbonqa.ingest.vocabulary import AGENCY, ASKING_PIECE, LEADING_BODY, LIST_WORDS
from carbonqa.retriever.facets import asking_parts
from carbonqa.retriever.frame import asks_who_is_in_charge
from carbonqa.retriever.models import QuestionFrame

# Asks what a department leads, not only takes part in: the rows naming it first.
LEADS = re.compile(r"牵头|主责|领衔")


class TasksOfAgency:
    """The other way round: which tasks a department named in the question is responsible for ("供电局在分工表里
    参与了哪些行动"): every row of the asked plans' task-division tables naming it, in the table's order, each
    quoted; asked what it leads (牵头), the rows naming it first. A department the tables never name is left to
    the other kinds."""

    def applies(self, asked: Asked) -> bool:
        # Read by the patterns, not the prototypes: "文广旅体局负责哪些事" is near who in meaning but asks what.
        frame = asked.frame
        return not asks_who_is_in_charge(frame.text) and bool(LIST_WORDS.search(frame.text)) and \
            bool(AGENCY.search(frame.text))

    def answer(self, asked: Asked) -> Reply | None:
        frame, corpus = asked.frame, asked.evidence.corpus
        docs = frame.regions.documents or corpus.plans.documents(frame.regions.regions or corpus.plans.regions)
        names, rows = rows_naming(frame.text, [c for c in corpus.tree.chunks
                                               if c.doc_id in docs and c.kind == ChunkKind.table_row])
        if not rows:
            return None
        book = CitationBook()
        lines = []
        role = "牵头（列第一）" if LEADS.search(frame.text) else "列为责任单位"
        for doc_id in dict.fromkeys(row.doc_id for row in rows):
            mine = [row for row in rows if row.doc_id == doc_id]
            lines.append(f"据《{mine[0].title}》的任务分工表，{'、'.join(names)}{role}的共{len(mine)}项：")
            lines += [f"{n}. {display(row_quote(row))}[{book.cite(row, row_quote(row))}]"
                      for n, row in enumerate(mine, start=1)]
        return Reply("\n".join(lines), book)


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
        if found is None or asked.evidence.row_for_another_task(asked.frame, found[0]):
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
    """No retrieved sentence names who is responsible for what is asked. When who is only one part of the
    question ("佛山光伏目标多少 哪年 谁牵头"), the other parts are answered as if it were not asked, and the
    department is named as what the plan does not state; else the whole question is refused here."""

    def applies(self, asked: Asked) -> bool:
        return asked.frame.wants_agency

    def answer(self, asked: Asked) -> Reply:
        policy = asked.evidence.policy
        if other_parts_asked(asked.frame.text) and (rest := on_rest(asked)):
            book = CitationBook()
            return Reply(f"{attributed(book, rest)}\n{UNNAMED}", book, unstated=[UNNAMED_PART])
        return refusal(policy, UNNAMED, "no_supporting_clause", asked.candidates)


UNNAMED = "方案未写明负责的部门或单位。"
UNNAMED_PART = "负责的部门或单位"


def other_parts_asked(question: str) -> bool:
    """Is who is responsible asked in a part of its own ("谁牵头"), beside parts asking something else ("多少",
    "哪年")?"""
    who = [asks_who_is_in_charge(part) for part in asking_parts(question)
           if ASKING_PIECE.search(part) or asks_who_is_in_charge(part)]
    return any(who) and not all(who)


def on_rest(asked: Asked) -> list[Candidate]:
    """The sentences answering the question as if it did not ask who: what its other parts ask."""
    frame, ordered = _without_who(asked)
    policy = asked.evidence.policy
    return asked.evidence.pick(frame, ordered, policy.max_sentences, policy.max_clauses) if ordered else []


def on_topic(asked: Asked) -> Candidate | None:
    """The sentence that would answer the question if it did not ask who: the best on the topic asked."""
    _, ordered = _without_who(asked)
    return ordered[0] if ordered else None


def _without_who(asked: Asked) -> tuple[QuestionFrame, list[Candidate]]:
    """The question read as if it did not ask who, and its usable sentences in quoting order."""
    frame = asked.frame.model_copy(update={"wants_agency": False})
    usable = asked.evidence.usable(frame, asked.candidates)
    return frame, quote_order(asked.evidence.policy, frame, usable) if usable else []


def task_row(tree: ClauseTree, chunk: Chunk, sentence: str) -> tuple[Chunk, str] | None:
    """The row of the chunk's plan's task table whose task is a heading the chunk lies under (the nearest
    such heading), naming who is responsible, and that task; of several rows for the task, the one sharing
    most with the chunk's own heading and the sentence."""
    rows = [c for c in tree.chunks if c.doc_id == chunk.doc_id and c.kind == ChunkKind.table_row
            and AGENCY.search(c.text)]
    for heading in reversed([c.heading for c in [*tree.ancestors(chunk.id), chunk] if c.heading]):
        of_task = [row for row in rows if heading in _row_fields(row)]
        if of_task:
            said = character_pairs(chunk.heading + sentence)
            return max(of_task, key=lambda row: len(said & character_pairs(row.text))), heading
    return None


def rows_naming(question: str, rows: list[Chunk]) -> tuple[list[str], list[Chunk]]:
    """The departments the question names, and the task-table rows naming them among the responsible (first,
    when it asks what they lead)."""
    names = named_agencies(question, [_units(row) for row in rows])
    # A table writes 市发展改革局 once and 发展改革局 after it in a list: matched without the level.
    bare = [name[1:] if name[0] in "省市县区" else name for name in names]
    leads = bool(LEADS.search(question))
    return names, [row for row in rows if any(name in (_first_unit(row) if leads else _units(row)) for name in bare)]


def named_agencies(question: str, units: list[str]) -> list[str]:
    """The departments the question names by name, as the tables write them (生态环境局, 珠海供电局; not a kind
    of body: 各部门): each the longest words ending where a department's name ends that some row names."""
    names = []
    for match in AGENCY.finditer(question):
        if match.group().startswith(("各", "有关")):
            continue
        spelled = (question[start:match.end()] for start in range(max(0, match.start() - 6), match.start() + 1))
        name = next((name for name in spelled if any(name in unit for unit in units)), None)
        if name and name not in names:
            names.append(name)
    return names


def _units(row: Chunk) -> str:
    """A row's last field: who is responsible for it."""
    return _value(row.text.rstrip().split("\n")[-1])


def _first_unit(row: Chunk) -> str:
    """The unit a row names first: the one leading the task."""
    return re.split(r"[、，,]", _units(row))[0]


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
