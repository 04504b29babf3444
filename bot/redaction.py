"""Log records without respondents' data: raw Telegram ids, names, usernames and message texts.

Our own log lines name updates by their update id only; the danger is everything else that
reaches a log: exception messages (`invalid literal for int(): '<what someone typed>'`,
PostgreSQL's `Key (pseudonym)=(…)`, asyncpg's `invalid input for query argument $2: '…'`),
and python-telegram-bot's debug lines that print whole requests and updates. Every record is
rewritten when it is created (a LogRecord factory), so no handler, formatter or logger level
can let the original through:

- the values of the update being handled (its ids, names, usernames, texts, button data),
  which `remember` puts into a context variable for the update's task;
- the values of keys such as `"chat_id": 123` or `'first_name': 'Ann'` in any dump;
- the arguments of python-telegram-bot's and httpx's lines known to carry content;
- anything shaped like a bot token;
- in exception messages also quoted literals and numbers of six digits or more.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import re
import traceback
from collections.abc import Callable, Iterable
from typing import Any

WITHHELD = "[withheld]"

# The values of one update (ids as text), for the task that handles it.
_KNOWN: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "perceptions_redacted_values", default=()
)

# Keys whose values in a dict or JSON dump are personal (Telegram's field names).
_PERSONAL_KEYS = (
    "id|chat_id|user_id|from_chat_id|sender_chat_id|first_name|last_name|username|full_name|"
    "name|title|text|caption|data|query|phone_number|email|bio|description|address|"
    "latitude|longitude|vcard|question|option_ids|voter_chat|invite_link|"
    "chat_ref|pseudonym|value|state|note|answers|given"
)
_KEY_VALUE = re.compile(
    r"""(?P<key>(?P<q>["'])(?:""" + _PERSONAL_KEYS + r""")(?P=q)\s*[:=]\s*)"""
    r"""(?P<value>-?\d[\d.eE+-]*|"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?)"""
)
# PostgreSQL's DETAIL names the offending key's value; asyncpg quotes a bad parameter.
_PG_KEY = re.compile(r"(Key \([^)]*\)=\().*?(\) (?:already exists|is not present))")
_ASYNCPG_ARGUMENT = re.compile(r"(invalid input for query argument \$\d+[^:\n]*: ).*")
# A bot token (python-telegram-bot's --debug line "Set Bot API URL" prints one in the URL).
_BOT_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
# In exception messages: quoted literals (not an apostrophe inside a word) and long numbers.
_QUOTED = re.compile(r"(?<![A-Za-z])(?:'[^'\n]*'|\"[^\"\n]*\")")
_LONG_NUMBER = re.compile(r"(?<![\w.])-?\d{6,}(?![\w.])")

# (logger name prefix, message template, arguments kept) of third-party lines whose other
# arguments are content.
_CONTENT_LINES: tuple[tuple[str, str, frozenset[int]], ...] = (
    ("telegram", "Calling Bot API endpoint `%s` with parameters `%s`", frozenset({0})),
    ("telegram", "Call to Bot API endpoint `%s` finished with return value `%s`",
     frozenset({0})),
    ("telegram", "Processing update %s", frozenset()),
    ("telegram", "Dropping pending update: %s", frozenset()),
    ("telegram", 'Can not load invalid JSON data: "%s"', frozenset()),
)
# Loggers whose every argument may be content (httpx: URLs carry the bot token; aiosqlite at
# DEBUG prints each call with its SQL parameters, from a thread no update's values reach).
_OPAQUE_LOGGERS = ("httpx", "httpcore", "aiosqlite")


def remember(values: Iterable[object]) -> None:
    """Withhold these values (ids, names, texts of the update being handled) from every log
    record of the current task and the tasks it starts."""
    known = {str(v) for v in values if v is not None and not isinstance(v, bool)}
    _KNOWN.set(tuple(sorted((v for v in known if len(v.strip()) >= 2), key=len, reverse=True)))


@functools.lru_cache(maxsize=256)
def _known_pattern(known: tuple[str, ...]) -> re.Pattern[str] | None:
    if not known:
        return None
    # Numbers and short words only as whole tokens (an id 42 is not in "1420"); longer texts
    # anywhere they occur.
    parts = [rf"(?<![\w]){re.escape(v)}(?![\w])" if len(v) < 4 or v.lstrip("-").isdigit()
             else re.escape(v) for v in known]
    return re.compile("|".join(parts))


def redact_text(text: str, *, exception: bool = False) -> str:
    """`text` with the current update's values and personal key values withheld; with
    `exception`, also quoted literals and long numbers (messages quote what people sent)."""
    pattern = _known_pattern(_KNOWN.get())
    if pattern is not None:
        text = pattern.sub(WITHHELD, text)
    text = _KEY_VALUE.sub(lambda m: m.group("key") + WITHHELD, text)
    text = _BOT_TOKEN.sub(WITHHELD, text)
    if exception:
        text = _PG_KEY.sub(rf"\1{WITHHELD}\2", text)
        text = _ASYNCPG_ARGUMENT.sub(rf"\1{WITHHELD}", text)
        text = _QUOTED.sub(WITHHELD, text)
        text = _LONG_NUMBER.sub(WITHHELD, text)
    return text


def format_exception(error: BaseException) -> str:
    """A traceback as Python prints it, each exception's message (and notes) redacted."""
    shown = traceback.TracebackException.from_exception(error)
    _redact_chain(shown, set())
    return "".join(shown.format()).rstrip("\n")


def _redact_chain(shown: traceback.TracebackException, seen: set[int]) -> None:
    if id(shown) in seen:
        return
    seen.add(id(shown))
    shown._str = redact_text(str(shown._str), exception=True)  # type: ignore[attr-defined]
    notes = getattr(shown, "__notes__", None)
    if notes:
        shown.__notes__ = [redact_text(str(n), exception=True) for n in notes]
    for other in (shown.__cause__, shown.__context__, *(getattr(shown, "exceptions", None) or ())):
        if other is not None:
            _redact_chain(other, seen)


def _kept_arguments(record: logging.LogRecord) -> frozenset[int] | None:
    """Which arguments of a third-party line known to carry content may be shown (None:
    not such a line)."""
    if record.name.startswith(_OPAQUE_LOGGERS):
        return frozenset()
    for prefix, template, kept in _CONTENT_LINES:
        if record.name.startswith(prefix) and record.msg == template:
            return kept
    return None


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Rewrite the record in place: message rendered and redacted, exception pre-formatted."""
    if getattr(record, "redacted", False):
        return record
    try:
        kept = _kept_arguments(record)
        if kept is not None and isinstance(record.args, tuple) and record.args:
            shown = tuple(a if n in kept else WITHHELD for n, a in enumerate(record.args))
            message = str(record.msg) % shown
        elif kept is not None and record.args:  # a mapping: nothing of it is shown
            message = f"{record.msg} ({WITHHELD})"
        else:
            message = record.getMessage()
        # `log.error(error)` logs an exception's message as the line itself.
        record.msg = redact_text(message, exception=isinstance(record.msg, BaseException))
        record.args = ()
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = format_exception(record.exc_info[1])
        elif record.exc_text:
            record.exc_text = redact_text(record.exc_text, exception=True)
        # Formatters would print exc_info afresh, message and all: only the redacted text stays.
        record.exc_info = None
    except Exception:  # a log line must never fail, nor leak because redaction did
        record.msg, record.args, record.exc_info, record.exc_text = (
            f"(a log line of {record.name} was withheld: it could not be redacted)", (), None, None)
    record.redacted = True
    return record


_Factory = Callable[..., logging.LogRecord]


class _RedactingFactory:
    """Wraps the LogRecord factory that was in place: every record is redacted at birth."""

    def __init__(self, inner: _Factory) -> None:
        self.inner = inner

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(self.inner(*args, **kwargs))


def install() -> Callable[[], None]:
    """Redact every log record of this process from now on; returns what undoes it."""
    current = logging.getLogRecordFactory()
    if isinstance(current, _RedactingFactory):
        return lambda: None
    logging.setLogRecordFactory(_RedactingFactory(current))
    return lambda: logging.setLogRecordFactory(current)
