"""Each update is handled once, but a failed attempt or a redelivery after a crash is never silent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.engine import TextInput
from bot.interviews import InterviewService
from storage import Repository, StorageUnavailable
from tests.interviews.test_service_memory import ANA, service_on, stored


class FlakyRepository:
    """The real repository, except that the next `advance` fails as if the database were down."""

    def __init__(self, real: Repository) -> None:
        self.real = real
        self.fail_next_advance = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    async def advance(self, **kwargs: Any) -> bool:
        if self.fail_next_advance:
            self.fail_next_advance = False
            raise StorageUnavailable("the database is unavailable (ConnectionRefusedError)")
        return await self.real.advance(**kwargs)


@pytest.fixture
def flaky(repository: Repository) -> FlakyRepository:
    return FlakyRepository(repository)


async def test_the_same_update_twice_is_applied_once(repository: Repository) -> None:
    service = await service_on(repository)
    await service.start(ANA, None, 1)
    await service.answer(ANA, TextInput("yes"), 2)

    first = await service.answer(ANA, TextInput("34"), 3)
    again = await service.answer(ANA, TextInput("34"), 3)

    # No process remembers what it answered (another worker may have taken the first copy):
    # the copy changes nothing and shows the question that really comes next, not "34" again.
    assert [m.question_id for m in first.messages] == ["work_place"]
    assert [m.question_id for m in again.messages] == ["work_place"]
    assert await stored(repository) == [("age", 0, 34)]


async def test_an_attempt_that_failed_is_handled_when_delivered_again(
    repository: Repository, flaky: FlakyRepository
) -> None:
    service: InterviewService = await service_on(flaky)  # type: ignore[arg-type]
    await service.start(ANA, None, 1)
    await service.answer(ANA, TextInput("yes"), 2)

    flaky.fail_next_advance = True
    with pytest.raises(StorageUnavailable):
        await service.answer(ANA, TextInput("34"), 3)
    retried = await service.answer(ANA, TextInput("34"), 3)  # Telegram delivers it again

    assert not retried.duplicate
    assert await stored(repository) == [("age", 0, 34)]


async def test_an_update_stored_before_a_crash_gets_the_next_question(
    repository: Repository, tmp_path: Path
) -> None:
    before_crash = await service_on(repository)
    await before_crash.start(ANA, None, 1)
    await before_crash.answer(ANA, TextInput("yes"), 2)
    await before_crash.answer(ANA, TextInput("34"), 3)  # committed; then the process died

    after_restart = await service_on(repository)
    outcome = await after_restart.answer(ANA, TextInput("34"), 3)

    assert [m.question_id for m in outcome.messages] == ["work_place"]
    assert await stored(repository) == [("age", 0, 34)]
