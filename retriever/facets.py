"""Multi-facet questions, split into one sub-question per facet so that each is answered and cited, or
said to be not stated, on its own: "风电和光伏装机目标" (topics), "2025年和2030年" (years), and both
("A、B分别……2025年和2030年……" is topics × years), or "X执行什么标准，Y占比多少" (two questions in one, also
typed with spaces for the comma: "珠海生物质发电25年多少 核电呢").

A coordination is found in the question's words: a run of topic words joined by 和/及/与/、/以及,
bounded by the question's frame (region names, years, 的/要/是/分别/目标/多少 …). Each facet's
sub-question is the question with only that conjunct left in the coordination, so words the conjuncts
share ("装机" in "风电和光伏装机") stay with every facet. The frame reader (retriever/frame.py) reads
each sub-question into the facet's own frame.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from carbonqa.ingest.vocabulary import (AGENCY_QUESTION, ASKING_PIECE, ASKING_TAIL, CONJUNCT_FRAME, COORDINATORS,
                                        FIGURE_NOUNS, FIGURE_WORDS, FRAME_WORDS, QUESTION_WORD, WHEN_WORDS,
                                        YEAR_NUMBER)
from carbonqa.retriever.models import Facet

_JOIN = "|".join(sorted(COORDINATORS, key=len, reverse=True))
# "2025年和2030年", and typed tersely with a space ("广东2025 2030 风电光伏 多少": bare years spelled out with 年)
YEARS = re.compile(rf"({YEAR_NUMBER})\s*年(?:(?:\s*(?:{_JOIN})\s*|\s+){YEAR_NUMBER}\s*年)+")
PARTS = re.compile(r"[，,；;]")
# Where a question ends and another begins: "……目标是多少？其中海上风电要占多少？".
SENTENCES = re.compile(r"(?<=[？?。])")
CHANGE_SIZE = re.compile(r"[降增涨]幅|幅度")  # the size of a change: a figure
SEVERALLY = re.compile(r"分别|各自|各是|各为|各[有要]|都[是有要]")
ENUMERATION_END = {"等", "这些", "那些", "这类", "之类"}  # the words closing an enumeration of examples


def split_facets(question: str, segment: Callable[[str], list[str]], places: list[str]) -> list[Facet]:
    """The question's facets, without their frames; fewer than two means it is a single question.
    `segment` cuts text into words (all characters kept); `places` are region names, which a
    comparison handles instead."""
    # Two questions in one: separate sentences that each ask for a figure or a time, or comma-pieces that
    # each ask. A sentence keeps its commas ("风电光伏装机，珠海2025年目标是多少？": its first piece is its
    # topic); one asking what the plan says ("方案里有提吗？叫什么？") is the same question again, no facet.
    sentences = [p for p in SENTENCES.split(question) if p.strip()]
    parts = asking_parts(question)
    if len(sentences) >= 2 and all(_asks_figure(p) for p in sentences):
        parts = sentences
    if len(parts) >= 2 and all(QUESTION_WORD.search(p) and _names_topic(p, segment, places) for p in parts):
        return [Facet(label=_label(p), question=p.strip()) for p in parts]
    years = YEARS.search(question)
    year_facets = [(int(y), f"{y}年") for y in re.findall(YEAR_NUMBER, years.group(0))] if years else []
    # Coordinated topics are things asked of each ("风电和光伏装机分别是多少") only where a figure, a time or who
    # is responsible is asked, or each is asked of (分别, 各): otherwise they describe one thing ("吃饭不剩菜、
    # 把盘子吃干净的那种活动", "旧电视、旧洗衣机，有回收的说法吗"), and the sentence saying it answers them together.
    asked_of_each = _asks_figure(question) or bool(SEVERALLY.search(question) or AGENCY_QUESTION.search(question))
    topics = _coordination(question, segment, places) if asked_of_each else None
    if not topics and not year_facets:
        return []
    facets = []
    topic_choices = topics[1] if topics else [None]
    for conjunct, year in itertools.product(topic_choices, year_facets or [None]):
        text, labels, key = question, [], []
        if conjunct is not None:
            (start, end), siblings = topics[0], topics[1]
            text = text[:start] + conjunct + text[end:]
            labels.append(conjunct)
            key = [w for w in segment(conjunct) if w.strip() and w not in CONJUNCT_FRAME
                   and not any(w in segment(other) for other in siblings if other != conjunct)]
        if year is not None:
            text = YEARS.sub(year[1], text, count=1)
            labels.append(year[1])
        facets.append(Facet(label=" · ".join(labels), question=text, key=key, year=year[0] if year else None))
    return facets


def asking_parts(question: str) -> list[str]:
    """The parts of a question, each asking something of its own: its comma-pieces, and within one the pieces
    typed with spaces for commas ("佛山光伏目标多少 哪年 谁牵头": three parts). A space-piece asking nothing ("珠海
    25年 风电光伏装机 多少": its place, year and topic) belongs to the next that asks, trailing ones to the last;
    a comma-piece stays whole (it may ask nothing: "风电光伏装机，珠海2025年目标是多少？" is one question)."""
    return [part for piece in PARTS.split(question) if piece.strip() for part in _spaced_parts(piece)]


def _spaced_parts(piece: str) -> list[str]:
    parts: list[str] = []
    pending: list[str] = []
    for word in piece.split():
        pending.append(word)
        if ASKING_PIECE.search(word):
            parts.append(" ".join(pending))
            pending = []
    if not parts:
        return [piece.strip()]
    if pending:
        parts[-1] = " ".join([parts[-1], *pending])
    return parts


def _asks_figure(text: str) -> bool:
    """Does the text ask for a figure (多少, 占比, 降幅) or a time?"""
    return bool(FIGURE_WORDS.search(text) or FIGURE_NOUNS.search(text) or WHEN_WORDS.search(text)
                or CHANGE_SIZE.search(text))


def _names_topic(part: str, segment: Callable[[str], list[str]], places: list[str]) -> bool:
    """Does a part of the question name something of its own ("云浮方案怎么说的" names only the plan; "哪年" asks
    only when, "哪个厅负责" only who, "有提到吗" only whether the plans say so, of the other parts' topic)?"""
    if AGENCY_QUESTION.search(part):
        return False
    return any(len(word) > 1 and not _is_frame(word, places) for word in segment(WHEN_WORDS.sub(" ", part)))


def _label(part: str) -> str:
    """A sub-question's label: its words without the asking tail ("森林覆盖率" of "森林覆盖率是多少？")."""
    text = part.strip(" ？?。").removesuffix("呢").removeprefix("其中")  # "其中海上风电占多少": 海上风电
    return ASKING_TAIL.sub("", text).strip() or text


def _coordination(question: str, segment: Callable[[str], list[str]], places: list[str]
                  ) -> tuple[tuple[int, int], list[str]] | None:
    """The first run of topic words joined by coordinators: its span in the question and its conjuncts."""
    words = segment(question)
    spans, position = [], 0
    for word in words:
        spans.append((position, position + len(word)))
        position += len(word)
    # Who is asked ("……改造这事归谁管") is no conjunct's: the words from its start are the question's frame.
    who = AGENCY_QUESTION.search(question)
    asking = who.start() if who else len(question)
    frame = [_is_frame(w, places) or start >= asking for w, (start, _) in zip(words, spans)]
    i = 0
    while i < len(words):
        if frame[i] or words[i] in COORDINATORS:
            i += 1
            continue
        j = i
        while j < len(words):
            if not frame[j] or words[j] in COORDINATORS:
                j += 1
            elif (bridge := _bridge(words, frame, j, places)) is not None:
                j = bridge  # "能耗下降目标和星级绿色建筑占比": the conjunct keeps its 下降目标
            else:
                break
        run = words[i:j]
        conjuncts = _split_run(run)
        # "废钢铁、废纸、废塑料等9种再生资源" ("……这些回收量"): an enumeration closed by 等 (这些, 之类) names one
        # thing, not facets (a 等 inside an earlier conjunct does not: "LED等高效节能灯具使用占比和城市建成区绿地率").
        enumeration = bool(conjuncts) and (any(w in ENUMERATION_END for w in conjuncts[-1])
                                           or (j < len(words) and words[j] in ENUMERATION_END))
        if len(conjuncts) >= 2 and not enumeration and all(any(_is_topic(w) for w in c) for c in conjuncts):
            start, end = spans[i][0], spans[j - 1][1]
            return (start, end), ["".join(c) for c in conjuncts]
        i = j
    return None


def _bridge(words: list[str], frame: list[bool], j: int, places: list[str]) -> int | None:
    """Where a conjunct's trailing frame words (下降、目标 …) starting at j reach a coordinator that a
    topic word follows, the coordinator's position; else None."""
    k = j
    while k < len(words) and frame[k] and words[k] in CONJUNCT_FRAME and words[k] != "年" \
            and not QUESTION_WORD.search(words[k]) and not any(words[k] in place for place in places):
        k += 1
    if j < k < len(words) - 1 and words[k] in COORDINATORS and not frame[k + 1]:
        return k
    return None


def _split_run(run: list[str]) -> list[list[str]]:
    conjuncts: list[list[str]] = [[]]
    for word in run:
        if word in COORDINATORS:
            conjuncts.append([])
        else:
            conjuncts[-1].append(word)
    while conjuncts and not conjuncts[-1]:  # a run ending in a coordinator has nothing after it
        conjuncts.pop()
    return conjuncts


def _is_frame(word: str, places: list[str]) -> bool:
    if word in COORDINATORS:
        return False
    return (word in CONJUNCT_FRAME or bool(FRAME_WORDS.fullmatch(word)) or not _is_topic(word) or word.isdigit()
            or any(word in place or place in word for place in places))


def _is_topic(word: str) -> bool:
    """A word that can name a topic: Chinese or Latin letters ("GDP", "LNG"), not punctuation."""
    return bool(re.search(r"[\u4e00-\u9fffA-Za-z]", word))
