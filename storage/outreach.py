"""Writing to respondents after their interview: contact consent and claimed broadcast recipients.

A broadcast is idempotent because every recipient is a row that one run *claims* (pending →
claimed, in a short transaction) before the message goes out, then settles (sent, blocked,
failed, in doubt). A claimed row is never claimed again, so a crash or a second run can leave a
person without the message (reported as "in doubt") but never send it to them twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from bot.vocabulary import Group, InterviewStatus
from storage.models import Broadcast, BroadcastRecipient, ContactConsent
from storage.rows import INTERVIEW, RESPONDENT, table

CONTACT_CONSENT = table(ContactConsent)
BROADCAST = table(Broadcast)
BROADCAST_RECIPIENT = table(BroadcastRecipient)
T = TypeVar("T")
_ENROL_BATCH = 1000


@dataclass(frozen=True, slots=True)
class ContactConsentRecord:
    """What a respondent agreed to be written to about, and when they last said so."""

    pseudonym: str
    results: bool
    follow_up: bool
    updated_at: datetime


class Audience(StrEnum):
    """Which consent a broadcast needs: results ("you said, we did") or a follow-up invitation."""

    RESULTS = "results"
    FOLLOW_UP = "follow_up"


class RecipientStatus(StrEnum):
    """Where one recipient of a broadcast stands."""

    PENDING = "pending"
    CLAIMED = "claimed"  # taken by a run; if that run died, nobody knows whether it arrived
    SENT = "sent"
    BLOCKED = "blocked"  # blocked the bot or deleted their account
    FAILED = "failed"  # Telegram refused the message (e.g. chat not found); it did not arrive
    IN_DOUBT = "in_doubt"  # the send timed out: it may have arrived, so it is not sent again
    SKIPPED = "skipped"  # withdrew consent, was erased or became unreachable before their turn


@dataclass(frozen=True, slots=True)
class Segment:
    """Which opted-in respondents of a study a broadcast is for (None: everyone)."""

    group: Group | None = None
    language: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class BroadcastRecord:
    """A broadcast as stored."""

    id: int
    study_id: str
    name: str
    sha256: str
    texts: dict[str, str]  # by language, as first sent
    fallback: str  # the language of people whose own language has no text
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ClaimedRecipient:
    """A recipient this run may now send to (once): their language and sealed chat reference."""

    pseudonym: str
    language: str | None
    chat_ref: str


class OutreachQueries:
    """Contact consent and broadcast recipients; mixed into `SqlRepository`."""

    _write: Callable[..., Any]
    _read: Callable[..., Any]
    _insert: Callable[[Any], Any]
    _is_postgres: bool

    async def set_contact_consent(
        self, *, pseudonym: str, results: bool, follow_up: bool, now: datetime
    ) -> bool:
        """Record both choices (replacing earlier ones); False if there is no such respondent."""
        def work(conn: Connection) -> bool:
            known = conn.execute(
                select(RESPONDENT.c.pseudonym).where(RESPONDENT.c.pseudonym == pseudonym)
            ).first()
            if known is None:
                return False
            values = {"results": results, "follow_up": follow_up, "updated_at": now}
            conn.execute(
                self._insert(CONTACT_CONSENT)
                .values(pseudonym=pseudonym, **values)
                .on_conflict_do_update(index_elements=[CONTACT_CONSENT.c.pseudonym], set_=values)
            )
            return True

        result: bool = await self._write(work)
        return result

    async def contact_consent(self, *, pseudonym: str) -> ContactConsentRecord | None:
        """The respondent's latest choice, or None if they were never asked or did not answer."""
        stmt = select(CONTACT_CONSENT).where(CONTACT_CONSENT.c.pseudonym == pseudonym)
        row = await self._read(lambda conn: conn.execute(stmt).one_or_none())
        if row is None:
            return None
        return ContactConsentRecord(row.pseudonym, bool(row.results), bool(row.follow_up),
                                    row.updated_at)

    async def open_broadcast(
        self, *, study_id: str, name: str, sha256: str, texts: dict[str, str], fallback: str,
        now: datetime,
    ) -> BroadcastRecord:
        """The broadcast of this study with this name, created on its first run.

        An existing one comes back as first stored (its fingerprint and texts win).
        """
        def work(conn: Connection) -> Any:
            conn.execute(
                self._insert(BROADCAST)
                .values(study_id=study_id, name=name, sha256=sha256, texts=texts,
                        fallback=fallback, created_at=now)
                .on_conflict_do_nothing(index_elements=[BROADCAST.c.study_id, BROADCAST.c.name])
            )
            return conn.execute(
                select(BROADCAST).where(BROADCAST.c.study_id == study_id,
                                        BROADCAST.c.name == name)
            ).one()

        return _broadcast(await self._write(work))

    async def find_broadcast(self, *, study_id: str, name: str) -> BroadcastRecord | None:
        """The broadcast of this study with this name, if a run began it."""
        stmt = select(BROADCAST).where(BROADCAST.c.study_id == study_id, BROADCAST.c.name == name)
        row = await self._read(lambda conn: conn.execute(stmt).one_or_none())
        return None if row is None else _broadcast(row)

    async def study_broadcasts(self, *, study_id: str) -> list[BroadcastRecord]:
        """Every broadcast of the study (wave invitations too), the newest first."""
        stmt = (select(BROADCAST).where(BROADCAST.c.study_id == study_id)
                .order_by(BROADCAST.c.created_at.desc(), BROADCAST.c.id.desc()))
        rows = await self._read(lambda conn: conn.execute(stmt).all())
        return [_broadcast(row) for row in rows]

    async def enrol_recipients(
        self, *, broadcast_id: int, study_id: str, audience: Audience, segment: Segment,
        completed_before: datetime | None = None, not_in_study: str | None = None,
    ) -> int:
        """Add every reachable respondent of the study who consents and fits the segment.

        Idempotent: people already enrolled keep their row (and status). A wave invites only
        those who completed the study before `completed_before` and have no interview in the
        wave's own study (`not_in_study`) yet. Returns how many rows were added.
        """
        stmt = self._candidates(study_id, audience, segment, completed_before, not_in_study)
        # Those enrolled already are left out here: a resumed run adds only the newly opted in.
        stmt = stmt.where(~select(BROADCAST_RECIPIENT.c.pseudonym).where(
            BROADCAST_RECIPIENT.c.broadcast_id == broadcast_id,
            BROADCAST_RECIPIENT.c.pseudonym == RESPONDENT.c.pseudonym).exists())

        def work(conn: Connection) -> int:
            found = [(row.pseudonym, row.language) for row in conn.execute(stmt)
                     if segment.language is None or row.language == segment.language]
            return self._add_pending(conn, broadcast_id, found)

        result: int = await self._write(work)
        return result

    def _add_pending(self, conn: Connection, broadcast_id: int,
                     found: list[tuple[str, str | None]]) -> int:
        """Enrol (pseudonym, language) pairs as pending recipients; returns how many were new."""
        rows = [{"broadcast_id": broadcast_id, "pseudonym": pseudonym, "language": language,
                 "status": RecipientStatus.PENDING.value} for pseudonym, language in found]
        added = 0
        for start in range(0, len(rows), _ENROL_BATCH):
            result = conn.execute(
                self._insert(BROADCAST_RECIPIENT)
                .values(rows[start : start + _ENROL_BATCH])
                .on_conflict_do_nothing(index_elements=[BROADCAST_RECIPIENT.c.broadcast_id,
                                                        BROADCAST_RECIPIENT.c.pseudonym])
            )
            added += max(result.rowcount, 0)
        return added

    async def count_candidates(
        self, *, study_id: str, audience: Audience, segment: Segment
    ) -> dict[str | None, int]:
        """How many respondents a broadcast would reach now, by language (for --dry-run)."""
        stmt = self._candidates(study_id, audience, segment)

        def work(conn: Connection) -> dict[str | None, int]:
            counts: dict[str | None, int] = {}
            for row in conn.execute(stmt):
                if segment.language is None or row.language == segment.language:
                    counts[row.language] = counts.get(row.language, 0) + 1
            return counts

        result: dict[str | None, int] = await self._read(work)
        return result

    def _candidates(self, study_id: str, audience: Audience, segment: Segment,
                    completed_before: datetime | None = None,
                    not_in_study: str | None = None) -> Any:
        """(pseudonym, language) of everyone the study may write to now for `audience`."""
        took_part = [INTERVIEW.c.pseudonym == RESPONDENT.c.pseudonym,
                     INTERVIEW.c.study_id == study_id,
                     INTERVIEW.c.status != InterviewStatus.declined.value]
        if completed_before is not None:
            took_part += [INTERVIEW.c.status == InterviewStatus.completed.value,
                          INTERVIEW.c.completed_at <= completed_before]
        if segment.group is not None:
            took_part += [INTERVIEW.c.group == segment.group.value,
                          INTERVIEW.c.status == InterviewStatus.completed.value]
        if segment.source is not None:
            took_part.append(INTERVIEW.c.source == segment.source)
        latest_language = (
            select(INTERVIEW.c.language)
            .where(INTERVIEW.c.pseudonym == RESPONDENT.c.pseudonym,
                   INTERVIEW.c.study_id == study_id)
            .order_by(INTERVIEW.c.id.desc()).limit(1).scalar_subquery()
        )
        stmt = (
            select(RESPONDENT.c.pseudonym,
                   func.coalesce(RESPONDENT.c.language, latest_language).label("language"))
            .join(CONTACT_CONSENT, CONTACT_CONSENT.c.pseudonym == RESPONDENT.c.pseudonym)
            .where(consents(audience), *reachable(),
                   select(INTERVIEW.c.id).where(*took_part).exists())
            .order_by(RESPONDENT.c.pseudonym)
        )
        if not_in_study is not None:
            stmt = stmt.where(not_started(not_in_study))
        return stmt

    async def claim_recipients(
        self, *, broadcast_id: int, audience: Audience, limit: int, now: datetime,
        not_in_study: str | None = None,
    ) -> list[ClaimedRecipient]:
        """Take up to `limit` pending recipients for this run; nobody is ever claimed twice.

        Consent and reachability are checked again here, at the last moment: someone who opted
        out, blocked the bot or lost their chat reference since enrolment is skipped instead,
        and so is someone who began `not_in_study` meanwhile (a wave they were asked to).
        """
        pending = (
            select(BROADCAST_RECIPIENT.c.pseudonym, BROADCAST_RECIPIENT.c.language)
            .where(BROADCAST_RECIPIENT.c.broadcast_id == broadcast_id,
                   BROADCAST_RECIPIENT.c.status == RecipientStatus.PENDING.value)
            .order_by(BROADCAST_RECIPIENT.c.pseudonym)
            .limit(limit)
        )
        if self._is_postgres:
            # Two runs at once take disjoint rows instead of queueing behind each other.
            pending = pending.with_for_update(skip_locked=True)
        contactable = (
            select(RESPONDENT.c.pseudonym, RESPONDENT.c.chat_ref)
            .join(CONTACT_CONSENT, CONTACT_CONSENT.c.pseudonym == RESPONDENT.c.pseudonym)
            .where(consents(audience), *reachable())
        )
        if not_in_study is not None:
            contactable = contactable.where(not_started(not_in_study))

        def work(conn: Connection) -> list[ClaimedRecipient]:
            taken = conn.execute(pending).all()
            if not taken:
                return []
            names = [row.pseudonym for row in taken]
            refs = dict(conn.execute(contactable.where(RESPONDENT.c.pseudonym.in_(names))).all())
            claimed = [ClaimedRecipient(row.pseudonym, row.language, refs[row.pseudonym])
                       for row in taken if row.pseudonym in refs]
            skipped = [name for name in names if name not in refs]
            self._settle(conn, broadcast_id, [c.pseudonym for c in claimed],
                         RecipientStatus.CLAIMED, now)
            self._settle(conn, broadcast_id, skipped, RecipientStatus.SKIPPED, now)
            return claimed

        result: list[ClaimedRecipient] = await self._write(work)
        return result

    async def settle_recipient(
        self, *, broadcast_id: int, pseudonym: str, status: RecipientStatus, now: datetime
    ) -> None:
        """Record how a claimed send ended; a blocked recipient is also marked on the respondent."""
        def work(conn: Connection) -> None:
            self._settle(conn, broadcast_id, [pseudonym], status, now,
                         only_from=RecipientStatus.CLAIMED)
            if status == RecipientStatus.BLOCKED:
                # Nothing can reach them any more: no more reminders, and the reference goes.
                conn.execute(
                    update(RESPONDENT).where(RESPONDENT.c.pseudonym == pseudonym)
                    .values(blocked_at=now, chat_ref=None)
                )

        await self._write(work)

    @staticmethod
    def _settle(conn: Connection, broadcast_id: int, pseudonyms: list[str],
                status: RecipientStatus, now: datetime,
                only_from: RecipientStatus = RecipientStatus.PENDING) -> None:
        if not pseudonyms:
            return
        stamp = "claimed_at" if status == RecipientStatus.CLAIMED else "done_at"
        conn.execute(
            update(BROADCAST_RECIPIENT)
            .where(BROADCAST_RECIPIENT.c.broadcast_id == broadcast_id,
                   BROADCAST_RECIPIENT.c.pseudonym.in_(pseudonyms),
                   BROADCAST_RECIPIENT.c.status == only_from.value)
            .values({"status": status.value, stamp: now})
        )

    async def release_claims(self, *, broadcast_id: int, pseudonyms: list[str]) -> int:
        """Give back claims whose send never began (the run is stopping); returns how many."""
        def work(conn: Connection) -> int:
            result = conn.execute(
                update(BROADCAST_RECIPIENT)
                .where(BROADCAST_RECIPIENT.c.broadcast_id == broadcast_id,
                       BROADCAST_RECIPIENT.c.pseudonym.in_(pseudonyms),
                       BROADCAST_RECIPIENT.c.status == RecipientStatus.CLAIMED.value)
                .values(status=RecipientStatus.PENDING.value, claimed_at=None)
            )
            return max(result.rowcount, 0)

        result: int = await self._write(work)
        return result

    async def broadcast_tally(self, *, broadcast_id: int) -> dict[RecipientStatus, int]:
        """How many recipients of the broadcast stand where."""
        stmt = (
            select(BROADCAST_RECIPIENT.c.status, func.count())
            .where(BROADCAST_RECIPIENT.c.broadcast_id == broadcast_id)
            .group_by(BROADCAST_RECIPIENT.c.status)
        )

        def work(conn: Connection) -> dict[RecipientStatus, int]:
            return {RecipientStatus(status): count for status, count in conn.execute(stmt)}

        result: dict[RecipientStatus, int] = await self._read(work)
        return result

    async def release_stale_claims(
        self, *, broadcast_id: int, claimed_before: datetime, now: datetime
    ) -> int:
        """Call rows claimed before `claimed_before` (by a run that died) "in doubt".

        Whether those messages arrived cannot be known, so they are never sent again.
        Returns how many rows changed.
        """
        def work(conn: Connection) -> int:
            result = conn.execute(
                update(BROADCAST_RECIPIENT)
                .where(BROADCAST_RECIPIENT.c.broadcast_id == broadcast_id,
                       BROADCAST_RECIPIENT.c.status == RecipientStatus.CLAIMED.value,
                       BROADCAST_RECIPIENT.c.claimed_at < claimed_before)
                .values(status=RecipientStatus.IN_DOUBT.value, done_at=now)
            )
            return max(result.rowcount, 0)

        result: int = await self._write(work)
        return result


def _broadcast(row: Any) -> BroadcastRecord:
    return BroadcastRecord(row.id, row.study_id, row.name, row.sha256, dict(row.texts),
                           row.fallback, row.created_at)


def consents(audience: Audience) -> Any:
    column = (CONTACT_CONSENT.c.results if audience == Audience.RESULTS
              else CONTACT_CONSENT.c.follow_up)
    return column.is_(True)


def reachable() -> list[Any]:
    return [RESPONDENT.c.chat_ref.is_not(None), RESPONDENT.c.blocked_at.is_(None),
            RESPONDENT.c.opted_out_at.is_(None)]


def not_started(study_id: str) -> Any:
    """The respondent has no interview in `study_id` (a wave they are asked to) yet."""
    return ~select(INTERVIEW.c.id).where(INTERVIEW.c.pseudonym == RESPONDENT.c.pseudonym,
                                         INTERVIEW.c.study_id == study_id).exists()
