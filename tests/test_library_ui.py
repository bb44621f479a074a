"""The 文库 page in headless Chromium against a real server with its own library folder and admin key."""
from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from conftest import Server

from carbonqa.eval.plan_formats import plan_blocks, write_docx

REPO = Path(__file__).resolve().parents[1]
KEY = "ui-test-admin-key"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    work = tmp_path_factory.mktemp("library-ui")
    if (REPO / "data" / "index").is_dir():  # start from the built index (a copy: this server changes it)
        shutil.copytree(REPO / "data" / "index", work / "index")
    running = Server(work, {"CARBONQA_INDEX_DIR": str(work / "index"), "CARBONQA_LIBRARY_DIR": str(work / "library"),
                            "CARBONQA_ADMIN_KEY": KEY})
    try:
        running.start()
        yield running.base, work
    finally:
        running.stop()


@pytest.fixture
def page(server, browser):
    base, _ = server
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    yield page
    context.close()
    assert errors == []


def test_the_library_lists_the_plans_and_reads_one_with_its_outline(page: Page, server):
    base, _ = server
    page.goto(f"{base}/library")
    expect(page.get_by_role("navigation", name="页面").get_by_role("link", name="文库")).to_have_attribute(
        "aria-current", "page")
    rows = page.locator("#plans tr")
    expect(rows).to_have_count(5)
    zhuhai = page.locator('#plans tr[data-doc="zhuhai-2023"]')
    expect(zhuhai).to_contain_text("珠海市碳达峰实施方案")
    expect(zhuhai).to_contain_text("珠府〔2023〕39号")
    expect(zhuhai).to_contain_text("2023-05-19")
    expect(zhuhai).to_contain_text("内置")
    # Staff see titles, issuers and dates: no plan ids or the stored files' hashed names.
    listing = page.locator("#plans").inner_text()
    assert "zhuhai-2023" not in listing and not re.search(r"\d{3}_[0-9a-f]{16}", listing)
    zhuhai.get_by_role("link").click()
    expect(page.locator("#reader-title")).to_have_text("珠海市碳达峰实施方案")
    expect(page.locator("#reader-meta")).to_have_text("珠海市人民政府 · 珠府〔2023〕39号 · 2023-05-19 · 珠海市")
    # Clause ids only on hover (a title) and in copied text, never in the reading text.
    assert "zhuhai-2023/" not in page.locator("#fulltext").inner_text()
    expect(page.locator("#outline a").first).to_be_visible()
    page.locator('#outline a[data-chunk="zhuhai-2023/2.1.2"]').click()
    clause = page.locator('[id="chunk:zhuhai-2023/2.1.2"]')
    expect(clause).to_have_class("chunk clause target")
    expect(clause).to_have_attribute("title", "条款编号：zhuhai-2023/2.1.2")
    assert page.url.endswith("#zhuhai-2023/2.1.2")
    copied = clause.evaluate("""(node) => {
        const range = document.createRange();
        range.selectNodeContents(node);
        document.getSelection().removeAllRanges();
        document.getSelection().addRange(range);
        const event = new ClipboardEvent("copy", { clipboardData: new DataTransfer(), bubbles: true, cancelable: true });
        node.dispatchEvent(event);
        return event.clipboardData.getData("text/plain");
    }""")
    assert copied.startswith(clause.inner_text()[:20])
    assert copied.endswith("——《珠海市碳达峰实施方案》条款编号：zhuhai-2023/2.1.2")

    # "Open in context": a clause's address opens the reader there.
    page.goto(f"{base}/library?doc=guangdong-2022#guangdong-2022/2.1")
    target = page.locator('[id="chunk:guangdong-2022/2.1"]')
    expect(target).to_have_class("chunk section target")
    expect(target).to_be_in_viewport()


