"""The fake Bot API behaves like Telegram towards the real python-telegram-bot client."""

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Location,
    Message,
    Update,
    User,
)
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter

from bot.testing.fake_bot_api import SECRET_HEADER, FakeBotApi

TOKEN = "123:ABC"


@pytest.fixture
async def bot(fake_bot_api: FakeBotApi) -> AsyncIterator[Bot]:
    """A real PTB Bot talking to the fake."""
    async with Bot(TOKEN, base_url=fake_bot_api.base_url,
                   base_file_url=fake_bot_api.base_file_url) as client:
        yield client


def message_of(update: Update) -> Message:
    """The update's message (or edited message), which every update here carries."""
    assert update.effective_message is not None
    return update.effective_message


def keyboard(*data: str) -> InlineKeyboardMarkup:
    """One row of buttons labelled by their callback data."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d) for d in data]])


async def test_get_me_answers_with_the_token_bot_id(bot: Bot) -> None:
    assert bot.id == 123
    assert bot.username == "perceptions_test_bot"


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await fake_bot_api.wait_for(lambda: fake_bot_api.get_updates_count == 1)
    fake_bot_api.user_sends_text(7, "hello")
    # Far below the 10 s poll timeout: the poll was woken by the update.
    updates = await asyncio.wait_for(poll, 2)
    assert [u.message.text for u in updates if u.message] == ["hello"]


async def test_offset_confirms_and_limit_caps(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    for text in ("a", "b", "c"):
        fake_bot_api.user_sends_text(7, text)
    first_two = await bot.get_updates(limit=2)
    assert [u.message.text for u in first_two if u.message] == ["a", "b"]
    rest = await bot.get_updates(offset=first_two[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["c"]
    assert await bot.get_updates(offset=rest[-1].update_id + 1) == ()
    assert fake_bot_api.pending_updates == []


async def test_json_encoded_fields_are_decoded_but_text_stays_a_string(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    fake_bot_api.user_sends_text(7, "hi")
    message = await bot.send_message(7, "42", reply_markup=keyboard("yes"))
    params = fake_bot_api.calls("sendMessage")[0].params
    assert params["chat_id"] == 7
    assert params["text"] == "42"
    assert params["reply_markup"] == {
        "inline_keyboard": [[{"text": "yes", "callback_data": "yes"}]]
    }
    assert message.text == "42"


async def test_updates_look_like_telegram_ones(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    fake_bot_api.add_user(5, "Amina", language_code="sw")
    fake_bot_api.add_group(-100, "Village health workers")
    fake_bot_api.user_sends_text(5, "habari")
    fake_bot_api.user_sends_command(-100, "start", "survey", user_id=5)
    fake_bot_api.user_sends_sticker(5)
    fake_bot_api.user_sends_photo(5, caption="my kitchen")
    fake_bot_api.user_sends_voice(5, duration=4)
    fake_bot_api.user_sends_location(5, -6.8, 39.28)
    fake_bot_api.user_edits_message(5, 1, "habari yako")
    updates = await bot.get_updates()
    ids = [u.update_id for u in updates]
    assert ids == sorted(ids)
    assert len(set(ids)) == 7
    text, command, sticker, photo, voice, location, edited = [message_of(u) for u in updates]
    assert text.from_user == User(5, "Amina", is_bot=False, language_code="sw")
    assert text.chat.type == "private"
    assert text.date.tzinfo is not None
    assert command.chat.type == "group"
    assert command.chat.title == "Village health workers"
    assert command.text == "/start@perceptions_test_bot survey"
    assert command.entities[0].type == "bot_command"
    assert sticker.sticker is not None
    assert sticker.sticker.emoji == "👍"
    assert photo.caption == "my kitchen"
    assert [p.width for p in photo.photo] == [90, 1280]
    assert voice.voice is not None
    assert voice.voice.mime_type == "audio/ogg"
    assert location.location == Location(longitude=39.28, latitude=-6.8)
    assert updates[-1].edited_message is edited
    assert (edited.message_id, edited.text) == (1, "habari yako")
    assert [m.message_id for m in (text, sticker, photo)] == [1, 2, 3]


async def test_button_press_references_the_bot_message_and_is_answered_once(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    fake_bot_api.user_sends_text(7, "hi")
    sent = await bot.send_message(7, "Do you boil water?", reply_markup=keyboard("q1:yes", "q1:no"))
    raw = fake_bot_api.user_presses_button(7, sent.message_id, "q1:no")
    query = Update.de_json(raw, bot).callback_query
    assert query is not None
    assert query.data == "q1:no"
    assert query.message is not None
    assert query.message.message_id == sent.message_id
    assert await bot.answer_callback_query(query.id)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query.id)
    with pytest.raises(ValueError, match="no button"):
        fake_bot_api.user_presses_button(7, sent.message_id, "q2:yes")


async def test_edits_apply_to_the_stored_message(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    fake_bot_api.user_sends_text(7, "hi")
    sent = await bot.send_message(7, "Question?", reply_markup=keyboard("a", "b"))
    await bot.edit_message_text("Question? — answered: a", chat_id=7, message_id=sent.message_id)
    [stored] = fake_bot_api.sent_messages(7)
    assert (stored.text, stored.reply_markup, len(stored.edits)) == (
        "Question? — answered: a", None, 1)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(chat_id=7, message_id=sent.message_id)


async def test_documents_keep_bytes_and_filename(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    fake_bot_api.user_sends_text(7, "report please")
    message = await bot.send_document(7, b"theme,count\nwater,3\n", filename="themes.csv",
                                      caption="Barriers")
    [stored] = fake_bot_api.sent_messages(7)
    assert stored.document is not None
    assert (stored.document.filename, stored.document.content) == (
        "themes.csv", b"theme,count\nwater,3\n")
    assert stored.caption == "Barriers"
    assert message.document is not None
    downloaded = await (await bot.get_file(message.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == b"theme,count\nwater,3\n"


async def test_commands_are_stored_and_deleted(bot: Bot) -> None:
    await bot.set_my_commands([("start", "Begin the interview"), ("stop", "Pause")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "stop"]
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


async def test_injected_errors_reach_the_client(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    fake_bot_api.user_sends_text(7, "hi")
    fake_bot_api.fail_with_flood_wait("sendMessage", retry_after=3)
    with pytest.raises(RetryAfter, match="Retry in 3 seconds"):
        await bot.send_message(7, "one")
    fake_bot_api.fail_with_server_error("sendMessage", status=502)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(7, "two")
    fake_bot_api.block_chat(7)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(7, "three")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(99, "nobody here")
    assert fake_bot_api.sent_messages(7) == []


async def test_unknown_methods_and_tokens_get_telegram_error_json(
    fake_bot_api: FakeBotApi,
) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{fake_bot_api.base_url}{TOKEN}/sendTelepathy") as unknown:
            assert (unknown.status, await unknown.json()) == (
                404, {"ok": False, "error_code": 404, "description": "Not Found"})
        async with http.post(f"{fake_bot_api.base_url}nonsense/getMe") as bad_token:
            assert bad_token.status == 401


async def test_get_updates_conflicts_while_a_webhook_is_set(bot: Bot) -> None:
    await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="s3cret")
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    assert (await bot.get_webhook_info()).url == "http://127.0.0.1:9/hook"
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_webhook_delivery_posts_with_the_secret_and_retries_failures(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    received: list[tuple[str | None, int]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get(SECRET_HEADER), (await request.json())["update_id"]))
        # The first attempt fails, so Telegram must retry it.
        return web.Response(status=500 if len(received) == 1 else 200)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
        update = fake_bot_api.user_sends_text(7, "via webhook")
        await fake_bot_api.wait_for(lambda: not fake_bot_api.pending_updates)
        assert received == [("s3cret", update["update_id"])] * 2
        assert [d.status for d in fake_bot_api.webhook_deliveries] == [500, 200]
        assert await fake_bot_api.post_to_webhook(update, secret_token="wrong") == 200
        assert received[-1][0] == "wrong"
    finally:
        await runner.cleanup()
