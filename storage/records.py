"""Small frozen values that cross the storage interface (no ORM objects leave `storage`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from bot.vocabulary import Group, InterviewStatus

# What an answer's normalised value may be: text, a number, chosen options, or None when skipped.
AnswerValue = str | int | float | list[str] | None


@dataclass(frozen=True, slots=True)
class QuotaPlace:
    """A completion that counts towards its group's quota only while one of `target` places is
    left: `advance` checks it inside its own transaction, so two completions at once cannot both
    take the last place."""

    group: Group
    target: int


class Keep(Enum):
    """Marker for "leave this field as it is" in updates where None means "clear"."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """An answer to record: probe 0 is the main answer, 1.. are probe follow-ups; `asked` is the
    key of the probe wording a follow-up replies to (None when not known)."""

    question_id: str
    value: AnswerValue
    raw_text: str | None = None
    probe: int = 0
    asked: str | None = None


@dataclass(frozen=True, slots=True)
class ScriptVersionRecord:
    """A registered script text."""

    id: int
    study_id: str
    sha256: str
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RespondentRecord:
    """A respondent as stored (never the Telegram id)."""

    pseudonym: str
    language: str | None
    source: str | None
    consent_at: datetime | None
    opted_out_at: datetime | None
    blocked_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class InterviewRecord:
    """An interview as stored; `state` is the engine's own dict, `step` its compare-and-set key."""

    id: int
    pseudonym: str
    study_id: str
    script_version_id: int
    state: dict[str, Any]
    step: int
    status: InterviewStatus
    group: Group | None
    source: str | None
    language: str | None
    started_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    reminded_at: datetime | None
    own_id: str | None = None  # the respondent's id where an imported interview came from
    undelivered_step: int | None = None  # == step: the current question was never delivered

    @property
    def question_unseen(self) -> bool:
        """Whether the reply showing the current question could not be delivered."""
        return self.undelivered_step == self.step


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """An answer read back for export and analysis, with its interview's group and status."""

    id: int
    interview_id: int
    pseudonym: str
    group: Group | None
    status: InterviewStatus
    question_id: str
    probe: int
    raw_text: str | None
    value: AnswerValue
    answered_at: datetime
    asked: str | None = None  # a follow-up's probe wording key; None if not known (older rows)


# `StoredAnswer`'s fields in order as a plain tuple, for bulk readers such as the CSV export:
# (id, interview_id, pseudonym, group, status, question_id, probe, raw_text, value, answered_at,
# asked).
# Group and status are their stored text; answered_at is ISO 8601 text in UTC with microseconds,
# e.g. "2024-05-01T09:30:00.000000+00:00". Building a dataclass (or even a NamedTuple), two
# enums and a datetime per answer cost more than the export's whole formatting.
AnswerRow = tuple[int, int, str, str | None, str, str, int, str | None, AnswerValue, str, str | None]

# An answer as the long CSV export needs it, shaped by the database so that the export touches
# each value once: (interview_id, question_id, probe, raw_text, value, answered_at, asked). `value` is
# the stored JSON text ("null" for no value; a JSON number may come as the number), or None
# when it is raw_text itself as a JSON string (most open answers). answered_at is UTC text in
# the form "2024-05-01 09:30:00.000000"; asked is the probe wording key of a follow-up, or None.
LongAnswerRow = tuple[int, str, int, str | None, str | int | float | None, str, str | None]

# Answers for the long export with the interviews they belong to: interview id → (pseudonym,
# group, status) as stored text, for at least every interview the answers mention.
LongAnswerBatch = tuple[dict[int, tuple[str, str | None, str]], list[LongAnswerRow]]


@dataclass(frozen=True, slots=True)
class InterviewHeader:
    """An interview without its engine state or pseudonym: what a report reads of each one."""

    id: int
    status: InterviewStatus
    group: Group | None
    source: str | None
    language: str | None
    started_at: datetime
    completed_at: datetime | None
    script_version_id: int


@dataclass(frozen=True, slots=True)
class AnswerColumnBatch:
    """Consecutive answers of a study column by column (the i-th of each list is one answer).

    An interview's answers may continue in the next batch. Values are decoded (in bulk, one
    JSON parse a batch). `answered_at` is UTC text "YYYY-MM-DD HH:MM:SS.ffffff" on every backend, so that comparing
    the texts compares the times.
    """

    interview_ids: list[int]
    question_ids: list[str]
    probes: list[int]
    raw_texts: list[str | None]
    values: list[AnswerValue]
    answered_at: list[str]

    def __len__(self) -> int:
        return len(self.interview_ids)


@dataclass(frozen=True, slots=True)
class CodingOverrideRecord:
    """A researcher's themes for one answer."""

    answer_id: int
    themes: tuple[str, ...]
    coder: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CodebookKeywordRecord:
    """A keyword a researcher added to a theme of a question's codebook."""

    question_id: str
    theme_id: str
    language: str
    keyword: str
    coder: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StudyCounts:
    """How many interviews of a study ended each way; doers/non-doers count completed ones."""

    starts: int = 0
    active: int = 0
    paused: int = 0
    completed: int = 0
    screened_out: int = 0
    excluded: int = 0
    abandoned: int = 0
    declined: int = 0
    quota_full: int = 0
    over_quota: int = 0
    doers: int = 0
    non_doers: int = 0


@dataclass(frozen=True, slots=True)
class ImportedInterview:
    """A finished interview brought in from elsewhere (e.g. a paper survey typed into CSV)."""

    pseudonym: str
    status: InterviewStatus
    group: Group | None
    started_at: datetime
    completed_at: datetime | None
    answers: Sequence[AnswerRecord] = ()
    language: str | None = None
    source: str | None = None
    state: dict[str, Any] = field(default_factory=dict)
    own_id: str | None = None  # the respondent's id in the tool the interview came from
