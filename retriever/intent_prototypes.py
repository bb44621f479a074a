"""What a question asks for, by meaning: its nearest prototype phrasing among a handful per intent,
written in general terms (no plan's or question set's wording), embedded once with the runtime's model.

The question frame's patterns (retriever/frame.py) read intents from fixed words; a prototype reads the
same intents asked in other words ("文件的主要框架是怎样的", "这项工作归谁管"). `other` holds questions that ask
for none of them (a figure, a fact), so that a question near no intent prototype is not pulled to one.
"""
from __future__ import annotations

import re
from typing import Protocol

import numpy as np

from carbonqa.ingest.vocabulary import FIGURE_WORDS, IN_CHARGE
from carbonqa.retriever.models import QuestionFrame

OTHER = "other"
PROTOTYPES: dict[str, tuple[str, ...]] = {
    "structure": ("这个方案分成哪几个部分", "方案的重点任务有哪些", "保障措施由哪些方面组成", "方案安排了哪些重点行动",
                  "这部分下面分了哪几块", "文件的主要框架是怎样的"),
    "list": ("都有哪些", "请列出全部相关举措", "具体包括哪些内容", "涉及哪几个方面", "列举一下主要做法"),
    "ordinal": ("第三项任务是什么", "排在第二位的行动是哪个", "第五条讲的是什么", "最后一项措施是什么",
                "头一条说的是啥", "倒数第二个行动是什么"),
    "count": ("一共有多少项任务", "总共有几条措施", "方案里包含几个行动", "下面分了几块", "数一数有多少个方面"),
    "notice": ("这个方案的文号是多少", "方案是什么时候印发的", "哪个机关发的这个文件", "执行中遇到问题向哪里反映",
               "印发通知的日期是哪天"),
    "department": ("这项工作由哪个部门负责", "牵头单位是谁", "责任单位有哪些", "这件事归谁管", "哪个局来落实"),
    "yes_no": ("方案有没有提到这件事", "是不是要求这样做", "有没有定这个目标", "是否包括这一项", "能不能这样做"),
    OTHER: ("到2025年这个指标要达到多少", "装机容量的目标是多少", "占比要提高到百分之几", "这个项目建在哪里",
            "节能改造的目的是什么", "单位能耗要下降多少"),
}

# Applied by the retriever: intent -> the least cosine to its nearest prototype (chosen on train).
THRESHOLDS = {"structure": 0.895, "department": 0.87}
# A department question by meaning names someone or some body, or being in charge.
WHO_WORDS = re.compile(rf"谁|部门|单位|机构|机关|主体|(?<![布格大结当变])局|委|{IN_CHARGE.pattern}")  # not 布局
# What the frame becomes when a question means the intent (as the patterns set it: an agency question
# is not an enumeration).
MEANT = {"structure": {"wants_structure": True},
         "department": {"wants_agency": True, "wants_list": False, "wants_structure": False}}


class QueryEmbedder(Protocol):
    def embed_queries(self, texts: list[str]) -> np.ndarray: ...


class IntentPrototypes:
    """The prototypes' vectors (computed once) and, for question vectors, each intent's best similarity."""

    def __init__(self, embedder: QueryEmbedder, prototypes: dict[str, tuple[str, ...]] = PROTOTYPES) -> None:
        self.intents = list(prototypes)
        texts = [text for intent in self.intents for text in prototypes[intent]]
        sizes = [len(prototypes[intent]) for intent in self.intents]
        self._starts = np.cumsum([0, *sizes[:-1]])  # each intent's prototypes are contiguous rows
        self._vectors = embedder.embed_queries(texts)

    def similarities(self, questions: np.ndarray) -> np.ndarray:
        """questions (n, d) unit vectors -> (n, intents): each intent's nearest prototype's cosine."""
        return np.maximum.reduceat(questions @ self._vectors.T, self._starts, axis=1)

    def nearest(self, questions: np.ndarray) -> list[tuple[str, float, float]]:
        """For each question: its nearest intent, that similarity, and its margin over the runner-up."""
        best = self.similarities(questions)
        order = np.argsort(-best, axis=1)
        return [(self.intents[row[0]], float(sims[row[0]]), float(sims[row[0]] - sims[row[1]]))
                for row, sims in zip(order, best)]

    def refine(self, frame: QuestionFrame, vector: np.ndarray) -> QuestionFrame:
        """The frame with the intent its question vector (unit, as embedded for search) means, when its
        patterns read neither intent applied here."""
        if frame.wants_structure or frame.wants_agency:
            return frame
        intent, similarity, _ = self.nearest(vector.reshape(1, -1))[0]
        if intent not in THRESHOLDS or similarity < THRESHOLDS[intent]:
            return frame
        if intent == "department" and (not WHO_WORDS.search(frame.text) or FIGURE_WORDS.search(frame.text)):
            # "点名了哪几处作为代表" is near "哪个局来落实" in meaning, but asks for no one; "试点选多少个单位" asks how
            # many units, not which one is in charge.
            return frame
        return frame.model_copy(update=MEANT[intent])
