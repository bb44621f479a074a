"""The HTTP API with the real pipeline: endpoints, validation messages, follow-ups, streaming."""
from __future__ import annotations

import json
import re
import time

import pytest
from fastapi.testclient import TestClient

from carbonqa.answer.models import Answer, AnswerRequest
from carbonqa.api.app import create_app
from carbonqa.index.batching import QueryBatcher
from carbonqa.index.embedder import QUERY_THREADS
from carbonqa.service.runtime import assemble_runtime, load_runtime
from carbonqa.service.settings import TOP_K_MAX, TOP_K_MIN, Settings, StoreKind, get_settings

PLAN_REGIONS = {"广东省", "珠海市", "佛山市", "江门市", "云浮市"}
ZHUHAI_ENERGY = "珠海2025年单位地区生产总值能耗要比2020年下降多少？"


@pytest.fixture(scope="session")
def client(store_runtime):
    """The service over each store in turn (FAISS, then Milvus Lite)."""
    with TestClient(create_app(get_settings(), store_runtime)) as test_client:
        yield test_client


def ask(client: TestClient, question: str, **fields) -> dict:
    response = client.post("/ask", json={"question": question, **fields})
    assert response.status_code == 200, response.text
    return response.json()


def wait_while_loading(client: TestClient) -> None:
    deadline = time.monotonic() + 30
    while client.get("/readyz").json()["status"] == "loading" and time.monotonic() < deadline:
        time.sleep(0.05)


def read_events(response) -> list[tuple[str, dict]]:
    events = []
    for block in response.text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.split("\n"))
        events.append((lines["event"], json.loads(lines["data"])))
    return events


# ---------- service ----------

def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
    assert ready.json()["plans"] == 5
    # The chat UI and the 检索测试 page take their limits from here.
    settings = get_settings()
    assert ready.json()["limits"] == {"max_question_chars": settings.max_question_chars,
                                      "max_history_turns": settings.max_history_turns,
                                      "top_k": settings.top_k, "top_k_min": TOP_K_MIN, "top_k_max": TOP_K_MAX}


def test_an_app_enforces_the_question_limit_it_reports(runtime):
    # Two apps in one process, each with its own limit: bodies are checked against the app's own.
    short = get_settings().model_copy(update={"max_question_chars": 10})
    with TestClient(create_app(short, runtime)) as small, TestClient(create_app(get_settings(), runtime)) as large:
        assert small.get("/readyz").json()["limits"]["max_question_chars"] == 10
        response = small.post("/search", json={"question": "珠海市的光伏装机目标是多少？"})
        assert response.status_code == 422
        assert response.json()["detail"].startswith("问题过长：最多 10 个字符")
        history = small.post("/ask", json={"question": "碳达峰", "history": [{"question": "碳" * 11}]})
        assert history.status_code == 422 and history.json()["errors"][0]["field"] == "history[0].question"
        assert large.post("/search", json={"question": "珠海市的光伏装机目标是多少？"}).status_code == 200


def test_ask_serves_an_analytical_answers_computation_and_the_spec_describes_it(runtime):
    with TestClient(create_app(get_settings(), runtime)) as client:
        answer = ask(client, "江门2030年单位水泥熟料碳排放降幅比全省高多少？")
        analysis = answer["analysis"]
        assert answer["answer"].startswith("江门市与广东省相同")
        assert analysis["operation"] == "reference" and analysis["comparable"] is True
        assert analysis["reference"]["region"] == "广东省" and analysis["difference"] == 0
        cited = {c["marker"]: c["chunk_id"] for c in answer["citations"]}
        for plan in [analysis["reference"], *analysis["plans"]]:
            for record in plan["records"]:
                assert cited[record["marker"]] == record["clause_id"]
        assert ask(client, ZHUHAI_ENERGY)["analysis"] is None
        schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert schemas["Answer"]["properties"]["analysis"]["anyOf"][0]["$ref"] == "#/components/schemas/AnswerAnalysis"
    assert {"operation", "plans", "comparable", "reason", "winners", "ranking"} <= set(schemas["AnswerAnalysis"]["properties"])
    assert {"region", "plan", "value", "unit", "year", "qualifiers", "clause_id"} <= set(
        schemas["AnalysisRecord"]["properties"])


