"""Debian's Chromium for the page tests: where it is, how to start it, and when to skip."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
