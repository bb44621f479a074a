"""What every answer kind draws on: the corpus, its sentences scored against a question, the outline
of its lists, the targets' analysis, and the policy's rules for which sentences answer and which of them are quoted."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache, cached_property

from carbonqa.answer.candidate import Candidate
from carbonqa.answer.evidence import SentenceIndex, most_specific
from carbonqa.answer.outline import Outline
from carbonqa.answer.policy import AnswerPolicy
from carbonqa.answer.task_parts import TaskParts
from carbonqa.answer.text import longest_only
from carbonqa.answer.topic_words import names_a_thing, question_words, tagger, word_begun
from carbonqa.indicators.analysis import IndicatorAnalysis
from carbonqa.indicators.matching import Meaning
from carbonqa.ingest.models import Chunk
from carbonqa.ingest.text import squash
from carbonqa.ingest.vocabulary import term_forms
from carbonqa.retriever.corpus import Corpus
from carbonqa.retriever.models import QuestionFrame

NOUN_TAG = re.compile(r"n|eng")  # jieba's part-of-speech tags of nouns (n, nz, nt, nr…) and English words
QUOTATION_MARKS = re.compile(r"[“”‘’\"'「」『』]")


@cache
def general_idf() -> tuple[dict[str, float], float]:
    """jieba's general-language IDF of Chinese words, and its median (for words it does not list)."""
    import jieba.analyse  # reads the dictionary (~1.5 s): once, on first use

    return jieba.analyse.default_tfidf.idf_freq, jieba.analyse.default_tfidf.median_idf


