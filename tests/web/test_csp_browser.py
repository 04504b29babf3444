"""The pages still work in Chromium under their Content-Security-Policy, at 1280 and 390 px:
their scripts run (the report's inline one by hash), saving and chatting work, and the
browser reports no policy violation and no console error."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright import async_api as playwright_api

from bot.script import load_script
from bot.settings import Settings
from bot.web.research import create_research_app
from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.coding.conftest import record_coding_study
from tests.exports.recording import HERE, fresh_repository

pytestmark = pytest.mark.browser

require_chromium()

WIDTHS = (1280, 390)
# Collects what the browser refused under the policy (init scripts are not subject to it).
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


@pytest.fixture
async def research_url(tmp_path: Path) -> AsyncIterator[str]:
    """The research pages over the recorded commute study, on a real port."""
    dialogs = tmp_path / "dialogs"
    dialogs.mkdir()
    shutil.copy(HERE / "study.yaml", dialogs / "study.yaml")
    repository = await fresh_repository(tmp_path / "research.db")
    await record_coding_study(repository, load_script(HERE / "study.yaml"))
    settings = Settings(_env_file=None, dialogs_dir=dialogs)  # type: ignore[call-arg]
    server = TestServer(create_research_app(settings, repository=repository))
    await server.start_server()
    try:
        yield str(server.make_url("/")).rstrip("/")
    finally:
        await server.close()
        await repository.close()


@pytest.fixture
async def sandbox_url(sandbox_app: web.Application) -> AsyncIterator[str]:
    """The started sandbox on a real port."""
    server = TestServer(sandbox_app)
    await server.start_server()
    try:
        yield str(server.make_url("/"))
    finally:
        await server.close()


@pytest.fixture
async def browser() -> AsyncIterator[playwright_api.Browser]:
    """Debian's Chromium."""
    async with playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def watched_tab(browser: playwright_api.Browser, width: int,
                      errors: list[str]) -> playwright_api.Page:
    """A tab of this width whose console errors land in `errors`."""
    tab = await browser.new_page(viewport={"width": width, "height": 860})
    tab.set_default_timeout(10_000)
    await tab.add_init_script(WATCH_VIOLATIONS)
    # A failed load is reported by its response below (with its address); browsers ask every
    # site for /favicon.ico, which these pages don't have.
    tab.on("console", lambda m: errors.append(m.text)
           if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.on("response", lambda r: errors.append(f"{r.status} {r.url}")
           if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    return tab


async def violations(tab: playwright_api.Page) -> Any:
    return await tab.evaluate("window.__violations")


@pytest.mark.parametrize("width", WIDTHS)
async def test_the_research_pages_work_under_their_policy(
    browser: playwright_api.Browser, research_url: str, width: int
) -> None:
    expect = playwright_api.expect
    errors: list[str] = []
    tab = await watched_tab(browser, width, errors)

    await tab.goto(f"{research_url}/")
    await expect(tab.locator("a[href='/study/commute']")).to_be_visible()
    assert await violations(tab) == []

    # research.js (a file) runs: it saves a coding through the same-origin POST.
    await tab.goto(f"{research_url}/study/commute")
    await tab.locator("#coder").fill("Ana")
    form = tab.locator("form.answer").first
    await form.locator("button").click()
    await expect(form.locator(".status.ok")).to_be_visible()
    assert await violations(tab) == []

    # report.js (inline, allowed by its hash) runs: the table filter counts rows.
    await tab.goto(f"{research_url}/study/commute/report")
    count = tab.locator("#row-count")
    total = await count.text_content()
    await tab.locator("#row-filter").fill("zzzz-no-such-row")
    await expect(count).not_to_have_text(total or "")
    await expect(count).to_contain_text("0 of")
    assert await violations(tab) == []
    assert errors == []


@pytest.mark.parametrize("width", WIDTHS)
async def test_the_sandbox_works_under_its_policy(
    browser: playwright_api.Browser, sandbox_url: str, width: int
) -> None:
    expect = playwright_api.expect
    errors: list[str] = []
    tab = await watched_tab(browser, width, errors)
    await tab.goto(sandbox_url)
    chat = tab.locator("#messages")
    await expect(tab.locator("#script")).to_have_value("mini")
    await tab.get_by_role("button", name="New respondent").click()
    await expect(chat.locator(".msg.bot").last).to_contain_text("Shall we start?")
    await chat.get_by_role("button", name="Yes").click()
    await expect(chat.locator(".msg.bot").last).to_contain_text("What's your first name?")
    sizes = await tab.evaluate("""() => ({page: document.documentElement.scrollWidth,
        view: document.documentElement.clientWidth})""")
    assert sizes["page"] <= sizes["view"], f"the sandbox scrolls sideways at {width}"
    assert await violations(tab) == []
    assert errors == []
