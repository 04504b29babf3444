"""Shared pytest fixtures."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.script import Script, load_script
from bot.testing.fake_bot_api import FakeBotApi

SCRIPTS = Path(__file__).parent / "scripts"


@pytest.fixture
async def fake_bot_api() -> AsyncIterator[FakeBotApi]:
    """A running fake Telegram Bot API on a free localhost port."""
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture(scope="module")
def mini() -> Script:
    """Cycling to work, in English and French."""
    return load_script(SCRIPTS / "mini.yaml")


@pytest.fixture(scope="module")
def handwash() -> Script:
    """Handwashing, in English and French."""
    return load_script(SCRIPTS / "handwash.yaml")
