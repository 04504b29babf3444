"""The fake Bot API enforces Telegram's flood limits when asked: 429 with retry_after beyond."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot
from telegram.error import RetryAfter
from telegram.request import HTTPXRequest

from bot.testing.fake_bot_api import FakeBotApi


async def test_sends_beyond_the_bot_and_chat_limits_get_429(fake_bot_api: FakeBotApi) -> None:
    limits = fake_bot_api.enforce_limits(per_bot=30, per_chat=1)
    for chat_id in range(1, 41):
        fake_bot_api.open_private_chat(chat_id)
    async with Bot("123:ABC", base_url=fake_bot_api.base_url,
                   request=HTTPXRequest(connection_pool_size=40)) as bot:
        results = await asyncio.gather(*(bot.send_message(chat_id, "hi")
                                         for chat_id in range(1, 41)), return_exceptions=True)
        refused = [r for r in results if isinstance(r, RetryAfter)]
        assert len(refused) == 10  # 30 a second for the bot
        assert limits.refused == 10

        with pytest.raises(RetryAfter):  # a second message to chat 1 within the second
            await bot.send_message(1, "again")
        assert sum(len(fake_bot_api.sent_messages(c)) for c in range(1, 41)) == 30
