"""Contact consent and broadcast recipients: the contract both backends keep.

The guarantee a broadcast rests on: a recipient row is claimed by exactly one run, once; people
who withdrew consent, blocked the bot or were erased are never handed out.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from bot.vocabulary import Group, InterviewStatus
from storage import Audience, RecipientStatus, Repository, Segment

MESSAGE: dict[str, Any] = {"texts": {"en": "We built lanes."}, "fallback": "en"}


async def respondent(repo: Repository, name: str, now: datetime, *, results: bool = True,
                     follow_up: bool = False, group: Group = Group.doer, language: str = "en",
                     study: str = "s", chat_ref: str | None = "sealed") -> str:
    """A respondent who completed an interview of `study` and made a contact choice."""
    version = await repo.register_script(study_id=study, title="S", text=study, now=now)
    await repo.get_or_create_respondent(pseudonym=name, language=None, source="qr", now=now)
    interview = await repo.start_interview(pseudonym=name, study_id=study,
                                           script_version_id=version.id, state={}, now=now,
                                           language=language, source="qr")
    await repo.advance(interview_id=interview.id, expected_step=0, new_state={},
                       status=InterviewStatus.completed, group=group, now=now)
    await repo.update_respondent(pseudonym=name, chat_ref=chat_ref)
    assert await repo.set_contact_consent(pseudonym=name, results=results, follow_up=follow_up,
                                          now=now)
    return name


async def test_the_contact_choice_is_replaced_and_unknown_people_are_refused(
    repo: Repository, now: datetime
) -> None:
    await respondent(repo, "p1", now, results=True, follow_up=False)
    assert not await repo.set_contact_consent(pseudonym="nobody", results=True, follow_up=True,
                                              now=now)
    later = now + timedelta(days=1)
    assert await repo.set_contact_consent(pseudonym="p1", results=False, follow_up=True,
                                          now=later)
    consent = await repo.contact_consent(pseudonym="p1")
    assert consent is not None
    assert (consent.results, consent.follow_up, consent.updated_at) == (False, True, later)
    assert await repo.contact_consent(pseudonym="nobody") is None


async def test_enrolment_takes_only_reachable_consenting_people_of_the_segment(
    repo: Repository, now: datetime
) -> None:
    await respondent(repo, "yes-en", now)
    await respondent(repo, "yes-fr", now, language="fr", group=Group.non_doer)
    await respondent(repo, "no", now, results=False, follow_up=True)
    await respondent(repo, "no-chat", now, chat_ref=None)
    await respondent(repo, "blocked", now)
    await repo.update_respondent(pseudonym="blocked", blocked_at=now)
    await respondent(repo, "other-study", now, study="t")
    broadcast = await repo.open_broadcast(
        study_id="s", name="r1", sha256="x", **MESSAGE, now=now
    )

    everyone = Segment()
    assert await repo.count_candidates(study_id="s", audience=Audience.RESULTS,
                                       segment=everyone) == {"en": 1, "fr": 1}
    assert await repo.count_candidates(study_id="s", audience=Audience.FOLLOW_UP,
                                       segment=everyone) == {"en": 1}
    assert await repo.count_candidates(
        study_id="s", audience=Audience.RESULTS, segment=Segment(group=Group.non_doer)
    ) == {"fr": 1}
    assert await repo.enrol_recipients(broadcast_id=broadcast.id, study_id="s",
                                       audience=Audience.RESULTS,
                                       segment=Segment(language="fr")) == 1
    assert await repo.enrol_recipients(broadcast_id=broadcast.id, study_id="s",
                                       audience=Audience.RESULTS, segment=everyone) == 1
    assert await repo.enrol_recipients(broadcast_id=broadcast.id, study_id="s",
                                       audience=Audience.RESULTS, segment=everyone) == 0
    again = await repo.open_broadcast(
        study_id="s", name="r1", sha256="y", **MESSAGE, now=now
    )
    assert (again.id, again.sha256) == (broadcast.id, "x")  # the first run's texts stand
    assert again.texts == {"en": "We built lanes."}
    assert await repo.find_broadcast(study_id="s", name="r1") == again
    assert await repo.find_broadcast(study_id="s", name="r2") is None
    assert await repo.broadcast_tally(broadcast_id=broadcast.id) == {RecipientStatus.PENDING: 2}


async def test_a_recipient_is_claimed_once_even_by_runs_at_the_same_time(
    repo: Repository, now: datetime
) -> None:
    names = [await respondent(repo, f"p{i:02}", now) for i in range(40)]
    broadcast = await repo.open_broadcast(
        study_id="s", name="r", sha256="x", **MESSAGE, now=now
    )
    await repo.enrol_recipients(broadcast_id=broadcast.id, study_id="s",
                                audience=Audience.RESULTS, segment=Segment())

    async def run() -> list[str]:
        taken: list[str] = []
        while batch := await repo.claim_recipients(broadcast_id=broadcast.id,
                                                   audience=Audience.RESULTS, limit=3, now=now):
            taken += [c.pseudonym for c in batch]
        return taken

    runs = await asyncio.gather(run(), run(), run())
    claimed = [name for taken in runs for name in taken]
    assert sorted(claimed) == names  # everyone once, nobody twice
    assert await repo.broadcast_tally(broadcast_id=broadcast.id) == {RecipientStatus.CLAIMED: 40}


async def test_withdrawn_erased_and_blocked_people_are_skipped_at_claim_time(
    repo: Repository, now: datetime
) -> None:
    for name in ("stays", "withdraws", "erased", "blocks"):
        await respondent(repo, name, now)
    broadcast = await repo.open_broadcast(
        study_id="s", name="r", sha256="x", **MESSAGE, now=now
    )
    await repo.enrol_recipients(broadcast_id=broadcast.id, study_id="s",
                                audience=Audience.RESULTS, segment=Segment())
    await repo.set_contact_consent(pseudonym="withdraws", results=False, follow_up=False, now=now)
    await repo.erase_respondent(pseudonym="erased")
    await repo.update_respondent(pseudonym="blocks", blocked_at=now)

    claimed = await repo.claim_recipients(broadcast_id=broadcast.id, audience=Audience.RESULTS,
                                          limit=10, now=now)

    assert [(c.pseudonym, c.language, c.chat_ref) for c in claimed] == [("stays", "en", "sealed")]
    assert await repo.broadcast_tally(broadcast_id=broadcast.id) == {
        RecipientStatus.CLAIMED: 1, RecipientStatus.SKIPPED: 2}


async def test_settling_records_the_end_and_a_block_reaches_the_respondent(
    repo: Repository, now: datetime
) -> None:
    for name in ("a", "b", "c"):
        await respondent(repo, name, now)
    broadcast = await repo.open_broadcast(
        study_id="s", name="r", sha256="x", **MESSAGE, now=now
    )
    await repo.enrol_recipients(broadcast_id=broadcast.id, study_id="s",
                                audience=Audience.RESULTS, segment=Segment())
    await repo.claim_recipients(broadcast_id=broadcast.id, audience=Audience.RESULTS, limit=3,
                                now=now)
    await repo.settle_recipient(broadcast_id=broadcast.id, pseudonym="a",
                                status=RecipientStatus.SENT, now=now)
    await repo.settle_recipient(broadcast_id=broadcast.id, pseudonym="b",
                                status=RecipientStatus.BLOCKED, now=now)
    # A settled row is not settled again (a late duplicate answer changes nothing).
    await repo.settle_recipient(broadcast_id=broadcast.id, pseudonym="a",
                                status=RecipientStatus.FAILED, now=now)

    blocked = await repo.get_respondent(pseudonym="b")
    assert blocked is not None
    assert blocked.blocked_at == now
    assert await repo.respondent_chat_refs(pseudonyms=["a", "b"]) == {"a": "sealed"}
    # "c" was claimed by a run that died: in doubt once the claim is old, and never resent.
    assert await repo.release_stale_claims(broadcast_id=broadcast.id, claimed_before=now,
                                           now=now) == 0
    assert await repo.release_stale_claims(broadcast_id=broadcast.id,
                                           claimed_before=now + timedelta(seconds=1),
                                           now=now) == 1
    assert await repo.broadcast_tally(broadcast_id=broadcast.id) == {
        RecipientStatus.SENT: 1, RecipientStatus.BLOCKED: 1, RecipientStatus.IN_DOUBT: 1}
    assert await repo.claim_recipients(broadcast_id=broadcast.id, audience=Audience.RESULTS,
                                       limit=3, now=now) == []


async def test_claims_given_back_by_a_stopping_run_are_sent_by_the_next(
    repo: Repository, now: datetime
) -> None:
    for name in ("a", "b"):
        await respondent(repo, name, now)
    broadcast = await repo.open_broadcast(study_id="s", name="r", sha256="x", **MESSAGE, now=now)
    await repo.enrol_recipients(broadcast_id=broadcast.id, study_id="s",
                                audience=Audience.RESULTS, segment=Segment())
    await repo.claim_recipients(broadcast_id=broadcast.id, audience=Audience.RESULTS, limit=2,
                                now=now)
    await repo.settle_recipient(broadcast_id=broadcast.id, pseudonym="a",
                                status=RecipientStatus.SENT, now=now)

    # "a" was sent already: only the claim on "b" goes back.
    assert await repo.release_claims(broadcast_id=broadcast.id, pseudonyms=["a", "b"]) == 1
    again = await repo.claim_recipients(broadcast_id=broadcast.id, audience=Audience.RESULTS,
                                        limit=2, now=now)
    assert [c.pseudonym for c in again] == ["b"]


async def test_a_study_lists_its_broadcasts_newest_first_and_no_other_studys(
    repo: Repository, now: datetime
) -> None:
    await respondent(repo, "a", now)
    await respondent(repo, "b", now, study="t")
    first = await repo.open_broadcast(study_id="s", name="december", sha256="x", **MESSAGE,
                                      now=now)
    later = await repo.open_broadcast(study_id="s", name="wave:s2", sha256="y", **MESSAGE,
                                      now=now + timedelta(days=1))
    await repo.open_broadcast(study_id="t", name="december", sha256="z", **MESSAGE, now=now)

    listed = await repo.study_broadcasts(study_id="s")

    assert [(b.id, b.name) for b in listed] == [(later.id, "wave:s2"), (first.id, "december")]
    assert listed[1].texts == MESSAGE["texts"]
    assert await repo.study_broadcasts(study_id="nobody") == []
