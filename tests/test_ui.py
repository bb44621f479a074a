"""The chat UI in real headless Chromium (Debian's), against the real server started by `carbonqa serve`."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from markdown_it import MarkdownIt
from conftest import ADMIN_KEY
from playwright.sync_api import Page, expect

REPO = Path(__file__).resolve().parents[1]
ANSWER_TIMEOUT_MS = 30_000


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
    expect(card.locator(".outcome")).to_have_text("未说明 · 没有所问地区的方案")
    # The closest related clauses are listed, labelled as not the answer, and open like citations.
    expect(card.locator(".citations-title").first).to_have_text("相关条款（并非答案，仅供参考）")
    expect(card.locator(".citations.related .citation")).not_to_have_count(0)
    card.locator(".citation").first.click()
    expect(page.locator("#panel .clause.cited mark")).to_have_count(1)


def test_partial_answer_is_an_answer_that_names_what_is_missing(page):
    send(page, "珠海、佛山、江门2030年电网尖峰负荷响应能力分别要达到多少？")
    card = last_answer(page)
    expect(card).to_have_class("bubble bot partial")
    # Named as not stated, not as "not mentioned": a plan may mention it without a figure.
    expect(card.locator(".outcome")).to_have_text("部分回答 · 未说明：江门市")
    expect(card.locator(".citations-title").first).to_have_text("出处")
    expect(card.locator(".citations.related")).to_have_count(0)
    expect(card.locator(".answer-text")).to_contain_text("5%以上")


def test_answered_question_is_labelled_answered_with_its_figure_emphasised(page):
    send(page, "云浮2025年非化石能源消费比重目标？")
    card = last_answer(page)
    expect(card).to_have_class("bubble bot")
    expect(card.locator(".outcome")).to_have_text("已回答")
    expect(card.locator(".citations.related")).to_have_count(0)
    # The asked figure, not the energy-intensity figure quoted beside it, in the answer and its quote.
    expect(card.locator(".answer-text strong.figure")).to_have_text(["16%"])
    expect(card.locator(".citation-quote strong.figure")).to_have_text(["16%"])


def test_every_reply_carries_the_label_the_api_gives_it(page, server):
    for question in ("珠海2025年单位地区生产总值能耗要比2020年下降多少？", "各市2025年单位GDP能耗下降目标分别是多少？",
                     "云浮到2025年核电装机容量达到多少？"):
        send(page, question)
        label = last_answer(page).locator(".outcome")
        status = httpx.post(f"{server}/ask", json={"question": question}, timeout=30).json()["status"]
        expect(label).to_have_text(status["text"])
        assert status["label"] in ("已回答", "部分回答", "未说明")


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
    # "[1] 珠海市碳达峰实施方案 一（二）": the visible marker, the plan and the numbers of the heading path.
    expect(marker).to_have_attribute("aria-label", re.compile(r"^\[1\] 珠海市碳达峰实施方案 [一二三四五六七八九十]+（[一二三四五六七八九十]+）\d*$"))
    expect(page.get_by_role("button", name=re.compile(r"^\[1\] ?珠海市碳达峰实施方案"))).to_have_count(2)  # marker and list


def test_filter_conflict_says_so_and_offers_both_choices(page):
    page.locator('.chip[data-region="江门市"]').click()
    scope = page.locator("#scope")
    expect(scope).to_have_text("范围：江门")  # the active filter is shown next to the input
    send(page, ZHUHAI_WIND_SOLAR)
    card = last_answer(page)
    expect(card.locator(".conflict-title")).to_have_text("问题提到了珠海，但当前范围是江门")
    expect(card.locator(".outcome")).to_have_count(0)  # no silent "not found": a choice first
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


class Rendered(HTMLParser):
    """A Markdown file as a CommonMark viewer that passes HTML shows it: its elements and text."""

    def __init__(self, markdown: str):
        super().__init__()
        self.tokens = MarkdownIt("commonmark").parse(markdown)  # html on: raw HTML in the file would pass
        self.elements: list[str] = []
        self.text: dict[str, list[str]] = {}  # element -> the texts inside it
        self.open: list[str] = []
        self.feed(MarkdownIt("commonmark").render(markdown))

    def handle_starttag(self, tag, attrs):
        self.elements.append(tag)
        self.open.append(tag)
        self.text.setdefault(tag, []).append("")

    def handle_endtag(self, tag):
        self.open.pop()

    def handle_data(self, data):
        for tag in set(self.open):
            self.text[tag][-1] += data

    @property
    def raw_html(self) -> list[str]:
        """Every piece of raw HTML the viewer would pass through (none may come from the file's text)."""
        inline = [t for token in self.tokens for t in (token.children or [])]
        return [t.content for t in self.tokens + inline if t.type in ("html_block", "html_inline")]


def test_export_to_markdown_holds_the_label_the_figures_and_every_citation(page):
    send(page, ZHUHAI_ENERGY)
    card = last_answer(page)
    quotes = card.locator(".citation-quote").all_inner_texts()
    sources = card.locator(".citation-source").all_inner_texts()
    assert quotes
    with page.expect_download() as download_info:
        page.get_by_role("button", name="导出 Markdown").click()
    download = download_info.value
    assert download.suggested_filename.startswith("carbonqa-") and download.suggested_filename.endswith(".md")
    shown = Rendered(Path(download.path()).read_text(encoding="utf-8"))
    assert shown.raw_html == []
    assert shown.text["h2"] == [f"1. {ZHUHAI_ENERGY}"]
    assert shown.text["strong"] == ["已回答", *card.locator("strong.figure").all_inner_texts()] == ["已回答", "14.5%", "14.5%"]
    assert card.locator(".answer-text").inner_text().replace("\n", "") in "".join(shown.text["p"])
    for quote, source in zip(quotes, sources):
        plan, path = source.split(" · ")
        assert any(f"《{plan}》 {path}" in paragraph for paragraph in shown.text["p"])
        assert quote.split("\n")[0] in shown.text["blockquote"][0]


HOSTILE = ['<script>alert(1)</script>', '<img src=x onerror="alert(2)">', '*斜体* _下划线_ `代码` ~~删~~',
           '[链接](javascript:alert(3)) ![图](x.png) <https://example.org>', '| 表 | 格 |', '&lt;b&gt; &amp;']


def test_the_export_escapes_every_text_it_did_not_write(page):
    """Questions, answers, plan titles, headings and quotes (an uploaded plan's text) reach the file as
    text: rendered by CommonMark, none of their HTML or Markdown takes effect."""
    evil = " ".join(HOSTILE)
    lines = ["# 伪标题", "- 列表项", "1. 有序", "    缩进代码", "<div>块</div>", "[1]: javascript:alert(4)", "===", "---"]
    block = "\n".join(lines)
    citation = {"marker": 1, "chunk_id": "evil/1", "plan_title": f"{evil}方案", "region": "<i>某</i>市",
                "path": [f"二、{evil}", "1. 小节"], "quote": f"{block}\n到2025年达到14.5%以上。{evil}",
                "clause_text": "", "related": False, "emphasis": ["14.5%以上"]}
    answer = {"question": evil, "understood_as": f"{evil}？", "answer": f"{block}\n据《{evil}》，达到14.5%以上。[1]{evil}",
              "citations": [citation, {**citation, "marker": 2, "related": True, "emphasis": []}],
              "outcome": "partial", "status": {"text": f"部分回答 · 未说明：{evil}"}}
    turns = [{"question": f"{evil}\n{block}", "regions": ["<i>某</i>市"], "answer": answer, "error": None},
             {"question": "第二问", "regions": [], "answer": None, "error": evil}]
    markdown = page.evaluate("""async ([title, turns]) => {
        const { conversationMarkdown } = await import("/static/export.js");
        return conversationMarkdown(title, turns);
    }""", [f"<h1>标题</h1>{evil}", turns])
    shown = Rendered(markdown)
    assert shown.raw_html == []
    # Only the export's own structure: a title, a heading per turn, paragraphs, quotes, bold label and figures.
    assert set(shown.elements) <= {"h1", "h2", "p", "strong", "blockquote"}, set(shown.elements)
    assert len(shown.text["h1"]) == 1 and len(shown.text["h2"]) == 2 and len(shown.text["blockquote"]) == 2
    assert shown.text["strong"] == [f"部分回答 · 未说明：{evil}", "14.5%以上", "14.5%以上"]
    text = "".join(shown.text["h1"] + shown.text["h2"] + shown.text["p"] + shown.text["blockquote"])
    for piece in [*HOSTILE, *lines, "<h1>标题</h1>", "范围：<i>某</i>"]:  # 某市 shown as 某, like 珠海
        assert piece in text or piece.strip() in text, piece


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
    # Labels stay on one line (a squeezed "范围" label wraps one character per line).
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
# ---------- keyboard and phone ----------

def test_the_question_box_has_focus_and_a_skip_link_leads_to_it(page):
    expect(page.locator("#question")).to_be_focused()  # type at once
    first_stop = "document.querySelector('a[href], button, input, textarea, [tabindex]:not([tabindex=\"-1\"])')"
    assert page.evaluate(f"{first_stop}.textContent") == "跳到提问框"  # the first Tab stop of the page
    skip = page.get_by_role("link", name="跳到提问框")
    skip.focus()
    expect(skip).to_be_in_viewport()  # shown when reached
    page.keyboard.press("Enter")
    expect(page.locator("#question")).to_be_focused()


def tab_stops(page: Page, count: int, backwards: bool = False) -> list[bool]:
    """Whether focus is inside the source panel after each of `count` (Shift+)Tab presses."""
    inside = []
    for _ in range(count):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        inside.append(page.evaluate("document.getElementById('panel').contains(document.activeElement)"))
    return inside


def test_tab_stays_inside_the_open_source_panel(page):
    send(page, ZHUHAI_ENERGY)
    last_answer(page).locator(".answer-text .cite").first.click()
    expect(page.locator("#panel .clause.cited mark")).to_have_count(1)
    controls = page.locator("#panel").locator("a[href], button").count()
    assert all(tab_stops(page, controls + 2)) and all(tab_stops(page, controls + 2, backwards=True))
    page.keyboard.press("Escape")
    expect(page.locator("#panel")).to_be_hidden()


def test_the_conversation_drawer_has_a_close_button_and_keeps_focus(open_page):
    page = open_page(390, 844)
    page.get_by_role("button", name="对话列表").click()
    sidebar = page.locator("#sidebar")
    expect(sidebar).to_be_visible()
    for _ in range(6):
        page.keyboard.press("Tab")
        assert page.evaluate("document.getElementById('sidebar').contains(document.activeElement)")
    page.get_by_role("button", name="关闭对话列表").click()
    expect(sidebar).to_be_hidden()
    expect(page.get_by_role("button", name="对话列表")).to_be_focused()


@pytest.mark.parametrize("width", [360, 390, 1280])
def test_the_placeholder_is_shown_whole(open_page, width):
    page = open_page(width, 800)
    box = page.locator("#question")
    placeholder = box.get_attribute("placeholder")
    box.fill(placeholder)  # the same text as a value: does it fit the box without scrolling?
    assert box.evaluate("n => n.scrollHeight <= n.clientHeight && n.scrollWidth <= n.clientWidth")


def test_hidden_region_chips_are_cued(open_page):
    page = open_page(360, 740)
    frame = page.locator("#chips-frame")
    chips = page.locator("#chips")
    assert chips.evaluate("n => n.scrollWidth > n.clientWidth")  # some chips are past the right edge
    expect(frame).to_have_class(re.compile(r"\bmore-after\b"))
    assert frame.evaluate("n => getComputedStyle(n, '::after').content") == '"›"'
    chips.evaluate("n => { n.scrollLeft = n.scrollWidth; }")
    expect(frame).not_to_have_class(re.compile(r"\bmore-after\b"))
    expect(frame).to_have_class(re.compile(r"\bmore-before\b"))
    wide = open_page(1280, 800)
    expect(wide.locator("#chips-frame")).not_to_have_class(re.compile(r"more-"))  # all chips shown: no cue


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
    expect(page.locator("#matrix-body td.empty").first).to_have_text("未说明")

    row = page.locator("#matrix-body tr", has=page.locator(".indicator-label", has_text=re.compile("^非化石能源消费比重$")))
    value = row.locator(".value").first
    clause_id = value.get_attribute("data-clause")
    value.click()
    panel = page.locator("#panel")
    expect(panel).to_be_visible()
    expect(panel.locator(".clause-id")).to_have_text(clause_id)
    expect(panel.locator(".clause.cited mark")).to_contain_text("非化石能源消费比重")
    page.locator("#panel-close").click()

    page.locator('.chip[data-year="2030"]').click()
    expect(page.locator("#summary")).to_contain_text("2030年")
    expect(page.locator('.chip[data-year="2030"]')).to_have_attribute("aria-pressed", "true")
    today = date.today().isoformat()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="逐条明细").click()
    assert download_info.value.suggested_filename == f"指标对照_2030年_逐条_{today}.csv"
    text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    downloaded = list(csv.DictReader(io.StringIO(text)))
    expected = httpx.get(f"{server}/indicators", params={"year": 2030}, timeout=10).json()
    assert [(r["条款编号"], r["指标"], float(r["目标值"])) for r in downloaded] == \
           [(r["clause_id"], r["indicator"], r["value"]) for r in expected]

    # "As on screen": the same rows in the same order, regions as columns, the same words in every cell.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="与表格相同").click()
    assert download_info.value.suggested_filename == f"指标对照_2030年_按地区分列_{today}.csv"
    grid = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text(encoding="utf-8-sig"))))
    regions = page.locator("#matrix-head th").all_inner_texts()[1:-1]
    assert grid[0] == ["指标", "年份", *regions]
    screen = page.locator("#matrix-body tr").evaluate_all("""rows => rows.map((tr) => [
        tr.querySelector("th .indicator-label").textContent,
        ...[...tr.querySelectorAll("td[data-region]:not(.chart-cell)")].map((td) =>
            td.querySelector(".value") ? [...td.querySelectorAll(".value")].map((b) => b.textContent).join("；") : td.textContent),
    ])""")
    assert [[name, *cells] for name, _year, *cells in grid[1:]] == screen


