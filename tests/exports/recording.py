"""Recording interviews as the bot does (engine turns stored step by step), for the CSV tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.engine import CONSENT, Command, Input, Pick, TextInput, begin, handle
from bot.script import Script
from storage import AnswerRecord, Repository, create_repository, upgrade

HERE = Path(__file__).parent
START = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


async def fresh_repository(path: Path) -> Repository:
    """A migrated SQLite database at `path`."""
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade(url)
    return create_repository(url)


async def record(
    repository: Repository,
    script: Script,
    pseudonym: str,
    inputs: Sequence[Input | str],
    *,
    language: str = "en",
    consent: bool = True,
    minute: int = 0,
) -> int:
    """Interview one respondent through the engine and store every step as the bot does."""
    now = START + timedelta(minutes=minute)
    version = await repository.register_script(
        study_id=script.study_id, title="Commute", text=script.source, now=now
    )
    await repository.get_or_create_respondent(
        pseudonym=pseudonym, language=language, source="test", now=now
    )
    state = begin(script, language=language, source="test").state
    interview = await repository.start_interview(
        pseudonym=pseudonym, study_id=script.study_id, script_version_id=version.id,
        state=state.to_dict(), now=now, source="test", language=language,
    )
    events = [Pick(CONSENT, "yes" if consent else "no"), *inputs]
    for step, event in enumerate(events):
        turn = handle(script, state, TextInput(event) if isinstance(event, str) else event)
        moved = await repository.advance(
            interview_id=interview.id, expected_step=step, new_state=turn.state.to_dict(),
            status=turn.state.status, group=turn.state.group,
            now=now + timedelta(seconds=step + 1),
            answers=[AnswerRecord(a.question_id, a.value, a.raw, a.probe, a.asked)
                     for a in turn.answers],
            withdrawn=turn.withdrawn,
        )
        assert moved, f"step {step} was refused"
        state = turn.state
    return interview.id


async def record_study(repository: Repository, script: Script) -> None:
    """Five respondents covering every path of the test study."""
    # A doer whose short answer is probed.
    await record(repository, script, "a" * 64,
                 ["Ana", "34", "5", "sun", "when it is dry and sunny", Pick("confident", "3"),
                  Pick("stage", "con")])
    # A non-doer answering in French, with a formula-looking name and a multiple choice.
    await record(repository, script, "b" * 64,
                 ["=HYPERLINK(\"http://evil\")", "41", "0", Pick("instead", "car"),
                  Pick("instead", "walk"), Pick("instead", "_done"),
                  "des pistes cyclables partout en ville", Pick("confident", "1"),
                  Command("skip")], language="fr", minute=1)
    # Screened out by age.
    await record(repository, script, "c" * 64, ["-Bo", "15"], minute=2)
    # Declined to take part.
    await record(repository, script, "d" * 64, [], consent=False, minute=3)
    # Excluded: neither a doer nor a non-doer.
    await record(repository, script, "e" * 64, ["+Cy", "50", "1"], minute=4)
