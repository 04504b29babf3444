"""The service remembers open interviews, yet a stale memory never loses or misplaces an answer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.engine import Command, TextInput
from bot.interviews import InterviewService, Person, ScriptCatalog
from storage import Repository

DIALOGS = Path(__file__).resolve().parents[2] / "dialogs"
SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
STUDY = "cycling_to_work"
KEY = "test-pseudonym-key"
ANA = Person(4242, "en")


async def service_on(repository: Repository) -> InterviewService:
    """A service as one bot process would build it."""
    now = datetime.now(UTC)
    catalog = await ScriptCatalog.load(repository, DIALOGS, default_study=STUDY, now=now)
    return InterviewService(repository, catalog, KEY)


async def stored(repository: Repository) -> list[tuple[str, int, object]]:
    """(question, probe, value) of every stored answer."""
    return [(a.question_id, a.probe, a.value)
            async for a in repository.stream_answers(study_id=STUDY)]


async def test_an_interview_moved_on_elsewhere_is_reread_not_overwritten(
    repository: Repository,
) -> None:
    here, elsewhere = await service_on(repository), await service_on(repository)
    await here.start(ANA, None, 1)
    await here.answer(ANA, TextInput("yes"), 2)  # consent; `here` now remembers the interview
    # Another process (a second bot, or this one before a restart) records the age.
    await elsewhere.answer(ANA, TextInput("34"), 3)

    # `here` still remembers the age question: its write is refused, it rereads, and "1"
    # answers the question that really comes next.
    outcome = await here.answer(ANA, TextInput("1"), 4)

    assert not outcome.duplicate
    assert await stored(repository) == [("age", 0, 34), ("work_place", 0, "away")]


async def test_restart_forgets_every_earlier_answer(repository: Repository) -> None:
    service = await service_on(repository)
    await service.start(ANA, None, 1)
    for update_id, text in enumerate(["yes", "34", "1"], start=2):
        await service.answer(ANA, TextInput(text), update_id)
    assert len(await stored(repository)) == 2

    await service.answer(ANA, Command("restart"), 10)

    assert await stored(repository) == []


async def test_after_erasure_a_message_starts_afresh(repository: Repository) -> None:
    service = await service_on(repository)
    await service.start(ANA, None, 1)
    await service.answer(ANA, TextInput("yes"), 2)

    await service.erase(ANA)
    outcome = await service.answer(ANA, TextInput("34"), 3)

    assert await stored(repository) == []  # "34" was not taken as an answer to anything
    assert outcome.messages  # the welcome and consent question of a new interview


async def test_an_answer_to_a_branch_closed_after_back_is_no_longer_stored(
    repository: Repository,
) -> None:
    catalog = await ScriptCatalog.load(repository, SCRIPTS, default_study="mini",
                                       now=datetime.now(UTC))
    service = InterviewService(repository, catalog, KEY)
    await service.start(ANA, None, 1)
    for update_id, text in enumerate(["yes", "Ann", "30", "0", "1"], start=2):
        await service.answer(ANA, TextInput(text), update_id)  # a non-doer: asked `instead`
    await service.answer(ANA, Command("back"), 10)
    await service.answer(ANA, Command("back"), 11)
    await service.answer(ANA, TextInput("5"), 12)  # a doer after all: `instead` does not apply

    answers = [(a.question_id, a.value) async for a in repository.stream_answers(study_id="mini")]
    assert answers == [("name", "Ann"), ("age", 30), ("days", 5)]
