"""The staff UI measured in Debian's Chromium: layout at phone, tablet and desktop widths, and the
docs' screenshots (the chat on desktop and phone, light and dark; 指标对照 and 文库) written to docs/.

    python -m carbonqa.eval.bench_ui                 # measure and write docs/screenshot-*.png
    python -m carbonqa.eval.bench_ui --no-screenshots

Starts `carbonqa serve` on a free loopback port (feedback goes to a temporary database), asks one
question per width and prints, per width: sideways overflow, the smallest control and how many are
under 44×44 px, the height of the one-line labels, and the time until the answer's first text; then
the sideways overflow of the 文库 list, its reader and the 指标对照 table at each width.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from carbonqa.eval.bench_load import REPO, free_port, start_server, wait_ready

CHROMIUM = "/usr/bin/chromium"
QUESTION = "珠海2025年单位地区生产总值能耗要比2020年下降多少？"
WIDTHS = [(360, 740), (390, 844), (768, 1024), (1280, 900)]
SHOTS = [("desktop-light", 1280, 900, "light"), ("desktop-dark", 1280, 900, "dark"),
         ("phone-light", 390, 844, "light"), ("phone-dark", 390, 844, "dark")]
# The other pages: path, what shows once loaded.
PAGES = [("文库", "/library", "#plans tr[data-doc]"), ("文库 reader", "/library?doc=zhuhai-2023#zhuhai-2023/2.1.2",
                                                                ".chunk.target"),
         ("指标对照", "/indicators", "#matrix-body tr")]
PAGE_SHOTS = [("indicators-desktop-light", "/indicators", "#matrix-body tr", 1280, 900),
              ("indicators-phone-light", "/indicators", "#matrix-body tr", 390, 844),
              ("library-phone-light", "/library", "#plans tr[data-doc]", 390, 844)]
OVERFLOW = "document.scrollingElement.scrollWidth - innerWidth"

MEASURE = """() => {
  const controls = [...document.querySelectorAll('button, a[href], input, textarea, [role=button]')]
    .filter((n) => n.getClientRects().length && getComputedStyle(n).visibility !== 'hidden')
    .map((n) => n.getBoundingClientRect());
  const smallest = controls.reduce((a, b) => (Math.min(b.width, b.height) < Math.min(a.width, a.height) ? b : a));
  const height = (selector) => Math.round(document.querySelector(selector).getBoundingClientRect().height);
  return {
    overflow: document.scrollingElement.scrollWidth - innerWidth,
    controls: controls.length,
    under44: controls.filter((b) => b.width < 44 || b.height < 44).length,
    smallest: `${Math.round(smallest.width)}×${Math.round(smallest.height)}`,
    label: height('#filters-label'),
    scope: height('#scope'),
    composer: height('#composer'),
  };
}"""


def ask(page: Page, question: str) -> float:
    """Milliseconds from pressing Enter until the first answer text shows."""
    page.fill("#question", question)
    started = time.perf_counter()
    page.press("#question", "Enter")
    page.locator(".turn .answer-text").last.wait_for()
    first_text = (time.perf_counter() - started) * 1000
    page.locator(".turn .bubble.bot:not(.loading)").last.wait_for()
    return first_text


def save(page: Page, path: Path) -> None:
    page.screenshot(path=str(path))
    print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-screenshots", action="store_true", help="measure only")
    parser.add_argument("--out", type=Path, default=REPO / "docs", help="folder for the screenshots")
    args = parser.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CARBONQA_FEEDBACK_DB"] = str(Path(tmp) / "feedback.sqlite3")
        log_path = Path(tmp) / "server.log"
        server = start_server(port, log_path)
        try:
            print(f"server ready in {wait_ready(base, server, log_path):.1f} s")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                print("| width | sideways overflow px | controls | under 44×44 | smallest | 范围 label px | "
                      "scope px | composer px | first text ms |")
                print("|---|---|---|---|---|---|---|---|---|")
                for width, height in WIDTHS:
                    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
                    page = context.new_page()
                    page.goto(base + "/")
                    page.locator(".example").first.wait_for()
                    first_text = ask(page, QUESTION)
                    m = page.evaluate(MEASURE)
                    print(f"| {width} | {m['overflow']} | {m['controls']} | {m['under44']} | {m['smallest']} | "
                          f"{m['label']} | {m['scope']} | {m['composer']} | {first_text:.0f} |")
                    context.close()
                print("\n| page | " + " | ".join(f"{w} px overflow" for w, _ in WIDTHS) + " |")
                print("|---|" + "---|" * len(WIDTHS))
                for name, path, shown in PAGES:
                    overflow = []
                    for width, height in WIDTHS:
                        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
                        page = context.new_page()
                        page.goto(base + path)
                        page.locator(shown).first.wait_for()
                        overflow.append(page.evaluate(OVERFLOW))
                        context.close()
                    print(f"| {name} | " + " | ".join(str(o) for o in overflow) + " |")
                if not args.no_screenshots:
                    args.out.mkdir(parents=True, exist_ok=True)
                    for name, width, height, scheme in SHOTS:
                        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                                      color_scheme=scheme, device_scale_factor=2 if width < 500 else 1)
                        page = context.new_page()
                        page.goto(base + "/")
                        page.locator(".example").first.wait_for()
                        ask(page, QUESTION)
                        if width >= 1000:  # the source panel beside the answer
                            page.locator(".turn .answer-text .cite").first.click()
                            page.locator("#panel mark").wait_for()
                        save(page, args.out / f"screenshot-{name}.png")
                        context.close()
                    for name, path, shown, width, height in PAGE_SHOTS:
                        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                                      device_scale_factor=2 if width < 500 else 1)
                        page = context.new_page()
                        page.goto(base + path)
                        page.locator(shown).first.wait_for()
                        save(page, args.out / f"screenshot-{name}.png")
                        context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
