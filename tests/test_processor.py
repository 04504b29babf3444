"""PerChatUpdateProcessor: chats run side by side, each chat strictly in order (real PTB)."""

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from telegram import CallbackQuery, Chat, Message, Update, User
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.telegram.processor import PerChatUpdateProcessor, chat_key
from bot.testing.fake_bot_api import FakeBotApi

Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer with the same text."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "")


@asynccontextmanager
async def polling_bot(
    fake: FakeBotApi,
    processor: BaseUpdateProcessor | bool,
    rate_limiter: AIORateLimiter | None = None,
    handler: Callback = echo,
) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """A real PTB bot (an echo bot by default) polling the fake for the duration of the block."""
    builder = ApplicationBuilder().token("123:ABC").base_url(fake.base_url)
    builder = builder.concurrent_updates(processor)
    if rate_limiter is not None:
        # PTB tracks the limiter in the builder's generic type; this helper does not need it.
        builder = builder.rate_limiter(rate_limiter)  # type: ignore[arg-type]
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, handler))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0)
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()


def send_conversations(fake: FakeBotApi, chats: int, messages: int) -> None:
    """Interleave messages of many chats, as they would arrive from many respondents."""
    for n in range(messages):
        for chat_id in range(1, chats + 1):
            fake.user_sends_text(chat_id, f"{chat_id}:{n}")


async def test_echo_bot_answers_every_user(fake_bot_api: FakeBotApi) -> None:
    async with polling_bot(fake_bot_api, PerChatUpdateProcessor()):
        send_conversations(fake_bot_api, chats=5, messages=2)
        for chat_id in range(1, 6):
            sent = await fake_bot_api.wait_for_messages(chat_id, 2)
            assert [m.text for m in sent] == [f"{chat_id}:0", f"{chat_id}:1"]


async def test_each_chat_is_answered_in_order_under_concurrency(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.set_latency("sendMessage", 0.0, jitter=0.02)
    processor = PerChatUpdateProcessor(256)
    running: list[int] = []

    async def echo_and_count(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        running.append(processor.current_concurrent_updates)
        await echo(update, context)

    async with polling_bot(fake_bot_api, processor, handler=echo_and_count) as application:
        send_conversations(fake_bot_api, chats=20, messages=20)
        for chat_id in range(1, 21):
            # 400 updates: generous timeouts, since a loaded 2-core machine runs them slowly.
            sent = await fake_bot_api.wait_for_messages(chat_id, 20, timeout=60)
            assert [m.text for m in sent] == [f"{chat_id}:{n}" for n in range(20)]
        await asyncio.wait_for(application.update_queue.join(), timeout=30)
        assert processor.active_chats == 0
    # Chats really ran side by side: the order does not come from running one at a time.
    assert max(running) > 1


async def test_plain_concurrency_reorders_a_chat(fake_bot_api: FakeBotApi) -> None:
    """The check above can fail: PTB's own concurrency gives no per-chat order."""
    fake_bot_api.set_latency("sendMessage", 0.0, jitter=0.02)
    async with polling_bot(fake_bot_api, True):
        send_conversations(fake_bot_api, chats=5, messages=20)
        replies = [await fake_bot_api.wait_for_messages(c, 20) for c in range(1, 6)]
    in_order = [[m.text for m in sent] == sorted((m.text for m in sent), key=by_number)
                for sent in replies]
    assert not all(in_order)


async def test_order_holds_when_the_concurrency_limit_is_reached(
    fake_bot_api: FakeBotApi,
) -> None:
    fake_bot_api.set_latency("sendMessage", 0.0, jitter=0.01)
    async with polling_bot(fake_bot_api, PerChatUpdateProcessor(2)):
        send_conversations(fake_bot_api, chats=3, messages=10)
        for chat_id in range(1, 4):
            sent = await fake_bot_api.wait_for_messages(chat_id, 10)
            assert [m.text for m in sent] == [f"{chat_id}:{n}" for n in range(10)]


async def test_flood_wait_is_retried_by_the_rate_limiter(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.fail_with_flood_wait("sendMessage", times=1, retry_after=1)
    async with polling_bot(fake_bot_api, PerChatUpdateProcessor(), AIORateLimiter(max_retries=2)):
        fake_bot_api.user_sends_text(1, "still there?")
        sent = await fake_bot_api.wait_for_messages(1, 1, timeout=5)
    assert [m.text for m in sent] == ["still there?"]
    assert len(fake_bot_api.calls("sendMessage", chat_id=1)) == 2


async def test_lock_map_grows_with_busy_chats_and_empties_after() -> None:
    processor = PerChatUpdateProcessor()
    seen: list[int] = []
    release, three_started = asyncio.Event(), asyncio.Event()

    async def hold(update: object) -> None:
        seen.append(processor.active_chats)
        if len(seen) == 3:
            three_started.set()
        await release.wait()

    updates = [Update(n, message=private_message(chat_id=n % 3 + 1)) for n in range(9)]
    tasks = [asyncio.create_task(processor.process_update(u, hold(u))) for u in updates]
    await asyncio.wait_for(three_started.wait(), timeout=2)
    # One update per chat runs; the other six wait behind their chat's lock.
    assert processor.active_chats == 3
    assert processor.current_concurrent_updates == 9
    release.set()
    await asyncio.gather(*tasks)
    assert len(seen) == 9
    assert processor.active_chats == 0


def test_updates_are_keyed_by_chat_then_user() -> None:
    alice = User(42, "Alice", is_bot=False)
    inline_press = CallbackQuery("q1", alice, chat_instance="c", inline_message_id="im1")
    assert chat_key(Update(1, message=private_message(chat_id=7))) == 7
    assert chat_key(Update(2, callback_query=inline_press)) == 42
    assert chat_key("a custom update") is None


def private_message(chat_id: int) -> Message:
    """A minimal PTB Message in a private chat."""
    return Message(1, dt.datetime.now(dt.UTC), Chat(chat_id, "private"), text="hi")


def by_number(text: str | None) -> int:
    """Sort key for "chat:n" texts."""
    return int((text or "0:0").split(":")[1])
