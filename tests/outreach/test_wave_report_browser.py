"""The report's "Waves compared" in Chromium at a laptop's and a phone's width: nothing sideways,
the doer-share chart's text inside its SVG."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright import async_api as playwright_api

from bot.report.build import load_summary
from bot.report.render_html import render_html
from tests.browser import require_chromium
from tests.outreach.test_wave_report import Planted, comparison_of, planted  # noqa: F401
from tests.report.test_report_browser import WIDTHS, browser, check, look  # noqa: F401

pytestmark = pytest.mark.browser

require_chromium()

WAVES_CHART = """() => [...document.querySelectorAll('#waves svg.chart text')].map(
  (t) => t.textContent)"""


async def test_waves_compared_reads_on_a_laptop_and_a_phone(
    browser: playwright_api.Browser, planted: Planted, tmp_path: Path  # noqa: F811
) -> None:
    summary = await load_summary(planted.repository, planted.first, with_emerging=False)
    page = tmp_path / "report.html"
    page.write_text(render_html(summary, await comparison_of(planted)), encoding="utf-8")
    found = await look(browser, page, "report-waves")
    check(found)  # every chart, the waves' included: text inside, big enough, no sideways scroll
    for width in WIDTHS:
        tab = await browser.new_page(viewport={"width": width, "height": 900})
        await tab.goto(page.as_uri())
        assert await tab.evaluate(WAVES_CHART) == [
            "Wave 1 · 70 people", "43% (30/70)",
            "Wave 2 · 60 people", "55% (33/60)"]
        await tab.locator("#waves").screenshot(path=str(tmp_path / f"waves-{width}.png"))
        await tab.close()
