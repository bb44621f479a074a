"""Sentence vectors (index/sentence_vectors.py) and the semantic standing of a sentence among the
retrieved ones (answer/evidence.py), on three tiny hand-made clauses and vectors, without the model."""
from __future__ import annotations

import numpy as np
import pytest

from answer.evidence import SentenceIndex
from index.sentence_vectors import SentenceVectors, sentence_texts
from ingest.models import Chunk, ChunkKind
from retriever.models import QuestionFrame, RegionQuery, SearchHit

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


def test_the_sentence_closest_in_meaning_stands_out_among_the_retrieved_ones():
    index = SentenceIndex(CHUNKS, vectors=VECTORS)
    frame = QuestionFrame(text="山林面积要占多大比例", regions=RegionQuery(), terms=["山林", "面积", "比例"])
    hits = [SearchHit(chunk=c, score=1.0 - i / 10) for i, c in enumerate(CHUNKS)]
    by_text = {c.flat: c for c in index.candidates(frame, hits, QUESTION)}
    forest = by_text[CLAUSES["t/1"]]
    assert forest.semantic > 1.0 > max(by_text[CLAUSES["t/2"]].semantic, by_text[CLAUSES["t/3"]].semantic)
    # Without the question's vector (e.g. BM25 only) nothing stands out.
    assert all(c.semantic == 0.0 for c in index.candidates(frame, hits))
