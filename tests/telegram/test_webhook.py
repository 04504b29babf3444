"""Webhook mode: only Telegram (holding the secret) may post updates; /health and /ready answer."""

import aiohttp
from aiohttp.test_utils import TestClient, TestServer

from bot.telegram.health import Health
from bot.telegram.webhook import SECRET_HEADER, webhook_app
from bot.testing.fake_bot_api import FakeBotApi
from tests.telegram.harness import SECRET, running_bot

UPDATE = {
    "update_id": 1,
    "message": {"message_id": 1, "date": 0, "chat": {"id": 801, "type": "private"},
                "from": {"id": 801, "is_bot": False, "first_name": "Eve"}, "text": "/start"},
}


async def test_posts_without_or_with_a_wrong_secret_are_refused_and_ignored(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with running_bot(fake_bot_api, database_url, webhook=True) as bot:
        assert bot.webhook_url is not None
        missing = await fake_bot_api.post_to_webhook(UPDATE, url=bot.webhook_url, omit_secret=True)
        wrong = await fake_bot_api.post_to_webhook(UPDATE, url=bot.webhook_url,
                                                   secret_token="guess")
        await bot.drain()
        assert (missing, wrong) == (403, 403)
        assert fake_bot_api.calls("sendMessage") == []


async def test_the_webhook_is_registered_with_its_secret_and_health_answers(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with running_bot(fake_bot_api, database_url, webhook=True) as bot:
        assert bot.webhook_url is not None
        [registered] = fake_bot_api.calls("setWebhook")
        assert registered.params["secret_token"] == SECRET
        health = bot.webhook_url.replace("/telegram", "/health")
        async with aiohttp.ClientSession() as client, client.get(health) as response:
            assert response.status == 200
            assert await response.json() == {"ok": True, "running": True, "database": True,
                                             "draining": False}
        ready = bot.webhook_url.replace("/telegram", "/ready")
        async with aiohttp.ClientSession() as client, client.get(ready) as response:
            assert response.status == 200
        accepted = await fake_bot_api.post_to_webhook(UPDATE, url=bot.webhook_url)
        assert accepted == 200
        await fake_bot_api.wait_for(lambda: fake_bot_api.calls("sendMessage", chat_id=801))


async def _database_down() -> bool:
    return False


async def test_a_worker_without_its_database_is_unhealthy_and_not_ready(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with running_bot(fake_bot_api, database_url, webhook=True) as bot:
        health = Health(lambda: bot.application.running, _database_down)
        app = webhook_app(bot.application, SECRET, health=health)
        async with TestClient(TestServer(app)) as client:
            unhealthy = await client.get("/health")
            unready = await client.get("/ready")
            assert unhealthy.status == 503
            assert (await unhealthy.json())["database"] is False
            assert unready.status == 503


async def test_a_draining_worker_finishes_nothing_new_and_says_it_is_not_ready(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with running_bot(fake_bot_api, database_url, webhook=True) as bot:
        health = Health(lambda: bot.application.running, bot.repository.healthy)
        app = webhook_app(bot.application, SECRET, health=health)
        async with TestClient(TestServer(app)) as client:
            assert (await client.get("/ready")).status == 200
            health.draining = True  # SIGTERM arrived
            refused = await client.post("/telegram", json=UPDATE,
                                        headers={SECRET_HEADER: SECRET})
            assert refused.status == 503  # the load balancer or Telegram retries elsewhere
            assert (await client.get("/ready")).status == 503
            assert (await client.get("/health")).status == 200  # alive, just leaving
        await bot.drain()
        assert fake_bot_api.calls("sendMessage", chat_id=801) == []
