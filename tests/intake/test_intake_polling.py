"""Poison-proof polling: an update the library can't parse is logged once by id and confirmed,
and everyone else is answered. The production bot (`serve_polling`) polls the fake Telegram.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram.ext import ApplicationBuilder, MessageHandler, filters

from bot.telegram import polling
from bot.telegram.intake import ALLOWED_UPDATES, read_update
from bot.telegram.polling import Poller
from bot.telegram.processor import PerChatUpdateProcessor
from bot.testing.fake_bot_api import FakeBotApi
from bot.testing.fake_faults import BAD_GATEWAY, FLOOD, SERVER_ERROR, TIMEOUT, Fault
from bot.testing.fake_objects import JSON
from bot.testing.fake_updates import UNPARSEABLE
from tests.intake.production import Captured, captured_logs, production_bot

# People with ids, names and words distinctive enough to be found in any log line.
PEOPLE = {
    731_904_522: ("Zéphyrine", "Quatremère", "zephy_q"),
    648_215_937: ("Bartholomew", "Okonkwo-Smythe", "bart_os"),
    905_117_364: ("Ingrid", "Þórðardóttir", "ingrid_t"),
}
# Words inside the poison updates (see bot/testing/fake_updates.py).
THEIR_WORDS = ("Hello, I am", "My answer is 42", "Is anyone there", "a|age|34")


def meet_everyone(fake: FakeBotApi) -> None:
    """Register the people with their names, as Telegram knows them."""
    for user_id, (first, last, username) in PEOPLE.items():
        fake.add_user(user_id, first, last_name=last, username=username)


def send_poison(fake: FakeBotApi) -> list[JSON]:
    """One update of every unparseable variant, from the people in turn."""
    chats = list(PEOPLE)
    return [fake.user_sends_unparseable(chats[n % len(chats)], variant, force=True)
            for n, variant in enumerate(UNPARSEABLE)]


def leaks(logs: Captured) -> list[str]:
    """Log lines that carry anyone's raw id, name, username or words."""
    secrets = [str(user_id) for user_id in PEOPLE]
    secrets += [part for person in PEOPLE.values() for part in person]
    secrets += THEIR_WORDS
    return [line for line in logs.lines if any(secret in line for secret in secrets)]


def ignored(logs: Captured, update_id: int) -> list[str]:
    """The warnings that skipped this update."""
    return [line for line in logs.containing(f"update {update_id} ignored")
            if line.startswith("WARNING")]


