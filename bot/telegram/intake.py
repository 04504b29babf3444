"""Intake: Telegram's raw updates read one at a time, so one the library can't parse stops nobody.

python-telegram-bot parses a whole getUpdates answer at once: one update it can't read (Telegram's
API is often newer than the library) fails the call, the offset never moves past it, and every
later update waits behind it forever. Here each update is read on its own; one that can't be read
is logged once — its update id and the kind of problem, never its content — and confirmed.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from telegram import Bot, Update
from telegram.error import TelegramError

log = logging.getLogger(__name__)

# The update kinds the bot has handlers for; Telegram sends no others (and PTB's "every type"
# would add chat members, reactions, polls… that only cost a request and a parse each).
ALLOWED_UPDATES: tuple[str, ...] = (Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY)

_KIND = re.compile(r"[a-z_]{1,40}")  # what a Bot API field name looks like


class BadResponse(TelegramError):
    """Telegram's getUpdates answer was not a list of updates (retried like a network error)."""


@dataclass(frozen=True)
class Unreadable:
    """An update the library could not parse: what may be logged about it, and nothing else."""

    update_id: int | None  # None: not even an update id (Telegram never sends such a thing)
    kinds: str  # the update's kind(s), e.g. "poll_answer"
    problem: str  # the exception's class, e.g. "TypeError"

    def log(self) -> None:
        """Log the update once, at warning level, without its content."""
        log.warning("update %s ignored: the library cannot read this %s update (%s)",
                    self.update_id, self.kinds, self.problem)


def update_kinds(data: object) -> str:
    """The kinds of a raw update (its fields besides update_id), safe to log."""
    if not isinstance(data, dict):
        return f"non-object ({type(data).__name__})"
    kinds = [k if isinstance(k, str) and _KIND.fullmatch(k) else "?" for k in data
             if k != "update_id"]
    return "+".join(kinds) or "empty"


def _update_id(data: object) -> int | None:
    value = data.get("update_id") if isinstance(data, dict) else None
    # bool is an int to Python, but never an update id.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def read_update(data: object, bot: Bot) -> Update | Unreadable:
    """Parse one raw update; an Unreadable (never an exception) if the library can't."""
    update_id = _update_id(data)
    if update_id is None or not isinstance(data, dict):
        return Unreadable(update_id, update_kinds(data), "no update_id")
    try:
        update = Update.de_json(data, bot)
        insert_callback_data = getattr(bot, "insert_callback_data", None)
        if insert_callback_data is not None:  # ExtBot: what get_updates does after parsing
            insert_callback_data(update)
    except Exception as error:  # anything at all: the content is Telegram's, not our bug
        return Unreadable(update_id, update_kinds(data), error.__class__.__name__)
    return update


async def fetch_updates(bot: Bot, *, offset: int | None, limit: int, long_poll: int,
                        read_timeout: float,
                        allowed_updates: Sequence[str] = ALLOWED_UPDATES) -> list[Any]:
    """One getUpdates call (waiting up to `long_poll` s for news), its answer left unparsed."""
    data = {"offset": offset, "limit": limit, "timeout": long_poll,
            "allowed_updates": list(allowed_updates)}
    # Bot._post is what get_updates itself calls; it returns Telegram's JSON as is, with
    # PTB's error mapping (RetryAfter, NetworkError, TimedOut, InvalidToken…) intact.
    # (Bot.do_api_request would do the same, but warns for every call of a method PTB knows.)
    result = await bot._post("getUpdates", data, read_timeout=read_timeout)
    if not isinstance(result, list):
        raise BadResponse(f"getUpdates answered a {type(result).__name__}, not a list")
    return result


def scrubbed(error: BaseException) -> str:
    """A traceback with every exception's message left out: messages may quote what people wrote.

    Frames show our code (file, line, function, source line), never runtime values, so they are
    safe; `ValueError: invalid literal for int(): '…'` is not.
    """
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.format_list(traceback.extract_tb(current.__traceback__))
        parts.append("".join(["Traceback (most recent call last):\n", *frames,
                              f"{type(current).__module__}.{type(current).__qualname__}"
                              " (message withheld)\n"]))
        current = current.__cause__ or (None if current.__suppress_context__
                                        else current.__context__)
    # Oldest first, as Python prints a chain.
    return "\nwhich led to:\n\n".join(reversed(parts))


def log_failure(logger: logging.Logger, error: BaseException, message: str, *args: object) -> None:
    """Log a bug at error level with its traceback, without any exception message."""
    logger.error(f"{message}\n%s", *args, scrubbed(error))