def test_upload_and_remove_with_the_admin_key(page: Page, server, tmp_path):
    base, work = server
    out = io.BytesIO()
    write_docx(plan_blocks(REPO / "eval" / "library_plans" / "nanshan-2024.txt"), out)
    plan_file = tmp_path / "南山区碳达峰实施方案.docx"
    plan_file.write_bytes(out.getvalue())
    bad_file = tmp_path / "scan.pdf"
    bad_file.write_bytes(b"%PDF-1.4\n%%EOF")

    page.goto(f"{base}/library")
    expect(page.locator("#plans tr")).to_have_count(5)
    page.locator("#admin summary").click()
    page.locator("#files").set_input_files(str(plan_file))
    page.locator("#upload").click()
    message = page.locator("#admin-message")
    expect(message).to_contain_text("请先输入管理密钥")  # no key: not sent

    # Plain Chinese first; the service's technical wording only under 详情, collapsed.
    page.locator("#admin-key").fill("wrong")
    page.locator("#upload").click()
    expect(message.locator("p").first).to_have_text("管理密钥不正确，请核对后重新输入。")
    expect(message).to_have_class("admin-message error")
    detail = message.locator("details")
    expect(detail.locator("p")).to_be_hidden()
    detail.locator("summary").click()
    expect(detail.locator("p")).to_contain_text("HTTP 401 · unauthorized")

    page.locator("#admin-key").fill(KEY)
    page.locator("#files").set_input_files([str(plan_file), str(bad_file)])
    page.locator("#upload").click()
    expect(message.locator("p").first).to_have_text(re.compile(r"^“scan\.pdf”无法添加，这次上传的方案都没有添加。原因："),
                                                    timeout=120_000)
    expect(page.locator("#plans tr")).to_have_count(5)

    page.locator("#files").set_input_files(str(plan_file))
    page.locator("#upload").click()
    expect(message).to_contain_text("已添加《深圳市南山区碳达峰实施方案》", timeout=120_000)
    row = page.locator('#plans tr[data-doc="shenzhen-nanshan-2024"]')
    expect(row).to_contain_text("已上传")
    expect(row).to_contain_text("深圳市南山区人民政府")
    expect(row).to_contain_text("原文件：南山区碳达峰实施方案.docx")  # the name it was uploaded with

    page.set_viewport_size({"width": 360, "height": 800})  # on a phone the 删除 button is on screen
    remove = row.get_by_role("button", name="删除 深圳市南山区碳达峰实施方案")
    box = remove.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page.evaluate("document.scrollingElement.scrollWidth - innerWidth") == 0

    dialogs: list[str] = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    row.get_by_role("button", name="删除 深圳市南山区碳达峰实施方案").click()
    expect(message).to_have_text("已删除《深圳市南山区碳达峰实施方案》，原文件已存档。", timeout=120_000)
    assert ".removed" not in dialogs[0] and "shenzhen-nanshan-2024" not in dialogs[0]
    expect(page.locator("#plans tr")).to_have_count(5)
    assert list((work / "library" / ".removed").glob("*/南山区碳达峰实施方案.docx"))


@pytest.mark.parametrize("width", [360, 390])
def test_the_library_fits_a_phone(server, browser, tmp_path, width):
    base, _ = server
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{base}/library")
        rows = page.locator("#plans tr[data-doc]")
        expect(rows).to_have_count(5)
        assert page.evaluate("document.scrollingElement.scrollWidth - innerWidth") == 0
        # Each plan a card: the issuer on one line, not a character per line.
        issuer = rows.first.locator('td[data-label="发布机关"]')
        assert issuer.evaluate("n => n.getClientRects().length === 1 && n.getBoundingClientRect().height < 40")
        for control in page.locator("main a, main button, main input, main summary").all():
            box = control.bounding_box()
            assert box is None or (box["x"] >= 0 and box["x"] + box["width"] <= width), control
        page.goto(f"{base}/library?doc=guangdong-2022#guangdong-2022/2.1")
        expect(page.locator(".chunk.target")).to_be_visible()
        assert page.evaluate("document.scrollingElement.scrollWidth - innerWidth") == 0
    finally:
        context.close()
