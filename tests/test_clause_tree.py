"""ClauseTree (ingest/tree.py) on a small hand-made plan, and on the real corpus's ids."""
from __future__ import annotations

import pytest

from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.tree import ClauseTree

pytestmark = pytest.mark.unit


def chunk(chunk_id: str, start: int, parent_id: str | None = None, kind: ChunkKind = ChunkKind.section,
          doc_id: str = "t") -> Chunk:
    return Chunk(id=f"{doc_id}/{chunk_id}", doc_id=doc_id, title="测试方案", region="测试市", level="市", kind=kind,
                 text=f"text {chunk_id}", start=start, end=start + 5,
                 parent_id=f"{doc_id}/{parent_id}" if parent_id else None)


@pytest.fixture
def tree() -> ClauseTree:
    chunks = [
        chunk("1", 0, kind=ChunkKind.part),
        chunk("1.3", 30, "1"),  # given out of document order
        chunk("1.1", 10, "1"),
        chunk("1.2", 20, "1"),
        chunk("1.2.1", 22, "1.2", kind=ChunkKind.clause),
        chunk("2", 40, kind=ChunkKind.part),
        chunk("1", 0, kind=ChunkKind.part, doc_id="u"),  # another plan with the same local ids
    ]
    return ClauseTree(chunks)


def test_lookup_keeps_the_given_order(tree):
    assert len(tree) == 7 and "t/1.2" in tree and "t/9" not in tree
    assert [c.id for c in tree][:3] == ["t/1", "t/1.3", "t/1.1"]
    assert tree["t/1.2"].start == 20 and tree.get("t/9") is None and tree.get(None) is None
    with pytest.raises(KeyError):
        tree["t/9"]


def test_children_and_roots_are_in_document_order(tree):
    assert [c.id for c in tree.children("t/1")] == ["t/1.1", "t/1.2", "t/1.3"]
    assert tree.children("t/1.1") == [] and tree.children("t/9") == []
    assert [c.id for c in tree.roots("t")] == ["t/1", "t/2"]
    assert [c.id for c in tree.roots("u")] == ["u/1"]


def test_parent_ancestors_and_siblings(tree):
    assert tree.parent("t/1.2.1").id == "t/1.2" and tree.parent("t/1") is None
    assert [c.id for c in tree.ancestors("t/1.2.1")] == ["t/1", "t/1.2"]
    assert [c.id for c in tree.siblings("t/1.2")] == ["t/1.1", "t/1.2", "t/1.3"]
    assert tree.position("t/1.1") == 1 and tree.position("t/1.3") == 3 and tree.position("t/2") == 2
    assert tree.previous("t/1.2").id == "t/1.1" and tree.next("t/1.2").id == "t/1.3"
    assert tree.previous("t/1.1") is None and tree.next("t/1.3") is None


def test_ordinal_children(tree):
    assert tree.child_at("t/1", 1).id == "t/1.1"  # 第一项
    assert tree.child_at("t/1", 3).id == "t/1.3"
    assert tree.child_at("t/1", -1).id == "t/1.3"  # 最后一项
    assert tree.child_at("t/1", 4) is None and tree.child_at("t/1", 0) is None and tree.child_at("t/1", -4) is None


def test_container_text_is_the_whole_subtree_in_order(tree):
    assert [c.id for c in tree.descendants("t/1")] == ["t/1.1", "t/1.2", "t/1.2.1", "t/1.3"]
    assert tree.whole_text("t/1") == "text 1\ntext 1.1\ntext 1.2\ntext 1.2.1\ntext 1.3"
    assert tree.whole_text("t/2") == "text 2"


def test_the_real_plans_form_one_tree(plans):
    tree = ClauseTree(c for plan in plans for c in plan.chunks)
    for c in tree:
        assert c.parent_id is None or tree.parent(c.id).id == c.parent_id
        assert c in tree.siblings(c.id)
    assert [c.id for c in tree.children("zhuhai-2023/table")][:2] == ["zhuhai-2023/table.1", "zhuhai-2023/table.2"]
