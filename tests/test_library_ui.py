"""The 文库 page in headless Chromium against a real server with its own library folder and admin key."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from test_ui import Server, browser  # noqa: F401  (the module's Chromium fixture)

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
def page(server, browser):  # noqa: F811
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
    zhuhai.get_by_role("link").click()
    expect(page.locator("#reader-title")).to_have_text("珠海市碳达峰实施方案")
    expect(page.locator("#outline a").first).to_be_visible()
    page.locator('#outline a[data-chunk="zhuhai-2023/2.1.2"]').click()
    expect(page.locator('[id="chunk:zhuhai-2023/2.1.2"]')).to_have_class("chunk clause target")
    assert page.url.endswith("#zhuhai-2023/2.1.2")

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
    expect(page.locator("#admin-message")).to_contain_text("请输入管理密钥")  # no key: not sent

    page.locator("#admin-key").fill("wrong")
    page.locator("#upload").click()
    expect(page.locator("#admin-message")).to_contain_text("管理密钥缺失或错误")
    expect(page.locator("#admin-message")).to_have_class("admin-message error")

    page.locator("#admin-key").fill(KEY)
    page.locator("#files").set_input_files([str(plan_file), str(bad_file)])
    page.locator("#upload").click()
    expect(page.locator("#admin-message")).to_contain_text("scan.pdf", timeout=120_000)
    expect(page.locator("#plans tr")).to_have_count(5)

    page.locator("#files").set_input_files(str(plan_file))
    page.locator("#upload").click()
    expect(page.locator("#admin-message")).to_contain_text("已添加 《深圳市南山区碳达峰实施方案》", timeout=120_000)
    row = page.locator('#plans tr[data-doc="shenzhen-nanshan-2024"]')
    expect(row).to_contain_text("已上传")
    expect(row).to_contain_text("深圳市南山区人民政府")

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="删除 深圳市南山区碳达峰实施方案").click()
    expect(page.locator("#admin-message")).to_contain_text("已删除 shenzhen-nanshan-2024", timeout=120_000)
    expect(page.locator("#plans tr")).to_have_count(5)
    assert list((work / "library" / ".removed").glob("*/南山区碳达峰实施方案.docx"))
