"""Quotas and fieldwork dates, through the interview service and a real database.

The study asks how many days a week people cycle (0: a non-doer, 3 or more: a doer), then why.
Its quota wants 3 of each; `over_quota` says what happens to the next ones.
"""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.engine import Pick, TextInput
from bot.interviews import InterviewService, Person, ScriptCatalog
from bot.report.exports import export_csv
from bot.telegram.research import stats_text
from storage import Repository, create_repository, pseudonymise, upgrade
from tests.storage.conftest import ScratchDatabase, postgres_or_skip

KEY = "test-pseudonym-key"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
FULL = "Thanks a lot! We have heard from enough people like you already."
CLOSING = "Thank you, that's all!"


def study_yaml(quota: str, dates: str = "") -> str:
    return f"""version: 1
study:
  id: quota_study
  title: Quota study
  behaviour: cycle to work
  languages: [en]
  introduction: Hello!
  consent: Shall we start?
  closing: "{CLOSING}"
  contact: team@example.org
  quota: {quota}
{dates}
questions:
  - id: days
    type: number
    integer: true
    min: 0
    max: 7
    text: How many days did you cycle to work last week?
  - id: why
    type: text
    determinant: perceived_self_efficacy
    probe: false
    text: What makes it easy or hard?
classification:
  doer: {{any: [{{all: ["days >= 3"]}}]}}
  non_doer: {{any: [{{all: ["days == 0"]}}]}}
"""


async def service_for(repository: Repository, tmp_path: Path, script: str,
                      now: datetime = NOW) -> InterviewService:
    dialogs = tmp_path / "dialogs"
    dialogs.mkdir(exist_ok=True)
    (dialogs / "study.yaml").write_text(script, encoding="utf-8")
    catalog = await ScriptCatalog.load(repository, dialogs, default_study="quota_study", now=now)
    return InterviewService(repository, catalog, KEY, clock=lambda: now)


async def interview(service: InterviewService, user: int, days: str) -> list[str]:
    """One respondent from /start to the end; what the bot said after the days question."""
    person = Person(user, "en")
    await service.start(person, None, None)
    await service.answer(person, Pick("_consent", "yes"), None)
    said = await service.answer(person, TextInput(days), None)
    texts = [m.text for m in said.messages]
    if said.messages and said.messages[-1].question_id == "why":
        end = await service.answer(person, TextInput("the hills near my house"), None)
        texts += [m.text for m in end.messages]
    return texts


async def statuses(repository: Repository) -> list[tuple[str, str | None]]:
    return [(i.status.value, i.group.value if i.group else None)
            async for i in repository.stream_interviews(study_id="quota_study")]


async def test_the_fourth_non_doer_gets_the_closing(repository: Repository, tmp_path: Path) -> None:
    quota = f'{{doers: 3, non_doers: 3, over_quota: close, full_message: "{FULL}"}}'
    service = await service_for(repository, tmp_path, study_yaml(quota))
    for user in (1, 2, 3):
        assert (await interview(service, user, "0"))[-1] == CLOSING
    fourth = await interview(service, 4, "0")
    assert fourth == [FULL]  # thanked straight after the question that classified them
    # A doer is still welcome: that group has places left.
    assert (await interview(service, 5, "4"))[-1] == CLOSING
    assert await statuses(repository) == [
        ("completed", "non_doer"), ("completed", "non_doer"), ("completed", "non_doer"),
        ("quota_full", "non_doer"), ("completed", "doer"),
    ]
    [figures] = await service.stats()
    assert (figures.counts.non_doers, figures.counts.quota_full) == (3, 1)
    text = stats_text([figures])
    assert "non-doers 3/3 (full)" in text
    assert "doers 1/3 ·" in text
    assert "thanked and stopped (1 so far)" in text


async def test_without_full_message_the_bot_thanks_in_its_own_words(
    repository: Repository, tmp_path: Path,
) -> None:
    service = await service_for(
        repository, tmp_path, study_yaml("{doers: 3, non_doers: 1, over_quota: close}")
    )
    await interview(service, 1, "0")
    assert await interview(service, 2, "0") == [
        "Thank you so much! We already have all the answers we need from people in your "
        "situation, so we'll stop here. We really appreciate your time."
    ]


async def test_over_quota_respondents_are_kept_and_flagged_in_exports(
    repository: Repository, tmp_path: Path,
) -> None:
    service = await service_for(
        repository, tmp_path, study_yaml("{doers: 3, non_doers: 3, over_quota: keep}")
    )
    for user in (1, 2, 3, 4):
        # Everyone is interviewed to the end and thanked the same way.
        assert (await interview(service, user, "0"))[-1] == CLOSING
    assert [s for s, _ in await statuses(repository)] == [
        "completed", "completed", "completed", "over_quota",
    ]
    [figures] = await service.stats()
    assert (figures.counts.non_doers, figures.counts.over_quota) == (3, 1)
    assert "kept apart as over quota (1 so far)" in stats_text([figures])
    script, _ = service.catalog.current("quota_study")
    out = io.StringIO()
    await export_csv(repository, script, "wide", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["status"], r["group"], r["days"], r["why"]) for r in rows][-1] == (
        "over_quota", "non_doer", "0", "the hills near my house",
    )
    assert rows[-1]["completed_at"] != ""


