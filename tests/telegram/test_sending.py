"""Requests Telegram fails for a moment are tried again; requests it refuses are not."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.telegram.sending import RetryingRateLimiter, RetryPolicy
from bot.testing.fake_bot_api import FakeBotApi
from bot.testing.fake_faults import (
    BAD_GATEWAY,
    FLOOD,
    GATEWAY_TIMEOUT,
    SERVER_ERROR,
    TIMEOUT,
    Fault,
)

QUICK = RetryPolicy(attempts=4, first=0.01, most=0.05)


@pytest.fixture
async def limiter() -> RetryingRateLimiter:
    """The production limiter with short waits (PTB waits out one 429 itself first)."""
    return RetryingRateLimiter(overall_max_rate=0, max_retries=1, policy=QUICK)


@pytest.fixture
async def bot(fake_bot_api: FakeBotApi, limiter: RetryingRateLimiter) -> AsyncIterator[ExtBot[None]]:
    """A real PTB bot that gives up on an answer after half a second, sending through `limiter`."""
    async with ExtBot("123:ABC", base_url=fake_bot_api.base_url,
                      request=HTTPXRequest(read_timeout=0.5), rate_limiter=limiter) as client:
        yield client


@pytest.mark.parametrize("kind", [SERVER_ERROR, BAD_GATEWAY, GATEWAY_TIMEOUT, TIMEOUT])
async def test_a_passing_failure_is_retried_until_the_message_arrives(
    fake_bot_api: FakeBotApi, bot: ExtBot[None], limiter: RetryingRateLimiter, kind: str
) -> None:
    fake_bot_api.user_sends_text(7, "hi")
    fake_bot_api.faults.queue("sendMessage", [Fault(kind), Fault(kind)])

    sent = await bot.send_message(7, "Where do you work?")

    assert fake_bot_api.texts(7) == ["Where do you work?"]
    assert sent.text == "Where do you work?"
    assert limiter.retries == 2


async def test_flood_waits_beyond_the_rate_limiter_s_own_retries_are_waited_out(
    fake_bot_api: FakeBotApi, bot: ExtBot[None], limiter: RetryingRateLimiter
) -> None:
    fake_bot_api.user_sends_text(7, "hi")
    # PTB's limiter waits out the first (max_retries=1) and gives up on the second.
    fake_bot_api.faults.queue("sendMessage", [Fault(FLOOD, retry_after=1)] * 2)

    await bot.send_message(7, "Where do you work?")

    assert fake_bot_api.texts(7) == ["Where do you work?"]
    assert limiter.retries == 1


async def test_a_timeout_that_took_effect_shows_the_message_twice_rather_than_never(
    fake_bot_api: FakeBotApi, bot: ExtBot[None]
) -> None:
    fake_bot_api.user_sends_text(7, "hi")
    fake_bot_api.fail_with_timeout("sendMessage", delivered=True)

    await bot.send_message(7, "Where do you work?")

    assert fake_bot_api.texts(7) == ["Where do you work?", "Where do you work?"]


async def test_a_refused_request_is_not_retried(fake_bot_api: FakeBotApi, bot: ExtBot[None],
                                                limiter: RetryingRateLimiter) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(404, "anyone there?")

    assert len(fake_bot_api.calls("sendMessage")) == 1
    assert limiter.retries == 0


async def test_a_failure_that_lasts_is_raised_after_the_last_attempt(
    fake_bot_api: FakeBotApi, bot: ExtBot[None]
) -> None:
    fake_bot_api.user_sends_text(7, "hi")
    fake_bot_api.fail_with_server_error("sendMessage", times=QUICK.attempts, status=502)

    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(7, "Where do you work?")

    assert len(fake_bot_api.calls("sendMessage")) == QUICK.attempts
    await bot.send_message(7, "Where do you work?")  # the next call is tried afresh
    assert fake_bot_api.texts(7) == ["Where do you work?"]


async def test_a_typing_hint_is_not_worth_retrying(fake_bot_api: FakeBotApi,
                                                   bot: ExtBot[None]) -> None:
    fake_bot_api.user_sends_text(7, "hi")
    fake_bot_api.fail_with_timeout("sendChatAction")

    with pytest.raises(TimedOut):
        await bot.send_chat_action(7, "typing")

    assert len(fake_bot_api.calls("sendChatAction")) == 1


def test_the_waits_double_up_to_a_ceiling_with_some_jitter() -> None:
    import random

    policy = RetryPolicy(first=0.5, most=10.0, jitter=0.25)
    waits = [policy.wait(retry, random.Random(retry)) for retry in range(7)]

    assert [round(w / b, 2) for w, b in zip(waits, [0.5, 1, 2, 4, 8, 10, 10], strict=True)
            if not 0.75 <= w / b <= 1.25] == []
    assert sum(RetryPolicy().wait(r, random.Random(0)) for r in range(RetryPolicy().attempts - 1)) < 60
