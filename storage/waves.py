"""Follow-up waves in storage: who is owed a reminder, and how far each wave has got.

A wave's invitations and its reminders are two broadcasts (see `storage.outreach`); the
reminder's recipients are taken from the invitation's, so the same claimed rows keep anyone
from being reminded twice, however many bot processes run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from bot.vocabulary import InterviewStatus
from storage.outreach import (
    BROADCAST_RECIPIENT,
    CONTACT_CONSENT,
    Audience,
    RecipientStatus,
    Segment,
    consents,
    not_started,
    reachable,
)
from storage.rows import INTERVIEW, RESPONDENT


@dataclass(frozen=True, slots=True)
class WaveTally:
    """How far one follow-up wave has got, counted in people."""

    due: int  # their wave came while they agreed to be asked again (invited or still to be)
    invited: int  # the invitation was sent
    reminded: int  # the reminder was sent
    started: int  # began the wave's interview (a study's own respondents only)
    completed: int  # completed it


class WaveQueries:
    """Wave reminders and figures; mixed into `SqlRepository` next to `OutreachQueries`."""

    _write: Callable[..., Any]
    _read: Callable[..., Any]
    _candidates: Callable[..., Any]
    _add_pending: Callable[..., int]

    async def enrol_wave_reminders(
        self, *, broadcast_id: int, invitation_id: int, sent_after: datetime,
        sent_before: datetime, wave_study: str,
    ) -> int:
        """Add those invited between the two times who have not begun `wave_study` (idempotent).

        Only invitations known to have arrived count (sent, not in doubt); consent to be asked
        again and reachability are checked as for any broadcast. Returns how many were added.
        """
        invited = BROADCAST_RECIPIENT.alias("invited")
        reminder = BROADCAST_RECIPIENT.alias("reminder")
        stmt = (
            select(invited.c.pseudonym, invited.c.language)
            .join(RESPONDENT, RESPONDENT.c.pseudonym == invited.c.pseudonym)
            .join(CONTACT_CONSENT, CONTACT_CONSENT.c.pseudonym == RESPONDENT.c.pseudonym)
            .where(invited.c.broadcast_id == invitation_id,
                   invited.c.status == RecipientStatus.SENT.value,
                   invited.c.done_at > sent_after, invited.c.done_at <= sent_before,
                   consents(Audience.FOLLOW_UP), *reachable(), not_started(wave_study),
                   ~select(reminder.c.pseudonym).where(
                       reminder.c.broadcast_id == broadcast_id,
                       reminder.c.pseudonym == invited.c.pseudonym).exists())
            .order_by(invited.c.pseudonym)
        )

        def work(conn: Connection) -> int:
            found = [(row.pseudonym, row.language) for row in conn.execute(stmt)]
            return self._add_pending(conn, broadcast_id, found)

        result: int = await self._write(work)
        return result

    async def wave_tally(
        self, *, study_id: str, wave_study: str, completed_before: datetime,
        invitation_id: int | None, reminder_id: int | None,
    ) -> WaveTally:
        """Who is due to `wave_study` of `study_id` now, and who was invited, reminded, took part.

        `completed_before` is now less the wave's delay; the broadcast ids are None until the
        wave's first invitation (or reminder) run began.
        """
        waiting = self._candidates(study_id, Audience.FOLLOW_UP, Segment(), completed_before,
                                   wave_study)
        if invitation_id is not None:
            waiting = waiting.where(~select(BROADCAST_RECIPIENT.c.pseudonym).where(
                BROADCAST_RECIPIENT.c.broadcast_id == invitation_id,
                BROADCAST_RECIPIENT.c.pseudonym == RESPONDENT.c.pseudonym).exists())
        waiting_count = select(func.count()).select_from(waiting.order_by(None).subquery())
        in_study = select(INTERVIEW.c.pseudonym).where(INTERVIEW.c.study_id == study_id)

        def people(*where: Any) -> Any:
            """How many of the study's own respondents have a wave interview such as `where`."""
            return select(func.count(INTERVIEW.c.pseudonym.distinct())).where(
                INTERVIEW.c.study_id == wave_study, INTERVIEW.c.pseudonym.in_(in_study), *where)

        def tally(conn: Connection, broadcast_id: int | None) -> dict[str, int]:
            if broadcast_id is None:
                return {}
            stmt = (select(BROADCAST_RECIPIENT.c.status, func.count())
                    .where(BROADCAST_RECIPIENT.c.broadcast_id == broadcast_id)
                    .group_by(BROADCAST_RECIPIENT.c.status))
            return {status: count for status, count in conn.execute(stmt)}

        def work(conn: Connection) -> WaveTally:
            invitations = tally(conn, invitation_id)
            reminders = tally(conn, reminder_id)
            return WaveTally(
                due=sum(invitations.values()) + conn.execute(waiting_count).scalar_one(),
                invited=invitations.get(RecipientStatus.SENT.value, 0),
                reminded=reminders.get(RecipientStatus.SENT.value, 0),
                started=conn.execute(people(
                    INTERVIEW.c.status != InterviewStatus.declined.value)).scalar_one(),
                completed=conn.execute(people(
                    INTERVIEW.c.status == InterviewStatus.completed.value)).scalar_one(),
            )

        result: WaveTally = await self._read(work)
        return result
