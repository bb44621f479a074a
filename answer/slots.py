"""Slot agreement: does a sentence state the figure a question asks, or only another figure of its topic?

A figure question names slots: a metric (单位GDP二氧化碳排放), a target year, a unit family, a region, a base
year. A plan often discusses the topic in one sentence with a figure for a neighbouring metric: "单位地区
生产总值能源消耗比2020年下降14.5%，单位地区生产总值二氧化碳排放确保完成省下达指标" holds every word of
"单位GDP二氧化碳排放要降多少", but its figure belongs to 能源消耗; the metric asked is named in a piece that
states none. Reading the slots of the comma-piece that states a figure tells that near miss (the plan
states no such figure) from an answer.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from carbonqa.answer.text import longest_only
from carbonqa.ingest.time_expressions import read_times
from carbonqa.ingest.vocabulary import ASKED_ATTRIBUTES, figure_families, term_forms
from carbonqa.retriever.models import QuestionFrame

# The pieces of a sentence one figure belongs to: "到2025年，光伏装机达到200万千瓦，储能……".
PIECE_SPLIT = re.compile(r"[，,：:]")
# Each slot as an answer names it when the plan does not fill it.
SLOT_NAMES = {"metric": "指标", "year": "年份", "unit": "单位", "region": "地区", "base_year": "基准年"}


@dataclass(frozen=True)
class SlotCheck:
    """How the best figure-stating piece of a sentence fits a figure question. None: the question does
    not ask for that slot (no year named, no unit, no region, no base year)."""

    metric: bool  # the piece names the question's metric at least as fully as any piece without a figure
    year: bool | None  # the sentence is about a year asked
    unit: bool | None  # the piece states a figure of the unit family asked
    region: bool | None  # the sentence is from a plan of a region asked
    base_year: bool | None  # the piece measures its change against the base year asked
    piece: str = ""  # the figure piece read ("" when the sentence states no figure)
    named_without_figure: str = ""  # the piece naming the metric more fully, with no figure ("" if none)

    @property
    def missing(self) -> list[str]:
        """The slots the sentence fails, by name (metric, year, unit, region, base_year)."""
        return [name for name in SLOT_NAMES if getattr(self, name) is False]


def check_slots(frame: QuestionFrame, sentence: str, years: set[int], region: str,
                coverage: Callable[[str], float], named_min: float, key_forms: tuple[str, ...] = (),
                rare_terms: tuple[str, ...] = ()) -> SlotCheck:
    """The slots of the sentence's best figure piece (the one naming a rare term asked, else the one covering
    most of the question's terms) against the question's. `years`: the years the sentence is about (its own,
    or those of the sentence it continues); `coverage`: the share of the question's topic terms a piece holds;
    `named_min`: the share with which a piece without a figure names the metric asked (on its own, on topic
    enough to answer). Below it, a piece without a figure only frames the figure (its place, its programme),
    as it does for a paraphrase sharing few words with the figure piece. `key_forms`: the forms of the
    question's most specific term; when the piece without a figure names it and the figure piece does not
    ("二氧化碳排放强度下降率确保完成省下达的目标" beside "能耗下降14%"), the metric asked is named there,
    however much of the rest the figure piece names. (The reverse does not hold: the most specific term of
    "单位地区生产总值二氧化碳排放下降多少" is 单位地区生产总值, which frames every goal figure.) Either way the
    piece without a figure must name some term asked that the figure piece does not (nor most of it: 二代技术
    is the 第二代技术 asked). `rare_terms`: the question's terms the plans use too rarely to be their vocabulary
    (PUE): a figure piece naming one that the piece without a figure does not states the figure of that thing,
    of the subject the other piece names."""
    asked_years = frame.target_years
    year = bool(frame.targets_among(years) & asked_years) if asked_years else None
    in_region = region in frame.regions.regions if frame.regions.regions else None
    pieces = [(piece, coverage(piece)) for piece in PIECE_SPLIT.split(sentence) if piece]
    figures = [(piece, share) for piece, share in pieces if figure_families(piece)]
    bare = max(((piece, share) for piece, share in pieces if not figure_families(piece)),
               key=lambda pair: pair[1], default=("", 0.0))
    if not figures:
        return SlotCheck(metric=False, year=year, unit=False if frame.unit_family else None, region=in_region,
                         base_year=False if frame.base_year else None)
    # The piece naming a term the plans rarely use, if one does: where they state that thing at all.
    piece, share = max(figures, key=lambda pair: (any(names(pair[0], term, ()) for term in rare_terms), pair[1]))
    # "Right topic, wrong slot": the metric is named in a piece of its own that states no figure, one naming a
    # term asked that the figure piece does not name (nor most of it: 二代 is the 第二代 asked). Unless the figure
    # piece alone names a rare term asked: "新建大型和超大型数据中心全部达到绿色数据中心要求，……电能利用效率（PUE）
    # 不高于1.3" states the PUE of the data centres named before it.
    names_more = any(names(bare[0], term, frame.terms) and not names(piece, term, frame.terms)
                     for term in longest_only(frame.terms))
    key_in_piece, key_in_bare = holds(piece, key_forms), holds(bare[0], key_forms)
    rare_in_piece_only = any(names(piece, term, ()) and not names(bare[0], term, ()) for term in rare_terms)
    named_elsewhere = bare[1] >= named_min and names_more and not rare_in_piece_only and \
        ((key_in_bare and not key_in_piece) or bare[1] > share)
    return SlotCheck(
        metric=not named_elsewhere, year=year,
        unit=frame.unit_family in figure_families(piece) if frame.unit_family else None,
        region=in_region,
        base_year=read_times(piece).base_year == frame.base_year if frame.base_year else None,
        piece=piece, named_without_figure=bare[0] if named_elsewhere else "",
    )


def expresses_attribute(frame: QuestionFrame, text: str) -> bool:
    """Does the text express the attribute the question asks of its topic (a frequency, a money amount, a
    standard level, a fee), if it asks one? "定期编制市级温室气体清单" is on the topic of "清单几年编一次" without
    saying how often; "支持……建设冷链物流基地" on that of "基地总投资多少" without an amount."""
    return frame.asked_attribute is None or bool(ASKED_ATTRIBUTES[frame.asked_attribute].expresses.search(text))


def holds(text: str, forms: tuple[str, ...]) -> bool:
    return any(form in text for form in forms)


def names(text: str, term: str, terms: list[str]) -> bool:
    """Does the text name the term, in one of its forms or in most of it (a term of the question's own)?"""
    return holds(text, (*term_forms(term), *most_of(terms, (term,))))


def most_of(terms: list[str], forms: tuple[str, ...]) -> list[str]:
    """The question's terms that are most of one of these forms (two thirds of its characters or more): a plan
    writes 二代技术 for the 第二代技术 asked, 水泥 for 水泥厂."""
    return [term for term in terms if len(term) > 1 and
            any(term != form and term in form and 3 * len(term) >= 2 * len(form) for form in forms)]
