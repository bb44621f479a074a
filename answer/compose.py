"""Turning selected sentences into answer text with [n] markers and their citations.

Every quote is a verbatim slice of its clause; the answer shows it on one line, with its
final ；/， closed by 。, so a citation is true by construction.
"""
from __future__ import annotations

import re

from carbonqa.answer.candidate import Candidate
from carbonqa.answer.models import Citation
from carbonqa.answer.outline import ListItem
from carbonqa.answer.text import first_sentence, strip_end
from carbonqa.ingest.models import Chunk
from carbonqa.ingest.vocabulary import HEADING_LABEL
from carbonqa.retriever.models import PlanInfo

SILENT = "方案未提及相关内容。"


class CitationBook:
    """Hands out markers: one per distinct (clause, quote), numbered in order of first use."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []

    def cite(self, chunk: Chunk, quote: str, related: bool = False, clause_text: str | None = None) -> int:
        """The marker for this quote of this chunk; clause_text overrides the chunk's own text (a
        section cited as a whole, with its sub-clauses)."""
        for citation in self.citations:
            if citation.chunk_id == chunk.id and citation.quote == quote and citation.related == related:
                return citation.marker
        marker = len(self.citations) + 1
        self.citations.append(Citation(
            marker=marker, chunk_id=chunk.id, plan_title=chunk.title, region=chunk.region,
            path=chunk.path, quote=quote, clause_text=clause_text or chunk.text, related=related,
        ))
        return marker


def display(quote: str) -> str:
    """The quote as shown in the answer: on one line, closed with a sentence end."""
    text = strip_end(re.sub(r"\s*\n\s*", " ", quote))
    return text if text.endswith(("。", "！", "？", "”", "」")) else text + "。"


def quote_runs(picked: list[Candidate]) -> list[tuple[Chunk, str]]:
    """Group picked sentences by clause (best clause first); adjacent sentences of a clause join into
    one quote, a verbatim slice of the clause from the first sentence's start to the last one's end."""
    order: list[str] = []
    by_chunk: dict[str, list[Candidate]] = {}
    for candidate in picked:
        if candidate.chunk.id not in by_chunk:
            order.append(candidate.chunk.id)
            by_chunk[candidate.chunk.id] = []
        by_chunk[candidate.chunk.id].append(candidate)
    runs: list[tuple[Chunk, str]] = []
    for chunk_id in order:
        group = sorted(by_chunk[chunk_id], key=lambda c: c.sentence.start)
        chunk = group[0].chunk
        start, end = group[0].sentence.start, group[0].sentence.end
        for candidate in group[1:]:
            gap = chunk.text[end:candidate.sentence.start]
            if gap.strip():  # not adjacent: close this run
                runs.append((chunk, chunk.text[start:end]))
                start = candidate.sentence.start
            end = candidate.sentence.end
        runs.append((chunk, chunk.text[start:end]))
    return runs


def cited_quotes(book: CitationBook, picked: list[Candidate], related: bool = False) -> str:
    """The picked sentences as answer text, each run followed by its marker."""
    return "".join(f"{display(quote)}[{book.cite(chunk, quote, related)}]" for chunk, quote in quote_runs(picked))


def attributed(book: CitationBook, picked: list[Candidate], related: bool = False) -> str:
    """"据《方案》，……[1]" per plan, plans in the order of their best sentence."""
    plans: list[str] = []
    for candidate in picked:
        if candidate.chunk.title not in plans:
            plans.append(candidate.chunk.title)
    parts = []
    for title in plans:
        mine = [c for c in picked if c.chunk.title == title]
        parts.append(f"据《{title}》，{cited_quotes(book, mine, related)}")
    return "\n".join(parts)


def structure_list(book: CitationBook, section: Chunk, items: list[ListItem], whole_text: str,
                   picked: slice | None = None, count_sentence: str | None = None,
                   under: list[ListItem] | None = None, detail: str | None = None) -> str:
    """The section (its heading, or the sentence stating its count, cited with all its descendants),
    then the items asked for (all, or those `picked`), one numbered line each, cited to its clause; one
    item picked is followed by the items `under` it ("下设4条：" and a line each), or by its own text after its
    heading (`detail`, cited to it) when nothing is under it."""
    heading, marker = _cited_heading(book, section, whole_text, count_sentence)
    if count_sentence:
        intro = f"据《{section.title}》，{_stated_count(count_sentence, marker, heading, len(items))}"
    else:
        intro = f"据《{section.title}》，“{heading}”包括以下{len(items)}项[{marker}]"
    numbered = list(enumerate(items, start=1))
    if picked is not None:
        numbered = numbered[picked]
        intro += f"，其中{_which(picked, len(items))}是"
    lines = [_item_line(book, n, item) for n, item in numbered]
    if under:
        lines[-1] += f"，下设{len(under)}条："
        lines += [_item_line(book, n, item) for n, item in enumerate(under, start=1)]
    elif detail and len(numbered) == 1:
        lines.append(_detail_line(book, numbered[0][1].chunk, detail))
    return intro + "：\n" + "\n".join(lines)


def counted_list(book: CitationBook, section: Chunk, items: list[ListItem], whole_text: str,
                 count_sentence: str | None, listed: bool) -> str:
    """One plan's list counted, for a line of a comparison: the sentence stating its count in the plan's
    words (else its heading) cited with all of it, then, `listed`, its items."""
    heading, marker = _cited_heading(book, section, whole_text, count_sentence)
    if count_sentence:
        text = _stated_count(count_sentence, marker, heading, len(items))
    else:
        text = f"“{heading}”共{len(items)}项[{marker}]"
    if not listed:
        return text + "。"
    return text + "：" + "；".join(_item_line(book, n, item) for n, item in enumerate(items, start=1)) + "。"


def parts_list(book: CitationBook, parts: list[ListItem], counted: bool) -> str:
    """The plan's parts, one line each, cited to its own heading."""
    lines = [_item_line(book, n, part) for n, part in enumerate(parts, start=1)]
    intro = f"据《{parts[0].chunk.title}》，正文{'共' if counted else ''}分为以下{len(parts)}个部分"
    return intro + "：\n" + "\n".join(lines)


