"""AnswerPolicy decisions (answer/policy.py) on hand-made scored sentences, without the model."""
from __future__ import annotations

import pytest

from carbonqa.answer.candidate import Candidate
from carbonqa.answer.evidence import word_share
from carbonqa.answer.policy import AnswerPolicy
from carbonqa.answer.selection import quote_order
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.sentences import Sentence
from carbonqa.retriever.models import QuestionFrame, RegionQuery

pytestmark = pytest.mark.unit
POLICY = AnswerPolicy()
CLAUSE = "到2025年，非化石能源消费比重达到20%。到2030年，达到25%。"


def candidate(coverage: float = 0.8, figure_coverage: float = 0.8, score: float = 1.0, years=frozenset({2025}),
              dense_top: bool = False, has_key_term: bool = True, misses_topic: bool = False,
              states_asked_figure: bool = True, semantic: float = 0.0, outshone: bool = False,
              text: str = CLAUSE, leads: bool = False) -> Candidate:
    chunk = Chunk(id="t/1", doc_id="t", title="测试方案", region="测试市", level="市", kind=ChunkKind.clause,
                  text=text, start=0, end=len(text))
    return Candidate(chunk, Sentence(text, 0, len(text)), text, coverage, figure_coverage, score, set(years),
                     dense_top, has_key_term, misses_topic, states_asked_figure, semantic, outshone, leads)


def frame(**fields) -> QuestionFrame:
    return QuestionFrame(text="问题", regions=RegionQuery(), **fields)


def test_every_threshold_has_a_reason_and_the_policy_is_frozen():
    assert all(field.description for field in AnswerPolicy.model_fields.values())
    with pytest.raises(ValueError):
        POLICY.answer_min_coverage = 0.1


def test_a_sentence_answers_when_it_covers_the_topic():
    assert POLICY.answers(frame(terms=["非化石能源"]), candidate(coverage=0.5))
    assert not POLICY.answers(frame(), candidate(coverage=0.49))
    assert not POLICY.answers(frame(), candidate(has_key_term=False))  # must hold the most specific term
    # ... and not miss the subject another retrieved clause names (新型储能装机容量 for 风电和光伏装机).
    assert not POLICY.answers(frame(), candidate(misses_topic=True))


def test_a_figure_question_needs_the_figure_piece_on_topic():
    assert POLICY.answers(frame(wants_figure=True), candidate(figure_coverage=0.5))
    assert not POLICY.answers(frame(wants_figure=True), candidate(figure_coverage=0.2))
    assert POLICY.answers(frame(), candidate(figure_coverage=0.0))  # no figure asked, none needed


def test_a_base_year_is_not_a_year_asked():
    # "云浮到2030年单位GDP能耗要比2020年下降多少？" is not answered by the 2025 target against 2020.
    asked = frame(years={2030, 2020}, base_year=2020, wants_figure=True)
    assert asked.target_years == {2030}
    text = "到2025年，单位地区生产总值能源消耗比2020年下降15%。"
    assert not POLICY.answers(asked, candidate(years={2025, 2020}, text=text))
    assert POLICY.answers(asked, candidate(years={2030, 2020}, text=text.replace("2025", "2030")))


def test_a_question_about_who_is_responsible_needs_a_department_named():
    asked = frame(wants_agency=True)
    assert not POLICY.answers(asked, candidate(text="推动水泥行业结构调整和布局优化。"))  # 布局 is no 局
    assert POLICY.answers(asked, candidate(text="主要责任单位：市农业农村局、发展改革局，珠海供电局"))


def test_the_year_asked_must_match():
    assert POLICY.answers(frame(years={2025}), candidate(years={2025}))
    assert not POLICY.answers(frame(years={2030}), candidate(years={2025}))
    assert not POLICY.answers(frame(years={2035}), candidate(years=set(), text="推进非化石能源发展。"))
    assert not POLICY.answers(frame(wants_year=True), candidate(years=set()))


