"""Quota places: a completion counts towards its group only while a place is left, even when
many complete at the same moment (on SQLite and PostgreSQL alike)."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from bot.vocabulary import Group, InterviewStatus
from storage import (
    InterviewRecord,
    QuotaFull,
    QuotaPlace,
    Repository,
    pseudonymise,
)


async def started(repo: Repository, now: datetime, count: int, study: str = "q") -> list[InterviewRecord]:
    version = await repo.register_script(study_id=study, title="Q", text=f"x {study}", now=now)
    interviews = []
    for n in range(count):
        pseudonym = pseudonymise(n, f"key {study}")
        await repo.get_or_create_respondent(pseudonym=pseudonym, language=None, source=None, now=now)
        interviews.append(await repo.start_interview(
            pseudonym=pseudonym, study_id=study, script_version_id=version.id, state={}, now=now,
        ))
    return interviews


async def complete(repo: Repository, interview: InterviewRecord, now: datetime, group: Group,
                   target: int) -> bool | None:
    """Complete within the quota: True if stored, None if the group was full."""
    try:
        return await repo.advance(
            interview_id=interview.id, expected_step=0, new_state={"done": True},
            status=InterviewStatus.completed, group=group, now=now,
            quota=QuotaPlace(group, target),
        )
    except QuotaFull:
        return None


async def test_the_fourth_completion_finds_the_group_full(repo: Repository, now: datetime) -> None:
    interviews = await started(repo, now, 5)
    outcomes = [await complete(repo, i, now, Group.non_doer, 3) for i in interviews[:4]]
    assert outcomes == [True, True, True, None]
    # Nothing of the refused transition was stored: still at step 0, still active.
    fourth = await repo.get_interview(interview_id=interviews[3].id)
    assert fourth is not None
    assert (fourth.step, fourth.status) == (0, InterviewStatus.active)
    # The other group has its own places.
    assert await complete(repo, interviews[4], now, Group.doer, 3) is True
    counts = await repo.study_counts(study_id="q")
    assert (counts.non_doers, counts.doers) == (3, 1)


async def test_completions_at_the_same_moment_never_overfill(repo: Repository, now: datetime) -> None:
    interviews = await started(repo, now, 12)
    outcomes = await asyncio.gather(
        *(complete(repo, i, now, Group.non_doer, 5) for i in interviews)
    )
    assert outcomes.count(True) == 5
    assert outcomes.count(None) == 7
    assert (await repo.study_counts(study_id="q")).non_doers == 5


async def test_another_studys_completions_take_no_place(repo: Repository, now: datetime) -> None:
    elsewhere = await started(repo, now, 2, study="other")
    for interview in elsewhere:
        assert await complete(repo, interview, now, Group.non_doer, 2) is True
    here = await started(repo, now, 1)
    assert await complete(repo, here[0], now, Group.non_doer, 1) is True


@pytest.mark.parametrize("status", [InterviewStatus.over_quota, InterviewStatus.quota_full])
async def test_statuses_of_a_full_group_are_counted_apart(
    repo: Repository, now: datetime, status: InterviewStatus,
) -> None:
    interviews = await started(repo, now, 2)
    assert await complete(repo, interviews[0], now, Group.non_doer, 1) is True
    assert await repo.advance(
        interview_id=interviews[1].id, expected_step=0, new_state={}, status=status,
        group=Group.non_doer, now=now,
    )
    counts = await repo.study_counts(study_id="q")
    assert counts.non_doers == 1
    assert (counts.over_quota, counts.quota_full) == (
        (1, 0) if status == InterviewStatus.over_quota else (0, 1)
    )
    stored = await repo.get_interview(interview_id=interviews[1].id)
    assert stored is not None
    # Kept over quota, the interview did finish: it has its completion time.
    assert (stored.completed_at is not None) == (status == InterviewStatus.over_quota)
