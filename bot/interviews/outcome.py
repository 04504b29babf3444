"""What the service hands back to an adapter: messages to send and notes to render."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.engine import Message
from storage import StudyCounts


@dataclass(frozen=True)
class Person:
    """Who is talking; the raw id only lives in memory and is pseudonymised before storage."""

    user_id: int
    language_code: str | None = None


@dataclass(frozen=True)
class Note:
    """An adapter text (by key, rendered from the adapter's own texts) with its placeholders."""

    key: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What to tell the respondent after one input; everything in it is already committed."""

    language: str
    notes: tuple[Note, ...] = ()
    messages: tuple[Message, ...] = ()
    keyboard: Message | None = None  # new look of the tapped keyboard (multiple-choice toggle)
    chosen: str | None = None  # label of an accepted tap: mark it on the question message
    duplicate: bool = False  # a redelivered update: say nothing, it was answered already
    # Set when the outcome shows an interview's current question: if it cannot be delivered,
    # that question is noted as unseen at `step` and shown again before an answer counts.
    interview_id: int | None = None
    step: int | None = None
    unseen: bool = False  # it shows again a question whose delivery had failed
    # This input completed the interview: the closing asks whether we may write again, with
    # the respondent's current choice (a ContactChoice value) ticked.
    finished: bool = False
    contact: str | None = None


@dataclass(frozen=True)
class Reminder:
    """One gentle reminder to send to a private chat."""

    chat_id: int
    language: str
    messages: tuple[Message, ...]


@dataclass(frozen=True)
class Resend:
    """A question whose delivery failed earlier, to send again to a private chat."""

    chat_id: int
    outcome: Outcome


@dataclass(frozen=True)
class StudyStats:
    """One study's figures for researchers."""

    study_id: str
    title: str
    counts: StudyCounts
    quota_doers: int
    quota_non_doers: int
    fieldwork: str = "open"  # the fieldwork dates' verdict, e.g. "open until 2026-03-31"
    over_quota: str = ""  # what a full group does with newcomers: "keep", "close" or "" (nothing)
