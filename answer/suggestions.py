"""Questions to suggest, built from the plans' own clause trees (no LLM, nothing typed in).

Starters: per plan one target question (the first "到2025年，X 达到/下降 N%" sentence), one measure
question (a clause heading of the plan's largest part) and one structure question (that part), plus
one comparison of the province's first target across all plans.
Follow-ups after an answer come from the first cited clause's neighbourhood: the same question for
another year the clause (or its siblings) sets a figure for, the next sibling clause, the parent section.
"""
from __future__ import annotations

import re
from enum import Enum

from pydantic import BaseModel

from carbonqa.answer.models import Answer
from carbonqa.ingest.models import Chunk, ChunkKind, ParsedPlan
from carbonqa.ingest.tree import ClauseTree
from carbonqa.ingest.vocabulary import BASE_YEAR, NUMBER, NUMBER_UNITS, PROVINCE_ALIASES, YEAR_MENTION, YEAR_NUMBER, \
    is_province, short_name

# A target year as the plans write it: "到2025年".
TARGET_YEAR = re.compile(rf"到\s*({YEAR_NUMBER})\s*年")
# "到2025年，单位地区生产总值能源消耗比2020年下降14.5%": the year, what is measured, the verb.
TARGET = re.compile(rf"{TARGET_YEAR.pattern}[，,]\s*(?P<subject>[^，。；：\d%％]{{4,24}}?)(?:{BASE_YEAR.pattern})?"
                    r"(?P<verb>达到|提高到|提高至|提升至|提升到|下降|降低|累计下降)\s*[\d.]+\s*[%％]")
# Words around the measured thing that belong to the sentence, not to the thing ("全市…", "…力争").
SUBJECT_NOISE = re.compile(rf"^(?:全市|{'|'.join(PROVINCE_ALIASES)})|(?:力争|分别)$")
# From a target year to the end of its sentence: what the plan sets for that year.
YEAR_SENTENCE = re.compile(rf"{TARGET_YEAR.pattern}[^。；]*")
# A figure: a number with a unit of quantity (not a date).
FIGURE = re.compile(rf"{NUMBER.pattern}\s*(?:{'|'.join(re.escape(u) for u in NUMBER_UNITS if u not in ('年', '月'))})")
MAX_FOLLOW_UPS = 3


class SuggestionKind(str, Enum):
    target = "target"  # a figure the plan sets
    measure = "measure"  # what the plan does about a topic
    structure = "structure"  # what a part of the plan is made of
    compare = "compare"  # one target across all plans


class Suggestion(BaseModel):
    question: str
    kind: SuggestionKind
    regions: list[str]


# The question templates, shared by starters and follow-ups.
def target_question(region: str, year: str, subject: str, verb: str) -> str:
    falling = "下降" if "下降" in verb or "降低" in verb else ""
    return f"{short_name(region)}到{year}年{subject}{falling}目标是多少？"


def measure_question(region: str, heading: str) -> str:
    return f"{short_name(region)}在{heading}方面有什么安排？"


def structure_question(region: str, heading: str) -> str:
    return f"{short_name(region)}方案的{heading}包括哪些方面？"


def first_target(chunks: list[Chunk]) -> tuple[str, str, str] | None:
    """(year, subject, verb) of the plan's first target sentence, in document order."""
    for chunk in sorted(chunks, key=lambda c: c.start):
        for match in TARGET.finditer(chunk.text):
            subject = SUBJECT_NOISE.sub("", match.group("subject").replace(" ", ""))
            if len(subject) >= 4:
                return match.group(1), subject, match.group("verb")
    return None


def starter_questions(plans: list[ParsedPlan], tree: ClauseTree) -> list[Suggestion]:
    """One question per plan and kind, then the comparison; plans in the order given."""
    suggestions: list[Suggestion] = []
    for position, plan in enumerate(plans):
        region = plan.meta.region
        target = first_target(plan.chunks)
        if target:
            suggestions.append(Suggestion(question=target_question(region, *target), kind=SuggestionKind.target,
                                          regions=[region]))
        parts = [c for c in tree.roots(plan.meta.doc_id) if c.kind == ChunkKind.part and c.heading]
        largest = max(parts, key=lambda part: len(tree.children(part.id)), default=None)
        if largest is None or len(tree.children(largest.id)) < 2:
            continue
        # Plans share their section headings, so each plan takes a different section for variety.
        sections = tree.children(largest.id)
        section = sections[position % len(sections)]
        clause = next((c for c in tree.children(section.id) if c.heading), section)
        suggestions.append(Suggestion(question=measure_question(region, clause.heading), kind=SuggestionKind.measure,
                                      regions=[region]))
        suggestions.append(Suggestion(question=structure_question(region, largest.heading),
                                      kind=SuggestionKind.structure, regions=[region]))
    province = next((plan for plan in plans if is_province(plan.meta.level)), plans[0] if plans else None)
    target = first_target(province.chunks) if province else None
    if target and len(plans) > 1:
        year, subject, _ = target
        suggestions.append(Suggestion(question=f"各市{year}年{subject}目标分别是多少？", kind=SuggestionKind.compare,
                                      regions=[plan.meta.region for plan in plans]))
    return suggestions


class FollowUps:
    """Next questions from the neighbourhood of the clause an answer cites first."""

    def __init__(self, tree: ClauseTree):
        self.tree = tree

    def run(self, answer: Answer) -> list[str]:
        cited = next((c for c in answer.citations if not c.related and c.chunk_id in self.tree), None)
        if cited is None:
            return []
        chunk = self.tree[cited.chunk_id]
        siblings = self.tree.siblings(chunk.id)
        questions = [self._other_year(answer.understood_as, cited.quote, [chunk, *siblings])]
        later = siblings[self.tree.position(chunk.id):]
        following = next((c for c in later if c.heading), None)
        if following is not None:
            questions.append(measure_question(chunk.region, following.heading))
        parent = self.tree.parent(chunk.id)
        if parent is not None and parent.heading and len(self.tree.children(parent.id)) >= 2:
            questions.append(structure_question(chunk.region, parent.heading))
        asked = {answer.question, answer.understood_as}
        return [q for q in dict.fromkeys(questions) if q and q not in asked][:MAX_FOLLOW_UPS]

    @staticmethod
    def _other_year(question: str, quote: str, nearby: list[Chunk]) -> str | None:
        """The question for another year (2030 after 2025) for which the clause or its siblings give a
        figure about what the question asks, if the question names the quote's year."""
        quoted = TARGET_YEAR.findall(quote)
        if not quoted or quoted[0] not in question:
            return None
        # What the question asks about, as 4-character windows ("非化石能") of its text between years.
        pieces = ["".join(piece.split()) for piece in YEAR_MENTION.split(question)]
        windows = {piece[i:i + 4] for piece in pieces for i in range(len(piece) - 3)}
        years = sorted({m.group(1) for c in nearby for m in YEAR_SENTENCE.finditer(c.text)
                        if m.group(1) != quoted[0] and FIGURE.search(m.group(0))
                        and any(w in "".join(m.group(0).split()) for w in windows)})
        later = [y for y in years if y > quoted[0]] or years
        return question.replace(quoted[0], later[0]) if later else None
