"""Follow-up waves in storage: the contract both backends keep.

A wave's reminder goes to those whose invitation arrived long enough ago and who have not begun
the wave, still agree to be asked again and can be reached; each is claimed by one run, once.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.vocabulary import InterviewStatus
from storage import Audience, RecipientStatus, Repository, Segment, WaveTally
from tests.storage.test_storage_outreach import respondent

MESSAGE = {"texts": {"en": "Wave 2 is open."}, "fallback": "en"}
WAVE = "s_wave2"
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


async def invite(repo: Repository, now: datetime, *, settle: RecipientStatus) -> int:
    """Run the wave's invitation over everyone due at `now`, settling each send as `settle`."""
    invitation = await repo.open_broadcast(study_id="s", name=f"wave:{WAVE}", sha256="i",
                                           **MESSAGE, now=now)
    await repo.enrol_recipients(broadcast_id=invitation.id, study_id="s",
                                audience=Audience.FOLLOW_UP, segment=Segment(),
                                completed_before=now, not_in_study=WAVE)
    for claimed in await repo.claim_recipients(broadcast_id=invitation.id,
                                               audience=Audience.FOLLOW_UP, limit=100, now=now,
                                               not_in_study=WAVE):
        await repo.settle_recipient(broadcast_id=invitation.id, pseudonym=claimed.pseudonym,
                                    status=settle, now=now)
    return invitation.id


async def begins_wave(repo: Repository, name: str, now: datetime,
                      status: InterviewStatus = InterviewStatus.active) -> None:
    """`name` opens the wave's interview (and leaves it at `status`)."""
    version = await repo.register_script(study_id=WAVE, title="W", text=WAVE, now=now)
    interview = await repo.start_interview(pseudonym=name, study_id=WAVE,
                                           script_version_id=version.id, state={}, now=now,
                                           language="en", source="wave2")
    if status != InterviewStatus.active:
        await repo.advance(interview_id=interview.id, expected_step=0, new_state={},
                           status=status, group=None, now=now)


async def reminder_of(repo: Repository, now: datetime) -> int:
    record = await repo.open_broadcast(study_id="s", name=f"wave-reminder:{WAVE}", sha256="r",
                                       **MESSAGE, now=now)
    return record.id


async def test_the_reminder_takes_only_invitations_that_arrived_long_enough_ago(
    repo: Repository, now: datetime
) -> None:
    for name in ("early", "started", "withdrew", "blocked", "erased"):
        await respondent(repo, name, now, follow_up=True)
    first = await invite(repo, now, settle=RecipientStatus.SENT)
    await respondent(repo, "late", now, follow_up=True)
    await invite(repo, now + timedelta(days=5), settle=RecipientStatus.SENT)
    await respondent(repo, "doubt", now, follow_up=True)
    await invite(repo, now, settle=RecipientStatus.IN_DOUBT)  # a timeout: may not have arrived
    await begins_wave(repo, "started", now + timedelta(days=1))
    await repo.set_contact_consent(pseudonym="withdrew", results=True, follow_up=False,
                                   now=now + timedelta(days=2))
    await repo.update_respondent(pseudonym="blocked", blocked_at=now + timedelta(days=3))
    assert await repo.erase_respondent(pseudonym="erased")
    reminder = await reminder_of(repo, now)

    week = now + timedelta(days=7)
    assert await repo.enrol_wave_reminders(broadcast_id=reminder, invitation_id=first, sent_after=LONG_AGO,
                                           sent_before=week - timedelta(days=7),
                                           wave_study=WAVE) == 1
    assert await repo.enrol_wave_reminders(broadcast_id=reminder, invitation_id=first, sent_after=LONG_AGO,
                                           sent_before=week - timedelta(days=7),
                                           wave_study=WAVE) == 0  # idempotent
    later = now + timedelta(days=12)
    assert await repo.enrol_wave_reminders(broadcast_id=reminder, invitation_id=first, sent_after=LONG_AGO,
                                           sent_before=later - timedelta(days=7),
                                           wave_study=WAVE) == 1  # "late", five days on
    claimed = await repo.claim_recipients(broadcast_id=reminder, audience=Audience.FOLLOW_UP,
                                          limit=10, now=later, not_in_study=WAVE)
    assert sorted(c.pseudonym for c in claimed) == ["early", "late"]


