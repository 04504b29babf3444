"""A researcher works the review queue in Debian's Chromium (Playwright), at 1280 and 390 px.

One click codes a group of the same answer, another accepts a suggested keyword, and the report's
warning and agreement with the review change accordingly.
"""

from __future__ import annotations

import io
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from playwright import async_api as playwright_api

from bot.review.coding_csv import write_coding_csv
from bot.settings import Settings
from bot.web.research import REPOSITORY, create_research_app
from tests.browser import CHROMIUM, CHROMIUM_ARGS, overflows, require_chromium
from tests.coding.review_study import dialogs_with_study, review_script, store_review_study
from tests.exports.recording import fresh_repository

SCREENSHOTS_ENV = "REVIEW_SCREENSHOTS"  # a folder to keep the screenshots in (default: tmp_path)

pytestmark = pytest.mark.browser

require_chromium()

WARNING = "8 uncoded answers to “What makes it difficult?” could change barrier #1"


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[TestServer]:
    """The research pages over the bags study in a fresh SQLite database."""
    repository = await fresh_repository(tmp_path / "bags.db")
    await store_review_study(repository, review_script())
    settings = Settings(_env_file=None, dialogs_dir=dialogs_with_study(tmp_path / "dialogs"))
    server = TestServer(create_research_app(settings, repository=repository))
    await server.start_server()
    try:
        yield server
    finally:
        await server.close()
        await repository.close()


async def second_coders_sheet(server: TestServer) -> bytes:
    """The coding sheet as a second coder returns it: they agree on everything."""
    out = io.StringIO(newline="")
    await write_coding_csv(server.app[REPOSITORY], review_script(), out)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("width", [1280, 390])
async def test_a_group_coded_in_one_click_and_a_keyword_accepted_change_the_report(
    server: TestServer, tmp_path: Path, width: int
) -> None:
    expect = playwright_api.expect
    shots = Path(os.environ.get(SCREENSHOTS_ENV) or tmp_path)
    async with playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": width, "height": 900})
            page.set_default_timeout(10_000)

            # The report warns, and cannot yet say how good its coding is.
            await page.goto(str(server.make_url("/study/bags/report")))
            overview = page.locator("#overview")
            await expect(overview).to_contain_text(WARNING)
            await expect(overview).to_contain_text("No open answer has been reviewed yet")
            await expect(page.locator("#barriers")).to_contain_text(WARNING)

            # The coding page puts that group first: eight answers, three spellings.
            await page.goto(str(server.make_url("/study/bags")))
            await expect(page.locator(".risk").first).to_contain_text("could change barrier #1")
            await expect(page.locator(".risk").last).to_contain_text(
                "could make “A hassle to carry” a top enabler")
            group = page.locator("form.answer").first
            await expect(group.locator(".group-size")).to_contain_text("×8")
            await expect(group).to_contain_text("could change a headline row")
            assert not await overflows(page)
            await page.screenshot(path=str(shots / f"queue-{width}.png"), full_page=True)

            await page.get_by_label("Coder").fill("Ana")
            await group.get_by_label("A hassle to carry").check()
            await group.get_by_role("button", name="Save all 8").click()
            await expect(group.locator(".status")).to_contain_text("Saved (all 8): coded by Ana")

            # Reviewed, the group teaches the codebook a keyword; accepting it recodes answers.
            await page.reload()
            await expect(page.locator(".risk")).to_have_count(0)
            suggestion = page.locator(".keywords li:has(button[data-keyword='bus'])")
            await expect(suggestion).to_contain_text("A hassle to carry")
            await suggestion.get_by_role("button", name="Add keyword").click()
            await page.wait_for_load_state("load")
            crowded = page.locator("form.answer").filter(has_text="the bus is too crowded")
            await expect(crowded.locator(".said")).to_contain_text("Automatic: A hassle to carry")
            await expect(page.locator("button[data-keyword='bus']")).to_have_count(0)
            assert not await overflows(page)
            await page.screenshot(path=str(shots / f"reviewed-{width}.png"), full_page=True)

            # The report: no warning left, and agreement with the review theme by theme.
            await page.goto(str(server.make_url("/study/bags/report")))
            await expect(page.locator("#overview")).not_to_contain_text("could change barrier")
            await expect(page.locator("#overview")).not_to_contain_text("No open answer has")
            method = page.locator("#method")
            carry = method.locator("tr").filter(has_text="A hassle to carry")
            await expect(carry).to_contain_text("1.00")
            await expect(page.locator("#overview")).to_contain_text("8 answers reviewed")
            await page.screenshot(path=str(shots / f"report-{width}.png"), full_page=True)

            # A second coder's sheet, imported on the page, is compared theme by theme.
            await page.goto(str(server.make_url("/study/bags")))
            second = page.locator("form.second-coder")
            await second.get_by_label("colleague's name").fill("Bo")
            await second.get_by_label("their sheet").set_input_files(files=[{
                "name": "bo.csv", "mimeType": "text/csv",
                "buffer": await second_coders_sheet(server)}])  # fmt: skip
            await second.get_by_role("button", name="Import as second coder").click()
            await expect(second.locator(".status")).to_contain_text("Stored 40 answers coded by Bo")
            await page.goto(str(server.make_url("/study/bags/report")))
            both = page.locator("#method tr").filter(has_text="Forgetting the bags")
            await expect(both.last).to_contain_text("1.00 (almost perfect)")
        finally:
            await browser.close()
