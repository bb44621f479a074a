"""Which of the plans' indicator names a question asks about, and how two names relate.

A question names an indicator in its own words: in full (单位GDP能耗下降目标), abbreviated (星级绿建占比,
高技术制造业占比), with a slip (森林覆盖律) or by another term (能耗强度). `NameMatcher` tries, in turn:
the names the question contains (abbreviations written out, ingest/vocabulary.py), the names its words
spell in order (else the one indicator whose names hold its opening words: 装配式房子占比), the name closest in
characters, and last the name closest in meaning (`Meaning`: the injected embedding). Staff often describe
an indicator instead of naming it (每产出一样多GDP用的能源): with the question adapter (index/query_adapter.py)
the described subject is compared with each name and with the plans' own wording around it, its records'
quotes and sentences. `same_measure` and `related_measure` tell a name written another way (城市建成区绿地率 /
建成区绿地率) from a differently defined indicator (先进制造业… / 高技术制造业…).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

import numpy as np
from pydantic import BaseModel

from carbonqa.indicators.models import Indicator
from carbonqa.indicators.names import indicator_name
from carbonqa.ingest.text import squash
from carbonqa.ingest.vocabulary import (BROADER_TERMS, COORDINATORS, HEADLINE_TERMS, INDICATOR_TERMS, INTERCHANGEABLE,
                                        MEASURE_SUFFIX, NARROWER_TERM, NARROWER_TERMS, YEAR_MENTION)

MIN_CORE_CHARS = 4  # a name without its measure word (新型储能装机 for 新型储能装机容量) must keep this many
MIN_SPELLED_CHARS = 4  # fewer characters spell too many names in order ("装机", and so 装机容量 or 装机规模)
# Words that spell no name may open with a run of one indicator's names only ("装配式谁最高", "装配式房子占比"): this
# many characters at least; 覆盖率 or 比例 are runs of many.
MIN_RUN_CHARS = 3
# Words this long may spell a name with one character slipped (装配试建筑比例 for 装配式建筑占…比例), when
# none spells one exactly.
MIN_SLIP_CHARS = 6
# Closest in characters: 2 x common characters in order / (question words + name). 0.6 takes 森林覆盖律
# for 森林覆盖率 (0.8) and 星级绿建占比这项 for 星级绿色建筑占比 (0.75), not 光伏装机 for 生物质发电装机容量 (0.46).
MIN_CHARACTER_SCORE = 0.6
MIN_PIECE_SHARE = 0.75  # …and the name holds this share of the question's words (4 of 森林覆盖律's 5)
# Closest in meaning, without the question adapter (cosine of multilingual-e5-small query vectors of the
# words and the corpus's names): a name below the floor, or within the margin of the runner-up, is not
# taken. On sixteen paraphrases: right names taken at 0.936-0.95 (储能规模, 光伏发电规模, 高耗能行业达到标杆
# 水平的产能); subjects no name fits (零碳园区数量, 学校数量) reach 0.90.
MIN_MEANING = 0.93
MEANING_MARGIN = 0.015
# With the adapter: the mean of the adapted words' cosine with the name (query vector) and with its best
# quote and best sentence (passage vectors); adapted vectors spread wider, so the floor is lower. Fitted
# on the bank's train split (python -m carbonqa.eval.name_matching; docs/evaluation.md) over the questions
# no string stage matches, 31 asking about a record and 411 about none, for right - wrong - matched none:
# 0.215 / 0.015 takes 20 right, 0 wrong, 7 of the 411 (0.22: 18 and 5; 0.21: 21 and 10; the names alone,
# unadapted, at 0.93 / 0.015: 16, 0, 11). Chosen on dev over the names alone (raw or adapted), name +
# quote and name + sentence: 3 right, 0 wrong, 9 of 228 (names alone, unadapted: 2, 1, 12).
MIN_ADAPTED_MEANING = 0.215
ADAPTED_MEANING_MARGIN = 0.015
# A differently defined indicator shares at least this much of the shorter name in order, with a run of
# MIN_CORE_CHARS: 先进制造业… and 高技术制造业… share 0.9, 生活垃圾资源化利用率 and 城市生活垃圾资源化利用比例 0.9,
# 大宗固体废物年利用量 and 大宗工业固体废物年综合利用率 0.9, 9种主要再生资源回收量 and …循环利用量 0.91; 天然气发电装机容量
# and 风电和光伏发电装机容量 0.67, 新型储能装机容量 and 风电和光伏发电装机容量 0.5 (only the measure word),
# 公共机构人均综合能源消耗 and 公共机构单位建筑面积能源消耗 0.67.
RELATED_SHARE = 0.8
# Names of one measure written two ways differ by at most this many characters (城市, 推广, 中).
SAME_MEASURE_DIFFERENCE = 2

Embed = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class Meaning:
    """The embedding a match by meaning uses: e5 query vectors, and with the question adapter (its `apply`)
    also passage vectors, for the plans' wording around each name."""

    query: Embed  # texts -> unit query vectors
    passage: Embed | None = None  # texts -> unit passage vectors
    adapt: Callable[[np.ndarray], np.ndarray] | None = None  # question vectors -> adapted unit vectors

    @property
    def adapted(self) -> bool:
        return self.adapt is not None and self.passage is not None


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


