"""The 检索测试 page and the API key prompt, in headless Chromium against real servers (one open, one
with CARBONQA_API_KEYS set)."""
from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect
from conftest import Server
from test_a11y import axe_file, violations  # noqa: F401  (the axe fixture)
from test_ui import ANSWER_TIMEOUT_MS, ZHUHAI_ENERGY

QUESTION = "珠海2025年非化石能源消费比重目标是多少？"
API_KEY = "ui-test-api-key"


@pytest.fixture
def new_page(browser):
    """new_page(base, width, bypass_csp) -> a fresh tab that may fetch only from `base`; page errors fail the
    test. bypass_csp lets axe-core be injected (the pages' CSP allows no script but their own)."""
    errors: list[str] = []
    contexts = []

    def opener(base: str, width: int = 1400, bypass_csp: bool = False) -> Page:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", bypass_csp=bypass_csp)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
        return page

    yield opener
    for context in contexts:
        context.close()
    assert errors == []


def open_retrieval_test(page: Page, base: str) -> None:
    page.goto(f"{base}/retrieval-test")
    expect(page.locator("#rt-run")).to_be_enabled(timeout=ANSWER_TIMEOUT_MS)


def score(text: str) -> tuple[float, int]:
    """'0.873（第 2 名）' -> (0.873, 2)."""
    found = re.fullmatch(r"(-?\d+\.\d{3})（第 (\d+) 名）", text)
    assert found, text
    return float(found[1]), int(found[2])


def test_a_question_lists_the_ranked_clauses_with_three_scores_and_opens_one(new_page, server):
    page = new_page(server)
    open_retrieval_test(page, server)
    expect(page.get_by_role("navigation", name="页面").get_by_role("link", name="检索测试")).to_have_attribute(
        "aria-current", "page")
    page.get_by_label("返回条数").fill("5")
    page.get_by_label("问题").fill(QUESTION)
    page.get_by_label("问题").press("Enter")  # the keyboard runs it
    rows = page.locator("#rt-hits tr")
    expect(rows).to_have_count(5)

    expected = httpx.post(f"{server}/search", json={"question": QUESTION, "top_k": 5, "mode": "hybrid"},
                          timeout=60).json()["hits"]
    assert rows.evaluate_all("rows => rows.map((row) => row.dataset.chunk)") == [h["chunk"]["id"] for h in expected]
    for row, hit in zip(rows.all(), expected):
        fused = score(row.locator(".fused").inner_text())
        assert fused == (round(hit["score"], 3), hit["fused_rank"])
        for arm in ("bm25", "dense"):
            shown = row.locator(f".{arm}").inner_text()
            if hit[f"{arm}_score"] is None:
                assert shown == "不在候选中"
            else:
                assert score(shown) == (round(hit[f"{arm}_score"], 3), hit[f"{arm}_rank"])
        expect(row.locator(".plan")).to_have_text(hit["chunk"]["title"])
        expect(row.locator(".path")).to_have_text(" › ".join(hit["chunk"]["path"]) or "（全文，无标题）")
    assert any(row.locator(".bm25").inner_text() != "不在候选中" for row in rows.all())

    first = expected[0]["chunk"]
    rows.first.get_by_role("link", name=re.compile("^在文库中查看")).click()
    expect(page).to_have_url(re.compile(r"/library\?doc="))
    target = page.locator(f'[id="chunk:{first["id"]}"]')
    expect(target).to_have_class(re.compile(r"\btarget\b"))
    expect(target).to_be_in_viewport()


def test_the_filters_pick_the_plan_and_the_arm(new_page, server):
    page = new_page(server)
    open_retrieval_test(page, server)
    page.get_by_label("问题").fill("新型储能装机规模目标")
    page.get_by_role("checkbox", name="江门市碳达峰实施方案").check()
    page.get_by_label("检索方式").select_option("bm25")
    page.get_by_role("button", name="检索").click()
    rows = page.locator("#rt-hits tr")
    expect(rows.first).to_be_visible()
    assert set(rows.locator(".plan").all_inner_texts()) == {"江门市碳达峰实施方案"}
    assert set(rows.locator(".dense").all_inner_texts()) == {"未使用"}
    for row in rows.all():  # BM25 alone: its own score and rank are the ranking
        assert score(row.locator(".bm25").inner_text()) == score(row.locator(".fused").inner_text())


