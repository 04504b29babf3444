"""The research pages on a phone and a laptop: no sideways scrolling, answers readable, in Chromium."""

from __future__ import annotations

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
from tests.coding.conftest import record_coding_study
from tests.exports.recording import HERE, fresh_repository
from tests.report.test_report_browser import SHOTS, WIDTHS

pytestmark = pytest.mark.browser

require_chromium()


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[TestServer]:
    """The research pages over the recorded commute study."""
    from bot.script import load_script

    dialogs = tmp_path / "dialogs"
    dialogs.mkdir()
    shutil.copy(HERE / "study.yaml", dialogs / "study.yaml")
    repository: Repository = await fresh_repository(tmp_path / "research.db")
    await record_coding_study(repository, load_script(HERE / "study.yaml"))
    settings = Settings(_env_file=None, dialogs_dir=dialogs)
    server = TestServer(create_research_app(settings, repository=repository))
    await server.start_server()
    try:
        yield server
    finally:
        await server.close()
        await repository.close()


async def test_the_research_pages_fit_a_phone(server: TestServer) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for width in WIDTHS:
                tab = await browser.new_page(viewport={"width": width, "height": 860})
                for name, path in (("studies", "/"), ("coding", "/study/commute")):
                    await tab.goto(str(server.make_url(path)))
                    sizes = await tab.evaluate("""() => ({page: document.documentElement.scrollWidth,
                        view: document.documentElement.clientWidth})""")
                    assert sizes["page"] <= sizes["view"], f"{name} scrolls sideways at {width}"
                    await tab.screenshot(path=str(SHOTS / f"research-{name}-{width}.png"),
                                         full_page=True)
                # An answer's text gets most of the width, not one letter per line.
                text = await tab.locator("form.answer .said .text").first.bounding_box()
                assert text is not None
                assert text["width"] >= 0.6 * min(width, 900)
                await tab.close()
        finally:
            await browser.close()
