"""The chat UI in real headless Chromium (Debian's), against the real server started by `carbonqa serve`."""
from __future__ import annotations

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            assert process.poll() is None, f"server exited:\n{log_path.read_text()}"
            assert time.monotonic() < deadline, f"server not ready:\n{log_path.read_text()}"
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the whole module; every test gets its own fresh context (storage, viewport)."""
    assert CHROMIUM.exists(), "Debian's chromium is required: apt-get install -y chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(server, browser):
    foreign_requests: list[str] = []  # the UI must work offline: nothing but our server is fetched
    page_errors: list[str] = []

    def only_local(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            foreign_requests.append(route.request.url)
            route.abort()

    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.route("**/*", only_local)
    page.goto(f"{server}/")
    yield page
    context.close()
    assert foreign_requests == []
    assert page_errors == []


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


def test_out_of_corpus_question_shows_the_refusal_state(page):
    send(page, "深圳市的碳达峰目标是什么？")
    card = last_answer(page)
    expect(card).to_have_class("bubble bot refused")
    expect(card.locator(".refusal-title")).to_have_text("资料中未找到")
    # The closest related clauses are listed and open like citations.
    expect(card.locator(".citations-title")).to_have_text("最相关的条款（仅供参考）")
    card.locator(".citation").first.click()
    expect(page.locator("#panel .clause.cited mark")).to_have_count(1)


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


def test_a_rejected_question_is_explained_kindly(page):
    # The text box stops at the server's limit (from /readyz); past it (e.g. pasted by a script) the
    # server's reason is shown.
    box = page.locator("#question")
    expect(box).to_have_attribute("maxlength", "500")
    box.fill("碳达峰")
    expect(page.locator("#counter")).to_have_text("3/500")
    box.evaluate("box => box.removeAttribute('maxlength')")
    send(page, "碳" * 501)
    card = last_answer(page)
    expect(card).to_have_class("bubble bot failed")
    expect(card.locator(".error-text")).to_have_text("问题过长：最多 500 个字符 / question too long: at most 500 characters")
    expect(card.get_by_role("button", name="重试")).to_be_visible()