def numbered_clause_text(book: CitationBook, clause: ListItem, parent: Chunk | None, parent_text: str,
                         detail: str | None = None) -> str:
    """"第35条" of a plan that numbers its clauses on through the parts: the clause, under the heading of
    the list it belongs to (cited with all of that list), then its own text after its heading (`detail`)."""
    if parent is None:
        intro = f"据《{clause.chunk.title}》："
    else:
        marker = book.cite(parent, first_sentence(parent.text), clause_text=parent_text)
        intro = f"据《{clause.chunk.title}》，“{strip_end(first_sentence(parent.text))}”[{marker}]下的一条是："
    lines = [_item_line(book, 1, clause)]
    if detail:
        lines.append(_detail_line(book, clause.chunk, detail))
    return intro + "\n" + "\n".join(lines)


def _cited_heading(book: CitationBook, section: Chunk, whole_text: str, count_sentence: str | None) -> tuple[str, int]:
    """A list's heading line (Outline.sections have one) and its citation marker: the sentence stating its
    count, else the heading, cited with all of the list."""
    marker = book.cite(section, count_sentence or first_sentence(section.text), clause_text=whole_text)
    return strip_end(first_sentence(section.text)), marker


def _stated_count(count_sentence: str, marker: int, heading: str, total: int) -> str:
    """The plan's own sentence stating a list's count, cited, then the count of its items."""
    return f"{strip_end(display(count_sentence))}[{marker}]，“{heading}”共{total}项"


def _detail_line(book: CitationBook, chunk: Chunk, detail: str) -> str:
    """An item's own text after its heading, cited to it."""
    return f"{display(detail)}[{book.cite(chunk, detail)}]"


def _item_line(book: CitationBook, n: int, item: ListItem) -> str:
    """A numbered line: the plan's own label ("（三）", "16.") where it has one, else the position."""
    return f"{'' if HEADING_LABEL.match(item.title) else f'{n}. '}{item.title}[{book.cite(item.chunk, item.quote)}]"


def _which(picked: slice, total: int) -> str:
    """第3项 / 最后一项 / 倒数第2项 / 前3项, for the intro of a list that shows only some items."""
    if picked.start == -1:
        return "最后一项"
    if picked.start < 0:
        return f"倒数第{-picked.start}项"
    if not picked.start and picked.stop != 1:
        return f"前{min(picked.stop, total)}项"
    return f"第{picked.start + 1}项"


def comparison_line(book: CitationBook, region: str, picked: list[Candidate], name_plans: bool = False) -> str:
    """"珠海市：……[1]"; with `name_plans` (the region has several plans) each quote says its plan."""
    if not picked:
        return f"{region}：{SILENT}"
    return f"{region}：{attributed(book, picked) if name_plans else cited_quotes(book, picked)}"


def coverage_note(place: str, plans: list[PlanInfo]) -> str:
    """For a place without a plan of its own: that it has none, and which plan covers it instead."""
    titles = "、".join(f"《{plan.title}》" for plan in plans)
    return f"{place}没有单独的碳达峰实施方案；{titles}覆盖{place}，以下据此作答："


def plans_note(region: str, plans: list[PlanInfo], quoted: set[str]) -> str:
    """For a question that picks none of a region's several plans: which plans there are, which ones the
    reply quotes, and how to ask about one of them."""
    listing = "、".join(f"《{plan.title}》（{plan.year}年）" if plan.year else f"《{plan.title}》" for plan in plans)
    used = "、".join(f"《{plan.title}》" for plan in plans if plan.doc_id in quoted)
    hints = ["年份（如“{}年版”）".format(plans[-1].year)] if plans[-1].year else []
    hints += ["“修订版”或“原方案”"] if any(plan.revision for plan in plans) else []
    hints += [f"“{plan.sector}方案”" for plan in plans if plan.sector]
    return (f"注：{region}有{len(plans)}份方案：{listing}，均已检索" + (f"，以上引自{used}" if used else "")
            + f"。如只问其中一份，请在问题中注明{'、'.join(hints) or '方案标题'}。")
