"""The Write to respondents page over HTTP (aiohttp's test client), sending through the fake Bot
API: what the researcher sees, what they are told when something is wrong, and that whatever
they click nobody gets the message twice and nobody who did not opt in gets it at all.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot import redaction
from bot.testing.fake_bot_api import FakeBotApi
from bot.web.research import SAVE_HEADER, create_research_app
from storage import create_repository
from tests.outreach.page_study import (
    ENGLISH,
    FRENCH,
    OPTED_IN,
    PEOPLE,
    STUDY,
    TOKEN,
    open_chats,
    page_settings,
    planted_database,
)

Client = TestClient[web.Request, web.Application]
Connect = Callable[..., Awaitable[Client]]
SAVE = {SAVE_HEADER: "1"}
API = f"/api/study/{STUDY}/broadcast"
THANKS = {"name": "results-january",
          "texts": {"en": "{respondents} of you answered. We built lanes!",
                    "fr": "Vous êtes {respondents}. Nous avons construit des pistes !"}}


@pytest.fixture
async def connect(tmp_path: Path, fake_bot_api: FakeBotApi) -> AsyncIterator[Connect]:
    """`await connect()`: the research pages over the planted study, sending through the fake
    Bot API (`token=False`: no bot token set). Each call is a fresh server process's app."""
    url = await planted_database(tmp_path)
    open_chats(fake_bot_api)
    clients: list[Client] = []

    async def start(*, token: bool = True) -> Client:
        settings = page_settings(tmp_path, fake_bot_api if token else None, database_url=url)
        client: Client = TestClient(TestServer(create_research_app(settings)))
        await client.start_server()
        clients.append(client)
        return client

    yield start
    for client in clients:
        await client.close()


