"""The plan library: add, replace and remove plans through the API and the CLI, guarded by the admin key,
indexed incrementally, switched atomically; the shipped corpus never changes."""
from __future__ import annotations

import hashlib
import io
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from carbonqa.api.app import create_app
from carbonqa.api.metrics import REGISTRY
from carbonqa.cli import app as cli_app
from carbonqa.eval.attack_files import (BILLION_LAUGHS, MALFORMED, MB, docx_bomb, docx_with_document, pdf_bomb,
                                        pdf_file, text_page)
from carbonqa.eval.plan_formats import plan_blocks, write_docx, write_pdf
from carbonqa.service.runtime import assemble_runtime, plan_library, with_plans
from carbonqa.service.settings import Settings, StoreKind, get_settings

REPO_DIR = Path(__file__).resolve().parents[1]
LIBRARY_PLANS = REPO_DIR / "eval" / "library_plans"
KEY = "test-admin-key"
ADMIN = {"X-API-Key": KEY}


# Library updates on both stores: FAISS (a new index swapped in) and Milvus Lite (the difference written).
BOTH_STORES = pytest.mark.parametrize("store", [StoreKind.faiss, StoreKind.milvus], indirect=True)


@pytest.fixture
def store(request) -> StoreKind:
    return getattr(request, "param", StoreKind.faiss)


@pytest.fixture
def library_settings(tmp_path, store) -> Settings:
    """The shipped corpus, with the library and the index (or Milvus Lite file) in a temporary folder."""
    # The test client is not a loopback address: its rate limit is raised, since it is not under test here.
    return Settings(corpus_dir=REPO_DIR / "data" / "corpus", library_dir=tmp_path / "library",
                    index_dir=tmp_path / "index", admin_key=KEY, max_upload_bytes=200_000,
                    rate_limit="100000/minute", store=store, milvus_uri=str(tmp_path / "milvus.db"))


@pytest.fixture
def library_runtime(runtime, library_settings, request):
    """The session's loaded model and index (or a Milvus copy of it), serving from the temporary library."""
    index = runtime.index
    if library_settings.store == StoreKind.milvus:
        index = request.getfixturevalue("milvus_copy")(library_settings)
    return assemble_runtime(library_settings, runtime.plans, runtime.embedder, index, "loaded")


@pytest.fixture
def client(library_settings, library_runtime):
    with TestClient(create_app(library_settings, library_runtime)) as test_client:
        yield test_client


def docx_bytes(txt: Path) -> bytes:
    out = io.BytesIO()
    write_docx(plan_blocks(txt), out)
    return out.getvalue()


def pdf_bytes(txt: Path, tmp_path: Path) -> bytes:
    path = tmp_path / f"{txt.stem}.pdf"
    write_pdf(plan_blocks(txt), path)
    return path.read_bytes()


def upload(client: TestClient, files: list[tuple[str, bytes]], headers=ADMIN, **form):
    return client.post("/documents", headers=headers, data=form,
                       files=[("files", (name, data, "application/octet-stream")) for name, data in files])


def search_ids(client: TestClient, question: str, top_k: int = 10) -> list[str]:
    response = client.post("/search", json={"question": question, "top_k": top_k})
    assert response.status_code == 200, response.text
    return [hit["chunk"]["id"] for hit in response.json()["hits"]]


