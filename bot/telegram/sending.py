"""Requests to Telegram retried with backoff when Telegram hiccups, not only on flood waits.

PTB's `AIORateLimiter` paces requests and waits out 429s a few times; a 500, the front proxy's
502/504 page or a timeout reaches the handler at once. All are transient at Telegram: here they
are retried with a doubling, jittered wait, so a hiccup delays a reply instead of losing it.
A timed-out request may have taken effect anyway, so a retry can show a message twice: better
than a question never shown. Requests Telegram refused (400, 403) are never retried.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

# A "typing…" hint is worthless late; updates are fetched (and retried) by the poller itself.
NOT_RETRIED = frozenset({"sendChatAction", "getUpdates"})

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


def seconds(retry_after: object) -> float:
    """RetryAfter.retry_after is an int or a timedelta depending on PTB settings."""
    total = getattr(retry_after, "total_seconds", None)
    return float(total()) if callable(total) else float(retry_after)  # type: ignore[arg-type]


def transient(error: BaseException) -> bool:
    """Whether Telegram may well accept the same request a little later (5xx, timeout, 429)."""
    return isinstance(error, RetryAfter | NetworkError) and not isinstance(error, BadRequest)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a failed request is tried again."""

    attempts: int = 6  # tries in all: the waits add up to about 15 s before giving up
    first: float = 0.5
    most: float = 10.0
    jitter: float = 0.25  # share of each wait drawn at random, so chats do not retry in step

    def wait(self, retry: int, rng: random.Random) -> float:
        """Seconds before retry number `retry` (0 for the first retry)."""
        base = min(self.most, self.first * 2.0**retry)
        return base * (1 - self.jitter + 2 * self.jitter * rng.random())


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter that also retries 5xx answers and timeouts, with backoff."""

    def __init__(self, *, overall_max_rate: float, max_retries: int,
                 policy: RetryPolicy | None = None) -> None:
        """Telegram's pacing (30 messages a second by default), and the retry policy."""
        super().__init__(overall_max_rate=overall_max_rate, max_retries=max_retries)
        self.policy = policy or RetryPolicy()
        self.retries = 0  # requests tried again (for logs and tests)
        self._rng = random.Random()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        """Send through the rate limiter; on a transient failure wait and try again."""
        retry = 0
        while True:
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data,
                                                     rate_limit_args)
            except (NetworkError, RetryAfter) as error:
                if (not transient(error) or endpoint in NOT_RETRIED
                        or retry + 1 >= self.policy.attempts):
                    raise
                wait = self.policy.wait(retry, self._rng)
                if isinstance(error, RetryAfter):
                    wait = max(wait, seconds(error.retry_after))
                # The class only: a message may quote the request, and URLs hold the token.
                log.warning("%s failed (%s); trying again in %.1f s", endpoint,
                            error.__class__.__name__, wait)
                self.retries += 1
                retry += 1
                await asyncio.sleep(wait)


class ProxyPageFilter(logging.Filter):
    """Tones down PTB's error (with traceback and the whole HTML page) for a non-JSON answer.

    Telegram's front proxy answers 502/504 with an HTML page; PTB logs it at ERROR before raising
    the NetworkError that is retried here (and logged as a warning). One short warning remains.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite PTB's "Can not load invalid JSON data" record; pass every other one."""
        if isinstance(record.msg, str) and record.msg.startswith("Can not load invalid JSON"):
            record.msg, record.args = "Telegram answered with a page that is not JSON", ()
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info, record.exc_text = None, None
        return True


def quiet_proxy_pages() -> None:
    """Install `ProxyPageFilter` on PTB's request logger (once)."""
    logger = logging.getLogger("telegram.request.BaseRequest")
    if not any(isinstance(f, ProxyPageFilter) for f in logger.filters):
        logger.addFilter(ProxyPageFilter())
