"""Which words of a question name the thing it asks about (answer/topic_words.py), on hand-made questions."""
from __future__ import annotations

import jieba
import pytest

from carbonqa.answer.topic_words import names_a_thing, question_words

pytestmark = pytest.mark.unit


def names(term: str, question: str, named_terms: frozenset[str] = frozenset()) -> bool:
    return names_a_thing(term, question, question_words(question), named_terms)


@pytest.mark.parametrize("term, question", [
    ("甲醇", "佛山有没有推广甲醇汽车"),
    ("挖掘机", "工地上的挖掘机要不要换成电动的"),
    ("热泵", "工厂用地源热泵有要求吗"),  # the head of 地源热泵 is a 热泵
    ("小区", "小区垃圾分类要铺开到多大范围"),
    ("核电", "乙市有没有核电规划"),
    ("CCER", "林业碳汇能不能开发成CCER项目"),  # a Latin-letter word (jieba: eng) is no interjection (e)
])
def test_a_noun_written_as_a_word_names_a_thing(term, question):
    assert names(term, question)


@pytest.mark.parametrize("term, question, why", [
    ("接入", "哪些单位要接入在线监测平台", "a verb"),
    ("挖掘", "工地上的挖掘机要不要换成电动的", "the front of a longer word"),
    ("买绿电", "厂里想直接买绿电", "a phrase led by a verb"),
    ("这事", "修地铁这事算哪一块", "a pronoun phrase"),
    ("厂里", "厂里想直接买绿电", "a place phrase ending in a localizer"),
    ("沿海", "沿海游艇的电动化改造", "a localizer"),
    ("您好", "您好，能否概括一下主要目标", "a greeting"),
])
def test_verbs_pronouns_places_and_pieces_of_words_name_no_thing(term, question, why):
    assert not names(term, question), why


def test_a_dictionary_term_names_a_thing_whatever_jieba_tags_its_parts():
    question = "到2025年要建多少个充电桩"  # jieba: 充电/v 桩/q
    assert not names("充电桩", question)
    assert names("充电桩", question, frozenset({"充电桩"}))


def test_a_term_the_question_does_not_write_is_taken_as_asked():
    assert names("充电桩", "那珠海呢")  # a follow-up's topic, carried from the earlier question


def test_a_word_of_a_sentence_that_asks_nothing_is_not_what_is_asked():
    question = "珠海方案里酒店要不要搞能耗限额管理？协会会员在问"
    assert names("酒店", question)
    assert not names("协会会员", question)  # who asks, not what
    assert names("协会会员", "协会会员能拿多少积分")  # asked in a sentence that asks
    assert names("电镀", "佛山电镀行业节能降碳要求")  # a question written as a statement asks in all of it



def test_words_loaded_into_jiebas_global_dictionary_do_not_change_the_reading(monkeypatch):
    question = "到2025年要建多少个充电桩"
    before = names("充电桩", question)
    jieba.dt.check_initialized()
    monkeypatch.setattr(jieba.dt, "FREQ", dict(jieba.dt.FREQ))  # restored after the test
    monkeypatch.setattr(jieba.dt, "total", jieba.dt.total)
    jieba.add_word("充电桩", freq=2000)  # as a docs build's search plugin loads its user dictionary
    assert names("充电桩", question) == before
