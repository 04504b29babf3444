"""Several workers on one database: a respondent's turns never overlap, a reminder is claimed once."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from storage import Repository, create_repository
from tests.storage.test_storage_contract import answer, begin


async def test_a_respondents_turns_never_overlap_across_processes(
    repo: Repository, database_url: str, now: datetime
) -> None:
    # A second repository has its own engine and connections: as another worker process would.
    # SQLite serves one process only (a second bot is refused at start): there, tasks of one.
    sqlite = database_url.startswith("sqlite")
    other = repo if sqlite else create_repository(database_url)
    interview = await begin(repo, now)
    inside: list[str] = []
    overlaps = 0

    async def turn(repository: Repository, name: str) -> None:
        nonlocal overlaps
        async with repository.respondent_turn(pseudonym=interview.pseudonym):
            overlaps += len(inside)
            inside.append(name)
            # Read, then write what was read plus one: overlapping turns would lose a step.
            current = await repository.get_interview(interview_id=interview.id)
            assert current is not None
            await asyncio.sleep(0.01)
            assert await answer(repository, current, current.step, now)
            inside.remove(name)

    try:
        await asyncio.gather(*(turn(repo if n % 2 else other, f"t{n}") for n in range(12)))
    finally:
        if other is not repo:
            await other.close()

    final = await repo.get_interview(interview_id=interview.id)
    assert overlaps == 0
    assert final is not None
    assert final.step == 12


async def test_turns_of_different_respondents_run_side_by_side(
    repo: Repository, now: datetime
) -> None:
    ana, ben = await begin(repo, now, user_id=1), await begin(repo, now, user_id=2)
    both_inside = asyncio.Event()
    inside = 0

    async def turn(pseudonym: str) -> None:
        nonlocal inside
        async with repo.respondent_turn(pseudonym=pseudonym):
            inside += 1
            if inside == 2:
                both_inside.set()
            await asyncio.wait_for(both_inside.wait(), 5)

    await asyncio.gather(turn(ana.pseudonym), turn(ben.pseudonym))


async def test_a_turn_that_fails_leaves_nothing_half_done_and_nothing_locked(
    repo: Repository, database_url: str, now: datetime
) -> None:
    interview = await begin(repo, now)
    try:
        async with repo.respondent_turn(pseudonym=interview.pseudonym):
            assert await answer(repo, interview, 0, now)
            raise RuntimeError("the worker's code failed after writing")
    except RuntimeError:
        pass
    stored = await repo.get_interview(interview_id=interview.id)
    assert stored is not None
    if database_url.startswith("postgresql"):
        assert stored.step == 0  # the turn was one transaction: rolled back
    async with asyncio.timeout(5):  # and the respondent is not left locked
        async with repo.respondent_turn(pseudonym=interview.pseudonym):
            pass


async def test_idle_interviews_are_claimed_by_one_worker_only(
    repo: Repository, database_url: str, now: datetime
) -> None:
    workers = [repo, *(create_repository(database_url) for _ in range(2))]
    interviews = [await begin(repo, now, user_id=n) for n in range(30)]
    cutoff = now + timedelta(hours=24)
    try:
        claims = await asyncio.gather(*(
            w.claim_idle_interviews(idle_since=cutoff, now=cutoff, limit=10)
            for w in workers for _ in range(3)
        ))
        again = await repo.claim_idle_interviews(idle_since=cutoff, now=cutoff)
    finally:
        for w in workers[1:]:
            await w.close()

    claimed = [i.id for batch in claims for i in batch]
    assert sorted(claimed) == sorted(i.id for i in interviews)  # each exactly once
    assert again == []
    assert all(i.reminded_at == cutoff for batch in claims for i in batch)


async def test_a_reply_is_noted_once_and_forgotten_after_a_while(
    repo: Repository, now: datetime
) -> None:
    assert not await repo.was_replied(update_id=7)
    await repo.note_replied(update_id=7, now=now)
    await repo.note_replied(update_id=7, now=now)  # a second worker's note changes nothing
    assert await repo.was_replied(update_id=7)

    assert await repo.forget_replied(before=now) == 0
    assert await repo.forget_replied(before=now + timedelta(days=2)) == 1
    assert not await repo.was_replied(update_id=7)


async def test_the_database_reports_itself_healthy(repo: Repository) -> None:
    assert await repo.healthy()


async def test_an_unreachable_database_is_reported_unhealthy() -> None:
    nowhere = create_repository("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    try:
        assert not await nowhere.healthy()
    finally:
        await nowhere.close()