async def test_quotas_are_targets_only_unless_the_script_enforces_them(
    repository: Repository, tmp_path: Path,
) -> None:
    service = await service_for(repository, tmp_path, study_yaml("{doers: 3, non_doers: 1}"))
    for user in (1, 2, 3):
        assert (await interview(service, user, "0"))[-1] == CLOSING
    assert {s for s, _ in await statuses(repository)} == {"completed"}
    assert "quotas are targets only" in stats_text(await service.stats())


async def test_two_bot_processes_share_one_count(repository: Repository, tmp_path: Path) -> None:
    """Each process reads the count from the database at the moment it decides."""
    script = study_yaml(f'{{doers: 3, non_doers: 3, over_quota: close, full_message: "{FULL}"}}')
    one = await service_for(repository, tmp_path, script)
    two = await service_for(repository, tmp_path, script)
    await interview(one, 1, "0")
    await interview(two, 2, "0")
    await interview(one, 3, "0")
    assert await interview(two, 4, "0") == [FULL]


async def test_many_non_doers_finishing_at_once_never_overfill(
    repository: Repository, tmp_path: Path,
) -> None:
    await finishing_at_once(repository, tmp_path)


@pytest.mark.postgres
def test_many_non_doers_finishing_at_once_on_postgresql(tmp_path: Path) -> None:
    """The same on PostgreSQL, where transactions really run side by side."""
    postgres_or_skip()
    with ScratchDatabase() as url:

        async def run() -> None:
            await upgrade(url)
            repository = create_repository(url)
            try:
                await finishing_at_once(repository, tmp_path)
            finally:
                await repository.close()

        asyncio.run(run())


async def finishing_at_once(repository: Repository, tmp_path: Path) -> None:
    script = study_yaml('{doers: 3, non_doers: 3, over_quota: close}')
    service = await service_for(repository, tmp_path, script)
    people = [Person(user, "en") for user in range(10, 18)]
    for person in people:  # eight non-doers all reach the last question…
        await service.start(person, None, None)
        await service.answer(person, Pick("_consent", "yes"), None)
        await service.answer(person, TextInput("0"), None)
    # …and answer it at the same moment: three places, whoever is first takes one.
    await asyncio.gather(*(service.answer(p, TextInput("it rains a lot"), None) for p in people))
    found = [s for s, _ in await statuses(repository)]
    assert found.count("completed") == 3
    assert found.count("over_quota") == 5  # answered everything: kept, never lost
    answers = [a async for a in repository.stream_answers(study_id="quota_study")
               if a.question_id == "why"]
    assert len(answers) == 8


async def test_before_the_study_opens_nobody_starts(repository: Repository, tmp_path: Path) -> None:
    dates = "  opens: 2026-04-01\n  closes: 2026-04-30"
    service = await service_for(repository, tmp_path, study_yaml("{doers: 3, non_doers: 3}", dates))
    said = await service.start(Person(7, "en"), None, None)
    assert [m.text for m in said.messages] == [
        "Thank you for your interest! This study opens on 2026-04-01: please come back then "
        "and send /start."
    ]
    assert await statuses(repository) == []
    # Nothing is stored about them at all, not even that they came.
    assert await repository.get_respondent(pseudonym=pseudonymise(7, KEY)) is None
    assert "not open yet (opens 2026-04-01)" in stats_text(await service.stats())


async def test_after_the_study_closed_nobody_starts_but_interviews_finish(
    repository: Repository, tmp_path: Path,
) -> None:
    dates = "  closes: 2026-03-10"
    script = study_yaml("{doers: 3, non_doers: 3}", dates)
    open_day = await service_for(repository, tmp_path, script)
    ana = Person(8, "en")
    await open_day.start(ana, None, None)
    await open_day.answer(ana, Pick("_consent", "yes"), None)

    later = datetime(2026, 3, 11, 0, 5, tzinfo=UTC)  # the day after the last day
    next_day = await service_for(repository, tmp_path, script, now=later)
    said = await next_day.start(Person(9, "fr"), None, None)
    assert [m.text for m in said.messages] == [
        "Thank you for your interest! This study has closed and is no longer taking answers. "
        "Questions: team@example.org."
    ]
    # Someone already answering may finish.
    await next_day.answer(ana, TextInput("0"), None)
    end = await next_day.answer(ana, TextInput("too far"), None)
    assert [m.text for m in end.messages] == [CLOSING]
    assert await statuses(repository) == [("completed", "non_doer")]
    assert "closed (closed after 2026-03-10)" in stats_text(await next_day.stats())


def test_the_window_counts_whole_days() -> None:
    from bot.script import check_source
    from bot.script.fieldwork import Window, fieldwork_window

    script, problems = check_source(study_yaml(
        "{doers: 3, non_doers: 3}", "  opens: 2026-03-01\n  closes: 2026-03-31").encode())
    assert problems == []
    assert script is not None
    study = script.file.study
    windows = [fieldwork_window(study, date(2026, m, d)) for m, d in
               ((2, 28), (3, 1), (3, 31), (4, 1))]
    assert windows == [Window.not_open_yet, Window.open, Window.open, Window.closed]