def test_not_ready_until_loaded():
    # Without its startup (lifespan) the app has loaded nothing: it is alive but not ready.
    app = create_app(get_settings())
    client = TestClient(app)
    assert client.get("/healthz").status_code == 200
    readiness = client.get("/readyz")
    assert readiness.status_code == 503
    assert readiness.json()["status"] == "loading"
    assert readiness.json()["limits"]["max_question_chars"] == 500
    response = client.post("/ask", json={"question": "珠海的碳达峰目标是什么？"})
    assert response.status_code == 503
    assert "正在加载" in response.json()["detail"]
    assert response.headers["retry-after"] == "5"


def test_a_failed_load_is_reported_by_readyz(tmp_path):
    # The startup loads in the background; a missing corpus leaves the service up, saying why.
    settings = get_settings().model_copy(update={"corpus_dir": tmp_path / "missing", "index_dir": tmp_path / "index"})
    with TestClient(create_app(settings)) as client:
        wait_while_loading(client)
        readiness = client.get("/readyz")
        assert readiness.status_code == 503
        assert readiness.json()["status"] == "failed"
        assert "corpus folder not found" in readiness.json()["detail"]
        response = client.post("/ask", json={"question": "碳达峰目标是什么？"})
        assert response.status_code == 503
        assert response.json()["detail"].startswith("服务加载失败：语料目录不存在 / the service failed to load: corpus")
        assert response.json()["code"] == "load_failed"


def test_startup_load_makes_the_service_ready(runtime, monkeypatch):
    # The background load and warm-up, with the session's pipeline standing in for a freshly loaded
    # serving one (same model and index, wrapped for serving).
    loaded = []

    def load_serving(settings, **options):
        loaded.append(options)
        return assemble_runtime(settings, runtime.plans, runtime.embedder, runtime.index, "loaded",
                                serving=options.get("serving", False))

    monkeypatch.setattr("carbonqa.service.live.load_runtime", load_serving)
    with TestClient(create_app(get_settings())) as client:
        wait_while_loading(client)
        readiness = client.get("/readyz")
        assert readiness.status_code == 200, readiness.text
        assert readiness.json()["load_seconds"] > 0
        assert loaded[0]["serving"] is True  # the service asks for the serving variant ...
        served = client.app.state.service.runtime
        assert isinstance(served.retriever.embedder, QueryBatcher)  # ... where concurrent questions share passes
        assert ask(client, ZHUHAI_ENERGY)["citations"]


def test_serving_threads_reach_the_loaded_model(monkeypatch):
    # load_runtime gives the model CARBONQA_SERVE_TORCH_THREADS only when it loads for serving.
    threads = []

    class Stop(Exception):
        pass

    def load(*args, query_threads, **kwargs):
        threads.append(query_threads)
        raise Stop

    monkeypatch.setattr("carbonqa.service.runtime.Embedder.load", load)
    settings = get_settings().model_copy(update={"serve_torch_threads": 2})
    for serving in (True, False):
        with pytest.raises(Stop):
            load_runtime(settings, progress=False, serving=serving)
    assert threads == [2, QUERY_THREADS]


def test_restart_on_an_existing_milvus_lite_file_embeds_nothing(runtime, milvus_runtime, monkeypatch):
    """A service pointed at a built Milvus Lite file loads the collection as it is and answers."""

    def no_embedding(*args, **kwargs):
        raise AssertionError("nothing may be embedded when the collection is current")

    monkeypatch.setattr("carbonqa.service.runtime.Embedder.load", lambda *args, **kwargs: runtime.embedder)
    monkeypatch.setattr(runtime.embedder, "embed_passages", no_embedding)
    settings = milvus_runtime.settings
    assert settings.store == StoreKind.milvus
    milvus_runtime.index.client.release_collection(settings.milvus_collection)  # as after a restart
    with TestClient(create_app(settings)) as fresh:
        wait_while_loading(fresh)
        assert fresh.get("/readyz").status_code == 200, fresh.get("/readyz").text
        answer = ask(fresh, ZHUHAI_ENERGY)
    assert not answer["refused"] and answer["citations"][0]["chunk_id"].startswith("zhuhai-2023/")


