"""The sandbox JSON API drives the real bot through the fake Telegram and reads back storage."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aiohttp.test_utils import TestClient

WAIT_SECONDS = 5.0  # generous: a reply normally takes milliseconds
Client = TestClient  # type: ignore[type-arg]
JSON = dict[str, Any]


async def get(client: Client, path: str) -> Any:
    """GET a JSON answer, failing on any error status."""
    response = await client.get(path)
    assert response.status == 200, await response.text()
    return await response.json()


async def post(client: Client, path: str, body: JSON) -> Any:
    """POST JSON and return the JSON answer, failing on any error status."""
    response = await client.post(path, json=body)
    assert response.status == 200, await response.text()
    return await response.json()


async def chat_until(client: Client, chat: int, ready: Callable[[list[JSON]], bool],
                     what: str) -> list[JSON]:
    """Long-poll the chat, as the page does, until ready(messages); return the whole chat."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_SECONDS
    revision = -1
    while True:
        data = await get(client, f"/api/messages?chat={chat}&since={revision}&wait=1")
        messages: list[JSON] = data["messages"]
        if ready(messages):
            return messages
        if loop.time() > deadline:
            raise AssertionError(f"{what} never happened; chat: {messages}")
        revision = data["revision"]


async def bot_says(client: Client, chat: int, fragment: str) -> list[JSON]:
    """Wait until a bot message contains `fragment`; return the whole chat."""
    return await chat_until(
        client, chat, lambda ms: any(m["from"] == "bot" and fragment in m["text"] for m in ms),
        f"the bot saying {fragment!r}")


def ticked(message: JSON) -> list[str]:
    """The labels of a message's buttons marked with a leading ✓."""
    return [b["text"].removeprefix("✓").strip() for row in message["buttons"] for b in row
            if b["text"].startswith("✓")]


def last_bot_message(messages: list[JSON]) -> JSON:
    """The newest message from the bot."""
    return [m for m in messages if m["from"] == "bot"][-1]


def button(message: JSON, label: str) -> JSON:
    """The inline button of a message whose text contains `label`."""
    found = [b for row in message["buttons"] for b in row if label in b["text"]]
    assert found, f"no button {label!r} in {message['buttons']}"
    return found[0]


async def press(client: Client, chat: int, message: JSON, label: str) -> None:
    """Tap a button of a bot message, as the page does."""
    data = button(message, label)["data"]
    await post(client, "/api/press", {"chat": chat, "message_id": message["id"], "data": data})


async def new_respondent(client: Client, **fields: str) -> int:
    """Start a fresh fake user on the mini study; returns the chat id."""
    person = await post(client, "/api/respondents", {"study_id": "mini"} | fields)
    return int(person["chat_id"])


async def test_lists_the_scripts_of_the_dialogs_folder(sandbox_client: Client) -> None:
    scripts = await get(sandbox_client, "/api/scripts")
    assert [(s["study_id"], s["title"], s["languages"]) for s in scripts] == [
        ("mini", "Mini", ["en", "fr"])
    ]


async def test_a_new_respondent_opens_the_study_through_a_deep_link(
    sandbox_client: Client,
) -> None:
    chat = await new_respondent(sandbox_client, language="fr", source="poster")
    messages = await bot_says(sandbox_client, chat, "On commence ?")
    assert messages[0] == {"id": 1, "from": "user", "text": "/start mini__poster",
                           "buttons": [], "edited": False}
    people = await get(sandbox_client, "/api/respondents")
    assert [(p["chat_id"], p["language"], p["source"]) for p in people] == [(chat, "fr", "poster")]


async def test_an_interview_by_buttons_and_text_is_recorded_in_order(
    sandbox_client: Client,
) -> None:
    chat = await new_respondent(sandbox_client, language="en")
    messages = await bot_says(sandbox_client, chat, "Shall we start?")
    await press(sandbox_client, chat, last_bot_message(messages), "Yes")
    await bot_says(sandbox_client, chat, "What's your first name?")
    for text, next_question in [("Ada", "How old are you?"), ("34", "How many days"),
                                ("0", "What do you do instead?")]:
        await post(sandbox_client, "/api/send", {"chat": chat, "text": text})
        messages = await bot_says(sandbox_client, chat, next_question)

    # Multiple choice: each tap toggles a ✓ on the same message, then "Done" moves on.
    question = last_bot_message(messages)

    def the_question(ms: list[JSON]) -> JSON:
        return next(m for m in ms if m["id"] == question["id"])

    await press(sandbox_client, chat, question, "Car")
    messages = await chat_until(sandbox_client, chat, lambda ms: ticked(the_question(ms)) == ["Car"],
                                "a ✓ on Car")
    await press(sandbox_client, chat, the_question(messages), "Bus")
    messages = await chat_until(sandbox_client, chat,
                                lambda ms: ticked(the_question(ms)) == ["Car", "Bus"], "a ✓ on Bus")
    marked = the_question(messages)
    assert marked["edited"] is True
    await press(sandbox_client, chat, marked, "Done")
    messages = await bot_says(sandbox_client, chat, "What makes it easier")

    users = [m["text"] for m in messages if m["from"] == "user"]
    assert users == ["/start mini", "Ada", "34", "0"]
    assert [m["id"] for m in messages] == sorted(m["id"] for m in messages)

    record = await get(sandbox_client, f"/api/interview?chat={chat}")
    assert (record["study_id"], record["status"], record["group"]) == ("mini", "active", "non_doer")
    answers = {a["question_id"]: (a["value"], a["label"]) for a in record["answers"]}
    assert answers == {
        "name": ("Ada", "Ada"),
        "age": (34, "34"),
        "days": (0, "0"),
        "instead": (["car", "bus"], "Car, Bus"),
    }


async def test_mistakes_get_a_sentence_not_a_traceback(sandbox_client: Client) -> None:
    unknown = await sandbox_client.post("/api/send", json={"chat": 42, "text": "hi"})
    assert (unknown.status, await unknown.json()) == (
        400, {"error": "That chat is not from this sandbox run: start a new respondent."})
    chat = await new_respondent(sandbox_client)
    empty = await sandbox_client.post("/api/send", json={"chat": chat, "text": "  "})
    assert (await empty.json())["error"] == "Type a message first."
    stale = await sandbox_client.post("/api/press",
                                      json={"chat": chat, "message_id": 99, "data": "x"})
    assert (await stale.json())["error"] == "That button is no longer there."
    study = await sandbox_client.post("/api/respondents", json={"study_id": "nope"})
    assert "no valid script for study 'nope'" in (await study.json())["error"]


async def test_the_page_and_its_assets_are_served_from_the_package(
    sandbox_client: Client,
) -> None:
    page = await sandbox_client.get("/")
    html = await page.text()
    assert page.status == 200
    assert "/static/sandbox.js" in html
    assert "https://" not in html  # no CDN: the sandbox works offline
    script = await sandbox_client.get("/static/sandbox.js")
    assert script.status == 200
    assert "/api/press" in await script.text()
