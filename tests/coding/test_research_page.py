"""A researcher recodes an answer on the coding page, in Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from playwright import async_api as playwright_api

from bot.settings import Settings
from bot.web.research import create_research_app
from storage import Repository
from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.exports.recording import HERE

SCREENSHOT_ENV = "RESEARCH_SCREENSHOT"  # where to keep the screenshot (default: tmp_path)

pytestmark = pytest.mark.browser

require_chromium()


@pytest.fixture
async def page(tmp_path: Path, repository: Repository) -> AsyncIterator[playwright_api.Page]:
    """A browser tab on the coding page of the recorded commute study."""
    dialogs = tmp_path / "dialogs"
    dialogs.mkdir()
    shutil.copy(HERE / "study.yaml", dialogs / "study.yaml")
    settings = Settings(_env_file=None, dialogs_dir=dialogs)
    server = TestServer(create_research_app(settings, repository=repository))
    await server.start_server()
    try:
        async with playwright_api.async_playwright() as driver:
            browser = await driver.chromium.launch(executable_path=str(CHROMIUM),
                                                   args=CHROMIUM_ARGS)
            try:
                tab = await browser.new_page(viewport={"width": 1280, "height": 860})
                tab.set_default_timeout(5_000)
                await tab.goto(str(server.make_url("/study/commute")))
                yield tab
            finally:
                await browser.close()
    finally:
        await server.close()


async def test_a_theme_ticked_and_saved_is_kept_after_a_reload(
    page: playwright_api.Page, tmp_path: Path
) -> None:
    expect = playwright_api.expect
    answer = page.locator("form.answer").filter(has_text="my colleagues ride with me")
    await expect(page.locator(".questions")).to_contain_text("1 uncoded of 3")

    await answer.get_by_role("button", name="Save").click()
    await expect(answer.locator(".status")).to_have_text("Type your name in the Coder box first.")

    await page.get_by_label("Coder").fill("Ana")
    await answer.get_by_label("Bike lanes").check()
    await answer.get_by_role("button", name="Save").click()
    await expect(answer.locator(".status")).to_contain_text("Saved: coded by Ana")
    screenshot = Path(os.environ.get(SCREENSHOT_ENV) or tmp_path / "research.png")
    assert (await page.screenshot(path=str(screenshot), full_page=True)).startswith(b"\x89PNG")

    await page.reload()
    answer = page.locator("form.answer").filter(has_text="my colleagues ride with me")
    await expect(answer.get_by_label("Bike lanes")).to_be_checked()
    await expect(answer.get_by_label("Good weather")).not_to_be_checked()
    await expect(answer.locator(".status")).to_contain_text("Coded by Ana at")
    await expect(page.get_by_label("Coder")).to_have_value("Ana")  # remembered by the browser
    await expect(page.locator(".questions")).to_contain_text("0 uncoded of 3")

    await page.get_by_label("Uncoded only").check()
    await expect(page.locator("form.answer")).to_have_count(0)
