"""Sentence vectors (index/sentence_vectors.py) and the semantic standing of a sentence among the
retrieved ones (answer/evidence.py), on three tiny hand-made clauses and vectors, without the model."""
from __future__ import annotations

import numpy as np
import pytest

from carbonqa.answer.evidence import SentenceIndex
from carbonqa.answer.policy import AnswerPolicy
from carbonqa.index.sentence_vectors import SENTENCES, SentenceVectors, sentence_texts
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.retriever.models import QuestionFrame, RegionQuery, SearchHit

pytestmark = pytest.mark.unit

CLAUSES = {
    "t/1": "到2030年，全省森林覆盖率达到59%左右。",
    "t/2": "到2030年，新增新能源交通工具比例达到40%左右。",
    "t/3": "到2030年，城市生活垃圾资源化利用比例达到65%以上。",
}


def chunk(chunk_id: str, text: str) -> Chunk:
    return Chunk(id=chunk_id, doc_id="t", title="测试方案", region="测试市", level="市", kind=ChunkKind.clause,
                 text=text, start=0, end=len(text))


CHUNKS = [chunk(chunk_id, text) for chunk_id, text in CLAUSES.items()]


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


# The forest sentence points where the question does; the other two elsewhere.
VECTORS = SentenceVectors(sentence_texts(CHUNKS), np.stack([unit(1, 0.1, 0), unit(0.3, 1, 0), unit(0.3, 0, 1)]))
QUESTION = unit(1, 0, 0)


def test_every_content_sentence_is_indexed_once_and_unknown_texts_have_no_score(tmp_path):
    assert VECTORS.texts == list(CLAUSES.values())
    VECTORS.save(tmp_path / "s.npz")
    loaded = SentenceVectors.load(tmp_path / "s.npz")
    assert loaded.texts == VECTORS.texts and np.array_equal(loaded.matrix, VECTORS.matrix)
    scores = loaded.similarities(QUESTION, [CLAUSES["t/2"], "未入索引的句子。", CLAUSES["t/1"]])
    assert scores[1] is None and scores[2] > scores[0]
    with pytest.raises(ValueError):
        SentenceVectors(["一句"], np.zeros((2, 3), dtype=np.float32))


def test_sentence_texts_take_their_own_length_not_the_longest_ones(tmp_path):
    long_sentence = "推进绿色低碳发展" * 43_691  # one run-on "sentence" of 1 MB in UTF-8
    texts = [f"第{i}句：推进绿色低碳发展。" for i in range(200)] + [long_sentence]
    SentenceVectors(texts, np.zeros((len(texts), 8), dtype=np.float32)).save(tmp_path / SENTENCES)
    text_bytes = sum(len(text.encode("utf-8")) for text in texts)
    # A fixed-width array would take 201 × 4 bytes × 349,528 characters: 281 MB.
    assert (tmp_path / SENTENCES).stat().st_size < text_bytes + len(texts) * (8 * 4 + 8) + 4096
    assert SentenceVectors.load(tmp_path / SENTENCES).texts == texts


def test_sentence_texts_round_trip_and_damaged_offsets_are_refused(tmp_path):
    texts = ["", "碳达峰", "a" * 1000, "é\u3000e"]
    vectors = SentenceVectors(texts, np.eye(4, dtype=np.float32))
    vectors.save(tmp_path / "s.npz")
    loaded = SentenceVectors.load(tmp_path / "s.npz")
    assert loaded.texts == texts and np.array_equal(loaded.matrix, vectors.matrix)
    with np.load(tmp_path / "s.npz") as data:
        parts = dict(data)
    parts["text_ends"] = parts["text_ends"][::-1].copy()
    with open(tmp_path / "bad.npz", "wb") as file:
        np.savez(file, **parts)
    with pytest.raises(ValueError):
        SentenceVectors.load(tmp_path / "bad.npz")


def test_the_sentence_closest_in_meaning_stands_out_among_the_retrieved_ones():
    index = SentenceIndex(CHUNKS, vectors=VECTORS)
    frame = QuestionFrame(text="山林面积要占多大比例", regions=RegionQuery(), terms=["山林", "面积", "比例"])
    hits = [SearchHit(chunk=c, score=1.0 - i / 10) for i, c in enumerate(CHUNKS)]
    by_text = {c.flat: c for c in index.candidates(frame, hits, QUESTION)}
    forest = by_text[CLAUSES["t/1"]]
    assert forest.semantic > 1.0 > max(by_text[CLAUSES["t/2"]].semantic, by_text[CLAUSES["t/3"]].semantic)
    # Without the question's vector (e.g. BM25 only) nothing stands out.
    assert all(c.semantic == 0.0 for c in index.candidates(frame, hits))