async def test_unreadable_updates_first_then_everyone_is_answered(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    meet_everyone(fake_bot_api)
    poison = send_poison(fake_bot_api)
    for user_id in PEOPLE:
        fake_bot_api.user_sends_text(user_id, "/start")

    with captured_logs() as logs:
        async with production_bot(fake_bot_api, database_url) as bot:
            await fake_bot_api.wait_for(
                lambda: all(fake_bot_api.sent_messages(u) for u in PEOPLE), timeout=30)
            await fake_bot_api.wait_for(lambda: not fake_bot_api.pending_updates, timeout=10)
        poller = bot.task.result()

    # Everyone got the introduction; every poison update was confirmed (nothing pending).
    assert all("Hello!" in (fake_bot_api.texts(u)[0] or "") for u in PEOPLE)
    assert poller.unreadable == len(UNPARSEABLE)
    for update in poison:
        [line] = ignored(logs, update["update_id"])  # logged exactly once
        kind = next(k for k in update if k != "update_id")
        assert f"this {kind} update" in line
    assert leaks(logs) == []
    assert [line for line in logs.lines if line.startswith(("ERROR", "CRITICAL"))] == []


async def test_an_unreadable_update_fetched_again_is_logged_once(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    meet_everyone(fake_bot_api)
    first, second, third = PEOPLE
    # A slow reply keeps /start in flight, so each getUpdates returns the poison again.
    fake_bot_api.set_latency("sendMessage", 0.6)
    with captured_logs() as logs:
        async with production_bot(fake_bot_api, database_url) as bot:
            fake_bot_api.user_sends_text(first, "/start")
            [poison] = [fake_bot_api.user_sends_unparseable(second, "date_as_text")]
            fake_bot_api.user_sends_text(third, "/start")
            await fake_bot_api.wait_for(
                lambda: fake_bot_api.sent_messages(first) and fake_bot_api.sent_messages(third),
                timeout=30)
            await fake_bot_api.wait_for(lambda: not fake_bot_api.pending_updates, timeout=10)
        poller = bot.task.result()

    assert poller.refetched > 0  # it did come back while /start was in flight…
    assert len(ignored(logs, poison["update_id"])) == 1  # …and was logged once all the same
    assert leaks(logs) == []


async def test_the_bot_asks_only_for_the_updates_it_handles(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    meet_everyone(fake_bot_api)
    person = next(iter(PEOPLE))
    async with production_bot(fake_bot_api, database_url):
        assert fake_bot_api.world.allowed_updates == list(ALLOWED_UPDATES)
        fake_bot_api.user_sends_text(person, "/start")
        await fake_bot_api.wait_for(lambda: fake_bot_api.sent_messages(person), timeout=30)
        message_id = fake_bot_api.sent_messages(person)[0].message_id
        # Kinds the bot has no handler for are never created by Telegram now.
        reaction = fake_bot_api.user_reacts(person, message_id, "🔥")
        future = fake_bot_api.user_sends_unknown_kind(person)
        blocked = fake_bot_api.user_blocks_bot(person)

    assert fake_bot_api.world.filtered == [reaction, future, blocked]
    assert set(ALLOWED_UPDATES) == {"message", "edited_message", "callback_query"}


# ---- getUpdates failing: the Poller keeps going ----------------------------------------------------

async def test_polling_survives_every_kind_of_getupdates_failure(fake_bot_api: FakeBotApi) -> None:
    """429, a JSON 500, nginx's HTML 502 and a call that never answers: no update lost or doubled."""
    seen: list[str] = []

    async def note(update: Any, _context: Any) -> None:
        seen.append(update.effective_message.text)

    application = (ApplicationBuilder().token("123:ABC").base_url(fake_bot_api.base_url)
                   .concurrent_updates(PerChatUpdateProcessor(256)).updater(None).build())
    application.add_handler(MessageHandler(filters.TEXT, note))
    fake_bot_api.faults.queue("getUpdates", [
        Fault(FLOOD, retry_after=1), Fault(SERVER_ERROR), Fault(BAD_GATEWAY),
        Fault(TIMEOUT), Fault(TIMEOUT, delivered=True)])
    for n in range(20):
        fake_bot_api.user_sends_text(1 + n % 4, f"m{n}")

    stop = asyncio.Event()
    async with application:
        await application.start()
        # Short waits, so the timeouts cost a second each; backoff from 0.05 s.
        poller = Poller(application, timeout=1, read_margin=0.5)
        running = asyncio.create_task(poller.run(stop))
        try:
            await fake_bot_api.wait_for(lambda: len(seen) == 20, timeout=30)
            await fake_bot_api.wait_for(lambda: not fake_bot_api.pending_updates, timeout=10)
        finally:
            stop.set()
            await running
            await application.stop()

    assert fake_bot_api.faults.count("getUpdates") == 5  # every planned fault was met
    assert sorted(seen) == sorted(f"m{n}" for n in range(20))  # each once


async def test_a_bug_while_taking_updates_does_not_end_polling(
    fake_bot_api: FakeBotApi, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    meet_everyone(fake_bot_api)
    person = next(iter(PEOPLE))
    calls = 0

    def fails_once(data: object, bot: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError(f"a bug, quoting {data!r}")
        return read_update(data, bot)

    monkeypatch.setattr(polling, "read_update", fails_once)
    fake_bot_api.user_sends_text(person, "/start")
    with captured_logs() as logs:
        async with production_bot(fake_bot_api, database_url):
            await fake_bot_api.wait_for(lambda: fake_bot_api.sent_messages(person), timeout=30)

    [failure] = logs.containing("polling failed; retrying")
    assert "RuntimeError (message withheld)" in failure  # with its traceback, without the data
    assert leaks(logs) == []