def test_a_paraphrase_answers_through_the_dense_arm_unless_it_misses_the_subject():
    weak = dict(coverage=0.2, has_key_term=False)
    assert not POLICY.answers(frame(), candidate(**weak))
    assert POLICY.answers(frame(), candidate(dense_top=True, **weak))
    assert not POLICY.answers(frame(), candidate(dense_top=True, misses_topic=True, **weak))
    assert not POLICY.answers(frame(), candidate(dense_top=True, coverage=0.05, has_key_term=False))
    # Nor when a sentence naming the question's key term is nearer in meaning: that one is on topic.
    assert not POLICY.answers(frame(), candidate(dense_top=True, outshone=True, **weak))


def test_a_paraphrase_answers_when_its_sentence_stands_out_in_meaning():
    unrelated_words = dict(coverage=0.0, figure_coverage=0.0, has_key_term=False, dense_top=True)
    # Only in a clause the dense arm ranked first: some sentence always stands out among the rest.
    assert not POLICY.answers(frame(), candidate(semantic=3.0, **{**unrelated_words, "dense_top": False}))
    assert not POLICY.answers(frame(), candidate(semantic=POLICY.semantic_min_z - 0.1, **unrelated_words))
    assert POLICY.answers(frame(), candidate(semantic=POLICY.semantic_min_z, **unrelated_words))
    # Standing out is no excuse for another subject, another year, or a figure of another kind.
    assert not POLICY.answers(frame(), candidate(semantic=3.0, misses_topic=True, **unrelated_words))
    assert not POLICY.answers(frame(years={2030}), candidate(semantic=3.0, years={2025}, **unrelated_words))
    assert POLICY.answers(frame(wants_figure=True), candidate(semantic=3.0, **unrelated_words))
    assert not POLICY.answers(frame(wants_figure=True),
                              candidate(semantic=3.0, states_asked_figure=False, **unrelated_words))
    assert not POLICY.matches_words(frame(), candidate(semantic=3.0, **unrelated_words))


def test_a_sentence_sharing_words_and_standing_out_answers_whatever_the_dense_arm_chose():
    both = dict(coverage=0.2, figure_coverage=0.2, semantic=POLICY.semantic_min_z, dense_top=False)
    assert POLICY.answers(frame(wants_figure=True), candidate(**both))
    assert not POLICY.answers(frame(), candidate(**{**both, "semantic": POLICY.semantic_min_z - 0.1}))
    assert not POLICY.answers(frame(), candidate(**{**both, "coverage": 0.05}))
    assert not POLICY.answers(frame(), candidate(has_key_term=False, **both))  # its most specific word too
    assert not POLICY.answers(frame(), candidate(misses_topic=True, **both))
    assert not POLICY.answers(frame(wants_figure=True), candidate(**{**both, "figure_coverage": 0.0}))


def test_related_nearly_as_good_and_missing_figures():
    assert POLICY.related(candidate(coverage=0.25)) and not POLICY.related(candidate(coverage=0.2))
    best = candidate(score=1.0)
    assert POLICY.close_enough(frame(), best, candidate(score=0.86))
    assert not POLICY.close_enough(frame(), best, candidate(score=0.8))
    assert POLICY.close_enough(frame(wants_overview=True), best, candidate(score=0.8))  # overviews allow more
    assert POLICY.figure_missing(frame(wants_figure=True), [candidate(coverage=0.6)])
    assert not POLICY.figure_missing(frame(wants_figure=True), [candidate(coverage=0.3)])
    assert not POLICY.figure_missing(frame(), [candidate(coverage=0.6)])


def test_a_changed_policy_changes_the_decision():
    strict = POLICY.model_copy(update={"answer_min_coverage": 0.9})
    assert POLICY.answers(frame(), candidate(coverage=0.8)) and not strict.answers(frame(), candidate(coverage=0.8))


def test_a_plan_word_the_plan_lacks_is_the_askers_when_a_first_choice_stands_far_out_in_meaning():
    # 江门 writes 居民小区充电设施, never 充电桩: the sentence the dense arm chose stands out far enough.
    assert POLICY.said_in_other_words([candidate(dense_top=True, semantic=POLICY.absent_term_min_z)])
    # Standing out less (a topic the plan lacks pulls its nearest sentence out a little), or not among the
    # dense arm's first choices: the plan does not speak of it.
    assert not POLICY.said_in_other_words([candidate(dense_top=True, semantic=POLICY.absent_term_min_z - 0.5)])
    assert not POLICY.said_in_other_words([candidate(dense_top=False, semantic=POLICY.absent_term_min_z + 1)])