def test_docs_are_served_offline(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/docs-assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs-assets/swagger-ui.css").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/ask", "/ask/stream", "/search", "/documents", "/documents/{doc_id}", "/chunks/{chunk_id}"} <= set(paths)


def test_chat_ui_is_self_contained(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for asset in ("/", "/static/app.js", "/static/style.css"):
        text = client.get(asset).text
        assert "http://" not in text and "https://" not in text, asset
    assert ".innerHTML" not in client.get("/static/app.js").text


# ---------- /ask ----------

def test_ask_answers_with_citations(client, store_runtime):
    answer = ask(client, ZHUHAI_ENERGY)
    assert not answer["refused"]
    assert "14.5%" in answer["answer"]
    assert answer["regions"] == ["珠海市"]
    assert answer["citations"] and answer["timings_ms"]["total"] > 0
    for citation in answer["citations"]:
        assert f"[{citation['marker']}]" in answer["answer"]
        chunk = store_runtime.tree[citation["chunk_id"]]
        assert chunk.region == "珠海市"
        assert citation["quote"] in chunk.text
    # The body is the Answer contract, field for field, as the answerer made it (timings aside).
    in_process = store_runtime.answerer.ask(AnswerRequest(question=ZHUHAI_ENERGY)).model_dump(exclude={"timings_ms"})
    assert Answer.model_validate(answer).model_dump(exclude={"timings_ms"}) == in_process
    assert client.post("/ask", json={"question": ZHUHAI_ENERGY}).headers["content-type"] == "application/json"


def test_ask_refuses_a_place_without_a_plan(client):
    answer = ask(client, "深圳市2025年的碳达峰目标是什么？")
    assert answer["refused"] and answer["outcome"] == "not_stated"
    assert answer["refusal_reason"] == "no_plan_for_region"
    assert all(c["related"] for c in answer["citations"])  # shown as related text, not as the answer


def test_ask_outcomes_answered_and_partial(client):
    answered = ask(client, ZHUHAI_ENERGY)
    assert answered["outcome"] == "answered" and answered["unstated"] == [] and not answered["refused"]
    partial = ask(client, "珠海、佛山、江门2030年电网尖峰负荷响应能力分别要达到多少？")
    assert partial["outcome"] == "partial" and partial["unstated"] == ["江门市"]
    assert not partial["refused"] and partial["refusal_reason"] is None
    # The silent plan has its own line saying so (方案未提及… or, from the target records, 方案未给出该指标的数值).
    assert "5%以上" in "".join(partial["answer"].split()) and "\n江门市：方案未" in partial["answer"]
    assert partial["citations"] and not any(c["related"] for c in partial["citations"])


@pytest.mark.parametrize("name", ["广东", "广东省"])
def test_region_filter_accepts_short_and_full_names(client, name):
    answer = ask(client, "非化石能源消费比重目标是多少？", regions=[name], top_k=5)
    assert answer["regions"] == ["广东省"]
    assert {c["region"] for c in answer["citations"]} <= {"广东省"}


def test_follow_up_inherits_topic_and_year(client):
    first = ask(client, ZHUHAI_ENERGY)
    follow = ask(client, "那云浮呢？", history=[{"question": ZHUHAI_ENERGY, "answer": first["answer"]}])
    assert follow["question"] == "那云浮呢？"  # as typed (it is read in NFKC form)
    assert "云浮" in follow["understood_as"] and "2025" in follow["understood_as"]
    assert follow["regions"] == ["云浮市"]
    assert not follow["refused"]
    assert "15" in follow["answer"]
    assert {c["region"] for c in follow["citations"]} == {"云浮市"}


def test_follow_up_chain_changes_the_year(client):
    history = [{"question": ZHUHAI_ENERGY}, {"question": "那云浮呢？"}]
    follow = ask(client, "2030年呢？", history=history)
    assert "云浮" in follow["understood_as"] and "2030" in follow["understood_as"]
    assert "2025" not in follow["understood_as"]


def test_stream_gives_the_same_answer_as_ask(client):
    body = {"question": ZHUHAI_ENERGY, "top_k": 6}
    plain = client.post("/ask", json=body).json()
    response = client.post("/ask/stream", json=body)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = read_events(response)
    names = [name for name, _ in events]
    assert names[-2:] == ["citations", "done"] and set(names[:-2]) == {"delta"}
    streamed = events[-1][1]
    for field in ("question", "understood_as", "answer", "citations", "outcome", "refused", "regions"):
        assert streamed[field] == plain[field], field
    deltas = "".join(data["text"] for name, data in events if name == "delta")
    assert "".join(deltas.split()) == "".join(plain["answer"].split())
    assert events[-2][1]["citations"] == plain["citations"]


def test_stream_validates_before_streaming(client):
    response = client.post("/ask/stream", json={"question": " "})
    assert response.status_code == 422
    assert response.json()["detail"] == "问题不能为空 / question must not be empty"


# ---------- /search ----------

def test_search_ranks_chunks_with_scores(client):
    response = client.post("/search", json={"question": "新能源汽车推广", "regions": ["佛山"], "top_k": 5})
    assert response.status_code == 200
    result = response.json()
    hits = result["hits"]
    assert 0 < len(hits) <= 5 + sum(hit["via_tree"] for hit in hits)
    assert {hit["chunk"]["region"] for hit in hits} == {"佛山市"}
    direct = [hit["score"] for hit in hits if not hit["via_tree"]]
    assert direct == sorted(direct, reverse=True)


def test_search_mode_bm25_has_only_bm25_scores(client):
    hits = client.post("/search", json={"question": "海上风电", "mode": "bm25"}).json()["hits"]
    assert hits and all(hit["dense_score"] is None and hit["bm25_score"] is not None for hit in hits
                        if not hit["via_tree"])


# ---------- corpus ----------

def test_documents_list_the_plans(client, store_runtime):
    plans = client.get("/documents").json()
    assert {plan["region"] for plan in plans} == PLAN_REGIONS
    for plan in plans:
        expected = sum(1 for chunk in store_runtime.tree if chunk.doc_id == plan["doc_id"])
        assert plan["chunk_count"] == expected == sum(plan["counts_by_kind"].values())
        assert plan["title"].endswith("方案")


def test_outline_holds_every_chunk_once(client, store_runtime):
    doc_id = client.get("/documents").json()[0]["doc_id"]
    outline = client.get(f"/documents/{doc_id}").json()
    seen: list[str] = []

    def walk(nodes, parent):
        for node in nodes:
            assert store_runtime.tree[node["id"]].parent_id == parent
            seen.append(node["id"])
            walk(node["children"], node["id"])

    walk(outline["outline"], None)
    expected = [chunk.id for chunk in store_runtime.tree if chunk.doc_id == doc_id]
    assert sorted(seen) == sorted(expected)


def test_chunk_with_its_neighbours(client, store_runtime):
    # A chunk with a parent and siblings on both sides; its id contains "/".
    chunk = next(c for c in store_runtime.tree
                 if c.parent_id and sum(o.parent_id == c.parent_id for o in store_runtime.tree) >= 3
                 and c.kind.value == "clause")
    assert "/" in chunk.id
    context = client.get(f"/chunks/{chunk.id}").json()
    assert context["chunk"]["id"] == chunk.id
    assert context["parent"]["id"] == chunk.parent_id
    assert context["ancestors"][-1]["id"] == chunk.parent_id
    assert context["plan"]["doc_id"] == chunk.doc_id
    if context["previous"]:
        assert client.get(f"/chunks/{context['previous']['id']}").json()["next"]["id"] == chunk.id
    if context["next"]:
        assert client.get(f"/chunks/{context['next']['id']}").json()["previous"]["id"] == chunk.id
    assert context["previous"] or context["next"]
    parent = client.get(f"/chunks/{chunk.parent_id}").json()
    assert chunk.id in [child["id"] for child in parent["children"]]


def test_unknown_ids_are_404(client):
    missing = client.get("/documents/nowhere-2099")
    assert missing.status_code == 404 and "未找到文件" in missing.json()["detail"]
    missing = client.get("/chunks/zhuhai-2023/9.9.9")
    assert missing.status_code == 404 and "未找到条款" in missing.json()["detail"]
    assert client.get("/no/such/page").json()["detail"] == "未找到该地址 / not found"
    assert client.get("/ask").status_code == 405


# ---------- validation ----------

BAD_ASKS = [
    ({"question": ""}, "问题不能为空 / question must not be empty"),
    ({"question": "   \n\t"}, "问题不能为空 / question must not be empty"),
    ({"question": "？？？"}, "问题中没有文字 / question contains no words"),
    ({"question": "碳" * 501}, "问题过长：最多 500 个字符 / question too long: at most 500 characters"),
    ({"question": "？" * 501}, "问题过长：最多 500 个字符"),
    ({"question": " " + "碳" * 500}, "问题过长：最多 500 个字符"),  # counted as sent
    ({"question": 123}, "question 应为字符串 / question must be a string"),
    ({"question": None}, "question 应为字符串 / question must be a string"),
    ({}, "缺少字段 question / field question is required"),
    ({"question": "碳达峰", "top_k": 0}, "top_k 应在 1 到 20 之间 / top_k must be between 1 and 20"),
    ({"question": "碳达峰", "top_k": 21}, "top_k 应在 1 到 20 之间 / top_k must be between 1 and 20"),
    ({"question": "碳达峰", "top_k": "5"}, "top_k 应为整数 / top_k must be an integer"),
    ({"question": "碳达峰", "top_k": 2.5}, "top_k 应为整数 / top_k must be an integer"),
    ({"question": "碳达峰", "top_k": True}, "top_k 应为整数 / top_k must be an integer"),
    ({"question": "碳达峰", "regions": "珠海"}, "regions 应为列表 / regions must be a list"),
    ({"question": "碳达峰", "regions": [1]}, "regions[0] 应为字符串 / regions[0] must be a string"),
    ({"question": "碳达峰", "regions": ["深圳"]}, "未知地区“深圳”"),
    ({"question": "碳达峰", "history": "珠海"}, "history 应为列表 / history must be a list"),
    ({"question": "碳达峰", "history": [{"answer": "x"}]}, "缺少字段 history[0].question"),
    ({"question": "碳达峰", "history": [{"question": " "}]}, "问题不能为空 / question must not be empty"),
    ({"question": "碳达峰", "history": [{"question": "碳" * 501}]}, "问题过长：最多 500 个字符"),
    ({"question": "碳达峰", "history": [{"question": "……"}]}, "问题中没有文字 / question contains no words"),
    ({"question": "碳达峰", "history": [{"question": "碳达峰"}] * 21}, "历史对话过长：最多 20 轮"),
    ({"question": "碳达峰", "topk": 5}, "未知字段 topk / unknown field topk"),
    ({"question": "碳达\x00峰"}, "问题包含无效字符 U+0000"),
    ({"question": "碳达峰\x1b[2J"}, "问题包含无效字符 U+001B"),
    ({"question": "\ud800光伏"}, "问题包含无效字符 U+D800"),  # a lone surrogate
    ({"question": "光伏\uffff"}, "问题包含无效字符 U+FFFF"),  # a non-character
    ({"question": "碳达峰", "regions": ["珠\udc00海"]}, "地区包含无效字符 U+DC00"),
    ({"question": "碳达峰", "history": [{"question": "\ud83d光伏"}]}, "问题包含无效字符 U+D83D"),
    ({"question": "碳达峰", "history": [{"question": "光伏", "answer": "\udfff"}]}, "回答包含无效字符 U+DFFF"),
]


@pytest.mark.parametrize(("body", "message"), BAD_ASKS, ids=[m.split(" /")[0][:24] for _, m in BAD_ASKS])
def test_ask_rejects_bad_input_with_a_clear_message(client, body, message):
    # Serialised with \u escapes, as client libraries send lone surrogates (they have no UTF-8 form).
    response = client.post("/ask", content=json.dumps(body), headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith(message)
    assert response.json()["errors"][0]["message"] == response.json()["detail"]


def test_lone_surrogates_in_raw_json_are_422_on_every_endpoint(client):
    # Sent as the JSON escape a client library produces, not as (unencodable) UTF-8.
    for path in ("/ask", "/search", "/ask/stream"):
        for body in ('{"question": "\\ud800光伏"}', '{"question": "光伏", "regions": ["\\udfff"]}'):
            response = client.post(path, content=body.encode(), headers={"Content-Type": "application/json"})
            assert response.status_code == 422, (path, body, response.text)
            assert response.json()["code"] == "invalid_request"


def test_full_width_digits_ask_the_same_question(client):
    full_width = ask(client, "珠海２０２５年风电和光伏装机目标是多少？")
    assert full_width["answer"] == ask(client, "珠海2025年风电和光伏装机目标是多少？")["answer"]
    assert "2025" in full_width["answer"]


def test_an_unexpected_error_is_a_json_500_without_a_traceback(runtime, monkeypatch):
    def broken(**_):
        raise RuntimeError("boom at /secret/path/module.py line 7")

    monkeypatch.setattr(runtime.answerer, "ask", broken)
    # raise_server_exceptions=True: the test fails if the exception escapes the app (which would make
    # uvicorn drop the keep-alive connection).
    with TestClient(create_app(get_settings(), runtime), raise_server_exceptions=True) as client:
        response = client.post("/ask", json={"question": "碳达峰的主要目标是什么？"})
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert response.json()["message"] == {"zh": "服务内部错误，请稍后重试", "en": "internal server error, please retry"}
    assert "boom" not in response.text and "/secret" not in response.text


SERVER_PATH = re.compile(r"(?<![\w.])/(?:tmp|work|home|usr|opt|root|var|etc|proc|srv|mnt)/|site-packages|Traceback")


def test_no_response_shows_a_server_path_or_traceback(client, runtime):
    chunk_id = runtime.index.chunks[0].id
    responses = [client.get(path) for path in (
        "/", "/docs", "/openapi.json", "/healthz", "/readyz", "/documents", "/documents/zhuhai-2023",
        f"/chunks/{chunk_id}", "/documents/nowhere", "/chunks/x/y", "/no/such/page")]
    responses += [client.post("/ask", json={"question": ZHUHAI_ENERGY}), client.post("/ask/stream", json={"question": "光伏"}),
                  client.post("/search", json={"question": "光伏"}), client.post("/ask", json={"question": ""}),
                  client.post("/ask", content=b"{", headers={"Content-Type": "application/json"}),
                  client.post("/ask", content=b"\xff", headers={"Content-Type": "application/json"}),
                  client.put("/ask"), client.post("/ask", content=b"x" * 70_000)]
    for response in responses:
        assert not SERVER_PATH.search(response.text), (response.request.url, response.text[:300])


def test_errors_name_the_field(client):
    response = client.post("/ask", json={"question": "碳达峰", "history": [{"question": "碳达峰"}, {"question": "？"}]})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "history[1].question",
                                          "message": "问题中没有文字 / question contains no words"}]


