"""Every quantitative target of every plan as Indicator records, read from the clause chunks.

A target is a figure with a unit that a sentence sets for a stated year ("到2025年，X达到32%以上",
"“十四五”期间新增…3600万千瓦"): it follows a verb such as 达到/下降/不低于, continues a list
("分别降低7%和8%"), or closes its comma-piece ("新增…建筑1万平方米"). Figures without a stated year
(PUE 1.3 for every data centre), ranges (5-10个), ratios (1:6.4), thresholds inside a subject
(年能耗超过1万吨标准煤的数据中心) and counts inside a name (9种, 5G) are not targets.
The year must be stated in the sentence, or in the one a "；" continues.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from carbonqa.ingest.sentences import OPENERS, SENTENCE_END, split_sentences
from carbonqa.indicators.models import Indicator
from carbonqa.indicators.names import indicator_name, share_modifier
from carbonqa.ingest.clean import CLOSERS
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.text import squash
from carbonqa.ingest.vocabulary import (ACTIONS, BASE_YEAR, COMPARATIVES, NOTE, NUMBER, PERIOD, PERIOD_END_YEAR,
                               POST_QUALIFIERS, PRE_QUALIFIERS, RANGE_OR_RATIO, TARGET_UNIT, TARGET_YEAR)

VERBS = re.compile("|".join(sorted(COMPARATIVES + ACTIONS, key=len, reverse=True)))
COMPARATIVE = re.compile("|".join(sorted(COMPARATIVES, key=len, reverse=True)))
PRE = re.compile("(?:" + "|".join(PRE_QUALIFIERS) + ")+$")
POST = re.compile("(?:" + "|".join(POST_QUALIFIERS) + ")+")
LIST_JOINERS = ("和", "、", "及")


@dataclass
class Figure:
    """One target figure in a comma-piece, before it gets its name and year."""

    value_text: str
    unit: str
    direction: str
    qualifiers: list[str]
    base_year: int | None
    subject: str  # the words it measures, "" when it continues a list or its subject was said before
    respectively: list[str] = field(default_factory=list)  # A和B分别…: the subjects of the list it opens
    continues_list: bool = False


def extract_indicators(chunks: Iterable[Chunk]) -> list[Indicator]:
    """All targets in document order; a target a plan states twice is kept where it is stated first,
    preferring a clause over a task-table row that repeats it."""
    ordered = sorted(chunks, key=lambda c: (c.doc_id, c.kind in (ChunkKind.table, ChunkKind.table_row), c.start))
    seen: set[tuple] = set()
    records: list[Indicator] = []
    for chunk in ordered:
        for record in chunk_indicators(chunk):
            key = (record.doc_id, record.indicator, record.year, record.value, record.unit)
            if key not in seen:
                seen.add(key)
                records.append(record)
    return records


def chunk_indicators(chunk: Chunk) -> list[Indicator]:
    records: list[Indicator] = []
    years: list[int] = []
    for sentence in split_sentences(chunk.text):
        flat = squash(sentence.text)
        subject, subject_start = "", 0
        for start, end in comma_pieces(sentence.text):
            piece = squash(sentence.text[start:end])
            years = target_years(piece) or years
            for group in list_groups(piece_figures(piece)):
                names = group_subjects(group, subject)
                if group[0].subject:  # the quote starts where its subject is said (达到95% takes it from before)
                    subject_start = start
                # 到2025年和2030年，X分别达到A和B: one year per figure.
                paired = len(group) > 1 and len(years) == len(group) and len(set(names)) == 1
                quote = sentence.text[subject_start:end]
                for position, (figure, name) in enumerate(zip(group, names)):
                    if years:
                        year = years[position] if paired else years[-1]
                        records.append(make_record(chunk, sentence.text, quote, figure, name, year))
                subject = names[-1] or subject
        # "到2025年，A达到x；B达到y。": B is about 2025 too; a new sentence after 。 states its own year.
        if not flat.endswith(("；", ";")):
            years = []
    return records


def comma_pieces(text: str) -> list[tuple[int, int]]:
    """(start, end) of each piece of the sentence cut at ，/, outside brackets and quotes, its final
    stop excluded, so that a piece is a verbatim slice of the sentence."""
    spans, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch in OPENERS) - (ch in CLOSERS and depth > 0)
        if ch in "，," and depth == 0:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(text.rstrip(SENTENCE_END + " \u3000\n"))))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def masked(piece: str) -> str:
    """The piece with titles 《…（2021-2025年）》 blanked (same length), so their years and numbers do not count."""
    return re.sub(r"《[^》]*》", lambda m: "□" * len(m.group()), piece)


def target_years(piece: str) -> list[int]:
    text = masked(piece)
    found = [(m.start(), int(m.group(1))) for m in TARGET_YEAR.finditer(text)]
    found += [(m.start(), PERIOD_END_YEAR[m.group(1)]) for m in PERIOD.finditer(text)]
    return [year for _, year in sorted(found)]


def piece_figures(piece: str) -> list[Figure]:
    text = masked(piece)
    taken = [m.span() for m in (*TARGET_YEAR.finditer(text), *BASE_YEAR.finditer(text), *PERIOD.finditer(text))]
    figures: list[Figure] = []
    previous_end = 0
    for number in NUMBER.finditer(text):
        start, end = number.span()
        unit = TARGET_UNIT.match(text, end)
        if any(s <= start < e for s, e in taken) or unit is None \
                or RANGE_OR_RATIO.search(text[:start]) or RANGE_OR_RATIO.search(text[end:]):
            continue
        post = POST.match(text, unit.end())
        after = post.end() if post else unit.end()
        before = text[previous_end:start]
        rest = text[after:]
        core = PRE.sub("", before)
        verb = last_match(VERBS, core)
        direct = verb is not None and verb.end() == len(core)
        continues = bool(figures) and before in LIST_JOINERS
        if not (direct or continues or not rest):
            continue
        base = last_match(BASE_YEAR, before)
        figure = Figure(
            value_text=number.group(),
            unit=unit.group(),
            direction=figures[-1].direction if continues else (verb.group() if direct else first_verb(before)),
            qualifiers=[q for q in PRE_QUALIFIERS if q in before] + split_post(post.group() if post else ""),
            base_year=int(base.group(1)) if base else (figures[-1].base_year if continues else None),
            subject="" if continues else subject_of(before, rest if is_last(text, after) else ""),
            continues_list=continues,
        )
        if "分别" in before and not continues:
            figure.respectively = [p for p in re.split("|".join(LIST_JOINERS), subject_text(before).split("分别")[0]) if p]
        figures.append(figure)
        previous_end = after
    return figures


def is_last(text: str, after: int) -> bool:
    """No other figure with a unit follows in the piece."""
    return not any(TARGET_UNIT.match(text, m.end()) for m in NUMBER.finditer(text, after))


def last_match(pattern: re.Pattern, text: str) -> re.Match | None:
    matches = list(pattern.finditer(text))
    return matches[-1] if matches else None


def first_verb(before: str) -> str:
    """The direction of a figure that closes its piece: the action opening it (新增…1万平方米) or the last verb."""
    action = next((m.group() for m in VERBS.finditer(before) if m.group() in ACTIONS), None)
    last = last_match(VERBS, before)
    return action or (last.group() if last else "")


def split_post(post: str) -> list[str]:
    return [q for q in POST_QUALIFIERS if q in post and not (q == "以上" and "及以上" in post)]


def subject_text(before: str) -> str:
    """The words before the figure without the year, base year, notes and the verb linking them to it."""
    text = TARGET_YEAR.sub("", BASE_YEAR.sub("", PERIOD.sub("", NOTE.sub("", before))))
    text = re.sub(r"^(?:到|至|在|于)", "", text)
    verb = last_match(COMPARATIVE, text)
    return text[: verb.start()] if verb else PRE.sub("", text)


def subject_of(before: str, trailing: str) -> str:
    """达到75%节能要求: the words after the figure complete the subject; 具备5%以上的尖峰负荷响应能力: they are it."""
    subject = subject_text(before)
    trailing = NOTE.sub("", trailing)
    if trailing.startswith("的"):
        return trailing[1:]
    return subject + trailing


def list_groups(figures: list[Figure]) -> list[list[Figure]]:
    """Figures grouped into lists: 7%和8% is one group, the figure opening it first."""
    groups: list[list[Figure]] = []
    for figure in figures:
        if figure.continues_list and groups:
            groups[-1].append(figure)
        else:
            groups.append([figure])
    return groups


def group_subjects(group: list[Figure], earlier: str) -> list[str]:
    """The indicator name of each figure in a list: A和B分别…x和y pairs them up; otherwise they share
    the opening figure's subject, or the sentence's earlier one (到2030年达到95%)."""
    if len(group) > 1 and len(group[0].respectively) == len(group):
        return [indicator_name(s) for s in share_modifier(group[0].respectively)]
    name = indicator_name(group[0].subject) or earlier
    return [name] * len(group)


def label(figure: Figure) -> str:
    base = f"比{figure.base_year}年" if figure.base_year else ""
    before = "".join(q for q in figure.qualifiers if q in PRE_QUALIFIERS)
    after = "".join(q for q in figure.qualifiers if q not in PRE_QUALIFIERS)
    return f"{base}{before}{figure.direction}{figure.value_text}{figure.unit}{after}"


def make_record(chunk: Chunk, sentence: str, quote: str, figure: Figure, name: str, year: int) -> Indicator:
    return Indicator(
        indicator=name,
        subject=figure.subject or name,
        region=chunk.region,
        level=chunk.level,
        doc_id=chunk.doc_id,
        title=chunk.title,
        year=year,
        value=float(figure.value_text),
        value_text=figure.value_text,
        unit=figure.unit,
        direction=figure.direction,
        qualifiers=figure.qualifiers,
        base_year=figure.base_year,
        label=label(figure),
        clause_id=chunk.id,
        path=chunk.path,
        sentence=sentence,
        quote=quote.strip(),
    )