def test_the_sentence_a_description_points_at_answers_whatever_plan_words_it_lacks():
    # "江门农村自己盖房子，有没有统一的设计图纸" is answered by "编制《江门农房设计通用图集》": it lacks 农村, which
    # another retrieved clause names, but it leads every other sentence in meaning, with the dense arm's support
    # (answer/evidence.py sets `leads`).
    weak = dict(coverage=0.2, has_key_term=False, misses_topic=True, outshone=True, dense_top=True, semantic=3.0)
    assert not POLICY.answers(frame(), candidate(**weak))
    assert POLICY.answers(frame(), candidate(leads=True, **weak))
    # A figure question is answered by the plan's statement of the figure asked, not by what it describes.
    assert not POLICY.answers(frame(wants_figure=True), candidate(leads=True, **weak))


def test_the_sentence_a_description_points_at_is_quoted_first():
    on_words = candidate(coverage=1.0, score=1.15, dense_top=True, semantic=2.2, text="实施塑料污染全链条治理。")
    described = candidate(coverage=0.0, score=0.05, dense_top=True, semantic=3.6, leads=True,
                          text="推广应用全生物降解农膜或标准地膜。")
    assert quote_order(POLICY, frame(), [on_words, described]) == [described, on_words]
    described.leads = False
    assert quote_order(POLICY, frame(), [on_words, described]) == [on_words, described]
    # No sentence holds the question's words: the closest in meaning first, as for any paraphrase.
    on_words.coverage = 0.2
    assert quote_order(POLICY, frame(), [on_words, described]) == [described, on_words]


def test_the_sentence_a_description_points_at_is_quoted_without_other_clauses_sharing_its_everyday_words(
        tiny_answerer):
    def sentence(chunk_id: str, text: str, **fields) -> Candidate:
        c = candidate(text=text, **fields)
        c.chunk = c.chunk.model_copy(update={"id": chunk_id})
        return c

    # 储能 stands for the everyday word the two share (塑料 of "田里盖的那种塑料薄膜"): a word of the tiny plans.
    described = sentence("t/1", "推广应用全生物降解农膜或标准地膜。", coverage=0.0, score=0.05, dense_top=True,
                         semantic=3.6, leads=True)
    sharing = sentence("t/2", "推动新型储能规模化应用。", coverage=1.0, score=1.15, dense_top=True, semantic=2.2)
    asked = frame(terms=["储能", "薄膜"])
    picked = tiny_answerer.evidence.pick(asked, [described, sharing], max_sentences=3, max_clauses=2)
    assert picked == [described]
    described.leads = False  # a best sentence like any other: a clause adding a question word is cited too
    assert tiny_answerer.evidence.pick(asked, [described, sharing], max_sentences=3, max_clauses=2) == \
        [described, sharing]


def test_a_sentence_holding_little_of_the_questions_wording_does_not_outrank_meaning():
    # "农村收割完在田里烧稻草，方案管不管": 农村 is its only plan word, and every sentence about 农村电网 holds it;
    # the sentence saying 严格禁烧管控 holds none of its words but is nearest in meaning.
    terms = ["农村", "收割", "田里", "稻草"]
    assert word_share(terms, "实施新一轮农村电网升级改造。") == 0.25
    assert word_share(["自行", "行车", "自行车"], "推广自行车出行。") == 1.0  # a word counts once, as its longest form
    assert word_share([], "任何句子。") == 1.0
    on_words = candidate(coverage=1.0, score=1.15, dense_top=True, semantic=1.1, text="实施新一轮农村电网升级改造。")
    on_words.word_share = 0.25
    nearest = candidate(coverage=0.2, score=0.55, dense_top=True, semantic=2.0, text="完善秸秆收储运体系，严格禁烧管控。")
    nearest.word_share = 0.0
    asked = frame(terms=terms)
    assert not POLICY.words_decide(asked, on_words)
    assert quote_order(POLICY, asked, [on_words, nearest]) == [nearest, on_words]
    # Holding half the question's wording, the words decide as before.
    on_words.word_share = POLICY.wording_min_share
    assert POLICY.words_decide(asked, on_words)
    assert quote_order(POLICY, asked, [on_words, nearest]) == [on_words, nearest]
