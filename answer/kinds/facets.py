"""A multi-part question about one plan ("风电和光伏装机目标", "2025年和2030年"): each facet answered by
its own sentence, cited, or said to be not stated. Comparisons answer facets plan by plan with the same
functions."""
from __future__ import annotations

from carbonqa.answer.candidate import Candidate
from carbonqa.answer.compose import CitationBook, attributed
from carbonqa.answer.evidence import most_specific
from carbonqa.answer.kinds.base import Asked, Reply
from carbonqa.answer.kinds.single import asked_figure
from carbonqa.answer.selection import Evidence
from carbonqa.retriever.models import Facet, QuestionFrame, SearchHit

TOO_MANY_FACETS = "问题包含的方面较多，以下未作回答，请分开提问："


class FacetAnswer:
    """One answer per facet; None if no facet is answered (the question is then refused as a whole)."""

    def applies(self, asked: Asked) -> bool:
        return len(asked.facets) >= 2

    def answer(self, asked: Asked) -> Reply | None:
        picked, notes, unstated = answer_facets(asked.evidence, asked.facets, asked.hits)
        if not picked:
            return None
        book = CitationBook()
        lines = [attributed(book, picked), *notes]
        if asked.skipped_facets:
            lines.append(skipped_line(asked.skipped_facets))
        return Reply("\n".join(lines), book, unstated=unstated, skipped=asked.skipped_facets)


def skipped_line(labels: list[str]) -> str:
    return f"{TOO_MANY_FACETS}{'、'.join(labels)}。"


def answer_facets(evidence: Evidence, facets: list[Facet], hits: list[SearchHit],
                  region: str | None = None) -> tuple[list[Candidate], list[str], list[str]]:
    """The sentences answering the facets from these hits (of one plan region, in a comparison), a
    note for each facet they do not state, and those facets' labels."""
    picked: list[Candidate] = []
    notes, unstated = [], []
    for facet in facets:
        frame = facet.frame.for_region(region) if region else facet.frame
        found = _facet_answer(evidence, frame, facet, hits)
        if found:
            picked += [c for c in found if all(c.flat != p.flat for p in picked)]
        else:
            unstated.append(facet.label)
            notes.append(_not_stated_note(evidence, frame, facet))
    return picked, notes, unstated


def _facet_answer(evidence: Evidence, frame: QuestionFrame, facet: Facet, hits: list[SearchHit]) -> list[Candidate]:
    """The sentence answering one facet: it answers the facet's sub-question and states the facet's
    own words (in the piece giving the figure, for a figure question)."""
    sentences = evidence.sentences
    keys = sentences.known_terms(facet.key)
    key = most_specific(sentences, keys)
    if key and key in evidence.absent_topics(frame, frame.regions.regions):
        return []
    # The rarest word where the figure is, and every other word of the facet's own in the sentence:
    # "光伏装机" is not answered by "新型储能装机容量".
    usable = [c for c in evidence.usable(frame, sentences.candidates(frame, hits))
              if (key is None or sentences.states(key, c, frame.wants_figure, frame.unit_family))
              and all(sentences.states(k, c) for k in keys)]
    return evidence.pick(frame, usable, 1, 1) if usable else []


def _not_stated_note(evidence: Evidence, frame: QuestionFrame, facet: Facet) -> str:
    key = most_specific(evidence.sentences, evidence.sentences.known_terms(facet.key))
    label = facet.label if facet.year else f"“{facet.label}”"
    if key and key in evidence.absent_topics(frame, frame.regions.regions):
        return f"方案未提及{label}。"
    if frame.wants_figure:
        return f"方案未给出{label}的{asked_figure(frame, with_years=not facet.year)}。"
    return f"方案未提及{label}的相关内容。"
