"""Baseline: a bare PTB echo bot with PerChatUpdateProcessor against the fake Bot API.

Updates come through the production path, our at-least-once `Poller`, unless `--updater`
(PTB's Updater, which confirms updates before they are processed).

Run: `.venv/bin/python -m bench.echo_bot [--updater]` (prints throughput and latency figures).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import statistics
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bench.remote_fake import FakeServer, Polling
from bot.telegram.polling import Poller
from bot.telegram.processor import PerChatUpdateProcessor


@dataclass(frozen=True)
class EchoBenchResult:
    """Figures of one run: latency is update pushed → reply received by the fake."""

    updates: int
    chats: int
    send_latency_ms: float
    seconds: float
    throughput: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float  # CPU time of this process per update: with a remote fake, the bot's own cost
    polling: Polling

    def report(self) -> str:
        """One line for the console."""
        return (f"{self.updates} updates from {self.chats} chats, sendMessage {self.send_latency_ms:.0f}"
                f" ms: {self.throughput:.0f} updates/s, latency p50 {self.p50_ms:.0f} ms,"
                f" p99 {self.p99_ms:.0f} ms ({self.seconds:.2f} s; CPU {self.cpu_ms:.1f} ms/update;"
                f" {self.polling.report()})")


@contextlib.asynccontextmanager
async def delivering(application: Application[Any, Any, Any, Any, Any, Any], *,
                     updater: bool) -> AsyncIterator[None]:
    """Feed the started application: our Poller as in production, or PTB's Updater."""
    if updater:
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0)
        try:
            yield
        finally:
            await application.updater.stop()
        return
    stop = asyncio.Event()
    polling = asyncio.create_task(Poller(application).run(stop))
    try:
        yield
    finally:
        stop.set()
        await polling


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer with the same text."""
    if update.effective_message is not None and update.effective_message.text:
        await update.effective_message.reply_text(update.effective_message.text)


def build_echo_application(
    base_url: str, max_concurrent_updates: int = 256, connection_pool_size: int = 256,
    *, updater: bool = False,
) -> Application:  # type: ignore[type-arg]
    """A PTB echo bot talking to the fake, processing chats concurrently and each in order."""
    builder = (
        ApplicationBuilder()
        .token("123:ABC")
        .base_url(base_url)
        .connection_pool_size(connection_pool_size)
        .concurrent_updates(PerChatUpdateProcessor(max_concurrent_updates))
    )
    if not updater:
        builder = builder.updater(None)  # the Poller fetches instead
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    return application


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def run_echo_benchmark(*, updates: int = 2000, chats: int = 200, send_latency: float = 0.05,
                             max_concurrent_updates: int = 256, connection_pool_size: int = 256,
                             rate: float | None = None, remote: bool = True, updater: bool = False,
                             timeout: float = 300.0) -> EchoBenchResult:  # noqa: ASYNC109
    """Push `updates` texts round-robin from `chats` chats (all at once, or `rate` per second).

    `remote`: the fake Bot API runs in a process of its own (see `bench.remote_fake`).
    `updater`: PTB's Updater fetches updates instead of our Poller.
    """
    async with FakeServer(remote=remote) as fake:
        await fake.set_latency("sendMessage", send_latency)
        application = build_echo_application(fake.base_url, max_concurrent_updates,
                                             connection_pool_size, updater=updater)
        async with application:
            await application.start()
            async with delivering(application, updater=updater):
                messages = [(n % chats + 1, f"{n % chats + 1}:{n}") for n in range(updates)]
                start, cpu = time.perf_counter(), time.process_time()
                if rate is None:
                    pushes = await fake.push(messages)
                else:
                    pushes = []
                    for n, message in enumerate(messages):
                        # Pace against the start time so sleep overshoot does not accumulate.
                        await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
                        pushes += await fake.push([message])
                await fake.wait_for_calls("sendMessage", updates, timeout)
                replies = await fake.calls("sendMessage")
                seconds = max(c.at for c in replies) - start
                cpu = time.process_time() - cpu
                polling = await fake.polling()
            await application.stop()
    pushed = {text: at for (_, text), (_, at) in zip(messages, pushes, strict=True)}
    latencies = [(c.at - pushed[c.text or ""]) * 1000 for c in replies]
    return EchoBenchResult(updates, chats, send_latency * 1000, seconds, updates / seconds,
                           statistics.median(latencies), percentile(latencies, 0.99),
                           cpu * 1000 / updates, polling)


def main() -> None:
    """Print the baseline: a 2,000-update burst from 200 chats, then a steady 50 updates/s."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--updater", action="store_true",
                        help="fetch with PTB's Updater instead of our at-least-once Poller")
    updater = parser.parse_args().updater
    logging.basicConfig(level=logging.WARNING)
    # httpx logs request URLs at INFO, and they contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    print(f"delivery: {'PTB Updater' if updater else 'Poller (production)'}")
    print("burst: ", asyncio.run(run_echo_benchmark(updater=updater)).report())
    print("steady:", asyncio.run(run_echo_benchmark(updates=500, rate=50, updater=updater)).report())


if __name__ == "__main__":
    main()
