"""Which of the plans' indicator names a question asks about, and how two names relate.

A question names an indicator in its own words: in full (单位GDP能耗下降目标), abbreviated (星级绿建占比,
高技术制造业占比), with a slip (森林覆盖律) or by another term (能耗强度). `NameMatcher` tries, in turn:
the names the question contains (abbreviations written out, ingest/vocabulary.py), the names its words
spell in order, the name closest in characters, and last the name closest in meaning (an injected
embedding function). `same_measure` and `related_measure` tell a name written another way (城市建成区
绿地率 / 建成区绿地率) from a differently defined indicator (先进制造业… / 高技术制造业…).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from enum import Enum

import numpy as np
from pydantic import BaseModel

from carbonqa.indicators.names import indicator_name
from carbonqa.ingest.text import squash
from carbonqa.ingest.vocabulary import COORDINATORS, INDICATOR_TERMS, INTERCHANGEABLE, MEASURE_SUFFIX

MIN_CORE_CHARS = 4  # a name without its measure word (新型储能装机 for 新型储能装机容量) must keep this many
MIN_SPELLED_CHARS = 4  # fewer characters spell too many names in order ("装机")
# Closest in characters: 2 x common characters in order / (question words + name). 0.6 takes 森林覆盖律
# for 森林覆盖率 (0.8) and 星级绿建占比这项 for 星级绿色建筑占比 (0.75), not 光伏装机 for 生物质发电装机容量 (0.46).
MIN_CHARACTER_SCORE = 0.6
MIN_PIECE_SHARE = 0.75  # …and the name holds this share of the question's words (4 of 森林覆盖律's 5)
# Closest in meaning (cosine of multilingual-e5-small query vectors of the words and the corpus's names): a
# name below the floor, or within the margin of the runner-up, is not taken. On sixteen paraphrases: right
# names taken at 0.936-0.95 (储能规模, 光伏发电规模, 高耗能行业达到标杆水平的产能); subjects no name fits
# (零碳园区数量, 学校数量) reach 0.90; 垃圾回收再利用的比例 (0.931 against 0.930) is left to the answerer.
MIN_MEANING = 0.93
MEANING_MARGIN = 0.015
# A differently defined indicator shares at least this much of the shorter name as one run: 先进制造业… and
# 高技术制造业… share 0.9, 生活垃圾资源化利用率 and 城市生活垃圾资源化利用比例 0.9; 天然气发电装机容量 and
# 风电和光伏发电装机容量 0.67, 新型储能装机容量 and 风电和光伏发电装机容量 0.5 (only the measure word).
RELATED_SHARE = 0.8
# Names of one measure written two ways differ by at most this many characters (城市, 推广, 中).
SAME_MEASURE_DIFFERENCE = 2

Embed = Callable[[list[str]], np.ndarray]


class MatchedBy(str, Enum):
    name = "name"  # the question contains the name
    words = "words"  # the question's words spell the name in order, or nearly
    meaning = "meaning"  # the name closest in meaning


class NameMatch(BaseModel):
    names: list[str]  # best first; the others are also spelled by the question's words
    matched_by: MatchedBy


def name_forms(name: str) -> list[str]:
    """The name, and the name without its measure word when enough is left (新型储能装机容量 -> 新型储能装机)."""
    core = MEASURE_SUFFIX.sub("", name)
    return [name] + ([core] if core != name and len(core) >= MIN_CORE_CHARS else [])


def asked_indicator(question: str, names: Iterable[str]) -> str | None:
    """The longest indicator name the question uses (its abbreviations written out), if any."""
    text = indicator_name(question)
    return max((n for n in names if any(form in text for form in name_forms(n))), key=len, default=None)


def unified(text: str) -> str:
    """The text with interchangeable words written one way (占比/比重 -> 比例), for comparing wordings."""
    for group in INTERCHANGEABLE:
        for word in group[1:]:
            text = text.replace(word, group[0])
    return text


def with_terms(text: str) -> str:
    """能耗强度 -> 单位地区生产总值能源消耗: a term for a whole indicator, written as the plans name it. Only
    a term that opens the words stands for the whole indicator: 营运交通工具碳排放强度 is another one."""
    for term in sorted(INDICATOR_TERMS, key=len, reverse=True):
        if text.startswith(term):
            return INDICATOR_TERMS[term] + text[len(term):]
    return text


class NameMatcher:
    """Finds the indicator names a question asks about among a fixed set of names."""

    def __init__(self, names: Iterable[str], embed: Embed | None = None):
        """`embed` maps texts to unit vectors (the e5 query embedding); without it there is no match by meaning."""
        self.names = sorted(set(names))
        self.forms = {name: unified(name) for name in self.names}
        self.embed = embed
        self._vectors: np.ndarray | None = None

    def run(self, question: str, subject: str) -> NameMatch | None:
        """The names asked about, best first, or None when no name is close enough.

        `subject` is the question's words for the indicator (AnalysisIntent.subject), space-separated pieces."""
        pieces = [with_terms(unified(indicator_name(squash(piece)))) for piece in subject.split()]
        contained = asked_indicator(question, self.names) or asked_indicator(" ".join(pieces), self.names)
        spelled = self._spelled(pieces)
        if contained:
            return NameMatch(names=[contained] + [n for n in spelled if n != contained], matched_by=MatchedBy.name)
        if spelled:
            return NameMatch(names=spelled, matched_by=MatchedBy.words)
        closest = self._closest_in_characters(pieces)
        if closest:
            return NameMatch(names=closest, matched_by=MatchedBy.words)
        meant = self._closest_in_meaning(subject)
        return NameMatch(names=[meant], matched_by=MatchedBy.meaning) if meant else None

    def _spelled(self, pieces: list[str]) -> list[str]:
        """Names holding one of the pieces' characters in order (星级绿建比例 in 星级绿色建筑比例), closest first."""
        scored = [(max(character_score(p, self.forms[n]) for p in pieces), n) for n in self.names
                  if any(len(p) >= MIN_SPELLED_CHARS and in_order(p, self.forms[n]) for p in pieces)]
        return [name for _, name in sorted(scored, key=lambda pair: -pair[0])]

    def _closest_in_characters(self, pieces: list[str]) -> list[str]:
        """The names (ties included) sharing the most characters in order with a piece, above the floor,
        that hold most of that piece (单位GDP二氧化碳排放 is not 单位地区生产总值能源消耗)."""
        scores = {n: max((character_score(p, self.forms[n]) for p in pieces
                          if common_in_order(p, self.forms[n]) >= MIN_PIECE_SHARE * len(p)), default=0.0)
                  for n in self.names}
        best = max(scores.values(), default=0.0)
        return [n for n, s in scores.items() if s == best] if best >= MIN_CHARACTER_SCORE else []

    def _closest_in_meaning(self, subject: str) -> str | None:
        if self.embed is None or not subject.strip() or not self.names:
            return None
        if self._vectors is None:
            self._vectors = np.asarray(self.embed(self.names))
        scores = self._vectors @ np.asarray(self.embed([subject.replace(" ", "")]))[0]
        order = np.argsort(-scores)
        best = float(scores[order[0]])
        runner_up = float(scores[order[1]]) if len(order) > 1 else -1.0
        return self.names[order[0]] if best >= MIN_MEANING and best - runner_up >= MEANING_MARGIN else None


