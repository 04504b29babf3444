"""The at-least-once poller is frugal: while updates are in flight it does not hammer getUpdates.

A real PTB application polls the fake Telegram through `Poller`; its handler lets one chat hang
on purpose, and the fake counts the getUpdates calls that the wait costs.
"""

from __future__ import annotations

import asyncio
import math
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.telegram.polling import Poller
from bot.telegram.processor import PerChatUpdateProcessor
from bot.testing.fake_bot_api import FakeBotApi

SLOW_CHAT = 1


@dataclass
class Handled:
    """What the handler saw: texts per chat in handling order, and the hold on the slow chat."""

    texts: defaultdict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    release: asyncio.Event = field(default_factory=asyncio.Event)
    seconds: float = 0.0  # how long other updates take: 1 to 4 times this, by chat

    def count(self) -> int:
        """How many updates were handled."""
        return sum(len(t) for t in self.texts.values())


def build(fake: FakeBotApi, handled: Handled) -> Application[Any, Any, Any, Any, Any, Any]:
    """A bare application that notes each text; the slow chat's first one waits for release."""

    async def note(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        assert update.effective_message is not None
        chat = update.effective_chat.id
        if chat == SLOW_CHAT and not handled.texts[chat]:
            await handled.release.wait()
        elif handled.seconds:
            await asyncio.sleep(handled.seconds * (1 + chat % 4))
        handled.texts[chat].append(update.effective_message.text or "")

    application = (ApplicationBuilder().token("123:ABC").base_url(fake.base_url)
                   .concurrent_updates(PerChatUpdateProcessor(256)).updater(None).build())
    application.add_handler(MessageHandler(filters.TEXT, note))
    return application


@asynccontextmanager
async def polling(fake: FakeBotApi, handled: Handled, **options: Any) -> AsyncIterator[Poller]:
    """Run a poller over the application until the block ends."""
    application = build(fake, handled)
    stop = asyncio.Event()
    async with application:
        await application.start()
        poller = Poller(application, **options)
        running = asyncio.create_task(poller.run(stop))
        try:
            yield poller
        finally:
            handled.release.set()
            stop.set()
            await running
            await application.stop()


async def test_a_slow_update_costs_few_getupdates_calls(fake_bot_api: FakeBotApi) -> None:
    handled = Handled()
    async with polling(fake_bot_api, handled) as poller:
        fake_bot_api.user_sends_text(SLOW_CHAT, "hangs")
        await fake_bot_api.wait_for(lambda: poller.tracker.busy)
        before = fake_bot_api.get_updates_count
        hold = 2.0
        await asyncio.sleep(hold)
        calls = fake_bot_api.get_updates_count - before

    # The pause doubles from 0.05 s up to 0.5 s: about 4 calls to get there, then 1 each 0.5 s.
    # (Re-polling every 0.1 s, as before, made 20.)
    bound = math.log2(poller.longest_pause / poller.first_pause) + hold / poller.longest_pause + 1
    assert calls <= bound
    assert poller.refetched <= bound  # each call returned the one update in flight again


async def test_other_chats_keep_flowing_while_one_chat_is_busy(fake_bot_api: FakeBotApi) -> None:
    handled = Handled()
    async with polling(fake_bot_api, handled) as poller:
        fake_bot_api.user_sends_text(SLOW_CHAT, "first")
        await fake_bot_api.wait_for(lambda: poller.tracker.busy)
        fake_bot_api.user_sends_text(SLOW_CHAT, "second")
        for chat in range(2, 12):
            fake_bot_api.user_sends_text(chat, "hello")

        await fake_bot_api.wait_for(lambda: handled.count() == 10)
        assert handled.texts[SLOW_CHAT] == []  # still held, and its second message waits behind
        assert len(fake_bot_api.pending_updates) == 12  # nothing confirmed past the held one

        handled.release.set()
        await fake_bot_api.wait_for(lambda: not fake_bot_api.pending_updates)

    assert handled.texts[SLOW_CHAT] == ["first", "second"]
    assert handled.count() == 12


async def test_a_full_window_is_fetched_again_once_places_are_freed(
    fake_bot_api: FakeBotApi,
) -> None:
    handled = Handled(seconds=0.01)
    handled.release.set()  # no chat hangs here: a burst larger than one window
    updates, chats = 300, 60
    async with polling(fake_bot_api, handled, limit=20, refill=10) as poller:
        for n in range(updates):
            fake_bot_api.user_sends_text(2 + n % chats, f"{n // chats}")
        await fake_bot_api.wait_for(lambda: handled.count() == updates, timeout=30)

    # A call waits for 10 of the 20 places to be free, so it returns at most 10 known updates
    # for at least 10 new ones. (Calling again at once returned ~20 copies per new update.)
    assert poller.refetched <= updates
    wrong = {chat: texts for chat, texts in handled.texts.items()
             if chat != SLOW_CHAT and texts != [str(n) for n in range(updates // chats)]}
    assert wrong == {}
