"""Debian's Chromium for the page tests: where it is, how to start it, and when to skip."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright import async_api as playwright_api

CHROMIUM = Path("/usr/bin/chromium")
# Headless, and nothing that reaches out to the network this machine does not have.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def require_chromium() -> None:
    """Skip the calling test module without Chromium, unless REQUIRE_BROWSER=1 makes that a failure."""
    if not CHROMIUM.exists() and os.environ.get("REQUIRE_BROWSER") != "1":
        pytest.skip(
            f"{CHROMIUM} is not installed (apt-get install chromium); "
            "set REQUIRE_BROWSER=1 to fail instead",
            allow_module_level=True,
        )


async def overflows(page: playwright_api.Page) -> bool:
    """Whether the page is wider than the window (a phone would scroll sideways)."""
    return bool(await page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
    ))  # fmt: skip
