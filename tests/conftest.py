"""Shared pytest fixtures."""

from collections.abc import AsyncIterator

import pytest

from bot.testing.fake_bot_api import FakeBotApi


@pytest.fixture
async def fake_bot_api() -> AsyncIterator[FakeBotApi]:
    """A running fake Telegram Bot API on a free localhost port."""
    async with FakeBotApi() as fake:
        yield fake
