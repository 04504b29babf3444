"""The fake Bot API for benchmarks, in its own process (like Telegram, a remote server) or not.

Run in a child process, the fake no longer competes with the bot under test for the event loop
and the GIL; the bot gets a core of its own, as it would in production. The child serves the
Bot API as usual plus a small control API that the benchmark drives through `FakeServer`.
Times are `time.perf_counter()`, CLOCK_MONOTONIC on Linux, so they compare across processes.

Child entry point: `python -m bench.remote_fake` (prints its addresses, stops when stdin closes).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import aiohttp
from aiohttp import web

from bot.testing.fake_bot_api import FakeBotApi
from bot.testing.fake_objects import JSON
from bot.testing.fake_spread import Delivery

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Call:
    """One request of the bot as the fake recorded it."""

    chat_id: int | None
    text: str | None
    at: float


@dataclass(frozen=True)
class Polling:
    """What fetching updates cost: getUpdates calls, and update copies handed out again."""

    calls: int
    copies: int  # updates in all the answers together
    unique: int  # distinct updates among them

    @property
    def refetched(self) -> int:
        """Copies of updates the bot had been handed before (at-least-once polling's price)."""
        return self.copies - self.unique

    def report(self) -> str:
        """One phrase for the console."""
        return f"{self.calls} getUpdates calls, {self.refetched} re-fetched update copies"


class CountingFakeBotApi(FakeBotApi):
    """The fake Telegram, also counting the updates each getUpdates answer carried."""

    def __init__(self) -> None:
        super().__init__()
        self.copies = 0
        self.handed: set[int] = set()

    async def _get_updates(self, params: JSON) -> list[JSON]:
        updates = await super()._get_updates(params)
        self.copies += len(updates)
        self.handed.update(u["update_id"] for u in updates)
        return updates

    def polling(self) -> Polling:
        """The counts so far."""
        return Polling(self.get_updates_count, self.copies, len(self.handed))


class FakeServer:
    """The fake Bot API, in this process (`remote=False`) or a child process; same interface."""

    def __init__(self, *, remote: bool) -> None:
        """Choose where the fake runs; `async with` starts and stops it."""
        self.remote = remote
        self._local: CountingFakeBotApi | None = None
        self._child: asyncio.subprocess.Process | None = None
        self._session: aiohttp.ClientSession | None = None
        self._control = ""
        self.base_url = ""

    async def __aenter__(self) -> Self:
        if not self.remote:
            self._local = await CountingFakeBotApi().__aenter__()
            self.base_url = self._local.base_url
            return self
        self._child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.remote_fake", cwd=ROOT,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        assert self._child.stdout is not None
        addresses = json.loads(await self._child.stdout.readline())
        self.base_url, self._control = addresses["api"], addresses["control"]
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None))
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._local is not None:
            await self._local.stop()
        if self._session is not None:
            await self._session.close()
        if self._child is not None:
            assert self._child.stdin is not None
            self._child.stdin.close()  # the child's signal to stop
            try:
                await asyncio.wait_for(self._child.wait(), 10)
            except TimeoutError:
                self._child.kill()
                await self._child.wait()

    async def _ask(self, path: str, body: Any = None) -> Any:
        assert self._session is not None
        async with self._session.post(f"{self._control}/{path}", json=body) as response:
            response.raise_for_status()
            return await response.json()

    async def set_latency(self, method: str, seconds: float) -> None:
        """Every call of `method` takes `seconds` before answering."""
        if self._local is not None:
            self._local.set_latency(method, seconds)
        else:
            await self._ask("latency", [method, seconds])

    async def set_flakiness(self, method: str, rate: float,
                            kinds: tuple[str, ...] = ("500", "502", "timeout")) -> None:
        """Calls of `method` fail at random (seeded) with probability `rate`: 429, 5xx, timeouts."""
        if self._local is not None:
            self._local.set_flakiness(method, rate, kinds)
        else:
            await self._ask("flakiness", [method, rate, list(kinds)])

    async def faults(self) -> list[tuple[str, str]]:
        """The faults served so far, as (method, kind)."""
        if self._local is not None:
            return list(self._local.faults.served)
        return [(method, kind) for method, kind in await self._ask("faults")]

    async def push(self, messages: list[tuple[int, str]]) -> list[tuple[int, float]]:
        """Users send these (chat, text) messages; returns each update's id and push time."""
        if self._local is not None:
            return _push(self._local, messages)
        return [(update_id, at) for update_id, at in await self._ask("push", messages)]

    async def wait_for_calls(self, method: str, count: int, timeout: float) -> None:  # noqa: ASYNC109
        """Wait until the bot made at least `count` calls of `method`."""
        if self._local is not None:
            fake = self._local
            await fake.wait_for(lambda: len(fake.calls(method)) >= count, timeout)
        elif not await self._ask("wait", [method, count, timeout]):
            raise TimeoutError(f"fewer than {count} {method} calls after {timeout} s")

    async def calls(self, method: str) -> list[Call]:
        """The bot's calls of `method`, in arrival order."""
        if self._local is not None:
            return _calls(self._local, method)
        return [Call(*row) for row in await self._ask("calls", method)]

    async def polling(self) -> Polling:
        """getUpdates calls and update copies so far."""
        if self._local is not None:
            return self._local.polling()
        return Polling(*await self._ask("polling"))

    async def spread_webhook(self, targets: list[str], connections: int) -> None:
        """Deliver updates to these workers in turn, `connections` at a time (see fake_spread)."""
        if self._local is not None:
            self._local.spread_webhook(targets, connections=connections)
            return
        await self._ask("spread", [targets, connections])

    async def deliveries(self) -> list[Delivery]:
        """Every webhook POST of the spread delivery so far."""
        if self._local is not None:
            return list(self._local.spread.deliveries) if self._local.spread else []
        return [Delivery(*row) for row in await self._ask("deliveries")]

    async def pending(self) -> int:
        """Updates not yet delivered."""
        if self._local is not None:
            return len(self._local.pending_updates)
        return int(await self._ask("pending"))

    async def texts(self) -> dict[int, list[str | None]]:
        """Each chat's bot messages (texts, edits applied), oldest first."""
        if self._local is not None:
            return _texts(self._local)
        return {int(chat): texts for chat, texts in (await self._ask("texts")).items()}


