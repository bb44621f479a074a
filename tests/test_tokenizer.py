"""The BM25 tokenizer (index/tokenizer.py): jieba with the plans' terms, one dictionary per instance."""
from __future__ import annotations

import jieba
import pytest

from carbonqa.index.tokenizer import Tokenizer

pytestmark = pytest.mark.unit

TEXT = "重点实施碳达峰十五大行动，有序发展海上风电，加快构建清洁低碳安全高效的能源体系"


def test_each_tokenizer_cuts_like_its_own_fresh_jieba() -> None:
    # Tokenizers share jieba's dictionary as read once, not the words added to it.
    with_term, without = Tokenizer(["碳达峰十五大行动"]), Tokenizer()
    fresh = jieba.Tokenizer()
    fresh.add_word("碳达峰十五大行动", freq=2000)
    assert with_term.segment(TEXT) == list(fresh.cut(TEXT))
    assert "碳达峰十五大行动" in with_term.tokenize(TEXT)
    assert "碳达峰十五大行动" not in without.tokenize(TEXT)
    assert without.segment(TEXT) == list(jieba.Tokenizer().cut(TEXT))
