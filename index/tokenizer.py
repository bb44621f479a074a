"""The one tokenizer for BM25: jieba search mode, a domain dictionary, numbers kept with units.

Chunks and questions go through the same `Tokenizer`, built from the same word list, so a term
split one way in the index is split the same way in a query.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache

import jieba

from carbonqa.ingest.models import Chunk
from carbonqa.ingest.vocabulary import CURATED_TERMS, NUMBER_UNITS, full_forms

jieba.setLogLevel(logging.WARNING)

# Question words and function words that carry no topic.
STOPWORDS = set(
    "的 了 和 与 及 以及 或 等 是 在 对 为 将 把 被 由 从 向 到 于 其 之 也 都 并 又 而 要 有 无 这 那 该 各 "
    "什么 哪些 哪个 哪里 哪 多少 几 怎么 怎样 如何 为何 为什么 是否 吗 呢 啊 吧 呀 请问 请 问 "
    "一下 关于 方面 提到 提出 说 讲 内容 具体 主要 哪些方面 有何 何 多 少 呢？".split()
)

def widen(question: str) -> str:
    """The question plus the plans' wording of its abbreviations (单位GDP能耗 -> 地区生产总值 能源消耗),
    so both search arms find clauses that never use the abbreviation."""
    extra = full_forms(question)
    return f"{question}（{' '.join(extra)}）" if extra else question


# A number with its unit stays one token ("355万千瓦", "2025年", "18%"), the number alone too.
NUMBER_WITH_UNIT = re.compile(r"\d+(?:\.\d+)?\s*(?:" + "|".join(map(re.escape, NUMBER_UNITS)) + ")?")
PUNCTUATION = re.compile(r"^[\s\W_]+$", re.UNICODE)
QUOTED_TERM = re.compile(r"[“\"]([^”\"，。；、]{2,10})[”\"]")
NAMED_PLACE = re.compile(r"[\u4e00-\u9fff]{2,8}(?:电厂|电站|风电场|核电站|港区|港|园区|基地|产业园|工业园|示范区|新区|片区)")


def domain_terms(chunks: Iterable[Chunk]) -> list[str]:
    """Heading titles, quoted terms and named plants/places found in the corpus, plus curated terms."""
    terms: set[str] = set(CURATED_TERMS)
    for chunk in chunks:
        if chunk.heading and 2 <= len(chunk.heading) <= 16:
            heading = chunk.heading.rstrip("。.：:")
            terms.add(heading)
            if heading.endswith("行动") and len(heading) > 4:
                terms.add(heading[: -len("行动")])
        terms.update(QUOTED_TERM.findall(chunk.text))
        terms.update(NAMED_PLACE.findall(chunk.text))
    return sorted(t for t in terms if not t.isdigit())


@lru_cache(maxsize=1)
def default_dictionary() -> tuple[dict[str, int], int]:
    """jieba's default dictionary (word -> frequency, total), read once per process: reading it takes
    ~0.6 s, copying it ~0.02 s, and every index build or load makes a Tokenizer."""
    reader = jieba.Tokenizer()
    reader.initialize()
    return reader.FREQ, reader.total


class Tokenizer:
    """jieba search-mode tokenizer with a domain dictionary; its own jieba instance, no global state."""

    def __init__(self, user_terms: Iterable[str] = ()):
        self.user_terms = sorted(set(user_terms))
        self._jieba = jieba.Tokenizer()
        frequencies, total = default_dictionary()
        self._jieba.FREQ, self._jieba.total = dict(frequencies), total  # initialize() would read the file again
        self._jieba.initialized = True
        for term in self.user_terms:
            self._jieba.add_word(term, freq=2000)

    def tokenize(self, text: str) -> list[str]:
        tokens: list[str] = []
        position = 0
        for match in NUMBER_WITH_UNIT.finditer(text):
            tokens.extend(self._words(text[position : match.start()]))
            number = re.sub(r"\s+", "", match.group(0))
            tokens.append(number)
            digits = re.match(r"\d+(?:\.\d+)?", number).group(0)
            if digits != number:
                tokens.append(digits)
            position = match.end()
        tokens.extend(self._words(text[position:]))
        return tokens

    def segment(self, text: str) -> list[str]:
        """The text cut into words (jieba precise mode, same dictionary), every character kept:
        joined, the words are the text. For reading a question's grammar, not for BM25."""
        return list(self._jieba.cut(text))

    def _words(self, text: str) -> list[str]:
        return [
            word
            for word in self._jieba.cut_for_search(text)
            if word.strip() and word not in STOPWORDS and not PUNCTUATION.match(word)
        ]