def measure_word_only(piece: str) -> bool:
    """Little more than a measure word (装机规模 -> 装机容量): it would fit every name ending so."""
    core = MEASURE_SUFFIX.sub("", piece)
    return core != piece and len(core) < MIN_SPELLED_CHARS


def unified(text: str) -> str:
    """The text with interchangeable words written one way (占比/比重 -> 比例), for comparing wordings."""
    for group in INTERCHANGEABLE:
        for word in group[1:]:
            text = text.replace(word, group[0])
    return text


def with_terms(text: str) -> str:
    """能耗强度 -> 单位地区生产总值能源消耗: a term for a whole indicator, written as the plans name it. Only
    a term that opens the words stands for the whole indicator: 营运交通工具碳排放强度 is another one; a bare
    能耗 (能源消耗) or 节能 is the headline one."""
    if text in HEADLINE_TERMS:
        return HEADLINE_TERMS[text]
    for term in sorted(INDICATOR_TERMS, key=len, reverse=True):
        if text.startswith(term):
            return INDICATOR_TERMS[term] + text[len(term):]
    return text


class NameMatcher:
    """Finds the indicator names a question asks about among a fixed set of names."""

    def __init__(self, names: Iterable[str], meaning: Meaning | None = None, records: Iterable[Indicator] = ()):
        """Without `meaning` there is no match by meaning; `records` give each name the plans' wording
        around it (a name without records is compared by itself)."""
        self.names = sorted(set(names))
        self.forms = {name: unified(name) for name in self.names}
        self.meaning = meaning
        self.wordings = {name: ([], []) for name in self.names}  # name -> (quotes, sentences)
        for record in records:
            if record.indicator in self.wordings:
                quotes, sentences = self.wordings[record.indicator]
                quotes.append(record.quote)
                sentences.append(record.sentence)
        self._vectors: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def run(self, question: str, subject: str) -> NameMatch | None:
        """The names asked about, best first, or None when no name is close enough.

        `subject` is the question's words for the indicator (AnalysisIntent.subject), space-separated pieces."""
        # A bare year (森林覆盖率2030) is no part of a name.
        pieces = [with_terms(unified(indicator_name(YEAR_MENTION.sub("", squash(piece))))) for piece in subject.split()]
        contained = asked_indicator(question, self.names) or asked_indicator(" ".join(pieces), self.names)
        telling = [p for p in pieces if not measure_word_only(p)]
        spelled = self._spelled(telling) or self._spelled(telling, slips=1)
        if contained:
            return NameMatch(names=[contained] + [n for n in spelled if n != contained], matched_by=MatchedBy.name)
        spelled = spelled or self._holding_run(telling)
        if spelled:
            return NameMatch(names=spelled, matched_by=MatchedBy.words)
        closest = self._closest_in_characters(telling)
        if closest:
            return NameMatch(names=closest, matched_by=MatchedBy.words)
        meant = self._closest_in_meaning(subject)
        return NameMatch(names=[meant], matched_by=MatchedBy.meaning) if meant else None

    def _spelled(self, pieces: list[str], slips: int = 0) -> list[str]:
        """Names holding one of the pieces' characters in order (星级绿建比例 in 星级绿色建筑比例), all but
        `slips` of them for a long piece, closest first."""
        def spells(piece: str, form: str) -> bool:
            if not slips:
                return len(piece) >= MIN_SPELLED_CHARS and in_order(piece, form)
            return len(piece) >= MIN_SLIP_CHARS and common_in_order(piece, form) >= len(piece) - slips
        scored = [(max(character_score(p, self.forms[n]) for p in pieces), n) for n in self.names
                  if any(spells(p, self.forms[n]) for p in pieces)]
        return [name for _, name in sorted(scored, key=lambda pair: -pair[0])]

    def _holding_run(self, pieces: list[str]) -> list[str]:
        """The names opening with a piece's opening words, the longest such opening, when only one indicator's
        wordings hold it: 装配式 (and 装配式房子占比) in 装配式建筑占当年城镇新建建筑的比例 and …的推广比例; [] when the
        opening is in several indicators' names (新能源, 城市建成区)."""
        for piece in pieces:
            for end in range(len(piece), MIN_RUN_CHARS - 1, -1):
                opening, rest = piece[:end], piece[end:]
                holding = [n for n in self.names if opening in self.forms[n]]
                if holding:
                    # it opens the name too (not 清洁能源 inside 当年新增新能源、清洁能源动力的交通工具比例), and the
                    # rest is mostly in the name (房子占比: 比例), or the opening is only what two indicators share
                    # (单位地区生产总值 of 单位GDP二氧化碳排放 and of the energy one)
                    form = self.forms[holding[0]]
                    if all(same_measure(name, holding[0]) for name in holding) and form.startswith(opening) and \
                            common_in_order(rest, form) * 2 >= len(rest):
                        return sorted(holding, key=lambda name: -character_score(piece, self.forms[name]))
                    break
        return []

    def _closest_in_characters(self, pieces: list[str]) -> list[str]:
        """The names (ties included) sharing the most characters in order with a piece, above the floor,
        that hold most of that piece (单位GDP二氧化碳排放 is not 单位地区生产总值能源消耗)."""
        scores = {n: max((character_score(p, self.forms[n]) for p in pieces
                          if common_in_order(p, self.forms[n]) >= MIN_PIECE_SHARE * len(p)), default=0.0)
                  for n in self.names}
        best = max(scores.values(), default=0.0)
        return [n for n, s in scores.items() if s == best] if best >= MIN_CHARACTER_SCORE else []

    def _closest_in_meaning(self, subject: str) -> str | None:
        if self.meaning is None or not subject.strip() or not self.names:
            return None
        scores = self.meaning_scores(subject.replace(" ", ""))
        order = np.argsort(-scores)
        best = float(scores[order[0]])
        runner_up = float(scores[order[1]]) if len(order) > 1 else -1.0
        floor, margin = ((MIN_ADAPTED_MEANING, ADAPTED_MEANING_MARGIN) if self.meaning.adapted
                         else (MIN_MEANING, MEANING_MARGIN))
        return self.names[order[0]] if best >= floor and best - runner_up >= margin else None

    def meaning_scores(self, words: str) -> np.ndarray:
        """Each name's closeness in meaning to the words (see MIN_MEANING and MIN_ADAPTED_MEANING)."""
        question = np.asarray(self.meaning.query([words]))
        names, quotes, sentences = self._name_vectors()
        if not self.meaning.adapted:
            return names @ question[0]
        question = self.meaning.adapt(question)[0]
        by_name = names @ question
        return (by_name + self._best(quotes, question, 0, by_name) + self._best(sentences, question, 1, by_name)) / 3

    def _best(self, vectors: np.ndarray, question: np.ndarray, part: int, fallback: np.ndarray) -> np.ndarray:
        """Per name, the closest of its quotes (part 0) or sentences (1); the name's own score without any."""
        scores = vectors @ question if len(vectors) else np.zeros(0)
        best, row = fallback.copy(), 0
        for i, name in enumerate(self.names):
            count = len(self.wordings[name][part])
            if count:
                best[i] = scores[row:row + count].max()
            row += count
        return best

    def _name_vectors(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The names' query vectors, and with the adapter their quotes' and sentences' passage vectors, in
        name order; embedded on the first match by meaning."""
        if self._vectors is None:
            names = np.asarray(self.meaning.query(self.names))
            empty = np.zeros((0, names.shape[1]))
            if self.meaning.adapted:
                quotes, sentences = ([text for name in self.names for text in self.wordings[name][part]]
                                     for part in (0, 1))
                self._vectors = (names, self._passages(quotes, empty), self._passages(sentences, empty))
            else:
                self._vectors = (names, empty, empty)
        return self._vectors

    def _passages(self, texts: list[str], empty: np.ndarray) -> np.ndarray:
        """The texts' passage vectors, each distinct text embedded once (a sentence holds several targets)."""
        if not texts:
            return empty
        distinct = list(dict.fromkeys(texts))
        vectors = np.asarray(self.meaning.passage(distinct))
        row = {text: i for i, text in enumerate(distinct)}
        return vectors[[row[text] for text in texts]]


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
    """How much two names share in order, over the shorter name; 0 below RELATED_SHARE or without a run of
    MIN_CORE_CHARS. A name of a kind of energy and one of a broader kind (风电和光伏发电装机容量 /
    可再生能源发电装机容量) are related: 1."""
    a, b = unified(a), unified(b)
    if a and b and (broader(a) == b or broader(b) == a):
        return 1.0
    if not a or not b or longest_common_run(a, b) < MIN_CORE_CHARS:
        return 0.0
    share = common_in_order(a, b) / min(len(a), len(b))
    return share if share >= RELATED_SHARE else 0.0


def broader(name: str) -> str:
    """The name with its kinds of energy (a list of them too: 风电和光伏) written as the broader kind."""
    return NARROWER_TERMS.sub(lambda m: BROADER_TERMS[NARROWER_TERM.match(m.group()).group()], name)
