"""The Milvus store on Milvus Lite, with hand-made chunks and the fake embedder (no model). Not unit tests:
each starts a Milvus Lite server process (about 2 s)."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
from pymilvus import MilvusException

from carbonqa.eval.attack_files import LONG_SENTENCE, html_plan
from carbonqa.index import milvus_store
from carbonqa.index.chunk_store import IndexCorruptError, StoreUnavailableError, embedding_text
from carbonqa.index.sentence_vectors import sentence_texts
from carbonqa.index.store import build_index
from carbonqa.ingest.errors import IngestError
from carbonqa.ingest.limits import DEFAULT_LIMITS
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.pipeline import parse_plan
from conftest import FakeEmbedder

def chunk(doc: str, region: str, number: int, text: str, parent: str | None = None) -> Chunk:
    return Chunk(id=f"{doc}/{number}", doc_id=doc, title=f"{region}碳达峰实施方案", region=region, level="市",
                 kind=ChunkKind.clause, number=f"{number}.", heading=text[:6], path=["二、重点任务", text[:6]],
                 parent_id=parent, text=text, start=number * 100, end=number * 100 + len(text))


CHUNKS = [
    chunk("zhuhai-2023", "珠海市", 1, "大力发展海上风电，到2025年风电装机达到100万千瓦。"),
    chunk("zhuhai-2023", "珠海市", 2, "推进新型储能电站建设，支持用户侧储能。", parent="zhuhai-2023/1"),
    chunk("foshan-2023", "佛山市", 1, "推进新型储能产业集聚发展，打造储能产业基地。"),
    chunk("foshan-2023", "佛山市", 2, "推广新能源汽车，完善充电桩布局。"),
    chunk("yunfu-2024", "云浮市", 1, "发展抽水蓄能，提升森林覆盖率。"),
]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """One Milvus Lite file for the module (starting Lite takes seconds); each test has its own collection."""
    client = milvus_store.connect(str(tmp_path_factory.mktemp("milvus") / "lib.db"))
    yield client
    client.close()


@pytest.fixture
def lib(request) -> str:
    return "lib_" + re.sub(r"\W", "_", request.node.name)


@pytest.fixture
def store(client, lib):
    """A collection of its own for a test that writes (creating one takes 1-3 s: the engine loads jieba)."""
    return milvus_store.build_store(client, lib, CHUNKS, FakeEmbedder(), progress=False)


@pytest.fixture(scope="module")
def shared(client):
    """One collection for the tests that only read."""
    return milvus_store.build_store(client, "lib_shared", CHUNKS, FakeEmbedder(), progress=False)


def test_bm25_scores_are_positive_and_best_first(shared):
    hits = shared.bm25_search("新型储能", [], 10)
    assert {hit.chunk_id for hit in hits[:2]} == {"zhuhai-2023/2", "foshan-2023/1"}
    assert all(hit.score > 0 for hit in hits)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_region_filter_runs_in_the_engine(shared):
    assert [hit.chunk_id for hit in shared.bm25_search("新型储能", ["佛山市"], 10)] == ["foshan-2023/1"]
    vector = FakeEmbedder().embed_queries(["新型储能"])
    dense = shared.dense_search(vector, ["珠海市", "云浮市"], 10)
    assert {hit.chunk_id.split("/")[0] for hit in dense} == {"zhuhai-2023", "yunfu-2024"}


def test_dense_scores_are_inner_products(shared):
    embedder = FakeEmbedder()
    vector = embedder.embed_queries(["推广新能源汽车"])
    best = shared.dense_search(vector, [], 1)[0]
    assert best.chunk_id == "foshan-2023/2"
    expected = float(vector[0] @ embedder.vector(embedding_text(CHUNKS[3])))
    assert best.score == pytest.approx(expected, abs=1e-5)


def test_both_stores_rank_bm25_alike(shared):
    """Same chunks, same dictionary and BM25 parameters: the engine's jieba and the FAISS store's agree."""
    faiss_store = build_index(CHUNKS, FakeEmbedder(), progress=False)
    for query in ("新型储能", "海上风电装机", "充电桩", "森林覆盖率"):
        assert shared.bm25_search(query, [], 1)[0].chunk_id == faiss_store.bm25_search(query, [], 1)[0].chunk_id


def test_reopening_reads_chunks_back_without_embedding(client, shared):
    client.release_collection("lib_shared")  # as after a restart: opening loads it again
    embedder = FakeEmbedder()
    reopened, status = milvus_store.load_or_build(client, "lib_shared", CHUNKS, embedder, progress=False)
    assert status == "loaded" and embedder.embedded == []
    assert reopened.chunks == CHUNKS  # every field, in corpus order
    assert reopened.tokenizer.user_terms == shared.tokenizer.user_terms
    assert shared.bm25_search("新型储能", [], 1) == reopened.bm25_search("新型储能", [], 1)


def test_a_library_update_writes_only_the_difference(lib, client, store):
    embedder = FakeEmbedder()
    changed = chunk("foshan-2023", "佛山市", 1, "佛山建设氢能产业园。")
    added = chunk("jiangmen-2023", "江门市", 1, "有序发展核电。")
    moved = CHUNKS[4].model_copy(update={"id": "yunfu-2024/9"})  # same text under a new id
    wanted = [CHUNKS[0], CHUNKS[1], changed, CHUNKS[3], moved, added]
    new, embedded = store.updated(wanted, embedder)
    assert embedded == 2 and embedder.embedded[:2] == [embedding_text(changed), embedding_text(added)]
    # Then the content sentences it did not have; the store holds exactly the sentences of its chunks.
    assert embedder.embedded[2:] == [t for t in sentence_texts([changed, added]) if t not in sentence_texts(CHUNKS)]
    assert embedder.embedded[2:] == ["佛山建设氢能产业园。"]
    assert sorted(new.sentences.texts) == sorted(sentence_texts(wanted))
    assert new.chunks == wanted and client.get_collection_stats(lib)["row_count"] == len(wanted)
    assert new.bm25_search("氢能", [], 5)[0].chunk_id == "foshan-2023/1"
    assert new.bm25_search("新型储能", ["佛山市"], 5) == []
    assert [hit.chunk_id for hit in new.bm25_search("抽水蓄能", [], 5)] == ["yunfu-2024/9"]
    # The store it replaced keeps answering from its own chunks only (the service may still be using it).
    assert {hit.chunk_id for hit in store.bm25_search("核电 氢能", [], 10)} <= {c.id for c in CHUNKS}
    again, embedded = new.updated(wanted, embedder)  # idempotent
    assert embedded == 0 and again.chunks == wanted
    client.release_collection(lib)
    reopened, status = milvus_store.load_or_build(client, lib, wanted, embedder, progress=False)
    assert status == "loaded" and reopened.chunks == wanted
    assert sorted(reopened.sentences.texts) == sorted(sentence_texts(wanted))  # read back, nothing embedded

    kept = [c for c in wanted if c.doc_id != "foshan-2023"]  # a plan removed: its chunks are deleted
    removed, embedded = reopened.updated(kept, embedder)
    assert embedded == 0 and client.get_collection_stats(lib)["row_count"] == len(kept)
    assert [hit.chunk_id for hit in removed.bm25_search("新型储能", [], 10)] == ["zhuhai-2023/2"]


def test_a_failed_update_puts_the_rows_back(lib, client, store, monkeypatch):
    changed = chunk("zhuhai-2023", "珠海市", 1, "珠海建设氢能产业园。")
    added = chunk("jiangmen-2023", "江门市", 1, "有序发展核电。")
    real_delete, calls = client.delete, []

    def delete_fails_once(*args, **kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise MilvusException(message="connection lost")
        return real_delete(*args, **kwargs)

    monkeypatch.setattr(client, "delete", delete_fails_once)
    with pytest.raises(StoreUnavailableError, match="connection lost"):
        store.updated([changed, added, *CHUNKS[1:4]], FakeEmbedder())  # upserts, then deleting yunfu fails
    client.release_collection(lib)
    reopened, status = milvus_store.load_or_build(client, lib, CHUNKS, FakeEmbedder(), progress=False)
    assert status == "loaded" and reopened.chunks == CHUNKS


def test_a_failed_sentence_update_puts_the_chunk_rows_back(lib, client, store, monkeypatch):
    def sentences_fail(*args, **kwargs):
        raise MilvusException(message="connection lost")

    monkeypatch.setattr(milvus_store, "update_sentences", sentences_fail)
    changed = chunk("zhuhai-2023", "珠海市", 1, "珠海建设氢能产业园。")
    with pytest.raises(StoreUnavailableError, match="connection lost"):
        store.updated([changed, *CHUNKS[1:]], FakeEmbedder())  # the chunk rows are written first
    client.release_collection(lib)
    reopened, status = milvus_store.load_or_build(client, lib, CHUNKS, FakeEmbedder(), progress=False)
    assert status == "loaded" and reopened.chunks == CHUNKS


def test_an_edited_row_is_refused_until_rebuilt(lib, client, store):
    row = client.get(lib, ids=["zhuhai-2023/1"], output_fields=milvus_store.STORED_FIELDS)[0]
    client.upsert(lib, [row | {"text": "到2025年风电装机达到900万千瓦。"}])
    with pytest.raises(IndexCorruptError, match="zhuhai-2023/1.*carbonqa index --rebuild"):
        milvus_store.load_or_build(client, lib, CHUNKS, FakeEmbedder(), progress=False)
    client.upsert(lib, [row])  # the text back, then a row written by someone else
    client.upsert(lib, [row | {"id": "zhuhai-2023/99", "seq": 99}])
    with pytest.raises(IndexCorruptError, match="6 chunks differ from the 5"):
        milvus_store.load_or_build(client, lib, CHUNKS, FakeEmbedder(), progress=False)
    _, status = milvus_store.load_or_build(client, lib, CHUNKS, FakeEmbedder(), progress=False, rebuild=True)
    assert status == "rebuilt"


def test_changed_corpus_updates_and_changed_model_rebuilds(lib, client, store):
    changed = CHUNKS[:-1]
    updated, status = milvus_store.load_or_build(client, lib, changed, FakeEmbedder(), progress=False)
    assert status == "updated: 0 of 4 chunks embedded" and updated.chunks == changed

    with pytest.raises(ValueError, match="run `carbonqa index --rebuild`"):
        updated.updated(CHUNKS, FakeEmbedder(fingerprint="fake-v2"))
    _, status = milvus_store.load_or_build(client, lib, changed, FakeEmbedder(fingerprint="fake-v2"), progress=False)
    assert status == "rebuilt: model files changed"


def test_unfinished_collection_is_rebuilt(lib, client):
    milvus_store.create_collection(client, lib, FakeEmbedder.DIMENSION, [])  # no manifest: a crash mid-build
    _, status = milvus_store.load_or_build(client, lib, CHUNKS, FakeEmbedder(), progress=False)
    assert status == "built"


def test_lite_uri_must_be_a_db_file(tmp_path):
    with pytest.raises(StoreUnavailableError, match=r"\.db"):
        milvus_store.connect(str(tmp_path / "lib.sqlite"))


def test_a_lite_file_held_by_another_process_is_a_clear_error(tmp_path, caplog):
    path = tmp_path / "held.db"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pymilvus import MilvusClient; "
                               f"MilvusClient({str(path)!r}); print('open', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"open"
        with pytest.raises(StoreUnavailableError, match="one process at a time"):
            milvus_store.connect(str(path))
    finally:
        holder.kill()
        holder.wait()
    assert not [record for record in caplog.records if record.name.startswith("milvus_lite")]  # no traceback


@pytest.fixture
def milvus_env(tmp_path, monkeypatch):
    """CARBONQA_STORE=milvus on a fresh Lite file, the fake embedder standing in for the model."""
    from carbonqa.service.settings import get_settings

    monkeypatch.setenv("CARBONQA_STORE", "milvus")
    monkeypatch.setenv("CARBONQA_MILVUS_URI", str(tmp_path / "cli.db"))
    monkeypatch.setattr("carbonqa.service.runtime.Embedder.load", lambda *args, **kwargs: FakeEmbedder())
    get_settings.cache_clear()
    yield tmp_path / "cli.db"
    get_settings.cache_clear()


def test_index_command_builds_into_the_selected_store_then_loads_it(milvus_env):
    from typer.testing import CliRunner

    from carbonqa.cli import app

    runner = CliRunner()
    built = runner.invoke(app, ["index"])
    assert built.exit_code == 0, built.output
    assert "built" in built.output and "milvus" in built.output and "cli.db" in built.output
    again = runner.invoke(app, ["index"])
    assert again.exit_code == 0 and "loaded" in again.output


def test_bad_milvus_uri_is_a_clear_error(milvus_env, monkeypatch):
    from typer.testing import CliRunner

    from carbonqa.cli import app

    monkeypatch.setenv("CARBONQA_MILVUS_URI", str(milvus_env.with_suffix(".txt")))
    result = CliRunner().invoke(app, ["index"])
    assert result.exit_code == 2
    assert ".db" in " ".join(result.output.split()) and "Traceback" not in result.output


# Milvus counts a VARCHAR's max_length in UTF-8 bytes: a CJK character takes 3 of them.
PARAGRAPH = "推进绿色低碳发展" * 625  # 5,000 characters (the longest paragraph ingest keeps), 15,000 bytes


def test_the_longest_text_a_field_holds_is_stored_verbatim(lib, client, store):
    # Four 5,000-character paragraphs and one of 1,840: 65,524 bytes of text, so its bm25_text (title and
    # path added) is over the field's 65,535 bytes; a heading of 2,046 bytes.
    text = "\n".join([PARAGRAPH] * 4 + [PARAGRAPH[:1840]])
    long = chunk("jiangmen-2023", "江门市", 1, text).model_copy(update={"heading": "碳" * 682})
    assert len(text.encode()) == 65_524
    assert len(milvus_store.bm25_text(long).encode()) > milvus_store.MAX_TEXT_BYTES
    new, _ = store.updated([*CHUNKS, long], FakeEmbedder())
    client.release_collection(lib)
    reopened, status = milvus_store.load_or_build(client, lib, [*CHUNKS, long], FakeEmbedder(), progress=False)
    assert status == "loaded" and reopened.chunks[-1] == long  # text and heading read back whole
    assert max(len(text.encode()) for text in reopened.sentences.texts) <= milvus_store.MAX_TEXT_BYTES


@pytest.mark.parametrize("field, update", [
    ("text", {"text": "\n".join([PARAGRAPH] * 5)}),  # 75,000 bytes: five 5,000-character paragraphs
    ("heading", {"heading": "碳" * 683}),  # 2,049 bytes
    ("title", {"title": "碳达峰" * 57}),  # 513 bytes
])
def test_a_field_longer_than_milvus_holds_is_refused_before_anything_is_written(lib, client, store, field, update):
    too_long = chunk("jiangmen-2023", "江门市", 1, "有序发展核电。").model_copy(update=update)
    rows = client.get_collection_stats(lib)["row_count"]
    with pytest.raises(IngestError) as error:
        store.updated([*CHUNKS, too_long], FakeEmbedder())
    assert f"the {field} of clause jiangmen-2023/1" in str(error.value) and "CARBONQA_STORE=faiss" in str(error.value)
    assert client.get_collection_stats(lib)["row_count"] == rows
    assert store.bm25_search("核电", [], 5) == []  # the store in use is as it was
    with pytest.raises(IngestError):
        milvus_store.build_store(client, lib, [*CHUNKS, too_long], FakeEmbedder(), progress=False)
    assert client.has_collection(lib) and client.get_collection_stats(lib)["row_count"] == rows  # not dropped


def test_a_plan_with_a_1_mb_run_on_sentence_is_stored_in_chunks_milvus_holds(lib, client, store, tmp_path):
    # ~350,000 characters under one clause: ingest continues its body in chunks of at most max_chunk_chars.
    (tmp_path / "long.html").write_bytes(html_plan("推进" + LONG_SENTENCE + "。"))
    plan = parse_plan(tmp_path / "long.html")
    assert len(plan.chunks) > len(LONG_SENTENCE) // DEFAULT_LIMITS.max_chunk_chars
    assert max(len(chunk.text.encode()) for chunk in plan.chunks) <= milvus_store.MAX_TEXT_BYTES
    new, _ = store.updated([*CHUNKS, *plan.chunks], FakeEmbedder())
    assert client.get_collection_stats(lib)["row_count"] == len(CHUNKS) + len(plan.chunks)
    client.release_collection(lib)
    reopened, status = milvus_store.load_or_build(client, lib, [*CHUNKS, *plan.chunks], FakeEmbedder(),
                                                  progress=False)
    assert status == "loaded" and reopened.chunks[len(CHUNKS):] == plan.chunks  # read back whole
