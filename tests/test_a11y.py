"""axe-core on every page of the staff UI, in Debian's Chromium against the real server: the chat (empty,
then with a partial answer, a comparison and a refusal), the source panel, 文库 (the list with an error
message, and the reader), 指标对照 and 检索测试 (an error, then results), in light and dark, at 390 and
1280 px (the API key prompt is checked in tests/test_retrieval_ui.py, which runs a keyed server). No
serious or critical violation may remain.

axe-core is pinned (version and sha512) in tests/package-lock.json and installed by `make test` with
`npm ci --prefix tests`: the exact file is reproducible without keeping a 500 kB minified copy of
third-party code in the repository. It is injected into the page, so the context bypasses the pages'
Content-Security-Policy (which allows no script but the app's own).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from test_ui import ANSWER_TIMEOUT_MS

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
# A partial answer (江门 has no such figure), a comparison across every city, a refusal (no plan for 深圳).
QUESTIONS = ["珠海、佛山、江门2030年电网尖峰负荷响应能力分别要达到多少？", "各市2025年单位GDP能耗下降目标分别是多少？",
             "深圳市的碳达峰目标是什么？"]
FAILING = ("serious", "critical")
# Off by default in axe (experimental), and exactly what a voice-control user trips over: a button whose
# accessible name does not contain its visible text.
OPTIONS = {"rules": {"label-content-name-mismatch": {"enabled": True}}, "resultTypes": ["violations"]}


@pytest.fixture(scope="module")
def axe_file() -> Path:
    assert AXE.is_file(), ("axe-core is not installed: run `make test`, or `npm ci --prefix tests` "
                           "(npm: apt-get install -y npm)")
    return AXE


def violations(page: Page, axe_file: Path, state: str) -> list[str]:
    """The serious and critical axe violations of the page as it is now, one line per element."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(axe_file))
    found = page.evaluate("options => axe.run(document, options).then((r) => r.violations)", OPTIONS)
    return [f"{state}: {v['id']} ({v['impact']}) {' '.join(node['target'])}: {node['failureSummary']}"
            for v in found if v["impact"] in FAILING for node in v["nodes"]]


def ask(page: Page, question: str, nth: int) -> None:
    page.locator("#question").fill(question)
    page.locator("#question").press("Enter")
    page.locator(".turn .bubble.bot:not(.loading)").nth(nth).wait_for(timeout=ANSWER_TIMEOUT_MS)


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_or_critical_axe_violation_on_any_page(server, browser, axe_file, scheme, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", color_scheme=scheme,
                                  bypass_csp=True)
    page = context.new_page()
    found: list[str] = []
    try:
        page.goto(f"{server}/")
        expect(page.locator(".example").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
        found += violations(page, axe_file, "chat, empty")
        for nth, question in enumerate(QUESTIONS):
            ask(page, question, nth)
        expect(page.locator(".outcome")).to_have_count(3)
        expect(page.locator('.outcome[data-outcome="partial"]')).to_have_count(2)  # 广东省 gives no figure either
        expect(page.locator('.outcome[data-outcome="not_stated"]')).to_have_count(1)
        found += violations(page, axe_file, "chat, partial answer, comparison and refusal")
        page.locator(".turn .answer-text .cite").first.click()
        expect(page.locator("#panel mark")).to_be_visible()
        found += violations(page, axe_file, "source panel")

        page.goto(f"{server}/library")
        expect(page.locator("#plans tr[data-doc]").first).to_be_visible()
        page.locator("#admin summary").click()
        page.locator("#admin-key").fill("wrong")
        page.locator("#files").set_input_files(files=[{"name": "方案.txt", "mimeType": "text/plain", "buffer": b"x"}])
        page.locator("#upload").click()
        expect(page.locator("#admin-message details")).to_be_visible()
        found += violations(page, axe_file, "文库, list with an error")
        page.goto(f"{server}/library?doc=zhuhai-2023#zhuhai-2023/2.1.2")
        expect(page.locator(".chunk.target")).to_be_visible()
        found += violations(page, axe_file, "文库, reader")

        page.goto(f"{server}/indicators")
        expect(page.locator("#matrix-body tr").first).to_be_visible()
        found += violations(page, axe_file, "指标对照")

        page.goto(f"{server}/retrieval-test")
        expect(page.locator("#rt-run")).to_be_enabled()
        page.locator("#rt-run").click()  # an empty question: the form's error message
        expect(page.locator("#rt-error")).to_be_visible()
        found += violations(page, axe_file, "检索测试, error")
        page.locator("#rt-question").fill(QUESTIONS[1])
        page.locator("#rt-run").click()
        expect(page.locator("#rt-hits tr").first).to_be_visible()
        found += violations(page, axe_file, "检索测试, results")
    finally:
        context.close()
    assert found == [], "\n".join(found)
