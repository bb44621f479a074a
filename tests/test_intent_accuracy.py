"""Intents by prototype (retriever/intent_prototypes.py) and their measurement on the bank
(eval/intent_accuracy.py): gold from an item's type and tags, thresholds chosen on train."""
from __future__ import annotations

import pytest
from conftest import FakeEmbedder

from carbonqa.eval.intent_accuracy import (choose_thresholds, frame_intents, gold_intents, score,
                                           with_prototypes)
from carbonqa.eval.qa_models import QAItem
from carbonqa.retriever.intent_prototypes import IntentPrototypes
from carbonqa.retriever.models import QuestionFrame, RegionQuery, SearchMode

pytestmark = pytest.mark.unit

PROTOTYPES = {"ordinal": ("第三项是什么", "排第二的是哪个"), "department": ("哪个部门负责", "牵头单位是谁"),
              "other": ("目标是多少", "装机多少")}


def test_prototypes_are_embedded_once_and_a_question_goes_to_its_nearest():
    embedder = FakeEmbedder()
    prototypes = IntentPrototypes(embedder, PROTOTYPES)
    assert embedder.query_batches == [6]  # all prototypes in one batch, when built
    questions = embedder.vectors(["排第五的行动是哪个", "这件事哪个部门负责", "光伏装机目标是多少"])
    nearest = prototypes.nearest(questions)
    assert [intent for intent, _, _ in nearest] == ["ordinal", "department", "other"]
    assert all(0 < similarity <= 1.0001 and margin >= 0 for _, similarity, margin in nearest)
    assert embedder.query_batches == [6]  # asking embeds no prototype again
    assert prototypes.similarities(questions).shape == (3, 3)


def test_gold_intents_come_from_type_and_tags():
    item = QAItem(id="a", question="q", type="structure", tags=["ordinal", "colloquial"])
    assert gold_intents(item) == {"structure", "ordinal"}
    assert gold_intents(QAItem(id="b", question="q", type="fact", tags=["department", "yes_no"])) == \
        {"department", "yes_no"}
    # counting plans ("几个市") is the analysis intent, not a count of a plan's parts
    assert gold_intents(QAItem(id="c", question="q", type="compare", tags=["count"])) == set()
    assert gold_intents(QAItem(id="d", question="q", type="structure", tags=["count"])) == {"structure", "count"}


def test_frame_intents_read_the_frame_fields():
    frame = QuestionFrame(text="q", regions=RegionQuery(), wants_structure=True, ordinal=3, notice=["date"])
    assert frame_intents(frame) == {"structure", "ordinal", "notice"}
    assert frame_intents(QuestionFrame(text="q", regions=RegionQuery(), first_items=2)) == {"ordinal"}


def test_prototypes_add_only_what_patterns_missed_and_thresholds_come_from_the_training_items():
    gold = [{"ordinal"}, {"ordinal"}, set(), set()]
    patterns = [{"ordinal"}, set(), set(), set()]
    nearest = [("ordinal", 0.95, 0.1), ("ordinal", 0.90, 0.05), ("ordinal", 0.82, 0.01), ("other", 0.99, 0.2)]
    assert score("ordinal", gold, patterns).recall == 0.5
    assert with_prototypes(patterns, nearest, {"ordinal": 0.85}) == [{"ordinal"}, {"ordinal"}, set(), set()]
    chosen = choose_thresholds(gold, patterns, nearest)
    assert set(chosen) == {"ordinal"} and 0.82 < chosen["ordinal"] <= 0.90
    s = score("ordinal", gold, with_prototypes(patterns, nearest, chosen))
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)
    # an intent whose prototypes would only add wrong items keeps its patterns alone
    assert choose_thresholds([set(), set()], [set(), set()], [("department", 0.99, 0.5)] * 2) == {}


def test_a_frame_takes_the_structure_or_department_intent_its_vector_means():
    embedder = FakeEmbedder()
    prototypes = IntentPrototypes(embedder, {"structure": ("下设几条分别是什么",), "department": ("哪个部门负责",),
                                             "ordinal": ("第三项是什么",), "other": ("目标是多少",)})
    plain = QuestionFrame(text="q", regions=RegionQuery(), wants_list=True)
    structure = prototypes.refine(plain, embedder.vector("下设几条分别是什么"))
    assert structure.wants_structure and not plain.wants_structure
    who = plain.model_copy(update={"text": "这项工作谁来推进"})
    department = prototypes.refine(who, embedder.vector("哪个部门负责"))
    assert department.wants_agency and not department.wants_list and not department.wants_structure
    # Near a department prototype in meaning, but naming no one nor being in charge: not a department question.
    assert prototypes.refine(plain, embedder.vector("哪个部门负责")) == plain
    # Naming units, but asking how many of them: a figure, not who is in charge.
    how_many = plain.model_copy(update={"text": "试点选多少个单位"})
    assert prototypes.refine(how_many, embedder.vector("哪个部门负责")) == how_many
    assert prototypes.refine(plain, embedder.vector("光伏装机目标是多少")) == plain  # nearest is other
    assert prototypes.refine(plain, embedder.vector("第三项是什么")) == plain  # ordinal needs its position
    read = QuestionFrame(text="q", regions=RegionQuery(), wants_agency=True)
    assert prototypes.refine(read, embedder.vector("下设几条分别是什么")) == read  # the patterns' reading stands


def test_the_retriever_refines_the_frame_with_the_vector_it_searched_with(tiny_retriever):
    question = "文件的主要框架是怎样的"  # one of the structure prototypes, which no pattern reads as one
    assert not tiny_retriever.read(question).wants_structure
    batches = len(tiny_retriever.embedder.query_batches)
    result = tiny_retriever.search(question)
    assert result.frame.wants_structure
    assert len(tiny_retriever.embedder.query_batches) - batches <= 2  # the question, and the prototypes at most once
    batches = len(tiny_retriever.embedder.query_batches)
    tiny_retriever.search(question)
    assert len(tiny_retriever.embedder.query_batches) - batches == 1  # the prototypes are not embedded again
    assert not tiny_retriever.search(question, mode=SearchMode.bm25).frame.wants_structure  # no vector, no meaning
