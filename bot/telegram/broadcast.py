"""Telegram's side of a broadcast: one sendMessage, its failures sorted by what they mean."""

from __future__ import annotations

import asyncio
import warnings

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.outreach import Retry, Send, SendResult
from storage import RecipientStatus

CONNECTION_RETRIES = 3
CONNECTIONS = 32  # enough for 30 a second with answers taking up to a second


def broadcast_bot(token: str, api_url: str | None = None) -> Bot:
    """A plain PTB `Bot` for a broadcast (no rate limiter: the broadcaster paces itself)."""
    request = HTTPXRequest(connection_pool_size=CONNECTIONS)
    if not api_url:
        return Bot(token, request=request)
    url = api_url.rstrip("/")  # a Bot API server address such as http://host:8081
    return Bot(token, base_url=url if url.endswith("/bot") else f"{url}/bot", request=request)


def _seconds(error: RetryAfter) -> float:
    """RetryAfter.retry_after is an int or a timedelta depending on PTB settings."""
    with warnings.catch_warnings():  # either is fine here: it becomes seconds
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        retry_after = error.retry_after
    total = getattr(retry_after, "total_seconds", None)
    return float(total()) if callable(total) else float(retry_after)  # type: ignore[arg-type]


def telegram_send(bot: Bot, *, retries: int = CONNECTION_RETRIES, backoff: float = 0.5) -> Send:
    """`send(chat_id, text)` for the broadcaster, over an initialised PTB `Bot`.

    A 429 comes back as `Retry` (the broadcaster holds every send, not just this one). A block
    or a deleted account is `BLOCKED`; a refused chat is `FAILED`. A timeout may have delivered
    the message, so it is `IN_DOUBT` and never retried; a connection or server error is retried
    a few times.
    """
    async def send(chat_id: int, text: str) -> SendResult:
        for attempt in range(retries + 1):
            try:
                await bot.send_message(chat_id, text)
                return RecipientStatus.SENT
            except RetryAfter as error:
                return Retry(_seconds(error))
            except Forbidden:  # "bot was blocked by the user", "user is deactivated"
                return RecipientStatus.BLOCKED
            except BadRequest:  # "chat not found" and the like: it will not get better
                return RecipientStatus.FAILED
            except TimedOut:
                return RecipientStatus.IN_DOUBT
            except NetworkError:
                if attempt < retries:
                    await asyncio.sleep(backoff * 2**attempt)
        return RecipientStatus.FAILED

    return send
