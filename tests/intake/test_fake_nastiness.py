"""The fake Telegram fails the way the real one does, as the real python-telegram-bot sees it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from bench.remote_fake import FakeServer
from bot.testing.fake_bot_api import FakeBotApi
from bot.testing.fake_faults import BAD_GATEWAY, FLOOD, SERVER_ERROR, TIMEOUT, Fault

TOKEN = "123:ABC"


@pytest.fixture
async def bot(fake_bot_api: FakeBotApi) -> AsyncIterator[Bot]:
    """A real PTB Bot that gives up on an answer after half a second."""
    request = HTTPXRequest(read_timeout=0.5)
    async with Bot(TOKEN, base_url=fake_bot_api.base_url, request=request) as client:
        yield client


async def test_each_fault_reaches_the_client_as_telegram_s_would(fake_bot_api: FakeBotApi,
                                                                 bot: Bot) -> None:
    fake_bot_api.user_sends_text(7, "hi")
    fake_bot_api.faults.queue("sendMessage", [
        Fault(FLOOD, retry_after=4), Fault(SERVER_ERROR), Fault(BAD_GATEWAY), Fault("504")])
    with pytest.raises(RetryAfter, match="Retry in 4 seconds"):
        await bot.send_message(7, "one")
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(7, "two")
    # The proxy's HTML page, not Telegram's JSON: the client can't even parse the error.
    with pytest.raises(NetworkError, match=r"Bad Gateway \(502\)\. Parsing the server response"):
        await bot.send_message(7, "three")
    with pytest.raises(NetworkError, match="Gateway Time-out"):
        await bot.send_message(7, "four")
    await bot.send_message(7, "five")

    assert fake_bot_api.texts(7) == ["five"]
    assert fake_bot_api.faults.count("sendMessage") == 4


async def test_a_timed_out_call_may_still_have_taken_effect(fake_bot_api: FakeBotApi,
                                                            bot: Bot) -> None:
    fake_bot_api.user_sends_text(7, "hi")
    fake_bot_api.fail_with_timeout("sendMessage")
    fake_bot_api.fail_with_timeout("sendMessage", delivered=True)

    with pytest.raises(TimedOut):
        await bot.send_message(7, "lost on the way")
    with pytest.raises(TimedOut):
        await bot.send_message(7, "delivered, but the answer was lost")

    # A retry after the second one would show the message twice: what the bot must live with.
    assert fake_bot_api.texts(7) == ["delivered, but the answer was lost"]
    assert fake_bot_api.faults.count(kind=TIMEOUT) == 2


async def test_flakiness_is_random_but_seeded() -> None:
    served = []
    for _ in range(2):
        async with FakeBotApi(seed=42) as fake:
            fake.set_flakiness("sendMessage", 0.3, (SERVER_ERROR, BAD_GATEWAY, FLOOD))
            faults = [fake.faults.next("sendMessage") for _ in range(200)]
            served.append([f.kind if f else None for f in faults])
    assert served[0] == served[1]
    assert 30 <= sum(kind is not None for kind in served[0]) <= 90
    assert {SERVER_ERROR, BAD_GATEWAY, FLOOD} <= set(served[0])


async def test_only_the_updates_the_bot_asked_for_are_created(fake_bot_api: FakeBotApi,
                                                              bot: Bot) -> None:
    fake_bot_api.user_sends_text(7, "before")
    await bot.get_updates(allowed_updates=["callback_query"])
    text = fake_bot_api.user_sends_text(7, "after")
    reaction = fake_bot_api.user_reacts(7, 1)

    # Updates created before the call stay queued; the new text and reaction never exist.
    assert [u["message"]["text"] for u in fake_bot_api.pending_updates] == ["before"]
    assert fake_bot_api.world.filtered == [text, reaction]


async def test_reactions_are_not_sent_unless_asked_for(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.user_sends_text(7, "hi")
    reaction = fake_bot_api.user_reacts(7, 1)
    assert fake_bot_api.world.filtered == [reaction]  # Telegram's default leaves them out


async def test_presses_on_old_or_deleted_messages_carry_an_inaccessible_message(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    fake_bot_api.user_sends_text(7, "hi")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    old = await bot.send_message(7, "Pick one", reply_markup=keyboard)
    fake_bot_api.user_presses_button(7, old.message_id, "a", inaccessible=True)
    fake_bot_api.user_deletes_message(7, old.message_id)
    fake_bot_api.user_presses_button(7, old.message_id, "a")

    presses = [u.callback_query for u in await bot.get_updates()
               if u.callback_query is not None]
    assert len(presses) == 2
    # PTB 22 reads them as a Message dated 1970 (not as InaccessibleMessage): is_accessible says.
    assert [p.message.is_accessible for p in presses if p.message] == [False, False]
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("gone", chat_id=7, message_id=old.message_id)


async def test_unparseable_updates_break_the_library_s_own_get_updates(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    """What the bot's intake avoids: PTB parses a whole answer, so one update fails them all."""
    fake_bot_api.user_sends_unparseable(7, "entity_without_position")
    fake_bot_api.user_sends_text(8, "innocent bystander")
    with pytest.raises(TypeError):
        await bot.get_updates()
    assert len(fake_bot_api.pending_updates) == 2  # and nothing moves on


async def test_a_call_left_hanging_ends_when_the_fake_stops() -> None:
    fake = FakeBotApi(hang_seconds=600)
    await fake.start()
    client = Bot(TOKEN, base_url=fake.base_url, request=HTTPXRequest(read_timeout=30))
    fake.fail_with_timeout("getMe")
    call = asyncio.create_task(client.get_me())
    await fake.wait_for(lambda: fake.faults.count("getMe") == 1)
    await fake.stop()  # not after the 600 s, nor the client's 30 s
    with pytest.raises(NetworkError):
        await asyncio.wait_for(call, 5)
    await client.shutdown()


async def test_benchmarks_set_faults_on_the_fake_in_its_own_process() -> None:
    async with FakeServer(remote=True) as server:
        await server.set_flakiness("getMe", 1.0, (SERVER_ERROR,))
        client = Bot(TOKEN, base_url=server.base_url)
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await client.get_me()
        assert await server.faults() == [("getMe", SERVER_ERROR)]
        await client.shutdown()
