"""`stream_answer_batches`, the exports' fast read, gives what `stream_answers` gives (both backends)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.vocabulary import Group, InterviewStatus
from storage import (
    AnswerRecord,
    AnswerRow,
    AnswerValue,
    ImportedInterview,
    Repository,
    StoredAnswer,
)
from storage.sqlite_read import iso_utc
from tests.storage.test_storage_contract import answer, begin

VALUES: list[AnswerValue] = ["text", 'a "quoted", text', 3, -2.5, 1e300, ["car", "walk"], None, ""]


def plain(a: StoredAnswer) -> AnswerRow:
    """A record as the plain tuple the batches should hold."""
    return (
        a.id, a.interview_id, a.pseudonym, a.group.value if a.group else None, a.status.value,
        a.question_id, a.probe, a.raw_text, a.value, a.answered_at.isoformat(timespec="microseconds"),
        a.asked,
    )


async def batches(repo: Repository, study_id: str, size: int) -> list[list[AnswerRow]]:
    """Every batch of the study."""
    return [b async for b in repo.stream_answer_batches(study_id=study_id, batch_size=size)]


async def test_batches_hold_the_same_answers_in_the_same_order(
    repo: Repository, now: datetime
) -> None:
    version = await repo.register_script(study_id="big", title="Big", text="x", now=now)
    await repo.import_interviews(
        study_id="big", script_version_id=version.id, now=now,
        interviews=[
            ImportedInterview(
                pseudonym=f"{n:064x}", status=InterviewStatus.completed,
                group=Group.doer if n % 2 else None, started_at=now, completed_at=now,
                # Some interviews have no answers; the others' answers straddle batches.
                answers=[] if n % 7 == 0 else [
                    AnswerRecord(f"q{q}", value, raw_text=None if q % 3 else "typed", probe=q % 2,
                                 # The probe's wording; unknown for some, as for older answers.
                                 asked=f"dig.q{q}" if q % 2 and n % 3 else None)
                    for q, value in enumerate(VALUES)
                ],
            )
            for n in range(32)
        ],
    )
    expected = [plain(a) async for a in repo.stream_answers(study_id="big")]

    got = await batches(repo, "big", 100)

    assert [len(b) for b in got] == [100, 100, 16]  # 27 interviews × 8 answers
    assert [row for batch in got for row in batch] == expected
    assert expected[0][-2] == now.isoformat(timespec="microseconds")
    assert {row[-1] for row in expected} == {None, "dig.q1", "dig.q3", "dig.q5", "dig.q7"}


async def test_answer_times_keep_their_microseconds_in_utc(repo: Repository, now: datetime) -> None:
    interview = await begin(repo, now)
    later = now + timedelta(seconds=1, microseconds=250)
    await answer(repo, interview, 0, now, AnswerRecord("q1", "a"))
    await answer(repo, interview, 1, later, AnswerRecord("q2", "b"))

    (batch,) = await batches(repo, "handwashing", 10)

    assert [row[9] for row in batch] == [
        "2025-03-01T09:30:00.000000+00:00", "2025-03-01T09:30:01.000250+00:00",
    ]


async def test_an_unknown_study_streams_no_batch(repo: Repository, now: datetime) -> None:
    interview = await begin(repo, now)
    await answer(repo, interview, 0, now, AnswerRecord("q1", "a"))

    assert await batches(repo, "no-such-study", 10) == []


def test_sqlite_times_written_by_other_means_are_read_as_utc() -> None:
    # SQLAlchemy writes "2024-05-01 09:30:00.000000"; a hand-written row may differ.
    assert [iso_utc(t) for t in ("2024-05-01 09:30:00.000000", "2024-05-01 09:30:00",
                                 "2024-05-01T11:30:00.5+02:00")] == [
        "2024-05-01T09:30:00.000000+00:00", "2024-05-01T09:30:00.000000+00:00",
        "2024-05-01T09:30:00.500000+00:00",
    ]