def in_order(short: str, long: str) -> bool:
    """Every character of `short` occurs in `long`, in order."""
    rest = iter(long)
    return all(ch in rest for ch in short)


def common_in_order(a: str, b: str) -> int:
    """How many characters a and b share in order (longest common subsequence)."""
    row = [0] * (len(b) + 1)
    for ch in a:
        previous = 0
        for j, other in enumerate(b, start=1):
            previous, row[j] = row[j], previous + 1 if ch == other else max(row[j], row[j - 1])
    return row[-1]


def character_score(piece: str, name: str) -> float:
    return 2 * common_in_order(piece, name) / (len(piece) + len(name)) if piece and name else 0.0


def longest_common_run(a: str, b: str) -> int:
    """The length of the longest string both contain."""
    best = 0
    row = [0] * (len(b) + 1)
    for ch in a:
        previous = 0
        for j, other in enumerate(b, start=1):
            previous, row[j] = row[j], previous + 1 if ch == other else 0
            best = max(best, row[j])
    return best


def same_measure(a: str, b: str) -> bool:
    """Two wordings of one indicator: they differ by a few characters, none of them joining a list
    (风电和光伏… is more than 光伏…). 建成区绿地率 / 城市建成区绿地率; 装配式建筑占当年城镇新建建筑的比例 /
    装配式建筑占当年新建城镇建筑的推广比例."""
    if a == b:
        return True
    a, b = unified(a), unified(b)
    if min(len(a), len(b)) < MIN_CORE_CHARS:
        return False
    left, right = Counter(a), Counter(b)
    differing = (left - right) + (right - left)
    return sum(differing.values()) <= SAME_MEASURE_DIFFERENCE and not any(ch in COORDINATORS for ch in differing)


def related_measure(a: str, b: str) -> float:
    """How much two names share as one run of characters, over the shorter name; 0 below RELATED_SHARE."""
    a, b = unified(a), unified(b)
    run = longest_common_run(a, b)
    share = run / min(len(a), len(b)) if a and b else 0.0
    return share if run >= MIN_CORE_CHARS and share >= RELATED_SHARE else 0.0
