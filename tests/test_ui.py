"""The chat UI in real headless Chromium (Debian's), against the real server started by `carbonqa serve`."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
READY_TIMEOUT_S = 600  # the first start builds the index
ANSWER_TIMEOUT_MS = 30_000
# The machine may be busy (tests of other work run beside these): wait longer than Playwright's 5 s default.
expect.set_options(timeout=15_000)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


ADMIN_KEY = "ui-test-admin-key"


class Server:
    """`carbonqa serve` on a free loopback port, with its own feedback database; can be restarted."""

    def __init__(self, workdir: Path, settings: dict[str, str] | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "server.log"
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", "CARBONQA_FEEDBACK_DB": str(workdir / "feedback.sqlite3"),
                    "CARBONQA_ADMIN_KEY": ADMIN_KEY, **(settings or {})}
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "carbonqa.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=self.env,
            )
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            assert self.process.poll() is None, f"server exited:\n{self.log_path.read_text()}"
            assert time.monotonic() < deadline, f"server not ready:\n{self.log_path.read_text()}"
            try:
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.5)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("server"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def server(running) -> str:
    return running.base


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the whole module; every test gets its own fresh context (storage, viewport)."""
    assert CHROMIUM.exists(), "Debian's chromium is required: apt-get install -y chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(server, browser):
    """open_page(width, height, color_scheme) -> a fresh page on the chat UI; checked for offline use and errors."""
    foreign_requests: list[str] = []  # the UI must work offline: nothing but our server is fetched
    page_errors: list[str] = []
    contexts = []

    def only_local(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            foreign_requests.append(route.request.url)
            route.abort()

    def opener(width: int = 1400, height: int = 900, color_scheme: str = "light") -> Page:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                      color_scheme=color_scheme, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        page.route("**/*", only_local)
        page.goto(f"{server}/")
        # Ready when the starter questions are in (after /readyz, /documents and /suggestions).
        expect(page.locator(".example").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
        return page

    yield opener
    for context in contexts:
        context.close()
    assert foreign_requests == []
    assert page_errors == []


@pytest.fixture
def page(open_page) -> Page:
    return open_page()


def send(page: Page, question: str) -> None:
    box = page.locator("#question")
    box.fill(question)
    expect(page.locator("#send")).to_be_enabled()
    box.press("Enter")


def last_answer(page: Page):
    card = page.locator(".turn").last.locator(".bubble.bot")
    expect(card).not_to_have_class(re.compile(r"\bloading\b"), timeout=ANSWER_TIMEOUT_MS)
    return card


def test_answer_cites_and_opens_the_clause(page):
    expect(page.locator(".chip")).to_have_count(6)  # 全部 and the five plans
    expect(page.locator(".example").first).to_be_visible()
    send(page, "珠海2025年单位地区生产总值能耗要比2020年下降多少？")
    card = last_answer(page)
    expect(card.locator(".answer-text")).to_contain_text("14.5%")
    marker = card.locator(".answer-text .cite").first
    expect(marker).to_have_text("[1]")
    quote = card.locator(".citation-quote").first.inner_text()

    marker.click()
    panel = page.locator("#panel")
    expect(panel).to_be_visible()
    expect(panel.locator(".panel-title")).to_contain_text("珠海市碳达峰实施方案")
    highlighted = panel.locator(".clause.cited mark")
    expect(highlighted).to_have_count(1)
    assert "".join(highlighted.inner_text().split()) == "".join(quote.split())
    expect(panel.locator(".crumbs li").first).to_be_visible()
    expect(panel.locator(".neighbour").first).to_be_visible()
    assert "null" not in panel.inner_text() and "undefined" not in panel.inner_text()

    # "Open in context": the 文库 reader opens (a new tab) at the cited clause, scrolled to and highlighted.
    chunk_id = panel.locator(".clause.cited .clause-id").inner_text()
    with page.context.expect_page() as opened:
        panel.get_by_role("link", name=re.compile("在文库中查看全文")).click()
    reader = opened.value
    assert reader.url.endswith(f"/library?doc={chunk_id.split('/')[0]}#{chunk_id}")
    expect(reader.locator("#reader-title")).to_have_text("珠海市碳达峰实施方案")
    target = reader.locator(f'[id="chunk:{chunk_id}"]')
    expect(target).to_have_class(re.compile(r"\btarget\b"))
    expect(target).to_be_in_viewport()
    expect(reader.locator(".chunk.target")).to_have_count(1)
    assert "".join(quote.split()) in "".join(target.inner_text().split())
    reader.close()

    page.locator("#panel-close").click()
    expect(panel).to_be_hidden()


def test_focus_moves_into_the_source_panel_and_back(page):
    send(page, "珠海2025年单位地区生产总值能耗要比2020年下降多少？")
    marker = last_answer(page).locator(".answer-text .cite").first
    marker.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#panel .clause.cited mark")).to_have_count(1)
    assert page.evaluate("document.getElementById('panel').contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(page.locator("#panel")).to_be_hidden()
    expect(marker).to_be_focused()
    # The same by pointer and the close button.
    marker.click()
    expect(page.locator("#panel-title")).to_be_focused()
    page.locator("#panel-close").click()
    expect(marker).to_be_focused()


def test_site_navigation_marks_this_page_and_hides_pages_not_served(page, server):
    nav = page.get_by_role("navigation", name="页面")
    expect(nav.get_by_role("link", name="问答")).to_have_attribute("aria-current", "page")
    for path, name in (("/library", "文库"), ("/indicators", "指标对照")):
        served = httpx.head(f"{server}{path}").status_code != 404
        link = nav.locator(f'a[href="{path}"]')
        expect(link).to_have_text(name)
        if served:
            expect(link).to_be_visible()
        else:
            expect(link).to_be_hidden()


def test_follow_up_and_history_survive_a_reload(page):
    send(page, "珠海2025年单位地区生产总值能耗要比2020年下降多少？")
    last_answer(page)
    send(page, "那云浮呢？")
    card = last_answer(page)
    expect(card.locator(".understood")).to_contain_text("云浮")
    expect(card.locator(".citation-source").first).to_contain_text("云浮市")

    page.reload()
    expect(page.locator(".turn")).to_have_count(2)
    expect(page.locator(".turn").last.locator(".understood")).to_contain_text("云浮")


def test_out_of_corpus_question_shows_the_not_stated_state(page):
    send(page, "深圳市的碳达峰目标是什么？")
    card = last_answer(page)
    expect(card).to_have_class("bubble bot refused")
    expect(card.locator(".refusal-title")).to_have_text("方案未说明此内容")
    # The closest related clauses are listed, labelled as not the answer, and open like citations.
    expect(card.locator(".citations-title").first).to_have_text("相关条款（并非答案，仅供参考）")
    expect(card.locator(".citations.related .citation")).not_to_have_count(0)
    card.locator(".citation").first.click()
    expect(page.locator("#panel .clause.cited mark")).to_have_count(1)


def test_partial_answer_is_an_answer_that_names_what_is_missing(page):
    send(page, "珠海、佛山、江门2030年电网尖峰负荷响应能力分别要达到多少？")
    card = last_answer(page)
    expect(card).to_have_class("bubble bot partial")
    expect(card.locator(".partial-title")).to_have_text("部分回答：方案未提及江门市")
    expect(card.locator(".refusal-title")).to_have_count(0)
    expect(card.locator(".citations-title").first).to_have_text("出处")
    expect(card.locator(".citations.related")).to_have_count(0)
    expect(card.locator(".answer-text")).to_contain_text("5%以上")


def test_answered_question_has_no_outcome_warning(page):
    send(page, "云浮2025年非化石能源消费比重目标？")
    card = last_answer(page)
    expect(card).to_have_class("bubble bot")
    expect(card.locator(".refusal-title, .partial-title, .citations.related")).to_have_count(0)
    expect(card.locator(".answer-text")).to_contain_text("16%")


def test_a_notice_answer_cites_the_plan_without_a_heading_path(page):
    send(page, "广东省碳达峰实施方案的发文字号是多少？")
    card = last_answer(page)
    expect(card.locator(".answer-text")).to_contain_text("粤府〔2022〕56号")
    assert card.locator(".citation-source").all_inner_texts() == ["广东省碳达峰实施方案"]


def test_markup_in_a_question_is_shown_as_text(page):
    question = '<script>window.pwned = 1</script><img src="x" onerror="window.pwned = 2">珠海的碳达峰目标是什么？'
    send(page, question)
    last_answer(page)
    expect(page.locator(".turn").last.locator(".user-text")).to_have_text(question)
    assert page.evaluate("window.pwned") is None
    assert page.locator(".conversation script, .conversation img").count() == 0


def test_region_chip_filters_the_question(page):
    page.locator('.chip[data-region="佛山市"]').click()
    expect(page.locator('.chip[data-region="佛山市"]')).to_have_attribute("aria-pressed", "true")
    send(page, "新能源汽车推广目标是什么？")
    card = last_answer(page)
    expect(page.locator(".turn").last.locator(".scope")).to_contain_text("佛山")
    sources = card.locator(".citation-source").all_inner_texts()
    assert sources and all("佛山市" in source for source in sources)


def test_an_over_long_question_is_reported_not_cut(page):
    # Pasting past the server's limit (from /readyz) keeps every character and says why it cannot be
    # sent; a script that sends it anyway gets the server's reason.
    box = page.locator("#question")
    box.fill("碳达峰")
    expect(page.locator("#counter")).to_have_text("3/500")
    expect(page.locator("#too-long")).to_be_hidden()
    box.fill("碳" * 501)
    expect(box).to_have_value("碳" * 501)
    expect(page.locator("#counter")).to_have_text("501/500")
    expect(page.locator("#too-long")).to_contain_text("超过500字上限")
    expect(page.locator("#send")).to_be_disabled()
    page.locator("#send").evaluate("button => { button.disabled = false; }")  # a script sending it anyway
    page.locator("#send").click()
    card = last_answer(page)
    expect(card).to_have_class("bubble bot failed")
    expect(card.locator(".error-text")).to_have_text("问题过长：最多 500 个字符 / question too long: at most 500 characters")
    expect(card.get_by_role("button", name="重试")).to_be_visible()


ZHUHAI_ENERGY = "珠海2025年单位地区生产总值能耗要比2020年下降多少？"
ZHUHAI_WIND_SOLAR = "珠海到2025年风电和光伏装机目标是多少？"


def test_citation_markers_announce_their_source(page):
    send(page, ZHUHAI_ENERGY)
    marker = last_answer(page).locator(".answer-text .cite").first
    # "出处1：珠海市碳达峰实施方案 一（二）": the plan and the numbers of the heading path.
    expect(marker).to_have_attribute("aria-label", re.compile(r"^出处1：珠海市碳达峰实施方案 [一二三四五六七八九十]+（[一二三四五六七八九十]+）\d*$"))
    expect(page.get_by_role("button", name=re.compile("^出处1：珠海市碳达峰实施方案"))).to_have_count(2)  # marker and list


def test_filter_conflict_says_so_and_offers_both_choices(page):
    page.locator('.chip[data-region="江门市"]').click()
    scope = page.locator("#scope")
    expect(scope).to_have_text("范围：江门")  # the active filter is shown next to the input
    send(page, ZHUHAI_WIND_SOLAR)
    card = last_answer(page)
    expect(card.locator(".conflict-title")).to_have_text("问题提到了珠海，但当前范围是江门")
    expect(card.locator(".refusal-title")).to_have_count(0)  # no silent "not found"
    keep = card.get_by_role("button", name="按所选范围（江门）回答")
    switch = card.get_by_role("button", name="改为回答珠海")
    expect(keep).to_be_visible()
    expect(switch).to_be_visible()

    keep.click()  # the answer within the filter, as computed
    expect(card.locator(".answer-text")).to_be_focused()
    sources = card.locator(".citation-source").all_inner_texts()
    assert all("江门市" in source for source in sources)
    expect(scope).to_have_text("范围：江门")

    send(page, ZHUHAI_WIND_SOLAR)
    card = last_answer(page)
    card.get_by_role("button", name="改为回答珠海").click()
    card = last_answer(page)
    expect(card.locator(".answer-text")).to_contain_text("355万千瓦")
    expect(card.locator(".answer-text")).to_be_focused()
    assert all("珠海市" in source for source in card.locator(".citation-source").all_inner_texts())
    expect(scope).to_have_text("范围：全部方案")  # the filter does not linger for later questions
    expect(page.locator(".chip", has_text="全部")).to_have_attribute("aria-pressed", "true")


def test_the_filter_is_cleared_in_one_click(page):
    page.locator('.chip[data-region="佛山市"]').click()
    page.locator('.chip[data-region="云浮市"]').click()
    expect(page.locator("#scope")).to_have_text("范围：佛山、云浮")
    page.get_by_role("button", name="清除范围").click()
    expect(page.locator("#scope")).to_have_text("范围：全部方案")
    expect(page.get_by_role("button", name="清除范围")).to_be_hidden()


def conversation_items(page: Page):
    return page.locator("#conversation-list .conversation-item")


def test_conversations_new_switch_rename_search_and_delete_with_confirmation(page):
    send(page, ZHUHAI_ENERGY)
    last_answer(page)
    page.get_by_role("button", name="＋ 新对话").click()
    expect(page.locator(".turn")).to_have_count(0)
    expect(page.locator("#welcome")).to_be_visible()
    send(page, "云浮2025年非化石能源消费比重目标？")
    last_answer(page)
    expect(conversation_items(page)).to_have_count(2)
    expect(page.locator("#conversation-title")).to_have_text("云浮2025年非化石能源消费比重目标？")

    # Switch back to the first one.
    page.locator(".conversation-open", has_text="珠海2025年").click()
    expect(page.locator(".turn")).to_have_count(1)
    expect(page.locator(".turn .user-text")).to_have_text(ZHUHAI_ENERGY)

    # Rename it.
    page.get_by_role("button", name=re.compile("^重命名“珠海2025年")).click()
    page.get_by_label("对话名称").fill("珠海能耗目标")
    page.keyboard.press("Enter")
    expect(page.locator("#conversation-title")).to_have_text("珠海能耗目标")

    # Search by text in the answers and questions.
    page.get_by_label("搜索对话").fill("非化石")
    expect(conversation_items(page)).to_have_count(1)
    expect(conversation_items(page)).to_contain_text("云浮")
    page.get_by_label("搜索对话").fill("没有这个词")
    expect(conversation_items(page)).to_have_count(0)
    expect(page.locator("#no-match")).to_be_visible()
    page.get_by_label("搜索对话").fill("")

    # Delete asks first; cancel keeps it, confirm removes it.
    page.get_by_role("button", name="删除“珠海能耗目标”").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("删除对话“珠海能耗目标”？删除后无法恢复。")
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    expect(conversation_items(page)).to_have_count(2)
    page.get_by_role("button", name="删除“珠海能耗目标”").click()
    page.get_by_role("dialog").get_by_role("button", name="删除").click()
    expect(conversation_items(page)).to_have_count(1)
    expect(page.locator(".turn .user-text")).to_have_text("云浮2025年非化石能源消费比重目标？")

    page.reload()  # kept in the browser
    expect(conversation_items(page)).to_have_count(1)
    expect(page.locator(".turn")).to_have_count(1)


def test_export_to_markdown_holds_every_citation(page):
    send(page, ZHUHAI_ENERGY)
    card = last_answer(page)
    quotes = card.locator(".citation-quote").all_inner_texts()
    sources = card.locator(".citation-source").all_inner_texts()
    assert quotes
    with page.expect_download() as download_info:
        page.get_by_role("button", name="导出 Markdown").click()
    download = download_info.value
    assert download.suggested_filename.startswith("carbonqa-") and download.suggested_filename.endswith(".md")
    markdown = Path(download.path()).read_text(encoding="utf-8")
    assert f"## 1. {ZHUHAI_ENERGY}" in markdown
    assert card.locator(".answer-text").inner_text().replace("\n", "")[:20] in markdown
    for quote, source in zip(quotes, sources):
        plan, path = source.split(" · ")
        assert f"《{plan}》 {path}" in markdown
        assert "> " + quote.split("\n")[0] in markdown


def test_print_shows_the_conversation_without_controls(page):
    send(page, ZHUHAI_ENERGY)
    last_answer(page)
    page.emulate_media(media="print")
    for hidden in ("#composer", "#sidebar", ".topbar", ".card-footer", ".filters"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator(".turn .answer-text")).to_be_visible()
    quote = page.locator(".citation-quote").first
    assert quote.evaluate("q => getComputedStyle(q).overflow") == "visible"  # quotes printed in full


def test_starter_questions_come_from_the_corpus_and_answers_suggest_follow_ups(page, server):
    starters = [s["question"] for s in httpx.get(f"{server}/suggestions").json()]
    examples = page.locator(".example")
    expect(examples).to_have_count(6)
    shown = examples.all_inner_texts()
    assert set(shown) <= set(starters)
    page.get_by_role("button", name="换一批").click()
    expect(examples.first).not_to_have_text(shown[0])

    send(page, "广东到2025年非化石能源消费比重目标是多少？")
    card = last_answer(page)
    next_year = "广东到2030年非化石能源消费比重目标是多少？"  # the cited clause also sets the 2030 share
    expect(card.locator(".follow-up")).to_contain_text([next_year])
    card.locator(".follow-up", has_text=next_year).click()
    expect(page.locator(".turn")).to_have_count(2)
    expect(page.locator(".turn").last.locator(".user-text")).to_have_text(next_year)
    expect(last_answer(page).locator(".answer-text")).to_contain_text("35%")


def small_targets(page: Page) -> list[str]:
    """Visible controls smaller than 44×44 px, described with their size."""
    return page.evaluate("""() => [...document.querySelectorAll('button, a[href], input, textarea, select, [role=button]')]
        .filter((node) => node.getClientRects().length && getComputedStyle(node).visibility !== 'hidden')
        .map((node) => [node, node.getBoundingClientRect()])
        .filter(([, box]) => box.width < 44 || box.height < 44)
        .map(([node, box]) => `${node.tagName} ${(node.getAttribute('aria-label') || node.textContent).trim()} ${box.width}x${box.height}`)""")


def test_touch_targets_are_at_least_44px_on_a_phone(open_page):
    page = open_page(390, 844)
    expect(page.locator(".example").first).to_be_visible()
    assert small_targets(page) == []
    send(page, ZHUHAI_ENERGY)
    card = last_answer(page)
    assert small_targets(page) == []
    card.locator(".answer-text .cite").first.click()
    expect(page.locator("#panel .clause.cited mark")).to_have_count(1)
    assert small_targets(page) == []
    page.locator("#panel-close").click()
    card.get_by_role("button", name="有问题").click()
    assert small_targets(page) == []
    page.get_by_role("button", name="对话列表").click()
    expect(page.locator("#sidebar")).to_be_visible()
    assert small_targets(page) == []


@pytest.mark.parametrize("width, height", [(360, 740), (390, 844), (768, 1024), (1280, 900)])
def test_layout_fits_the_screen(open_page, width, height):
    page = open_page(width, height)
    expect(page.locator(".example").first).to_be_visible()
    send(page, ZHUHAI_ENERGY)
    last_answer(page)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width  # no sideways scrolling
    for selector in ("#question", "#send", "#scope", ".chip >> nth=0", ".turn .answer-text"):
        box = page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width and box["y"] + box["height"] <= height, selector
    # Labels stay on one line (the "范围" label used to wrap one character per line).
    for selector in ("#filters-label", "#scope", ".brand h1"):
        assert page.locator(selector).evaluate("n => n.getClientRects().length === 1 && n.getBoundingClientRect().height < 32"), selector
    assert page.locator("#sidebar").is_visible() == (width > 1100)


def test_dark_mode_follows_the_system(open_page):
    colours = "() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
    light = open_page(color_scheme="light").evaluate(colours)
    dark_page = open_page(color_scheme="dark")
    dark = dark_page.evaluate(colours)
    assert light == ["rgb(245, 247, 248)", "rgb(31, 41, 55)"]
    assert dark == ["rgb(17, 20, 24)", "rgb(229, 231, 235)"]
    send(dark_page, ZHUHAI_ENERGY)
    card = last_answer(dark_page)
    assert card.evaluate("n => getComputedStyle(n).backgroundColor") == "rgb(26, 31, 37)"


def test_feedback_is_stored_survives_a_restart_and_is_exported(page, running, tmp_path):
    send(page, ZHUHAI_WIND_SOLAR)
    card = last_answer(page)
    card.get_by_role("button", name="有问题").click()
    card.get_by_label("哪里有问题（可选）").fill("应给出珠海的装机目标")
    card.get_by_role("button", name="提交反馈").click()
    expect(card.locator(".feedback-done")).to_have_text("已收到反馈，谢谢")
    expect(card.get_by_role("button", name="有问题")).to_have_attribute("aria-pressed", "true")
    send(page, ZHUHAI_ENERGY)
    last_answer(page).get_by_role("button", name="有帮助").click()
    expect(last_answer(page).locator(".feedback-done")).to_be_visible()

    admin = {"X-API-Key": ADMIN_KEY}
    stored = httpx.get(f"{running.base}/feedback", headers=admin).json()
    assert [(r["rating"], r["question"], r["note"]) for r in stored] == [
        ("up", ZHUHAI_ENERGY, None), ("down", ZHUHAI_WIND_SOLAR, "应给出珠海的装机目标")]
    assert stored[1]["citation_ids"] and stored[1]["answer"]

    running.stop()
    running.start()
    assert httpx.get(f"{running.base}/feedback", headers=admin).json() == stored

    out = tmp_path / "negative.jsonl"
    subprocess.run([sys.executable, "-m", "carbonqa.cli", "feedback", "export", "--out", str(out)], cwd=REPO,
                   env=running.env, check=True, capture_output=True)
    [item] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert item["question"] == ZHUHAI_WIND_SOLAR and item["type"] == "unknown"
    assert item["note"] == "应给出珠海的装机目标" and item["answer"] == stored[1]["answer"]

    page.reload()  # the page remembers what was sent
    expect(page.locator(".turn").first.get_by_role("button", name="有问题")).to_have_attribute("aria-pressed", "true")


def test_conversation_list_slides_in_on_a_phone(open_page):
    page = open_page(390, 844)
    send(page, ZHUHAI_ENERGY)
    last_answer(page)
    sidebar = page.locator("#sidebar")
    expect(sidebar).to_be_hidden()
    page.get_by_role("button", name="对话列表").click()
    expect(sidebar).to_be_visible()
    expect(page.get_by_role("button", name="＋ 新对话")).to_be_focused()
    assert page.locator("main.chat").evaluate("n => n.inert")  # the chat behind cannot be reached meanwhile
    page.get_by_role("button", name="＋ 新对话").click()
    expect(sidebar).to_be_hidden()
    expect(page.locator("#welcome")).to_be_visible()
    page.get_by_role("button", name="对话列表").click()
    page.locator(".conversation-open", has_text="珠海2025年").click()
    expect(sidebar).to_be_hidden()
    expect(page.locator(".turn .user-text")).to_have_text(ZHUHAI_ENERGY)
    assert not page.locator("main.chat").evaluate("n => n.inert")
# ---------- 指标对照 ----------

def test_indicator_table_opens_clauses_and_downloads_the_api_rows(page, server):
    page.goto(f"{server}/indicators")
    head = page.locator("#matrix-head th")
    expect(head.nth(1)).to_have_text("广东省")  # the province first, then the cities
    expect(page.locator('.chip[data-year="2025"]')).to_have_class(re.compile(r"\bactive\b"))
    rows = page.locator("#matrix-body tr")
    expect(rows.first).to_be_visible()
    api_rows = httpx.get(f"{server}/indicators", params={"year": 2025}, timeout=10).json()
    assert page.locator("#matrix-body .value").count() == len(api_rows)
    expect(page.locator("#matrix-body td.empty").first).to_have_text("未提及")
    assert page.locator("#matrix-body svg.chart rect.bar").count() > 0

    row = page.locator("#matrix-body tr", has=page.locator("th", has_text=re.compile("^非化石能源消费比重$")))
    value = row.locator(".value").first
    clause_id = value.get_attribute("data-clause")
    value.click()
    panel = page.locator("#panel")
    expect(panel).to_be_visible()
    expect(panel.locator(".clause-id")).to_have_text(clause_id)
    expect(panel.locator(".clause.cited mark")).to_contain_text("非化石能源消费比重")

    page.locator('.chip[data-year="2030"]').click()
    expect(page.locator("#summary")).to_contain_text("2030年")
    with page.expect_download() as download_info:
        page.locator("#csv").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    downloaded = list(csv.DictReader(io.StringIO(text)))
    expected = httpx.get(f"{server}/indicators", params={"year": 2030}, timeout=10).json()
    assert [(r["clause_id"], r["indicator"], float(r["value"])) for r in downloaded] == \
           [(r["clause_id"], r["indicator"], r["value"]) for r in expected]
