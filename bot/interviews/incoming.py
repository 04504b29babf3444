"""What arrives from a respondent, whatever the adapter: who, what, and the update it came in."""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine import Input
from bot.interviews.outcome import Person


@dataclass(frozen=True)
class Begin:
    """/start, with the deep link's payload (`study__source`) if any."""

    payload: str | None = None


@dataclass(frozen=True)
class Pause:
    """/stop: no reminders until the respondent writes again."""


@dataclass(frozen=True)
class ChooseLanguage:
    """A language picked from the picker."""

    code: str


@dataclass(frozen=True)
class ShowCurrent:
    """Something that changes nothing (an edit, an unknown command): a note, then the question."""

    note: str


@dataclass(frozen=True)
class Erase:
    """The respondent confirmed that everything about them must be deleted."""


# Engine inputs (an answer, a tap, /back, /skip, /restart, something unreadable) or a request
# the service handles around the engine.
Request = Input | Begin | Pause | ChooseLanguage | ShowCurrent | Erase


@dataclass(frozen=True)
class Incoming:
    """One update from a respondent: the typed event every adapter hands to the service."""

    person: Person
    input: Request
    # Telegram's update id: a redelivered update is recognised by it (None: not from Telegram).
    update_id: int | None = None