def test_indicator_charts_compare_two_or_more_plans_under_their_full_names(page, server):
    page.goto(f"{server}/indicators")
    expect(page.locator("#matrix-body tr").first).to_be_visible()
    api_rows = httpx.get(f"{server}/indicators", params={"year": 2025}, timeout=10).json()
    for row in page.locator("#matrix-body tr").all():
        name = row.locator(".indicator-label").inner_text()
        stated = {r["region"] for r in api_rows if r["indicator"] == name}
        bars = row.locator("svg.chart rect.bar").count()
        if len(stated) < 2:
            assert bars == 0, name  # one bar compares nothing
        if bars:
            assert bars >= 2
            labels = row.locator("svg.chart text").evaluate_all("texts => texts.map((t) => t.textContent)")[::2]
            assert set(labels) <= stated, (name, labels)  # full names: 广东省, 珠海市, …
            assert row.locator("svg.chart").get_attribute("aria-label").startswith(name)
    assert page.locator("svg.chart").count() > 0


def test_an_indicator_links_to_the_chat_and_the_analytical_answer_links_back(page, server):
    page.goto(f"{server}/indicators")
    row = page.locator("#matrix-body tr", has=page.locator(".indicator-label", has_text=re.compile("^非化石能源消费比重$")))
    question = "到2025年，各方案的非化石能源消费比重目标哪个最高？"
    link = row.get_by_role("link", name=re.compile("问答对比"))
    expect(link).to_have_attribute("title", question)
    link.click()
    expect(page.locator(".example").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#question")).to_have_value(question)  # filled, sent by the user
    expect(page.locator("#send")).to_be_enabled()
    page.locator("#question").press("Enter")
    card = last_answer(page)
    api = httpx.post(f"{server}/ask", json={"question": question}, timeout=60).json()
    assert api["analysis"]["operation"] == "superlative" and api["analysis"]["indicator"] == "非化石能源消费比重"
    first_line = api["answer"].split("\n")[0]
    assert "最高" in first_line and all(winner in first_line for winner in api["analysis"]["winners"])
    expect(card.locator(".answer-text")).to_contain_text(first_line.split("[")[0])

    back = card.get_by_role("link", name="在指标对照中查看“非化石能源消费比重”")
    back.click()
    expect(page).to_have_url(re.compile(r"/indicators\?indicator=.+&year=2025$"))
    expect(page.locator('.chip[data-year="2025"]')).to_have_attribute("aria-pressed", "true")
    asked = page.locator("#matrix-body tr.asked")
    expect(asked).to_have_count(1)
    expect(asked.locator(".indicator-label")).to_have_text("非化石能源消费比重")
    expect(asked).to_be_focused()


@pytest.mark.parametrize("width", [360, 390])
def test_indicator_table_fits_a_phone_as_cards(open_page, server, width):
    page = open_page(width, 800)
    page.goto(f"{server}/indicators")
    expect(page.locator("#matrix-body tr").first).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth - innerWidth") == 0
    assert page.locator(".table-wrap").evaluate("n => n.scrollWidth - n.clientWidth") == 0
    for cell in page.locator("#matrix-body tr").first.locator("td, th").all():
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    # Each plan's value says whose it is: the cell is labelled with the full region name.
    first = page.locator("#matrix-body tr").first.locator("td[data-region]").first
    assert first.evaluate("n => getComputedStyle(n, '::before').content") == '"广东省："'
