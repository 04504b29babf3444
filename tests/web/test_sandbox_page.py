"""A researcher chats with a script in the sandbox page, in Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright import async_api as playwright_api

from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium

SCREENSHOT_ENV = "SANDBOX_SCREENSHOT"  # where to keep the screenshot (default: tmp_path)

pytestmark = pytest.mark.browser

require_chromium()



@pytest.fixture
async def sandbox_url(sandbox_app: web.Application) -> AsyncIterator[str]:
    """The started sandbox on a real localhost port."""
    server = TestServer(sandbox_app)
    await server.start_server()
    try:
        yield str(server.make_url("/"))
    finally:
        await server.close()


@pytest.fixture
async def page(sandbox_url: str) -> AsyncIterator[playwright_api.Page]:
    """A phone-sized-chat-friendly desktop browser page at the sandbox."""
    async with playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            tab = await browser.new_page(viewport={"width": 1280, "height": 800})
            tab.set_default_timeout(5_000)
            await tab.goto(sandbox_url)
            yield tab
        finally:
            await browser.close()


async def test_a_researcher_answers_by_buttons_and_typing(
    page: playwright_api.Page, tmp_path: Path
) -> None:
    expect = playwright_api.expect
    chat = page.locator("#messages")
    await expect(page.locator("#script")).to_have_value("mini")
    await page.locator("#source").fill("poster")
    await page.get_by_role("button", name="New respondent").click()

    await expect(chat.locator(".msg.bot").last).to_contain_text("Shall we start?")
    await chat.get_by_role("button", name="Yes").click()
    await expect(chat.locator(".msg.bot").last).to_contain_text("What's your first name?")

    for answer, next_question in [("Ada", "How old are you?"), ("34", "How many days"),
                                  ("0", "What do you do instead?")]:
        await page.get_by_placeholder("Message").fill(answer)
        await page.keyboard.press("Enter")
        await expect(chat.locator(".msg.bot").last).to_contain_text(next_question)

    question = chat.locator(".msg.bot").last
    await question.get_by_role("button", name="Car").click()
    await expect(question.get_by_role("button", name="✓ Car")).to_be_visible()
    await question.get_by_role("button", name="Walk").click()
    await expect(question.get_by_role("button", name="✓ Walk")).to_be_visible()
    # The screenshot shows the chat at its busiest: ticked choices and a filling record panel.
    screenshot = Path(os.environ.get(SCREENSHOT_ENV) or tmp_path / "sandbox.png")
    png = await page.screenshot(path=str(screenshot))
    assert png.startswith(b"\x89PNG")
    await question.get_by_role("button", name="Done").click()
    await expect(chat.locator(".msg.bot").last).to_contain_text("What makes it easier")
    await expect(chat.locator(".msg.user")).to_have_text(["/start mini__poster", "Ada", "34", "0"])

    panel = page.locator("#answers")
    await expect(panel.locator("tr")).to_have_count(4)
    await expect(panel).to_contain_text("Car, Walk")
    await expect(page.locator("#summary")).to_contain_text("Non-doer")

    await page.get_by_role("button", name="☰ Menu").click()
    await page.get_by_role("menuitem").filter(has_text="/back").click()
    await expect(chat.locator(".msg.bot").last).to_contain_text("What do you do instead?")
