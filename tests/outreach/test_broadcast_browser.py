"""A researcher writes to the respondents in Debian's Chromium (Playwright), at 1280 and 390 px:
a wrong figure is explained, the preview fills the figures in, the send is confirmed, and the
summary comes in while the fake Bot API receives one message per opted-in person.

Screenshots go to screenshots/ (git-ignored).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from playwright import async_api as playwright_api

from bot.testing.fake_bot_api import FakeBotApi
from bot.web.research import create_research_app
from tests.browser import CHROMIUM, CHROMIUM_ARGS, overflows, require_chromium
from tests.outreach.page_study import (
    OPTED_IN,
    open_chats,
    page_settings,
    planted_database,
)

pytestmark = pytest.mark.browser

require_chromium()

SCREENSHOTS = Path(__file__).parents[2] / "screenshots"


@pytest.fixture
async def server(tmp_path: Path, fake_bot_api: FakeBotApi) -> AsyncIterator[TestServer]:
    """The research pages over the planted study, sending through the fake Bot API."""
    url = await planted_database(tmp_path)
    open_chats(fake_bot_api)
    fake_bot_api.set_latency("sendMessage", 0.05)  # slow enough to see it sending
    server = TestServer(create_research_app(page_settings(tmp_path, fake_bot_api,
                                                          database_url=url)))
    await server.start_server()
    try:
        yield server
    finally:
        await server.close()


@pytest.mark.parametrize("width", [1280, 390])
async def test_preview_confirm_send_and_read_the_summary(
    server: TestServer, fake_bot_api: FakeBotApi, width: int
) -> None:
    expect = playwright_api.expect
    SCREENSHOTS.mkdir(exist_ok=True)
    async with playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": width, "height": 900})
            page.set_default_timeout(10_000)
            errors: list[str] = []  # the page's script failing (refusals are answers, not errors)
            page.on("pageerror", lambda error: errors.append(str(error)))

            # From the studies page to the study's Write to respondents page.
            await page.goto(str(server.make_url("/")))
            await page.get_by_role("link", name="Write to respondents").click()
            await expect(page.locator("#opted-in")).to_contain_text("11 people chose to hear")
            assert not await overflows(page)
            await page.screenshot(path=str(SCREENSHOTS / f"broadcast-form-{width}.png"),
                                  full_page=True)

            # A misspelt figure is explained, and nothing can be sent.
            await page.get_by_label("Name").fill("results-january")
            await page.get_by_label("Text in en").fill("{respondent} of you answered. Thanks!")
            await page.get_by_role("button", name="Preview").click()
            status = page.locator("#message .status")
            await expect(status).to_contain_text("The en text: unknown figure {respondent}")
            await expect(page.locator("#preview")).to_be_hidden()

            # Fixed, the preview fills the figures in and says who gets which text.
            await page.get_by_label("Text in en").fill("{respondents} of you answered. Thanks!")
            await page.get_by_label("Text in fr").fill("Vous êtes {respondents}. Merci !")
            await page.get_by_role("button", name="Preview").click()
            preview = page.locator("#preview")
            await expect(preview).to_contain_text("“results-january” would go to 11 people.")
            await expect(preview).to_contain_text("14 of you answered. Thanks!")
            await expect(preview).to_contain_text("Vous êtes 14. Merci !")
            await expect(preview.locator("tbody tr").last).to_contain_text("en (no de text)")
            assert fake_bot_api.calls("sendMessage") == []
            assert not await overflows(page)
            await page.screenshot(path=str(SCREENSHOTS / f"broadcast-preview-{width}.png"),
                                  full_page=True)

            # Sending asks first, naming how many people it goes to.
            await page.get_by_role("button", name="Send to 11 people…").click()
            await expect(page.locator("#confirm")).to_contain_text(
                "Send “results-january” to 11 people now?")
            await page.get_by_role("button", name="Yes, send to 11 people").click()
            progress = page.locator("#progress")
            await expect(progress).to_be_visible()
            await expect(progress.locator("h2")).to_have_text("Summary")
            await expect(progress).to_contain_text("11 of 11 recipients done (100%)")
            await expect(progress).to_contain_text("9 sent")
            await expect(progress).to_contain_text("2 blocked the bot or left Telegram")
            await expect(progress).to_contain_text("Done. This run sent 9 messages.")
            assert not await overflows(page)
            await page.screenshot(path=str(SCREENSHOTS / f"broadcast-summary-{width}.png"),
                                  full_page=True)

            # The list of broadcasts shows it, now and after a reload.
            row = page.locator("#past tr[data-name='results-january']")
            await expect(row.locator("td").nth(3)).to_have_text("9")
            await page.reload()
            await expect(row.locator("td").nth(2)).to_have_text("11")
            await expect(row.locator("td").nth(3)).to_have_text("9")
            await expect(row.locator("td").nth(4)).to_have_text("2")
            assert not await overflows(page)
            assert errors == []
        finally:
            await browser.close()
    chats = sorted(call.params["chat_id"] for call in fake_bot_api.calls("sendMessage"))
    assert chats == OPTED_IN  # each opted-in person once, nobody else