class Evidence:
    def __init__(self, corpus: Corpus, policy: AnswerPolicy, meaning: Meaning | None = None):
        """`meaning` (the embedding) lets an analytical question name an indicator in other words."""
        self.corpus = corpus
        self.policy = policy
        self.meaning = meaning
        self.sentences = SentenceIndex(corpus.tree.chunks, corpus.tokenizer.user_terms, policy, corpus.sentences,
                                       corpus.tokenizer.segment)
        self.outline = Outline(corpus.tree, policy)

    @cached_property
    def analysis(self) -> IndicatorAnalysis:
        """Computes analytical questions from the plans' targets; built on the first such question."""
        return IndicatorAnalysis(self.corpus.indicators, self.corpus.chunks, self.meaning)

    def usable(self, frame: QuestionFrame, candidates: list[Candidate]) -> list[Candidate]:
        """The candidates that answer the question (AnswerPolicy.answers), best first."""
        return [candidate for candidate in candidates if self.policy.answers(frame, candidate)
                and not self.row_for_another_task(frame, candidate.chunk)]

    def row_for_another_task(self, frame: QuestionFrame, chunk: Chunk) -> bool:
        """Asked who is responsible for a task named by its heading, is the chunk a task-table row for another?"""
        return frame.wants_agency and self._task_parts.row_for_another_task(frame.text, chunk)

    @cached_property
    def _task_parts(self) -> TaskParts:
        return TaskParts(self.corpus.tree)

    def absent_terms(self, frame: QuestionFrame, regions: list[str]) -> list[str]:
        """Plan vocabulary the question uses that these plans never do (longest first): other plans
        speak of 核电, this one does not, so it has nothing to say about it."""
        if not regions:
            return []
        absent = [t for t in self.sentences.plan_words(frame.terms) if self.specific(t)
                  and not any(form in self.unquoted_plan_texts[r] for r in regions for form in term_forms(t))]
        return sorted(absent, key=len, reverse=True)

    def absent_topics(self, frame: QuestionFrame, regions: list[str]) -> list[str]:
        """The absent terms that name what the question asks about (answer/topic_words.py): a plan lacking
        the verb 接入 or the place 厂里 of a question may say the thing asked in other words."""
        words, things = question_words(frame.text), self.asked_things(frame)
        topics = []
        for term in self.absent_terms(frame, regions):
            if term in things:
                topics.append(term)
                continue
            # 挖掘 of 挖掘机, 收集 of 收集率: the longer word is the topic if other plans write it (a name of theirs,
            # asked where the question asks) and these do not.
            word = word_begun(term, frame.text, words)
            if word != term and self.sentences.df(word) and names_a_thing(word, frame.text, words, {word}) and \
                    not any(word in self.unquoted_plan_texts[r] for r in regions):
                topics.append(word)
        return topics

    def answered_without(self, frame: QuestionFrame, absent: list[str], usable: list[Candidate]) -> bool:
        """Does a usable sentence answer all the question asks but its one absent word, which no plan writes
        together with what the sentence holds of the rest (for a figure question, stating the figure asked)?
        Then the word is the asker's modifier (小区 of "小区垃圾分类": the plan states its city-wide figure), not a
        topic the plan lacks. Where another plan writes it with the rest (风电 beside 装机), the thing asked is
        one plans state, and this plan's silence on it is a near miss."""
        if len(absent) != 1:
            return False
        rest = [t for t in frame.terms if t not in absent[0]]
        known = self.sentences.known_terms(rest)
        for candidate in usable:
            held = [t for t in known if self.sentences.states(t, candidate)]
            slots = candidate.slots
            # Without a figure to state, nothing but the words says the sentence is the thing asked: all of them.
            enough = candidate.states_asked_figure and not (slots and slots.missing) and \
                self.sentences.coverage(rest, candidate.flat) >= self.policy.answer_min_coverage \
                if frame.wants_figure else len(held) == len(known)
            if held and enough and not self.sentences.written_together([absent[0], *held]):
                return True
        return False

    def specific(self, term: str) -> bool:
        """Is the word specific enough in general Chinese to name a topic (its jieba IDF)? A common word (地方,
        时候, 东西) names none: a plan says the thing in other words, or the question asks about something else."""
        idf, median = general_idf()
        return idf.get(term, median) >= self.policy.absent_term_min_idf

    @cached_property
    def unquoted_plan_texts(self) -> dict[str, str]:
        """Each region's plan text, squashed like the terms, without quotation marks: 能耗“双控” is 能耗双控."""
        return {region: QUOTATION_MARKS.sub("", text) for region, text in self.corpus.regions.plan_texts.items()}

    def unused_nouns(self, frame: QuestionFrame) -> list[str]:
        """The question's nouns (by jieba's tag of their last word) that no plan's text contains, longest
        only: what it asks about that the plans never name (甲醇, 电瓶车), not its everyday verbs (推不推)."""
        return nouns_no_plan_uses(frame.terms, self.corpus.regions.plan_texts.values())

    def asked_things(self, frame: QuestionFrame) -> list[str]:
        """The question's terms that name what it asks about (answer/topic_words.py): not its verbs (概括一下),
        nor the words of a sentence that tells rather than asks ("……的主要目标？我在写对比材料")."""
        words = question_words(frame.text)
        return [t for t in frame.terms if names_a_thing(t, frame.text, words, self.sentences.domain_terms)]

    def unused_topics(self, frame: QuestionFrame) -> list[str]:
        """The unused nouns that name what the question asks about, specific ones only (answer/topic_words.py):
        挖掘机, not 挖掘; neither 时候, 这事 nor 买绿电 (a verb phrase)."""
        asked = [t for t in self.asked_things(frame) if self.specific(t)]
        return nouns_no_plan_uses(asked, self.corpus.regions.plan_texts.values())

    def pick(self, frame: QuestionFrame, candidates: list[Candidate], max_sentences: int,
             max_clauses: int) -> list[Candidate]:
        """The best sentence, then those scoring nearly as well; a further clause is cited only if
        its sentence adds a question term or an asked year the picked ones lack, or, for an overview
        question ("……方面有什么安排"), if it is as much on topic as the best one."""
        best = candidates[0]
        picked = [best]
        if self.policy.described(frame, best):
            # The thing described is said in this clause; others sharing the question's everyday words are not it.
            max_clauses = 1
        topic = most_specific(self.sentences, self.sentences.known_terms(frame.terms))
        for candidate in candidates[1:]:
            if len(picked) == max_sentences or not self.policy.close_enough(frame, best, candidate):
                break
            clauses = {p.chunk.id for p in picked}
            if candidate.chunk.id not in clauses:
                # A clause about the topic names it at least twice, one that lists it in passing once.
                about = squash("".join(candidate.chunk.path) + candidate.chunk.text).count(topic or "\0") >= 2
                on_topic = frame.wants_overview and about and candidate.coverage >= best.coverage
                if len(clauses) == max_clauses or not (on_topic or self._adds(frame, picked, candidate)):
                    continue
            if any(candidate.flat in p.flat or p.flat in candidate.flat for p in picked):
                continue
            picked.append(candidate)
        return picked

    def _adds(self, frame: QuestionFrame, picked: list[Candidate], candidate: Candidate) -> bool:
        have = "".join(p.flat + squash("".join(p.chunk.path)) for p in picked)
        years = set().union(*(p.years for p in picked))
        new_terms = [t for t in self.sentences.known_terms(frame.terms) if t in candidate.flat and t not in have]
        return bool(new_terms) or bool((candidate.years & frame.years) - years)


def quote_order(policy: AnswerPolicy, frame: QuestionFrame, usable: list[Candidate]) -> list[Candidate]:
    """The usable sentences in the order they are considered for quoting. Best first, except: when none holds
    the question's own words (a paraphrase), or none holds half its wording however many of its plan words it
    holds (AnswerPolicy.words_decide), the closest in meaning first; when some do but the question
    describes something in everyday words, the sentence it describes (AnswerPolicy.described) first: "田里盖的
    那种塑料薄膜" quotes 全生物降解农膜, not the sentences that merely share its 塑料."""
    if not any(policy.words_decide(frame, c) for c in usable):
        return sorted(usable, key=lambda c: -c.semantic)
    return sorted(usable, key=lambda c: not policy.described(frame, c))


def nouns_no_plan_uses(terms: list[str], plan_texts: Iterable[str]) -> list[str]:
    """The terms no plan's text contains (longest only) that are nouns by jieba's tag of their last word."""
    texts = list(plan_texts)
    unused = unused_terms(terms, lambda term: any(term in text for text in texts))
    return [t for t in unused if NOUN_TAG.match(list(tagger().cut(t))[-1].flag)]


def unused_terms(terms: list[str], used: Callable[[str], bool]) -> list[str]:
    """The terms of more than one character that are not `used`, without those inside a longer one of them."""
    return longest_only([term for term in terms if len(term) > 1 and not used(term)])