def test_history_answers_are_accepted_but_ignored(client):
    # Only the earlier questions steer a follow-up; a client may send the answers too.
    history = [{"question": ZHUHAI_ENERGY}]
    bare = ask(client, "那云浮呢？", history=history)
    with_answer = ask(client, "那云浮呢？", history=[{**history[0], "answer": "佛山（无关的回答）"}])
    assert with_answer["understood_as"] == bare["understood_as"] and with_answer["answer"] == bare["answer"]


@pytest.mark.parametrize("question", ["碳" * 500, "  " + "碳" * 497 + "\n", "碳达峰\t目标\n是什么？"])
def test_questions_within_the_limits_are_accepted(client, question):
    response = client.post("/search", json={"question": question, "top_k": 1})
    assert response.status_code == 200, response.text
    assert response.json()["question"] == question.strip()  # as typed


def test_an_integral_float_top_k_is_an_integer(client):
    # JSON (and the spec's "type": "integer") does not tell 3.0 from 3.
    response = client.post("/search", json={"question": "碳达峰", "top_k": 3.0})
    assert response.status_code == 200 and len(response.json()["hits"]) == 3


def test_search_rejects_an_unknown_mode(client):
    response = client.post("/search", json={"question": "碳达峰", "mode": "fuzzy"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("mode 应为 'bm25', 'dense' or 'hybrid' 之一")


@pytest.mark.parametrize(
    ("content", "content_type", "message"),
    [
        ('{"question": "碳达峰"'.encode(), "application/json", "请求体不是合法的 JSON / request body is not valid JSON"),
        ('["碳达峰"]'.encode(), "application/json", "请求体应为 JSON 对象"),
        ('"碳达峰"'.encode(), "application/json", "请求体应为 JSON 对象"),
        ("question=碳达峰".encode(), "text/plain", "请求体应为 JSON 对象"),
        (b"", "application/json", "缺少请求体 / request body is required"),
    ],
)
def test_malformed_bodies_are_422(client, content, content_type, message):
    response = client.post("/ask", content=content, headers={"Content-Type": content_type})
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith(message)


def test_body_that_is_not_utf8_is_400(client):
    response = client.post("/ask", content=b"\xff\xfe{", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["message"]["zh"].startswith("请求体无法解析（应为 UTF-8 编码的 JSON")


def test_oversized_body_is_413(client):
    body = json.dumps({"question": "碳达峰", "history": [{"question": "碳" * 1000}] * 30}, ensure_ascii=False)
    assert len(body.encode()) > get_settings().max_body_bytes
    response = client.post("/ask", content=body.encode(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["detail"] == "请求体过大 / request body too large"
    # Without a Content-Length (chunked upload) the limit holds too.
    chunks = iter([body.encode()[:40_000], body.encode()[40_000:]])
    response = client.post("/ask", content=chunks, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["detail"] == "请求体过大 / request body too large"


@pytest.mark.parametrize("question", [
    "<script>alert(1)</script>", "的", "a", "2030", "😀碳达峰😀", "珠海" * 100, "SELECT * FROM chunks;",
    "珠海 佛山 江门 云浮 广东 对比", "那佛山呢？", "\u200b碳达峰", "碳达峰 " * 80,
])
def test_odd_questions_never_fail(client, question):
    for path in ("/ask", "/search"):
        response = client.post(path, json={"question": question})
        assert response.status_code in (200, 422), (path, response.text)


def test_ask_reports_a_filter_that_leaves_out_the_named_plan(client):
    answer = ask(client, "珠海到2025年风电和光伏装机目标是多少？", regions=["江门"])
    assert answer["filter_conflict"] == {"selected": ["江门市"], "named": ["珠海市"], "outside": ["珠海市"]}
    assert ask(client, "珠海到2025年风电和光伏装机目标是多少？")["filter_conflict"] is None


def test_starter_questions_are_served(client):
    starters = client.get("/suggestions").json()
    assert {s["kind"] for s in starters} == {"target", "measure", "structure", "compare"}
    assert all(s["question"].endswith("？") and s["regions"] for s in starters)


@pytest.mark.unit
@pytest.mark.parametrize("method, path, allowed", [
    ("PUT", "/documents", "GET, POST"),  # two routes on one path: GET /documents and the admin's POST
    ("PATCH", "/feedback", "GET, POST"),
    ("PUT", "/documents/zhuhai-2023", "GET, DELETE"),
    ("GET", "/ask", "POST"),
])
def test_a_405_allows_every_method_of_the_path(method, path, allowed):
    response = TestClient(create_app(Settings())).request(method, path)
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"
    assert response.headers["allow"] == allowed
