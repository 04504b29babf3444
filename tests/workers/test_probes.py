"""A polling bot answers /health and /ready too, and SIGTERM lets the update in flight finish."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from bot.testing.fake_bot_api import FakeBotApi
from bot.testing.fleet import Fleet
from tests.workers.test_workers import DIALOGS


async def test_a_polling_bot_probes_and_finishes_its_update_on_sigterm(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    async with FakeBotApi() as fake:
        fake.set_latency("sendMessage", 1.5)  # slow enough to be caught mid-reply
        async with Fleet(1, url, fake.base_url, DIALOGS, tmp_path / "fleet",
                         webhook=False) as fleet:
            worker = fleet.workers[0]
            async with aiohttp.ClientSession() as client:
                async with client.get(f"{worker.base}/health") as response:
                    health = await response.json()
                async with client.get(f"{worker.base}/ready") as response:
                    ready = response.status

            polls = fake.get_updates_count
            fake.user_sends_text(7, "/start")
            await fake.wait_for(lambda: fake.get_updates_count > polls, timeout=30)
            await asyncio.sleep(0.5)  # fetched, its reply on the way (sendMessage takes 1.5 s)
            assert not fake.texts(7)
            status = await fleet.stop(worker)  # SIGTERM mid-reply
            confirmed = not fake.pending_updates

    assert health == {"ok": True, "running": True, "database": True, "draining": False}
    assert ready == 200
    assert status == 0
    assert fake.texts(7)  # the welcome went out before the bot exited
    assert confirmed  # and Telegram was told the update is done: no copy after a restart
