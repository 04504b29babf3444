"""Poison-proof webhook: an update the library can't parse is answered 200 (Telegram would resend
anything else), logged once by id, and the next updates are served. The fake Telegram delivers to
the production webhook app (`serve_webhook`) like Telegram: one at a time, retrying non-2xx answers.
"""

from __future__ import annotations

import aiohttp

from bot.telegram.intake import ALLOWED_UPDATES
from bot.testing.fake_bot_api import SECRET_HEADER, FakeBotApi
from bot.testing.fake_updates import UNPARSEABLE
from tests.intake.production import SECRET, captured_logs, production_bot
from tests.intake.test_intake_polling import PEOPLE, ignored, leaks, meet_everyone, send_poison


async def test_unreadable_updates_are_acknowledged_once_and_everyone_is_answered(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    meet_everyone(fake_bot_api)
    with captured_logs() as logs:
        async with production_bot(fake_bot_api, database_url, webhook=True):
            assert fake_bot_api.world.allowed_updates == list(ALLOWED_UPDATES)
            poison = send_poison(fake_bot_api)
            for user_id in PEOPLE:
                fake_bot_api.user_sends_text(user_id, "/start")
            await fake_bot_api.wait_for(
                lambda: all(fake_bot_api.sent_messages(u) for u in PEOPLE), timeout=30)
            await fake_bot_api.wait_for(lambda: not fake_bot_api.pending_updates, timeout=10)

    poisoned = {u["update_id"] for u in poison}
    answers = [d.status for d in fake_bot_api.webhook_deliveries if d.update_id in poisoned]
    assert answers == [200] * len(UNPARSEABLE)  # one delivery each: none was sent again
    for update_id in poisoned:
        assert len(ignored(logs, update_id)) == 1
    assert leaks(logs) == []
    assert [line for line in logs.lines if line.startswith(("ERROR", "CRITICAL"))] == []


async def test_a_body_that_is_not_an_update_is_acknowledged(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with production_bot(fake_bot_api, database_url, webhook=True):
        hook = fake_bot_api.world.webhook
        assert hook is not None
        headers = {SECRET_HEADER: SECRET}
        statuses = []
        async with aiohttp.ClientSession() as http:
            for body in (b"{not json", b"[1, 2, 3]", b'{"update_id": "seven"}', b"{}"):
                async with http.post(hook.url, data=body, headers=headers) as response:
                    statuses.append(response.status)
            async with http.post(hook.url, data=b"{}") as response:  # no secret: refused
                statuses.append(response.status)

    assert statuses == [200, 200, 200, 200, 403]
