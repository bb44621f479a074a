"""Which of a question's words name the thing it asks about: the only words a refusal may say the plans lack.

A question's terms also hold its verbs (接入 where the plan writes 纳入), place phrases (厂里, 沿海), pronoun
phrases (这事), pieces the term reader cut out of longer words (挖掘 of 挖掘机, 时用 of "靠岸时用的电") and
everyday words (时候, 东西). None of these is a topic a plan could lack. Each term is read in the question's
own words, segmented by jieba's dictionary with its part-of-speech tags (no guessing of unknown words:
its guesses join pieces of two words, 时用), and weighed by jieba's general-language IDF.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache

import jieba
from jieba import posseg

from carbonqa.index.tokenizer import default_dictionary
from carbonqa.ingest.vocabulary import ASKS_EXISTENCE, QUESTION_WORD

# Tags of words that name no thing: verbs (not verbal nouns: 改造 names a thing), pronouns, localizers,
# numerals, adverbs, function words (prepositions, conjunctions, particles, modal particles), interjections and
# set phrases of speech (您好, 你好: jieba's l).
NOT_A_THING = re.compile(r"v(?!n)|[rfmdpcuyl]|e(?!ng)")  # e: an interjection; eng: a Latin-letter word (CCER)
# The same without verbs: a single character ending a word jieba does not know may be a verb's (氨能: 氨 能).
FUNCTION_WORD = re.compile(r"[rfmdpcuy]")
MEASURE = "q"  # a measure word alone (吨, 个) names no thing; last in a compound (充电桩: 充电 桩) it is its head
LOCALIZER = "f"
# A question's sentences, each with its closing mark: "……能耗限额管理？协会会员在问" is two.
SENTENCE = re.compile(r"[^。？?！!；;]+[。？?！!；;]*")


@cache
def tagger() -> posseg.POSTokenizer:
    """jieba's part-of-speech tagger on its default dictionary alone: words another library loads into
    jieba's global one (a docs build's search plugin) must not change how a question is read."""
    words = jieba.Tokenizer()
    words.FREQ, words.total = default_dictionary()  # read-only here: shared, not copied
    words.initialized = True
    return posseg.POSTokenizer(words)


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    flag: str


def question_words(text: str) -> list[Word]:
    """The question's words with their places and jieba tags, by the dictionary alone (HMM off)."""
    words, start = [], 0
    for pair in tagger().cut(text, HMM=False):
        words.append(Word(start, start + len(pair.word), pair.flag))
        start += len(pair.word)
    return words


def word_begun(term: str, text: str, words: list[Word]) -> str:
    """The longer word of the question the term begins, if it begins one: the dictionary word holding its end
    (挖掘机 for 挖掘), or the term with the single character that follows it, unless that is a function word
    (收集率 for 收集: jieba's dictionary splits it 收集 率). The term itself otherwise."""
    start = text.find(term)
    if start < 0:
        return term
    end = start + len(term)
    holding = next((w for w in words if w.start < end < w.end), None)
    if holding is not None:
        return text[start:holding.end]
    following = next((w for w in words if w.start == end), None)
    if following is not None and following.end - following.start == 1 and not FUNCTION_WORD.match(following.flag) \
            and following.flag != "x":
        return text[start:following.end]
    return term


def asks(sentence: str) -> bool:
    """Does this sentence of a question ask something (a question mark or a question word)?"""
    return "？" in sentence or "?" in sentence or bool(QUESTION_WORD.search(sentence) or ASKS_EXISTENCE.search(sentence))


def in_a_told_sentence(start: int, text: str) -> bool:
    """Is the place in a sentence that asks nothing, beside one that asks ("协会会员在问" after "……管理？")?"""
    sentences = list(SENTENCE.finditer(text))
    if not any(asks(m.group()) for m in sentences):
        return False  # a question written as a statement ("珠海新建大型数据中心PUE要求") asks in all of it
    return any(m.start() <= start < m.end() and not asks(m.group()) for m in sentences)


def names_a_thing(term: str, text: str, words: list[Word], named_terms: Collection[str]) -> bool:
    """Does the question write the term as a word (or words) naming a thing? Not the front of a longer word
    (挖掘 of 挖掘机: its end is; 热泵 of 地源热泵 is a 热泵, as Chinese words end in their head), not a verb (接入)
    or a phrase led by one (买绿电), a pronoun phrase (这事), a localizer (沿海) or a place phrase ending in one
    (厂里), a numeral or a measure. `named_terms` (the index's dictionary: names the plans use) are things
    whatever jieba tags their parts (充电桩: 充电/v 桩/q). Nor a word of a sentence that asks nothing beside one
    that asks ("……要不要搞能耗限额管理？协会会员在问": who asks is not what). A term the question does not write as
    such (a follow-up's topic, carried from an earlier question) is taken as asked."""
    start = text.find(term)
    if start < 0:
        return True
    if in_a_told_sentence(start, text):
        return False
    end = start + len(term)
    inside = [w for w in words if w.start < end and w.end > start]
    if not inside or inside[-1].end != end:
        return False  # its last character belongs to a longer word
    if term in named_terms:
        return True
    first, head = inside[0], inside[-1]
    if len(inside) > 1 and first.start == start and NOT_A_THING.match(first.flag):
        return False  # a phrase led by a verb or a pronoun: 买绿电, 这事
    single_character = head.end - head.start == 1 and len(inside) > 1
    if (FUNCTION_WORD if single_character else NOT_A_THING).match(head.flag):
        return False
    if len(inside) == 1 and head.flag == MEASURE:
        return False
    # 厂里, 楼上: a noun with a localizer ("in the factory") says where, not what.
    return len(term) == 1 or tagger().word_tag_tab.get(term[-1]) != LOCALIZER
