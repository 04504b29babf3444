"""A generated cycling study written to SQLite through the storage layer, with planted findings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.script import Script, load_script
from bot.vocabulary import Group, InterviewStatus
from storage import (
    AnswerRecord,
    AnswerValue,
    ImportedInterview,
    Repository,
    create_repository,
    upgrade,
)
from tests.planted import planted_answers

# The analysis tests' study script: a coded self-efficacy question, closed determinants, a segment
# question and two competing-behaviour questions.
CYCLING = Path(__file__).parent.parent / "analysis" / "cycling.yaml"
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
SCRIPT_QUOTE = '<script>alert("x")</script> the traffic scares me'


def cycling() -> Script:
    """The cycling-to-work script."""
    return load_script(CYCLING)


async def fresh_repository(path: Path) -> Repository:
    """A migrated SQLite database at `path`."""
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade(url)
    return create_repository(url)


def _interview(
    number: int,
    status: InterviewStatus,
    group: Group | None,
    answers: dict[str, AnswerValue],
    source: str | None = None,
) -> ImportedInterview:
    started = T0 + timedelta(hours=number)
    done = status != InterviewStatus.abandoned
    return ImportedInterview(
        pseudonym=f"{number:064x}",
        status=status,
        group=group,
        started_at=started,
        completed_at=started + timedelta(minutes=8 + number % 5) if done else None,
        answers=[AnswerRecord(q, v, v if isinstance(v, str) else None) for q, v in answers.items()],
        language="en",
        source=source,
    )


def planted_interviews(seed: int = 7) -> list[ImportedInterview]:
    """The planted study (see `tests/planted.py`): 90 completed and 3 others.

    The first non-doer's answer carries a <script> tag, which every rendering must escape.
    """
    interviews = []
    for i, doer, answers in planted_answers(seed):
        if i == 1:
            answers["hard"] = SCRIPT_QUOTE
        group = Group.doer if doer else Group.non_doer
        interviews.append(_interview(i, InterviewStatus.completed, group, answers,
                                     "poster" if i < 30 else None))  # fmt: skip
    interviews += [
        _interview(90, InterviewStatus.screened_out, None, {"age": 15}),
        _interview(91, InterviewStatus.declined, None, {}),
        _interview(92, InterviewStatus.abandoned, None, {"age": 40, "days": 0}),
    ]
    return interviews


async def write_study(
    repository: Repository, script: Script, interviews: list[ImportedInterview]
) -> None:
    """Store the interviews under the script's current version."""
    version = await repository.register_script(
        study_id=script.study_id, title="Cycling", text=script.source, now=T0
    )
    await repository.import_interviews(
        study_id=script.study_id, script_version_id=version.id, interviews=interviews, now=T0
    )
