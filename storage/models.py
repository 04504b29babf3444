"""SQLModel tables: studies, script versions, respondents, interviews, answers, coding overrides,
keywords researchers added to codebooks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    MetaData,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import registry
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

# Named constraints keep SQLite and PostgreSQL schemas identical and let Alembic alter them later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Our own metadata, so tables other packages declare never end up in our migrations.
metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite forgets the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store UTC; naive datetimes are taken to be UTC already."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Give back an aware UTC datetime."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _when(*, nullable: bool = True, index: bool = False) -> Any:
    """A UTC timestamp field."""
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def _json(*, nullable: bool = True) -> Any:
    """A JSON field."""
    return Field(default=None, sa_column=Column(JSON(), nullable=nullable))


class StorageModel(SQLModel, registry=registry(metadata=metadata)):
    """Base of every table in `storage`."""


class Study(StorageModel, table=True):
    """A study, named by the `study:` id of its script."""

    id: str = Field(primary_key=True, max_length=100)
    title: str = Field(max_length=300)


class ScriptVersion(StorageModel, table=True):
    """One exact YAML text of a study's script; interviews keep the version they started on."""

    __tablename__ = "script_version"
    __table_args__ = (UniqueConstraint("study_id", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    study_id: str = Field(foreign_key="study.id", max_length=100)
    sha256: str = Field(max_length=64)
    text: str
    created_at: datetime = _when(nullable=False)


class Respondent(StorageModel, table=True):
    """A person, known only by a keyed pseudonym of their Telegram id."""

    pseudonym: str = Field(primary_key=True, max_length=64)
    language: str | None = Field(default=None, max_length=16)
    source: str | None = Field(default=None, max_length=64)
    consent_at: datetime | None = _when()
    opted_out_at: datetime | None = _when()
    blocked_at: datetime | None = _when()
    created_at: datetime = _when(nullable=False)
    # The chat, encrypted under a key kept outside the database, so one reminder can reach it
    # after a restart; set only once the respondent consented.
    chat_ref: str | None = Field(default=None, max_length=255)


class Interview(StorageModel, table=True):
    """One run of a script with one respondent; `state` is the engine's opaque state."""

    __table_args__ = (
        Index("ix_interview_pseudonym_study", "pseudonym", "study_id"),
        Index("ix_interview_status_updated", "status", "updated_at"),
        Index("ix_interview_undelivered_step", "undelivered_step"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pseudonym: str = Field(
        sa_column=Column(
            ForeignKey("respondent.pseudonym", ondelete="CASCADE"), nullable=False
        ),
        max_length=64,
    )
    study_id: str = Field(foreign_key="study.id", max_length=100, index=True)
    script_version_id: int = Field(foreign_key="script_version.id")
    state: dict[str, Any] = _json(nullable=False)
    step: int = 0
    status: str = Field(max_length=16)
    group: str | None = Field(default=None, max_length=16)
    source: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=16)
    started_at: datetime = _when(nullable=False)
    updated_at: datetime = _when(nullable=False)
    completed_at: datetime | None = _when()
    reminded_at: datetime | None = _when()
    # The respondent's id in the tool an imported interview came from (a paper form number,
    # KoboToolbox's `_uuid`), so the researcher can match rows back; never a Telegram id.
    own_id: str | None = Field(default=None, max_length=100)
    # The step whose reply Telegram would not take (a hiccup outlasting the retries): while it
    # equals `step`, the respondent has not seen the current question, so it is shown again
    # before anything they send counts as its answer. NULL once delivered.
    undelivered_step: int | None = None


class Answer(StorageModel, table=True):
    """One answer; probe 0 is the main answer, 1.. are probe follow-ups."""

    # One row per (interview, question, probe): answering again after "back" replaces it.
    __table_args__ = (UniqueConstraint("interview_id", "question_id", "probe"),)

    id: int | None = Field(default=None, primary_key=True)
    interview_id: int = Field(
        sa_column=Column(ForeignKey("interview.id", ondelete="CASCADE"), nullable=False)
    )
    question_id: str = Field(max_length=100)
    probe: int = 0
    raw_text: str | None = None
    value: Any = _json()
    answered_at: datetime = _when(nullable=False)
    update_id: int | None = Field(default=None, sa_column=Column(BigInteger(), nullable=True))
    # The key of the probe wording a follow-up (probe 1..) answers; None for the main answer and
    # for probes recorded before it was kept.
    probe_asked: str | None = None


class AppliedUpdate(StorageModel, table=True):
    """A Telegram update already applied to an interview, so a redelivery changes nothing."""

    __tablename__ = "applied_update"

    interview_id: int = Field(
        sa_column=Column(
            ForeignKey("interview.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    update_id: int = Field(sa_column=Column(BigInteger(), primary_key=True, nullable=False))


class RepliedUpdate(StorageModel, table=True):
    """A Telegram update whose reply went out: a copy delivered again gets no second reply.

    Kept a couple of days (Telegram keeps an update 24 hours); no personal data.
    """

    __tablename__ = "replied_update"

    update_id: int = Field(sa_column=Column(BigInteger(), primary_key=True, nullable=False))
    replied_at: datetime = _when(nullable=False, index=True)


class CodingOverride(StorageModel, table=True):
    """A researcher's themes for an answer, replacing automatic coding; the latest wins."""

    __tablename__ = "coding_override"

    id: int | None = Field(default=None, primary_key=True)
    answer_id: int = Field(
        sa_column=Column(
            ForeignKey("answer.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    themes: list[str] = _json(nullable=False)
    coder: str = Field(max_length=100)
    created_at: datetime = _when(nullable=False)
    # A second coder's independent coding, kept to measure agreement: never in force.
    independent: bool = Field(
        default=False, sa_column=Column(Boolean(), nullable=False, server_default=false())
    )


class CodebookKeyword(StorageModel, table=True):
    """A keyword a researcher accepted for a theme on the coding page: added to the script's."""

    __tablename__ = "codebook_keyword"
    __table_args__ = (
        UniqueConstraint("study_id", "question_id", "theme_id", "language", "keyword"),
    )

    id: int | None = Field(default=None, primary_key=True)
    study_id: str = Field(max_length=100, index=True)
    question_id: str = Field(max_length=100)
    theme_id: str = Field(max_length=100)
    language: str = Field(max_length=20)
    keyword: str = Field(max_length=200)
    coder: str = Field(max_length=100)
    created_at: datetime = _when(nullable=False)


class ContactConsent(StorageModel, table=True):
    """Whether a respondent may be written to after their interview, and for what."""

    __tablename__ = "contact_consent"

    pseudonym: str = Field(
        sa_column=Column(
            ForeignKey("respondent.pseudonym", ondelete="CASCADE"), primary_key=True,
            nullable=False,
        ),
        max_length=64,
    )
    results: bool = False  # hear what was done with the results ("you said, we did")
    follow_up: bool = False  # be invited to a later wave of the study
    updated_at: datetime = _when(nullable=False)


class Broadcast(StorageModel, table=True):
    """One message sent to a study's opted-in respondents; its name makes a second run resume."""

    __table_args__ = (UniqueConstraint("study_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    study_id: str = Field(foreign_key="study.id", max_length=100)
    name: str = Field(max_length=100)
    # A fingerprint of the message file and segment it was begun with: resuming with another
    # is refused.
    sha256: str = Field(max_length=64)
    # The texts as first sent, figures filled in: a resumed run sends the very same words even
    # if more interviews changed the figures meanwhile.
    texts: dict[str, str] = _json(nullable=False)
    fallback: str = Field(max_length=16)
    created_at: datetime = _when(nullable=False)


class BroadcastRecipient(StorageModel, table=True):
    """One person a broadcast goes to; claimed before the send, so nobody gets it twice."""

    __tablename__ = "broadcast_recipient"
    __table_args__ = (Index("ix_broadcast_recipient_status", "broadcast_id", "status"),)

    broadcast_id: int = Field(
        sa_column=Column(
            ForeignKey("broadcast.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    pseudonym: str = Field(
        sa_column=Column(
            ForeignKey("respondent.pseudonym", ondelete="CASCADE"), primary_key=True,
            nullable=False,
        ),
        max_length=64,
    )
    language: str | None = Field(default=None, max_length=16)
    status: str = Field(max_length=16)
    claimed_at: datetime | None = _when()
    done_at: datetime | None = _when()
