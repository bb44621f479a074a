"""AnswerPolicy: every number that decides an answer, each with the reason it has that value.

One frozen object, passed to the Answerer (which hands it to the sentence scorer and the outline), so
a rule can be read, changed and unit-tested in one place. The decisions that use only these numbers
and a scored sentence (`answers`, `related`, `close_enough`, `figure_missing`) live here too.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from carbonqa.answer.candidate import Candidate
from carbonqa.answer.slots import expresses_attribute
from carbonqa.answer.text import clause_years
from carbonqa.ingest.sentences import MIN_SENTENCE_CHARS
from carbonqa.ingest.vocabulary import AGENCY, BASE_YEAR
from carbonqa.retriever.models import QuestionFrame


class AnswerPolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    # ---- how much is retrieved and quoted
    per_region_hits: int = Field(5, description="hits per plan in a comparison: each plan needs its own evidence")
    max_sentences: int = Field(3, description="sentences in a one-plan answer: short, the key one first")
    max_clauses: int = Field(2, description="distinct clauses a one-plan answer cites: more dilutes the answer")
    max_per_region: int = Field(2, description="sentences per plan in a comparison: one line per plan")
    max_facets: int = Field(6, description="facets of a multi-part question answered; the rest are named as not "
                                           "answered (ask them separately), never dropped silently")
    llm_clauses: int = Field(6, description="clauses sent to the LLM: the cited ones first, then the rest retrieved")
    llm_clause_chars: int = Field(1500, description="a longer clause is cut in the prompt (and verified against what "
                                                    "was sent): a whole table would crowd out the other clauses")
    llm_min_support: float = Field(0.5, description="share of a reply sentence's character pairs that must occur in "
                                                    "the clauses it cites: its words come from them")

    # ---- when a sentence answers
    answer_min_coverage: float = Field(0.5, description="share of the question's topic weight an answering sentence holds")
    figure_min_coverage: float = Field(0.5, description="for a figure question, the same share for the comma-piece stating it")
    semantic_min_coverage: float = Field(
        0.1, description="a paraphrase needs less if its clause is among the dense arm's first choices")
    semantic_min_z: float = Field(
        2.2, description="a sentence this many standard deviations closer in meaning to the question than the "
                         "other retrieved sentences answers a paraphrase that shares few of its words (fitted on "
                         "the bank's train split with the question adapter on: it pulls a question towards its "
                         "nearest sentence, answerable or not)")
    absent_term_min_idf: float = Field(
        6.0, description="a plan word its plan never uses marks a topic the plan lacks only when it is specific: "
                         "its general-language IDF (jieba's dictionary) at least this (地方 4.4, 石油 5.7 are "
                         "common words; 核电 8.2, 甲醇 8.7 name topics)")
    absent_term_min_z: float = Field(
        3.2, description="a question using a plan word its plan never does is still on the plan's topic when a "
                         "sentence of the dense arm's first choices stands out this far in meaning: the word is "
                         "the asker's (充电桩 for the plan's 充电设施), not a topic the plan lacks (fitted on the "
                         "bank's train split: there the refused topics no plan mentions stand out at most ~2.9, "
                         "except near misses that the figure check refuses anyway)")
    semantic_min_sentences: int = Field(3, description="sentences needed to tell one standing out from the rest")
    meaning_lead: float = Field(
        0.5, description="a sentence standing out in meaning (semantic_min_z) and this many standard deviations "
                         "nearer than the next one is the thing a description in everyday words names: it answers "
                         "whichever plan words of the question it lacks, and is quoted first (on the bank's train "
                         "split the nearest sentences that were right led by 0.6 or more, the wrong ones by 0.25 "
                         "at most)")
    wording_min_share: float = Field(
        0.5, description="a sentence holding the question's plan words but less than this share of all its "
                         "wording (everyday words included) is no evidence by words: when no usable sentence holds "
                         "more, the closest in meaning is quoted first (\"农村收割完在田里烧稻草\" holds only 农村 in plan "
                         "words, which every sentence about 农村电网 holds as well)")
    related_min_coverage: float = Field(0.25, description="below this a refusal cites nothing as related")
    near_best: float = Field(0.15, description="further sentences score within this of the best (twice for overviews)")

    # ---- how a sentence is scored (answer/evidence.py)
    context_credit: float = Field(0.5, description="a term only in the heading path / the row's other cells counts this much")
    rank_prior: float = Field(0.15, description="weight of 1/(1+rank) of the clause in the retrieval list: breaks ties")
    year_match: float = Field(0.25, description="bonus for a sentence about the year asked")
    year_mismatch: float = Field(0.3, description="penalty for a sentence about other years only")
    figure_match: float = Field(0.15, description="bonus for stating a quantity (or a date) when one is asked")
    goals_bonus: float = Field(0.1, description="a figure question prefers the plan's own statement of its targets (主要目标)")
    domain_term_min_df: int = Field(5, description="a term in this many corpus sentences is plan vocabulary, not chance wording")
    dense_top_hits: int = Field(2, description="the dense arm's first choices: its best two among the hits ...")
    dense_top_max: int = Field(5, description="... that also rank this high among the plans searched")
    dense_tie: float = Field(
        0.005, description="a clause ranked within dense_top_max and this close to the best hit's dense "
                           "similarity is a first choice too: int8 weights move similarities by ~0.003, "
                           "so nearer ranks are a coin toss")
    min_sentence_chars: int = Field(MIN_SENTENCE_CHARS, description="shorter fragments say nothing quotable "
                                    "(the index embeds the sentences of the default length)")

    # ---- structure questions (answer/outline.py)
    heading_spelled: float = Field(
        0.6, description="share of a list's heading a question must spell out (in pieces of 2+ characters) to name "
                         "it: with a list or count word, a structure question")
    section_min_score: float = Field(0.6, description="how well a section (heading, lead, child headings) must match")
    section_rank_prior: float = Field(
        0.2, description="bonus for a section (or child) the retriever ranked first: breaks ties, picks the plan")
    child_credit: float = Field(
        0.5, description="weight of the child headings' match: '有哪些重点行动' fits a part whose children are 行动")

    # ---- decisions

    def answers(self, frame: QuestionFrame, candidate: Candidate) -> bool:
        """Can this sentence answer? It must be about the year asked and state the figure or date
        asked (of the metric asked, not a neighbouring metric's figure beside it: answer/slots.py); and
        be on topic: either lexically (enough of the question's terms, its most specific one included) or
        semantically (a paraphrased question): its clause is the dense arm's first
        choice, and it shares some terms or stands out from the other retrieved sentences in meaning; or
        it does both, its most specific term included, whatever the dense arm chose. Either way it must
        not miss the question's subject (a domain term another retrieved clause names)."""
        # "到2030年……比2020年下降多少" is not answered by "到2025年……比2020年下降15%".
        asked, stated = frame.target_years, frame.targets_among(candidate.years)
        if asked and not stated & asked and (stated or not asked & clause_years(candidate.chunk.text)):
            return False
        if frame.wants_year and not candidate.years:
            return False
        if frame.wants_agency and not AGENCY.search(candidate.flat):
            return False  # "由哪个部门牵头" is not answered by what is to be done
        if frame.base_year and frame.wants_figure and not has_base_year(candidate.flat, frame.base_year):
            return False  # "比2015年下降多少" is not answered by "比2020年下降14.5%"
        if candidate.slots is not None and not candidate.slots.metric:
            return False  # its figure is another metric's; the one asked is named without a figure
        if not expresses_attribute(frame, candidate.flat):
            return False  # "定期编制" does not say how often, "加大补贴力度" not how much
        if self.described(frame, candidate):
            return True  # the question's plan words frame it ("江门农村自己盖房子" for 编制《江门农房设计通用图集》)
        shares_words = candidate.coverage >= self.semantic_min_coverage and \
            (not frame.wants_figure or candidate.figure_coverage > 0)
        stands_out = candidate.semantic >= self.semantic_min_z and \
            (not frame.wants_figure or candidate.states_asked_figure)
        # Either the dense arm chose its clause, or the sentence itself is evidence both ways: it shares
        # words (the most specific one included) and stands out in meaning.
        semantic = (candidate.dense_top and (shares_words or stands_out)) or \
            (shares_words and stands_out and candidate.has_key_term)
        return not candidate.misses_topic and (self.matches_words(frame, candidate) or
                                                (semantic and not candidate.outshone))

    def described(self, frame: QuestionFrame, candidate: Candidate) -> bool:
        """Is this the sentence a question describing something in other words points at: it leads every other
        retrieved sentence in meaning, with the dense arm's support (Candidate.leads)? Not for a figure question:
        there the plan's statement of the figure asked decides."""
        return candidate.leads and not frame.wants_figure

    def matches_words(self, frame: QuestionFrame, candidate: Candidate) -> bool:
        """On topic by the question's own words: enough of its terms, its most specific one included
        (and, for a figure question, in the piece stating the figure)."""
        return candidate.coverage >= self.answer_min_coverage and candidate.has_key_term and \
            (not frame.wants_figure or candidate.figure_coverage >= self.figure_min_coverage)

    def words_decide(self, frame: QuestionFrame, candidate: Candidate) -> bool:
        """Is the sentence on topic by words strongly enough to be quoted before sentences nearer in meaning: it
        matches the question's words and holds at least `wording_min_share` of its wording, everyday words
        included? "农村收割完在田里烧稻草" names only 农村 in plan words; every sentence about 农村电网 holds it."""
        return self.matches_words(frame, candidate) and candidate.word_share >= self.wording_min_share

    def said_in_other_words(self, candidates: list[Candidate]) -> bool:
        """Does a sentence the dense arm chose stand out in meaning so far that the question is about what it
        says, whatever words of the question the plan lacks?"""
        return any(c.dense_top and c.semantic >= self.absent_term_min_z for c in candidates)

    def related(self, candidate: Candidate) -> bool:
        """Close enough to the question to be shown beside a refusal."""
        return candidate.coverage >= self.related_min_coverage

    def close_enough(self, frame: QuestionFrame, best: Candidate, candidate: Candidate) -> bool:
        """Does a further sentence score nearly as well as the best one (overviews allow twice the gap)?"""
        return candidate.score >= best.score - self.near_best * (2 if frame.wants_overview else 1)

    def figure_missing(self, frame: QuestionFrame, candidates: list[Candidate]) -> bool:
        """A figure question whose topic the plan covers, but with no usable figure: say so."""
        return frame.wants_figure and self.covers_topic(candidates)

    def attribute_missing(self, frame: QuestionFrame, candidates: list[Candidate]) -> bool:
        """A question asking an attribute of a topic the plan covers (how often, how much money), with no usable
        sentence expressing it: say so."""
        return frame.asked_attribute is not None and self.covers_topic(candidates)

    def covers_topic(self, candidates: list[Candidate]) -> bool:
        """Does some sentence hold enough of the question's topic to answer, were it to state what is asked?"""
        return any(c.coverage >= self.answer_min_coverage for c in candidates)


def has_base_year(text: str, year: int) -> bool:
    """Does the text measure a change against this year ("比2020年", "较2020年")?"""
    return any(int(match.group(1)) == year for match in BASE_YEAR.finditer(text))