def _push(fake: FakeBotApi, messages: list[tuple[int, str]]) -> list[tuple[int, float]]:
    """Queue the messages; each with its update id and the time it was queued."""
    pushed = []
    for chat, text in messages:
        update = fake.user_sends_text(chat, text)
        pushed.append((int(update["update_id"]), time.perf_counter()))
    return pushed


def _calls(fake: FakeBotApi, method: str) -> list[Call]:
    """The recorded calls of one method as plain values."""
    return [Call(c.chat_id, c.params.get("text"), c.at) for c in fake.calls(method)]


def _texts(fake: FakeBotApi) -> dict[int, list[str | None]]:
    """Every chat's texts."""
    chats = defaultdict(list)
    for chat in fake.world.messages:
        chats[chat] = fake.texts(chat)
    return dict(chats)


async def _serve() -> None:
    """The child: the fake plus its control API, until stdin closes."""
    async with CountingFakeBotApi() as fake:

        async def latency(request: web.Request) -> web.Response:
            method, seconds = await request.json()
            fake.set_latency(method, seconds)
            return web.json_response(True)

        async def flakiness(request: web.Request) -> web.Response:
            method, rate, kinds = await request.json()
            fake.set_flakiness(method, rate, tuple(kinds))
            return web.json_response(True)

        async def faults(_request: web.Request) -> web.Response:
            return web.json_response(fake.faults.served)

        async def push(request: web.Request) -> web.Response:
            return web.json_response(_push(fake, await request.json()))

        async def wait(request: web.Request) -> web.Response:
            method, count, timeout = await request.json()
            try:
                await fake.wait_for(lambda: len(fake.calls(method)) >= count, timeout)
            except TimeoutError:
                return web.json_response(False)
            return web.json_response(True)

        async def calls(request: web.Request) -> web.Response:
            rows = [[c.chat_id, c.text, c.at] for c in _calls(fake, await request.json())]
            return web.json_response(rows)

        async def texts(_request: web.Request) -> web.Response:
            return web.json_response(_texts(fake))

        async def polling(_request: web.Request) -> web.Response:
            counts = fake.polling()
            return web.json_response([counts.calls, counts.copies, counts.unique])

        async def spread(request: web.Request) -> web.Response:
            targets, connections = await request.json()
            fake.spread_webhook(targets, connections=connections)
            return web.json_response(True)

        async def deliveries(_request: web.Request) -> web.Response:
            done = fake.spread.deliveries if fake.spread is not None else []
            return web.json_response([[d.update_id, d.target, d.started, d.ended, d.status]
                                      for d in done])

        async def pending(_request: web.Request) -> web.Response:
            return web.json_response(len(fake.pending_updates))

        app = web.Application(client_max_size=64 * 1024 * 1024)
        for name, handler in (("latency", latency), ("push", push), ("wait", wait),
                              ("calls", calls), ("texts", texts), ("polling", polling),
                              ("flakiness", flakiness), ("faults", faults),
                              ("spread", spread), ("deliveries", deliveries),
                              ("pending", pending)):
            app.router.add_post(f"/{name}", handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        control = f"http://127.0.0.1:{runner.addresses[0][1]}"
        print(json.dumps({"api": fake.base_url, "control": control}), flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.buffer.read)  # returns at EOF
        await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(_serve())