def test_bad_input_is_explained_before_and_by_the_service(new_page, server):
    page = new_page(server)
    open_retrieval_test(page, server)
    page.get_by_role("button", name="检索").click()
    expect(page.locator("#rt-error")).to_have_text("请输入问题。")
    page.get_by_label("问题").fill(QUESTION)
    page.get_by_label("返回条数").fill("99")
    page.get_by_role("button", name="检索").click()
    expect(page.locator("#rt-error")).to_have_text("返回条数应为 1 到 20 之间的整数。")
    # A control character is refused by the service's own check (the same as /ask): its message is shown.
    page.get_by_label("返回条数").fill("5")
    page.get_by_label("问题").fill("珠海\u0007目标")
    page.get_by_role("button", name="检索").click()
    expect(page.locator("#rt-error")).to_contain_text("检索失败：")
    refused = httpx.post(f"{server}/ask", json={"question": "珠海\u0007目标"}, timeout=30).json()
    expect(page.locator("#rt-error")).to_contain_text(refused["message"]["zh"])
    expect(page.locator("#rt-results")).to_be_hidden()


@pytest.mark.parametrize("width", [360, 390])
def test_the_results_fit_a_phone(new_page, server, width):
    page = new_page(server, width)
    open_retrieval_test(page, server)
    page.get_by_label("问题").fill(QUESTION)
    page.get_by_role("button", name="检索").click()
    expect(page.locator("#rt-hits tr").first).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    assert page.locator("main").evaluate("n => n.scrollWidth <= n.clientWidth")
    assert page.locator(".brand h1").evaluate("n => n.getClientRects().length === 1 && n.getBoundingClientRect().height < 32")


# ---------- with API keys ----------

@pytest.fixture(scope="module")
def keyed(tmp_path_factory):
    keyed_server = Server(tmp_path_factory.mktemp("keyed"), {"CARBONQA_API_KEYS": API_KEY})
    try:
        keyed_server.start()
        yield keyed_server.base
    finally:
        keyed_server.stop()


def enter_key(page: Page, key: str) -> None:
    dialog = page.get_by_role("dialog", name="需要 API 密钥")
    expect(dialog).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(dialog.get_by_label("API 密钥")).to_be_focused()
    dialog.get_by_label("API 密钥").fill(key)
    dialog.get_by_label("API 密钥").press("Enter")


def test_the_pages_ask_for_a_key_once_and_send_it_with_every_call(new_page, keyed, axe_file):  # noqa: F811
    page = new_page(keyed, bypass_csp=True)
    sent: list[tuple[str, str | None]] = []  # the page's fetches (not navigations, not the nav's HEAD probes)
    page.on("request", lambda request: sent.append((request.url, request.headers.get("x-api-key")))
            if request.resource_type == "fetch" and request.method != "HEAD" else None)
    assert httpx.get(f"{keyed}/documents").status_code == 401

    page.goto(f"{keyed}/library")
    dialog = page.get_by_role("dialog", name="需要 API 密钥")
    expect(dialog).to_contain_text("本服务需要 API 密钥")
    assert violations(page, axe_file, "API key prompt") == []
    enter_key(page, "wrong-key")
    expect(dialog).to_contain_text("密钥不正确或已失效，请核对后重新输入。")  # a 401 asks again, in Chinese
    enter_key(page, API_KEY)
    expect(dialog).to_be_hidden()
    expect(page.locator("#plans tr[data-doc]")).to_have_count(5)
    assert page.evaluate("sessionStorage.getItem('carbonqa.apiKey')") == API_KEY

    # The other pages of this tab use the kept key: no prompt again.
    page.goto(f"{keyed}/indicators")
    expect(page.locator("#matrix-body tr").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    open_retrieval_test(page, keyed)
    page.get_by_label("问题").fill(QUESTION)
    page.get_by_role("button", name="检索").click()
    expect(page.locator("#rt-hits tr").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    page.goto(f"{keyed}/")
    expect(page.locator(".example").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    page.locator("#question").fill(ZHUHAI_ENERGY)
    page.locator("#question").press("Enter")
    card = page.locator(".turn .bubble.bot")
    expect(card).not_to_have_class(re.compile(r"\bloading\b"), timeout=ANSWER_TIMEOUT_MS)
    expect(card.locator(".answer-text .cite").first).to_be_visible()  # a cited answer streamed with the key
    expect(page.locator("#api-key-dialog")).to_be_hidden()

    data_calls = [(url, key) for url, key in sent if re.search(r"/(documents|indicators|search|ask|suggestions|chunks)\b", url)
                  and "/static/" not in url]
    assert {"/ask/stream", "/search", "/indicators/names"} <= {httpx.URL(url).path for url, _ in data_calls}
    # After the key was given, every data call carried it.
    given = next(i for i, (_, key) in enumerate(data_calls) if key == API_KEY)
    assert [url for url, key in data_calls[given:] if key != API_KEY] == []


def test_without_a_key_the_page_says_why_it_has_no_data(new_page, keyed):
    page = new_page(keyed)
    page.goto(f"{keyed}/retrieval-test")
    dialog = page.get_by_role("dialog", name="需要 API 密钥")
    expect(dialog).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#status")).to_contain_text("没有有效的 API 密钥，无法读取数据")