def corpus_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted((REPO_DIR / "data" / "corpus").iterdir()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def test_library_changes_need_the_admin_key(library_settings, library_runtime):
    nanshan = ("nanshan-2024.txt", (LIBRARY_PLANS / "nanshan-2024.txt").read_bytes())
    disabled = library_settings.model_copy(update={"admin_key": None})
    with TestClient(create_app(disabled, library_runtime)) as client:
        response = upload(client, [nanshan])
        assert response.status_code == 403 and "CARBONQA_ADMIN_KEY" in response.json()["detail"]
        assert client.delete("/documents/zhuhai-2023", headers=ADMIN).status_code == 403
    with TestClient(create_app(library_settings, library_runtime)) as client:
        for headers in ({}, {"X-API-Key": "wrong"}):
            response = upload(client, [nanshan], headers=headers)
            assert response.status_code == 401 and "X-API-Key" in response.json()["detail"]
            assert client.delete("/documents/zhuhai-2023", headers=headers).status_code == 401
        assert len(client.get("/documents").json()) == 5
    assert not (library_settings.library_path / "shenzhen-nanshan-2024").exists()


@BOTH_STORES
def test_add_two_plans_then_remove_one(client, library_settings, library_runtime, tmp_path):
    before = {chunk.id: chunk.text for chunk in library_runtime.index.chunks}
    shipped = corpus_digest()
    response = upload(client, [("南山区碳达峰实施方案.docx", docx_bytes(LIBRARY_PLANS / "nanshan-2024.txt")),
                               ("zhuhai-2025.pdf", pdf_bytes(LIBRARY_PLANS / "zhuhai-2025.txt", tmp_path))])
    assert response.status_code == 200, response.text
    change = response.json()
    assert [plan["doc_id"] for plan in change["added"]] == ["shenzhen-nanshan-2024", "zhuhai-2025"]
    assert change["added"][0]["region"] == "深圳市南山区" and change["added"][0]["level"] == "县"
    new_chunks = sum(plan["chunk_count"] for plan in change["added"])
    assert change["plans"] == 7 and change["chunks"] == len(before) + new_chunks
    assert change["index"].startswith(f"updated: {new_chunks} of ")  # only the new plans were embedded

    # The original files are kept as uploaded; the shipped corpus is untouched; existing ids did not change.
    assert (library_settings.library_path / "shenzhen-nanshan-2024" / "南山区碳达峰实施方案.docx").is_file()
    assert corpus_digest() == shipped
    served = {chunk.id: chunk.text for chunk in client.app.state.service.runtime.index.chunks}
    assert {cid: served[cid] for cid in before} == before

    # Answerable at once, from the right plan; the revision is told apart from the 2023 plan.
    assert search_ids(client, "南山区超充站建设目标是多少？")[0].startswith("shenzhen-nanshan-2024/")
    answer = client.post("/ask", json={"question": "南山区到2025年新能源汽车保有量目标是多少？"}).json()
    assert "25万辆" in answer["answer"] and answer["citations"][0]["chunk_id"].startswith("shenzhen-nanshan-2024/")
    assert search_ids(client, "珠海虚拟电厂可调节能力目标")[0].startswith("zhuhai-2025/")
    plans = {plan["doc_id"]: plan for plan in client.get("/documents").json()}
    assert plans["zhuhai-2025"]["title"] == "珠海市碳达峰实施方案（2025年修订）"
    assert plans["zhuhai-2023"]["title"] == "珠海市碳达峰实施方案"

    # Remove: its chunks leave search, the reader and the outline; every other id stays; the file is kept.
    removed = client.delete("/documents/shenzhen-nanshan-2024", headers=ADMIN)
    assert removed.status_code == 200, removed.text
    kept = library_settings.library_path / removed.json()["kept_file"]
    assert kept.is_file() and kept.name == "南山区碳达峰实施方案.docx" and ".removed" in kept.parts
    assert removed.json()["index"].startswith("updated: 0 of ")
    assert not any(cid.startswith("shenzhen-nanshan-2024/") for cid in search_ids(client, "南山区超充站", 20))
    assert client.get("/chunks/shenzhen-nanshan-2024/2.2.3").status_code == 404
    assert client.get("/documents/shenzhen-nanshan-2024").status_code == 404
    served = {chunk.id: chunk.text for chunk in client.app.state.service.runtime.index.chunks}
    assert {cid: served[cid] for cid in before} == before
    assert any(cid.startswith("zhuhai-2025/") for cid in served)

    # A new service on the same folders loads the same library (the index is current, nothing re-embedded).
    from carbonqa.service.runtime import load_runtime
    reloaded = load_runtime(library_settings, progress=False)
    assert reloaded.index_status == "loaded" and sorted(c.id for c in reloaded.index.chunks) == sorted(served)


BAD_UPLOADS = {
    "a scan": ([("scan.pdf", b"%PDF-1.4\n%%EOF")], 422, "scan.pdf"),
    "a program": ([("setup.exe", b"MZ")], 422, "setup.exe"),
    "over the size limit": ([("big.txt", "碳".encode() * 100_000)], 413, "big.txt"),
    "a plan already there": ([("copy.txt", (REPO_DIR / "data/corpus/000_a2636c5fe94d8a8f.txt").read_bytes())],
                             422, "zhuhai-2023"),
    "the same plan twice": ([("a.txt", (LIBRARY_PLANS / "nanshan-2024.txt").read_bytes()),
                             ("b.txt", (LIBRARY_PLANS / "nanshan-2024.txt").read_bytes())], 422, "b.txt"),
}


@pytest.mark.parametrize("case", BAD_UPLOADS)
def test_a_bad_upload_adds_nothing_and_says_why(client, library_settings, case):
    files, status, named = BAD_UPLOADS[case]
    good = ("zhuhai-2025.txt", (LIBRARY_PLANS / "zhuhai-2025.txt").read_bytes())
    response = upload(client, [good, *files] if case != "the same plan twice" else files)
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert named in detail and "/ " in detail  # 中文 / English
    assert len(client.get("/documents").json()) == 5
    library = library_settings.library_path
    assert not library.exists() or [p.name for p in library.iterdir()] == []  # no plan, no staging left


@BOTH_STORES
def library_changes(change: str) -> float:
    return REGISTRY.get_sample_value("carbonqa_library_changes_total", {"change": change})


def test_replacing_an_added_plan_keeps_the_old_file(client, library_settings):
    added, removed_before = library_changes("add"), library_changes("remove")
    nanshan = (LIBRARY_PLANS / "nanshan-2024.txt").read_bytes()
    assert upload(client, [("nanshan.txt", nanshan)]).status_code == 200
    again = upload(client, [("nanshan-v2.txt", nanshan.replace("25万辆".encode(), "30万辆".encode()))])
    assert again.status_code == 422 and "replace" in again.json()["detail"]
    replaced = upload(client, [("nanshan-v2.txt", nanshan.replace("25万辆".encode(), "30万辆".encode()))],
                      replace="true")
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["index"].startswith("updated: 1 of ")  # only the changed clause
    removed = list((library_settings.library_path / ".removed").glob("*/nanshan.txt"))
    assert len(removed) == 1
    shipped = client.delete("/documents/zhuhai-2023", headers=ADMIN)
    assert shipped.status_code == 409 and "shipped" in shipped.json()["detail"]
    assert client.delete("/documents/nowhere-2020", headers=ADMIN).status_code == 404
    assert client.delete("/documents/shenzhen-nanshan-2024", headers=ADMIN).status_code == 200
    # /metrics counts the updates made (two uploads, one removal), not the refused ones.
    assert (library_changes("add") - added, library_changes("remove") - removed_before) == (2, 1)


def test_an_upload_without_files_is_a_422_as_the_spec_says(client):
    body = client.get("/openapi.json").json()["components"]["schemas"]["Body_add_documents_documents_post"]
    assert body["properties"]["files"]["minItems"] == 1 and body["required"] == ["files"]
    response = client.post("/documents", headers=ADMIN, data={"replace": "false"})
    assert response.status_code == 422 and response.json()["field"] == "files"
    assert "files" in response.json()["message"]["en"]


@BOTH_STORES
def test_questions_during_an_update_are_answered_from_one_library(client):
    """Questions keep being answered while a plan is added; each from the old or the new library whole."""
    failures, answers = [], []
    stop = threading.Event()

    def ask_repeatedly() -> None:
        while not stop.is_set():
            response = client.post("/search", json={"question": "南山区超充站建设目标", "top_k": 5})
            if response.status_code != 200:
                failures.append(response.status_code)
            else:
                answers.append({hit["chunk"]["doc_id"] for hit in response.json()["hits"]})

    thread = threading.Thread(target=ask_repeatedly)
    thread.start()
    try:
        response = upload(client, [("nanshan.txt", (LIBRARY_PLANS / "nanshan-2024.txt").read_bytes())])
    finally:
        stop.set()
        thread.join()
    assert response.status_code == 200 and failures == [] and answers
    assert "shenzhen-nanshan-2024" in {doc for hit_docs in answers for doc in hit_docs} or \
        search_ids(client, "南山区超充站建设目标")[0].startswith("shenzhen-nanshan-2024/")


def test_cli_add_list_remove(library_runtime, library_settings, monkeypatch):
    # Each command loads the library as it is now, reusing the session's model and index vectors.
    monkeypatch.setattr("carbonqa.service.runtime.load_runtime", lambda settings, **options: with_plans(
        library_runtime, plan_library(library_settings).load()))
    monkeypatch.setenv("CARBONQA_LIBRARY_DIR", str(library_settings.library_path))
    monkeypatch.setenv("COLUMNS", "250")  # rich tables are not cut to a narrow terminal
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        added = runner.invoke(cli_app, ["add", str(LIBRARY_PLANS / "zhuhai-2025.txt")])
        assert added.exit_code == 0, added.output
        assert "zhuhai-2025" in added.output and "updated: 12 of" in added.output
        listed = runner.invoke(cli_app, ["list"])
        assert listed.exit_code == 0 and "zhuhai-2025" in listed.output and "added: zhuhai-2025.txt" in listed.output
        bad = runner.invoke(cli_app, ["add", str(REPO_DIR / "README.md")])
        assert bad.exit_code == 2 and "README.md" in bad.output
        shipped = runner.invoke(cli_app, ["remove", "guangdong-2022"])
        assert shipped.exit_code == 2 and "shipped" in " ".join(shipped.output.split())
        removed = runner.invoke(cli_app, ["remove", "zhuhai-2025"])
        assert removed.exit_code == 0 and ".removed" in removed.output
    finally:
        get_settings.cache_clear()


def test_a_revision_is_told_apart_from_its_plan(client):
    """Two plans of 珠海: a question naming one (修订后 / 原方案), or the `documents` filter, is answered from
    it alone; one naming neither searches both and the answer says which plans it quotes."""
    assert upload(client, [("zhuhai-2025.txt", (LIBRARY_PLANS / "zhuhai-2025.txt").read_bytes())]).status_code == 200

    def ask(question: str, **body) -> dict:
        response = client.post("/ask", json={"question": question, **body})
        assert response.status_code == 200, response.text
        return response.json()

    def cited_plans(answer: dict) -> set[str]:
        return {citation["chunk_id"].split("/")[0] for citation in answer["citations"]}

    revised = ask("珠海修订后的方案中新型储能装机规模目标是多少？")
    assert revised["documents"] == ["zhuhai-2025"] and cited_plans(revised) == {"zhuhai-2025"}
    assert "100万千瓦" in revised["answer"] and "注：" not in revised["answer"]
    original = ask("珠海原方案中风电和光伏装机目标是多少？")
    assert original["documents"] == ["zhuhai-2023"] and cited_plans(original) == {"zhuhai-2023"}
    assert "355万千瓦" in original["answer"]
    either = ask("珠海虚拟电厂可调节能力目标是多少？")
    assert either["documents"] == [] and "50万千瓦" in either["answer"]
    assert "珠海市有2份方案" in either["answer"] and "以上引自《珠海市碳达峰实施方案（2025年修订）》" in either["answer"]

    # The explicit filter, declared in the spec (the added plan's id too) and checked like `regions`.
    filtered = client.post("/search", json={"question": "珠海新型储能目标", "documents": ["zhuhai-2023"], "top_k": 10})
    assert filtered.status_code == 200 and {h["chunk"]["doc_id"] for h in filtered.json()["hits"]} == {"zhuhai-2023"}
    spec = client.get("/openapi.json").json()["components"]["schemas"]["AskRequest"]["properties"]
    assert "zhuhai-2025" in spec["documents"]["anyOf"][0]["items"]["enum"]
    unknown = client.post("/ask", json={"question": "珠海新型储能目标", "documents": ["zhuhai-2030"]})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "documents"
    assert "zhuhai-2030" in unknown.json()["detail"] and " / " in unknown.json()["detail"]


def test_a_running_service_sees_plans_added_and_removed_by_the_cli(client, library_runtime, library_settings,
                                                                  monkeypatch):
    """`carbonqa add`/`remove` in another process change only the folders on disk; the service notices the
    new index (one stat a second, on requests) and switches to it, answering throughout."""
    monkeypatch.setattr("carbonqa.service.runtime.load_runtime", lambda settings, **options: with_plans(
        library_runtime, plan_library(library_settings).load()))
    monkeypatch.setenv("CARBONQA_LIBRARY_DIR", str(library_settings.library_path))
    monkeypatch.setenv("CARBONQA_INDEX_DIR", str(library_settings.index_path))
    get_settings.cache_clear()

    def plans_served(count: int) -> list[str]:
        """Ask until the service serves `count` plans (every request must succeed meanwhile)."""
        for _ in range(120):
            answer = client.post("/ask", json={"question": "南山区到2025年新能源汽车保有量目标是多少？"})
            assert answer.status_code == 200, answer.text
            ids = [plan["doc_id"] for plan in client.get("/documents").json()]
            if len(ids) == count:
                return ids
            threading.Event().wait(0.25)
        raise AssertionError(f"the service still serves {ids}")

    external = library_changes("external")
    try:
        assert len(plans_served(5)) == 5
        added = CliRunner().invoke(cli_app, ["add", str(LIBRARY_PLANS / "nanshan-2024.txt")])
        assert added.exit_code == 0, added.output
        assert "shenzhen-nanshan-2024" in plans_served(6)
        answer = client.post("/ask", json={"question": "南山区到2025年新能源汽车保有量目标是多少？"}).json()
        assert "25万辆" in answer["answer"] and answer["citations"][0]["chunk_id"].startswith("shenzhen-nanshan-2024/")
        assert client.get("/chunks/shenzhen-nanshan-2024/2.2.3").status_code == 200
        removed = CliRunner().invoke(cli_app, ["remove", "shenzhen-nanshan-2024"])
        assert removed.exit_code == 0, removed.output
        assert "shenzhen-nanshan-2024" not in plans_served(5)
        assert client.get("/chunks/shenzhen-nanshan-2024/2.2.3").status_code == 404
        assert library_changes("external") - external == 2  # in /metrics too
    finally:
        get_settings.cache_clear()


# Hostile files (carbonqa.eval.attack_files): each a clear 413 naming the limit and how to raise it, or a
# 422 saying what is wrong; the service and the library stay as they were; no server path in the answer.
ATTACKS = {
    "a .docx bomb": ("bomb.docx", lambda: docx_bomb(200 * MB), 413, "CARBONQA_INGEST_MAX_UNPACKED_BYTES", {}),
    "a PDF bomb": ("bomb.pdf", lambda: pdf_bomb(200 * MB), 413, "CARBONQA_INGEST_MAX_UNPACKED_BYTES", {}),
    "too many pages": ("many.pdf", lambda: pdf_file([text_page(1)] * 501), 413, "CARBONQA_INGEST_MAX_PDF_PAGES", {}),
    "too slow to parse": ("slow.pdf", lambda: pdf_file([text_page()] * 300), 413,
                          "CARBONQA_INGEST_PARSE_WALL_SECONDS", {"ingest_parse_wall_seconds": 1}),
    "malformed XML": ("broken.docx", lambda: docx_with_document(MALFORMED), 422, "XML", {}),
    "entity expansion": ("laughs.docx", lambda: docx_with_document(BILLION_LAUGHS), 422, "word/document.xml", {}),
    "a name over 255 bytes": ("碳" * 90 + ".txt", lambda: (LIBRARY_PLANS / "nanshan-2024.txt").read_bytes(), 422,
                              "255", {}),
    "an empty file": ("empty.txt", lambda: b"", 422, "file is empty", {}),
}


@pytest.mark.parametrize("case", ATTACKS)
def test_a_hostile_file_is_a_clear_4xx_and_changes_nothing(library_settings, library_runtime, tmp_path, case):
    name, make, status, says, limits = ATTACKS[case]
    settings = library_settings.model_copy(update={"max_upload_bytes": 20_000_000, **limits})
    with TestClient(create_app(settings, library_runtime)) as client:
        serving = client.app.state.service.runtime
        response = upload(client, [(name, make())])
        assert response.status_code == status, response.text
        body = response.json()
        assert says in body["detail"] and name in body["detail"] and body["field"] == "files"
        assert body["message"]["zh"] and body["message"]["en"] and body["message"]["zh"] != body["message"]["en"]
        if status == 413:  # the limit's name, its value and the variable that raises it
            limit = says.removeprefix("CARBONQA_INGEST_").lower()
            assert body["code"] == "limit_exceeded" and limit in body["detail"]
            assert f"{getattr(settings.ingest_limits, limit):,}" in body["detail"]
        assert str(tmp_path) not in response.text and ".staging" not in response.text
        assert client.app.state.service.runtime is serving and len(client.get("/documents").json()) == 5
        assert client.post("/search", json={"question": "珠海市风电装机目标", "top_k": 3}).status_code == 200
    library = settings.library_path
    assert not library.exists() or [p.name for p in library.iterdir()] == []  # no plan, no staging left


def test_cli_add_refuses_a_hostile_file_with_the_services_message(client, library_runtime, library_settings,
                                                                 monkeypatch, tmp_path):
    monkeypatch.setattr("carbonqa.service.runtime.load_runtime", lambda settings, **options: library_runtime)
    monkeypatch.setenv("CARBONQA_LIBRARY_DIR", str(library_settings.library_path))
    monkeypatch.setenv("COLUMNS", "250")
    get_settings.cache_clear()
    try:
        for name, data in (("many.pdf", pdf_file([text_page(1)] * 501)), ("broken.docx", docx_with_document(MALFORMED))):
            (tmp_path / name).write_bytes(data)
            served = upload(client, [(name, data)]).json()["detail"]
            added = CliRunner().invoke(cli_app, ["add", str(tmp_path / name)])
            assert added.exit_code == 2 and "".join(served.split()) in "".join(added.output.split()), added.output
    finally:
        get_settings.cache_clear()
    assert not library_settings.library_path.exists() or list(library_settings.library_path.iterdir()) == []
