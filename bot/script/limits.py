"""What storage and Telegram can hold, checked by `check` for scripts and by the engine for input.

The numbers are chosen so that SQLite and PostgreSQL store exactly the same thing; a test holds
them to the column sizes in `storage/models.py`.
"""

from __future__ import annotations

import re

# Study.title in storage is VARCHAR(300); PostgreSQL refuses longer, SQLite would keep it all.
MAX_TITLE = 300
# Integers up to 2**53 - 1 are exact in every JSON reader (SQLite's and PostgreSQL's included) and
# as floats; beyond it 20-digit numbers change on the way in and 400 nines become infinity.
MAX_NUMBER = 2**53 - 1
# A Telegram message holds at most 4,096 characters (so no typed answer is longer).
MAX_MESSAGE = 4096
# An inline keyboard holds at most 100 buttons and about 10 kB of JSON ("reply markup is too long").
MAX_BUTTONS = 100
MAX_KEYBOARD_BYTES = 10_000
# Each probe of a question is a column of the wide export.
MAX_PROBES = 10
# /start payloads: Telegram's deep links carry 1-64 of these characters; sources are VARCHAR(64).
MAX_PAYLOAD = 64
PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def unstorable_character(text: str) -> int | None:
    """Where `text` holds a character no database stores (NUL, half a surrogate pair), if anywhere."""
    found = _UNSTORABLE.search(text)
    return None if found is None else found.start()


def storable_text(text: str) -> str:
    """`text` without the characters no database stores (NULs dropped, lone surrogates replaced)."""
    if _UNSTORABLE.search(text) is None:
        return text
    return _SURROGATE.sub("\ufffd", text.replace("\0", ""))


def valid_payload(payload: str) -> bool:
    """Whether a /start payload is one Telegram's deep links can carry."""
    return PAYLOAD.fullmatch(payload) is not None