async def post(client: Client, what: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = await client.post(f"{API}/{what}", json=body, headers=SAVE)
    return response.status, await response.json()


async def finished(client: Client, name: str) -> dict[str, Any]:
    """Poll the status as the page does until the run is over."""
    for _ in range(200):
        state: dict[str, Any] = await (await client.get(f"{API}/status",
                                                        params={"name": name})).json()
        if not state["running"]:
            return state
        await asyncio.sleep(0.05)
    raise TimeoutError(f"{name} still running")


def outcomes(state: dict[str, Any]) -> dict[str, int]:
    return {o["key"]: o["count"] for o in state["outcomes"]}


def received(fake: FakeBotApi) -> dict[int, list[str | None]]:
    """Who got which messages (everyone planted, even those who got none)."""
    return {p.user_id: fake.texts(p.user_id) for p in PEOPLE}


async def test_the_page_counts_who_opted_in_and_explains_the_figures(connect: Connect) -> None:
    client = await connect()
    page = await (await client.get(f"/study/{STUDY}/broadcast")).text()

    # 11 chose to hear about the results: 7 English, 3 French, 1 German; 5 doers, 6 non-doers.
    assert '<strong class="big">11</strong> people chose' in page
    assert "<td>en</td><td>7</td>" in page
    assert "<td>fr</td><td>3</td>" in page
    assert "de <span class=\"muted\">(no text in the script" in page
    assert "5 doers, 6 non-doers" in page
    assert 'name="text-en"' in page
    assert 'name="text-fr"' in page
    assert "<code>{top_barrier}</code>" in page
    assert "Now: 14" in page  # {respondents}: everyone who completed the interview
    assert "No broadcast yet." in page
    assert 'id="no-token"' not in page
    # Reached from the studies page and from the study's own page.
    for where in ("/", f"/study/{STUDY}"):
        assert f'href="/study/{STUDY}/broadcast"' in await (await client.get(where)).text()


async def test_a_preview_fills_the_figures_and_says_who_gets_which_text_sending_nothing(
    connect: Connect, fake_bot_api: FakeBotApi
) -> None:
    client = await connect()
    status, preview = await post(client, "preview", THANKS)

    assert status == 200, preview
    assert preview["texts"] == {"en": "14 of you answered. We built lanes!",
                                "fr": "Vous êtes 14. Nous avons construit des pistes !"}
    assert preview["total"] == 11
    assert [(s["language"], s["count"], s["gets"]) for s in preview["shares"]] == [
        ("en", 7, "en"), ("fr", 3, "fr"), ("de", 1, "en")]
    assert preview["resumed"] is False
    assert preview["can_send"] is True
    assert fake_bot_api.calls("sendMessage") == []


async def test_a_segment_narrows_the_preview(connect: Connect) -> None:
    client = await connect()
    _, preview = await post(client, "preview", {**THANKS, "segment": {
        "group": "doer", "language": "fr", "source": ""}})
    assert preview["total"] == 2  # 7 and 9
    assert [s["language"] for s in preview["shares"]] == ["fr"]


@pytest.mark.parametrize(("change", "says"), [
    ({"texts": {"en": "Hello {top_barier}"}}, "The en text: unknown figure {top_barier}"),
    ({"texts": {"en": "  ", "fr": ""}}, "Write the message in at least one language"),
    ({"texts": {"en": "{top_barrier} was the hardest"}},
     "The en text: the study has no {top_barrier} yet"),
    ({"texts": {"en": "Unclosed {brace"}}, "write {{ and }} for literal braces"),
    ({"texts": {"de": "Danke"}}, "de is not a language of this study (en, fr)"),
    ({"texts": {"en": "x" * 4097}}, "Telegram allows 4096"),
    ({"name": " "}, "Give the broadcast a name"),
    ({"name": "wave:cycling_wave2"}, "are the bot's follow-up invitations"),
    ({"segment": {"group": "cyclists"}}, "group is doer or non_doer, not 'cyclists'"),
])
async def test_mistakes_get_a_sentence_that_says_what_to_fix(
    connect: Connect, change: dict[str, Any], says: str
) -> None:
    client = await connect()
    status, answer = await post(client, "preview", {**THANKS, **change})
    assert status == 400
    assert says in answer["error"]
    assert "Traceback" not in answer["error"]


async def test_only_the_page_itself_may_preview_or_send(connect: Connect) -> None:
    client = await connect()
    for what in ("preview", "send", "resume", "stop"):
        response = await client.post(f"{API}/{what}", json=THANKS)  # no custom header
        assert response.status == 403
    forged = await client.post(f"{API}/send", json=THANKS,
                               headers={**SAVE, "Origin": "https://evil.example"})
    assert forged.status == 403


async def test_without_a_token_the_page_explains_and_still_previews(
    connect: Connect, fake_bot_api: FakeBotApi
) -> None:
    client = await connect(token=False)
    page = await (await client.get(f"/study/{STUDY}/broadcast")).text()
    assert "set <code>TELEGRAM_BOT_TOKEN</code>" in page

    status, preview = await post(client, "preview", THANKS)
    assert status == 200
    assert preview["can_send"] is False
    status, refused = await post(client, "send", THANKS)
    assert status == 409
    assert "TELEGRAM_BOT_TOKEN" in refused["error"]
    assert fake_bot_api.calls("sendMessage") == []


async def test_sending_reaches_each_opted_in_person_once_and_records_who_left(
    connect: Connect, fake_bot_api: FakeBotApi, caplog: pytest.LogCaptureFixture,
    request: pytest.FixtureRequest,
) -> None:
    caplog.set_level(logging.DEBUG)
    undo = redaction.install()  # as `perceptions research` runs: every record redacted
    request.addfinalizer(undo)
    client = await connect()
    status, started = await post(client, "send", THANKS)
    assert (status, started) == (202, {"started": True, "name": "results-january"})

    state = await finished(client, "results-january")

    assert outcomes(state) == {"sent": 9, "blocked": 2, "failed": 0, "in_doubt": 0,
                               "skipped": 0, "pending": 0}
    assert (state["done"], state["total"], state["sent_now"]) == (11, 11, 9)
    got = received(fake_bot_api)
    for user_id in ENGLISH[:-1]:
        assert got[user_id] == ["14 of you answered. We built lanes!"]
    for user_id in FRENCH:
        assert got[user_id] == ["Vous êtes 14. Nous avons construit des pistes !"]
    assert got[13] == got[14] == []  # left Telegram, blocked the bot: refused, recorded
    assert got[10] == got[11] == got[12] == []  # said no, never chose: never tried
    assert {c.params["chat_id"] for c in fake_bot_api.calls("sendMessage")} == set(OPTED_IN)

    # Sending it again (a second click, a second tab, another day) sends nobody anything.
    status, _ = await post(client, "send", THANKS)
    assert status == 202
    again = await finished(client, "results-january")
    assert again["sent_now"] == 0
    assert len(fake_bot_api.calls("sendMessage")) == len(OPTED_IN)
    # The list shows it; the preview of the same message says it was begun.
    page = await (await client.get(f"/study/{STUDY}/broadcast")).text()
    assert '<tr data-name="results-january"><td>results-january</td>' in page
    _, preview = await post(client, "preview", THANKS)
    assert (preview["resumed"], preview["sent"]) == (True, 9)
    # Other texts under the same name are refused, with what to do instead.
    status, refused = await post(client, "preview", {**THANKS, "texts": {"en": "Other words"}})
    assert status == 400
    assert "Give this message a new name" in refused["error"]
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot."))
    assert "Broadcast 'results-january' of study cycling_to_work: 9 sent by this run" in ours
    assert TOKEN.split(":")[1] not in caplog.text  # PTB's debug lines carry it, redacted
    assert "chat_id" not in ours


async def test_a_second_click_while_it_runs_finds_it_running(
    connect: Connect, fake_bot_api: FakeBotApi
) -> None:
    fake_bot_api.set_latency("sendMessage", 0.05)
    client = await connect()
    first, _ = await post(client, "send", THANKS)
    second, refused = await post(client, "send", THANKS)

    assert (first, second) == (202, 409)
    assert "is being sent already" in refused["error"]
    page = await (await client.get(f"/study/{STUDY}/broadcast")).text()
    assert 'data-running="1"' in page
    await finished(client, "results-january")
    assert len(fake_bot_api.calls("sendMessage")) == len(OPTED_IN)


async def test_a_broadcast_cut_short_by_a_restart_is_resumed_without_duplicates(
    connect: Connect, fake_bot_api: FakeBotApi
) -> None:
    fake_bot_api.set_latency("sendMessage", 0.1)
    client = await connect()
    await post(client, "send", THANKS)
    await fake_bot_api.wait_for(lambda: len(fake_bot_api.calls("sendMessage")) >= 3)
    await client.close()  # the server stops: sends under way finish, the rest go back

    fake_bot_api.set_latency("sendMessage", 0.0)
    restarted = await connect()
    page = await (await restarted.get(f"/study/{STUDY}/broadcast")).text()
    assert '<button type="button" class="resume">Resume</button>' in page
    state = await (await restarted.get(f"{API}/status",
                                       params={"name": "results-january"})).json()
    assert state["resumable"] is True
    assert 0 < outcomes(state)["pending"] < 11

    status, _ = await post(restarted, "resume", {"name": "results-january"})
    assert status == 202
    done = await finished(restarted, "results-january")

    assert outcomes(done)["sent"] + outcomes(done)["blocked"] == 11
    assert outcomes(done)["pending"] == outcomes(done)["in_doubt"] == 0
    chats = [c.params["chat_id"] for c in fake_bot_api.calls("sendMessage")]
    assert sorted(chats) == sorted(OPTED_IN)  # everyone once: 0 duplicates


async def test_stopping_from_the_page_gives_back_the_unsent(
    connect: Connect, fake_bot_api: FakeBotApi
) -> None:
    fake_bot_api.set_latency("sendMessage", 0.1)
    client = await connect()
    await post(client, "send", THANKS)
    await fake_bot_api.wait_for(lambda: len(fake_bot_api.calls("sendMessage")) >= 2)

    status, answer = await post(client, "stop", {"name": "results-january"})
    assert (status, answer) == (200, {"stopped": True})
    state = await finished(client, "results-january")

    assert state["stopped"] is True
    assert state["resumable"] is True
    assert outcomes(state)["in_doubt"] == 0  # the sends under way were settled
    assert outcomes(state)["pending"] == 11 - state["done"]
    await post(client, "resume", {"name": "results-january"})
    await finished(client, "results-january")
    assert sorted(c.params["chat_id"] for c in fake_bot_api.calls("sendMessage")) == OPTED_IN


async def test_wave_invitations_are_listed_but_left_to_the_bot(
    connect: Connect, tmp_path: Path
) -> None:
    client = await connect()
    repository = create_repository(f"sqlite+aiosqlite:///{tmp_path / 'page.db'}")
    try:
        from tests.outreach.page_study import NOW

        await repository.open_broadcast(study_id=STUDY, name="wave:cycling_wave2", sha256="x",
                                        texts={"en": "Again?"}, fallback="en", now=NOW)
    finally:
        await repository.close()

    page = await (await client.get(f"/study/{STUDY}/broadcast")).text()
    assert "wave:cycling_wave2" in page
    assert "follow-up invitations, sent by the bot" in page
    assert "2026-01-05 12:00 UTC" in page
    status, refused = await post(client, "resume", {"name": "wave:cycling_wave2"})
    assert status == 400
    assert "sent by the running bot" in refused["error"]
    status, unknown = await post(client, "resume", {"name": "nothing-like-it"})
    assert status == 404
    assert "has no broadcast called “nothing-like-it”" in unknown["error"]


async def test_an_unknown_study_is_a_page_that_says_so(connect: Connect) -> None:
    client = await connect()
    response = await client.get("/study/nothing/broadcast")
    assert response.status == 404
    assert "There is no valid script for study &#39;nothing&#39;" in await response.text()
    refused = await client.post("/api/study/nothing/broadcast/preview", json=THANKS,
                                headers=SAVE)
    assert refused.status == 404
