"""The report in Debian's Chromium at a laptop's and a phone's width: nothing overflows or is too small.

Screenshots land in `screenshots/` at the repository root (git-ignored; REPORT_SCREENSHOTS moves
it) for people to look at.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright import async_api as playwright_api

from bot.analysis import Summary
from bot.report.render_html import render_html
from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.report.test_rows import study, variant

pytestmark = pytest.mark.browser

require_chromium()

WIDTHS = (1280, 390)
SHOTS = Path(os.environ.get("REPORT_SCREENSHOTS") or Path(__file__).parents[2] / "screenshots")
MIN_PX = 9

# Every chart's text: where it is against its <svg>, and its size on screen.
CHART_TEXT = """() => [...document.querySelectorAll('svg.chart')].flatMap((svg, chart) => {
  const box = svg.getBoundingClientRect();
  const scale = box.width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text')].map((t) => {
    const r = t.getBoundingClientRect();
    return {chart, text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
            inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5
                    && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5};
  });
})"""
OVERFLOW = """() => ({page: document.documentElement.scrollWidth,
  view: document.documentElement.clientWidth})"""
RANKED = """() => [...document.querySelectorAll('ol.ranked > li')].map((li) => ({
  answer: li.querySelector('.answer').textContent.trim(),
  question: li.querySelector('.question').textContent.trim()}))"""


@pytest.fixture
async def browser() -> AsyncIterator[playwright_api.Browser]:
    """Chromium, headless."""
    async with playwright_api.async_playwright() as driver:
        launched = await driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


async def look(browser: playwright_api.Browser, page_file: Path, name: str) -> dict[int, Any]:
    """Open the page at each width; what the checks need, and a full-page screenshot."""
    SHOTS.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 (once, before the browser work)
    found = {}
    for width in WIDTHS:
        tab = await browser.new_page(viewport={"width": width, "height": 900})
        await tab.goto(page_file.as_uri())
        found[width] = {
            "overflow": await tab.evaluate(OVERFLOW),
            "texts": await tab.evaluate(CHART_TEXT),
            "ranked": await tab.evaluate(RANKED),
        }
        shot = await tab.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        assert shot.startswith(b"\x89PNG")
        await tab.close()
    return found


def check(found: dict[int, Any]) -> None:
    for width, seen in found.items():
        assert seen["overflow"]["page"] <= seen["overflow"]["view"], f"sideways scroll at {width}"
        assert seen["texts"], "no chart text at all"
        outside = [t["text"] for t in seen["texts"] if not t["inside"]]
        assert not outside, f"chart text outside its chart at {width} px: {outside}"
        tiny = [(t["text"], round(t["px"], 1)) for t in seen["texts"] if t["px"] < MIN_PX]
        assert not tiny, f"chart text under {MIN_PX} px at {width} px: {tiny}"


async def test_the_planted_report_reads_on_a_laptop_and_a_phone(
    browser: playwright_api.Browser, summary: Summary, tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_html(summary), encoding="utf-8")
    found = await look(browser, page, "report-planted")
    check(found)
    assert found[390]["ranked"][0] == {
        "answer": "Traffic danger", "question": "What makes it difficult to cycle to work?"
    }


async def test_closed_question_rows_in_the_top_lists_name_their_question(
    browser: playwright_api.Browser, tmp_path: Path
) -> None:
    summary = study(variant())
    closed = [r for r in summary.barriers + summary.enablers if r.kind == "option"]
    assert len(closed) >= 2  # owning a bike and friends' approval are planted enablers
    page = tmp_path / "report.html"
    page.write_text(render_html(summary), encoding="utf-8")
    found = await look(browser, page, "report-closed")
    check(found)
    for width in WIDTHS:
        shown = {(r["answer"], r["question"]) for r in found[width]["ranked"]}
        for row in closed:
            assert (row.label, summary.questions[row.question].label) in shown
        assert ("Yes", "Friends approve") in shown
        assert all(question for _, question in shown)