def test_sentences_as_much_on_topic_as_the_best_are_ordered_by_meaning_unless_a_figure_is_asked():
    # Two clauses with the same question words ("倡导"); the second answers 吃饭不剩菜 in meaning.
    clauses = {"u/1": "倡导简约适度、绿色低碳的生活方式。", "u/2": "开展文明餐桌、“光盘行动”，倡导节约。",
               "u/3": "推进垃圾分类和资源化利用工作。"}
    chunks = [chunk(chunk_id, text) for chunk_id, text in clauses.items()]
    vectors = SentenceVectors(sentence_texts(chunks), np.stack([unit(0.3, 1, 0), unit(1, 0.1, 0), unit(0, 0.2, 1)]))
    index = SentenceIndex(chunks, vectors=vectors)
    hits = [SearchHit(chunk=c, score=1.0 - i / 10) for i, c in enumerate(chunks)]  # u/1 retrieved first
    frame = QuestionFrame(text="怎么倡导大家吃饭不剩菜", regions=RegionQuery(), terms=["倡导", "吃饭", "剩菜"])
    first = index.candidates(frame, hits, QUESTION)[0]
    assert first.chunk.id == "u/2"  # as fully on topic, closer in meaning
    assert index.candidates(frame, hits)[0].chunk.id == "u/1"  # without the question's vector: retrieval order
    figure = frame.model_copy(update={"wants_figure": True})
    assert index.candidates(figure, hits, QUESTION)[0].chunk.id == "u/1"


def test_a_sentence_without_the_key_term_is_outshone_by_a_nearer_one_that_names_it():
    # 单位GDP能耗: the goal sentence names it (as 地区生产总值) without a figure; the railway sentence has
    # a 下降 figure but is about another 能耗.
    clauses = {"g/1": "到2025年，单位地区生产总值能源消耗确保完成国家下达指标。",
               "g/2": "到2030年，铁路单位换算周转量综合能耗比2020年下降10%。",
               "g/3": "到2030年，新建建筑全面执行绿色建筑标准。"}
    chunks = [chunk(chunk_id, text) for chunk_id, text in clauses.items()]
    index = SentenceIndex(chunks, policy=AnswerPolicy(domain_term_min_df=1), vectors=SentenceVectors(
        sentence_texts(chunks), np.stack([unit(1, 0.2, 0), unit(0.6, 1, 0), unit(0, 0.1, 1)])))
    frame = QuestionFrame(text="2025年单位GDP能耗下降多少", regions=RegionQuery(), terms=["单位", "GDP", "能耗", "下降"],
                          wants_figure=True)
    hits = [SearchHit(chunk=c, score=1.0 - i / 10) for i, c in enumerate(chunks)]
    by_id = {c.chunk.id: c for c in index.candidates(frame, hits, QUESTION)}
    assert by_id["g/2"].outshone and not by_id["g/1"].outshone
    # Were the railway sentence the nearest, nothing would outshine it.
    index.vectors = SentenceVectors(sentence_texts(chunks), np.stack([unit(0.6, 1, 0), unit(1, 0.2, 0), unit(0, 0.1, 1)]))
    assert not {c.chunk.id: c for c in index.candidates(frame, hits, QUESTION)}["g/2"].outshone