async def test_an_invitation_sent_before_the_window_gets_no_reminder(
    repo: Repository, now: datetime
) -> None:
    await respondent(repo, "long-ago", now, follow_up=True)
    first = await invite(repo, now, settle=RecipientStatus.SENT)
    await respondent(repo, "recent", now, follow_up=True)
    await invite(repo, now + timedelta(days=20), settle=RecipientStatus.SENT)
    reminder = await reminder_of(repo, now)
    today = now + timedelta(days=27)  # a week after the recent invitation; four after the first
    due = today - timedelta(days=7)  # reminders are due for invitations sent until then
    assert await repo.enrol_wave_reminders(broadcast_id=reminder, invitation_id=first,
                                           sent_after=due - timedelta(days=7), sent_before=due,
                                           wave_study=WAVE) == 1
    claimed = await repo.claim_recipients(broadcast_id=reminder, audience=Audience.FOLLOW_UP,
                                          limit=10, now=today, not_in_study=WAVE)
    assert [c.pseudonym for c in claimed] == ["recent"]


async def test_someone_who_begins_the_wave_after_enrolment_is_skipped_at_claim_time(
    repo: Repository, now: datetime
) -> None:
    for name in ("waits", "begins"):
        await respondent(repo, name, now, follow_up=True)
    invitation = await invite(repo, now, settle=RecipientStatus.SENT)
    reminder = await reminder_of(repo, now)
    week = now + timedelta(days=7)
    assert await repo.enrol_wave_reminders(broadcast_id=reminder, invitation_id=invitation,
                                           sent_after=LONG_AGO, sent_before=now, wave_study=WAVE) == 2
    await begins_wave(repo, "begins", week)

    claimed = await repo.claim_recipients(broadcast_id=reminder, audience=Audience.FOLLOW_UP,
                                          limit=10, now=week, not_in_study=WAVE)
    assert [c.pseudonym for c in claimed] == ["waits"]
    assert await repo.broadcast_tally(broadcast_id=reminder) == {
        RecipientStatus.CLAIMED: 1, RecipientStatus.SKIPPED: 1}


async def test_runs_at_the_same_time_remind_each_person_once(
    repo: Repository, now: datetime
) -> None:
    names = [await respondent(repo, f"p{i:02}", now, follow_up=True) for i in range(30)]
    invitation = await invite(repo, now, settle=RecipientStatus.SENT)
    reminder = await reminder_of(repo, now)
    week = now + timedelta(days=7)

    async def run() -> list[str]:
        await repo.enrol_wave_reminders(broadcast_id=reminder, invitation_id=invitation,
                                        sent_after=LONG_AGO, sent_before=now, wave_study=WAVE)
        taken: list[str] = []
        while batch := await repo.claim_recipients(broadcast_id=reminder,
                                                   audience=Audience.FOLLOW_UP, limit=2,
                                                   now=week, not_in_study=WAVE):
            taken += [c.pseudonym for c in batch]
        return taken

    runs = await asyncio.gather(run(), run(), run())
    assert sorted(name for taken in runs for name in taken) == names


async def test_the_tally_says_who_is_due_invited_reminded_and_took_part(
    repo: Repository, now: datetime
) -> None:
    for name in ("done", "halfway", "waiting", "declines"):
        await respondent(repo, name, now, follow_up=True)
    await respondent(repo, "results-only", now, follow_up=False)
    await respondent(repo, "not-yet", now + timedelta(days=20), follow_up=True)
    empty = await repo.wave_tally(study_id="s", wave_study=WAVE, completed_before=now,
                                  invitation_id=None, reminder_id=None)
    assert empty == WaveTally(due=4, invited=0, reminded=0, started=0, completed=0)

    invitation = await invite(repo, now, settle=RecipientStatus.SENT)
    reminder = await reminder_of(repo, now)
    await repo.enrol_wave_reminders(broadcast_id=reminder, invitation_id=invitation,
                                    sent_after=LONG_AGO, sent_before=now, wave_study=WAVE)
    await begins_wave(repo, "done", now + timedelta(days=1), InterviewStatus.completed)
    await begins_wave(repo, "halfway", now + timedelta(days=1))
    await begins_wave(repo, "declines", now + timedelta(days=1), InterviewStatus.declined)
    week = now + timedelta(days=7)
    for claimed in await repo.claim_recipients(broadcast_id=reminder,
                                               audience=Audience.FOLLOW_UP, limit=10, now=week,
                                               not_in_study=WAVE):
        await repo.settle_recipient(broadcast_id=reminder, pseudonym=claimed.pseudonym,
                                    status=RecipientStatus.SENT, now=week)

    assert await repo.wave_tally(study_id="s", wave_study=WAVE, completed_before=week,
                                 invitation_id=invitation, reminder_id=reminder) == WaveTally(
        due=4, invited=4, reminded=1, started=2, completed=1)
    # "not-yet" completed the study 20 days later: due once the wave's delay has passed for them.
    assert (await repo.wave_tally(study_id="s", wave_study=WAVE,
                                  completed_before=now + timedelta(days=20),
                                  invitation_id=invitation, reminder_id=reminder)).due == 5