def test_a_sentence_standing_out_is_outshone_only_by_one_about_the_year_asked():
    # The 2025 sentence names the question's key term (废纸) and is nearer in meaning; the 2030 sentence that
    # continues it ("9种主要再生资源") does not name it, but it is the one about the year asked.
    clauses = {"r/1": "到2025年，废钢铁、废纸等9种主要再生资源回收量达到464万吨。",
               "r/2": "到2030年，9种主要再生资源回收量达到506万吨。",
               "r/3": "到2030年，城市生活垃圾资源化利用比例达到65%以上。"}
    chunks = [chunk(chunk_id, text) for chunk_id, text in clauses.items()]
    vectors = SentenceVectors(sentence_texts(chunks), np.stack([unit(1, 0.1, 0), unit(1, 0.4, 0), unit(0, 0, 1)]))
    hits = [SearchHit(chunk=c, score=1.0 - i / 10) for i, c in enumerate(chunks)]

    def later(years: set[int], min_z: float):
        index = SentenceIndex(chunks, policy=AnswerPolicy(domain_term_min_df=1, semantic_min_z=min_z), vectors=vectors)
        frame = QuestionFrame(text="废纸回收量要达到多少万吨", regions=RegionQuery(), terms=["废纸", "回收"],
                              years=years, wants_figure=True)
        return {c.flat: c for c in index.candidates(frame, hits, QUESTION)}[clauses["r/2"]]

    standing = later({2030}, 0.5)
    assert 0.5 <= standing.semantic and not standing.outshone
    assert later(set(), 0.5).outshone  # no year asked: the sentence naming 废纸 is the nearer answer
    assert later({2030}, standing.semantic + 0.1).outshone  # not standing out: any nearer sentence naming it


def test_no_sentence_misses_a_word_the_plans_searched_never_use():
    # Another plan writes 充电桩; this one only 充电设施. Its sentence holds 充电, a broader form of 充电桩,
    # and would miss the subject, unless 充电桩 is known to be the asker's word, one this plan never uses.
    jiangmen = chunk("j/1", "有序推进居民小区充电设施建设。")
    zhuhai = Chunk(id="z/1", doc_id="z", title="珠海方案", region="珠海市", level="市", kind=ChunkKind.clause,
                   text="加快建设公共充电桩。", start=0, end=10)
    index = SentenceIndex([jiangmen, zhuhai], domain_terms=["充电桩", "充电"], policy=AnswerPolicy(domain_term_min_df=1))
    frame = QuestionFrame(text="小区能装充电桩吗", regions=RegionQuery(), terms=["小区", "充电", "充电桩"])
    hits = [SearchHit(chunk=jiangmen, score=1.0)]
    [plain] = index.candidates(frame, hits)
    [knowing] = index.candidates(frame, hits, unused=["充电桩"])
    assert plain.misses_topic and not knowing.misses_topic


def test_the_nearest_sentence_leads_when_far_ahead_and_the_question_uses_words_the_plans_do_not():
    # "山林面积" is no plan word; the forest sentence is far nearer the question than the other two, and the
    # dense arm chose its clause first.
    policy = AnswerPolicy(semantic_min_z=1.0, meaning_lead=0.5)

    def leaders(terms: list[str], vectors: SentenceVectors = VECTORS, forest_rank: int | None = 1) -> list[str]:
        index = SentenceIndex(CHUNKS, policy=policy, vectors=vectors)
        frame = QuestionFrame(text="问题", regions=RegionQuery(), terms=terms)
        ranks = [forest_rank, 2, 3]
        hits = [SearchHit(chunk=c, score=1.0 - i / 10, dense_rank=rank, dense_score=0.9 - (rank or 50) / 50)
                for i, (c, rank) in enumerate(zip(CHUNKS, ranks))]
        return [c.chunk.id for c in index.candidates(frame, hits, QUESTION) if c.leads]

    assert leaders(["山林", "面积", "比例"]) == ["t/1"]
    assert leaders(["森林覆盖率", "比例"]) == []  # all in the plans' words: the words decide
    # Two sentences nearly as near: neither leads.
    close = SentenceVectors(sentence_texts(CHUNKS), np.stack([unit(1, 0.1, 0), unit(1, 0.12, 0), unit(0, 0, 1)]))
    assert leaders(["山林", "面积", "比例"], close) == []
    # Its clause ranked high by the dense arm but not first ("晚上制冰、白天放冷气的空调办法" of 商场, for 冰蓄冷):
    # it leads while the question also names something in the plans' words (比例), not when it names nothing
    # the plans write (then only the dense arm's first choice is evidence enough), nor when ranked low.
    assert leaders(["山林", "面积", "比例"], forest_rank=4) == ["t/1"]
    assert leaders(["山林", "面积"], forest_rank=4) == []
    assert leaders(["山林", "面积"]) == ["t/1"]
    assert leaders(["山林", "面积", "比例"], forest_rank=policy.dense_top_max + 1) == []
    assert leaders(["山林", "面积", "比例"], forest_rank=None) == []
