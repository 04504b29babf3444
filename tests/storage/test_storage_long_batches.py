"""`stream_long_batches`, the long export's read, gives what `stream_answers` gives (both backends)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from bot.vocabulary import Group, InterviewStatus
from storage import (
    AnswerRecord,
    AnswerValue,
    ImportedInterview,
    LongAnswerBatch,
    Repository,
    StoredAnswer,
)
from storage.sqlite_read import stored_utc

VALUES: list[AnswerValue] = [
    "text", 'a "quoted", text', "héllo", "tab\there", 3, -2.5, 1e300, ["car", "walk"], None, "", True,
]


def decoded(value: str | int | float | None, raw: str | None) -> AnswerValue:
    """The value a `LongAnswerRow` stands for."""
    if value is None:
        return raw
    return json.loads(value) if isinstance(value, str) else value


def expected(a: StoredAnswer) -> tuple[object, ...]:
    """A record as the long batches should give it back, decoded."""
    return (
        a.interview_id, a.pseudonym, a.group.value if a.group else None, a.status.value,
        a.question_id, a.probe, a.raw_text, a.value,
        a.answered_at.strftime("%Y-%m-%d %H:%M:%S.%f"), a.asked,
    )


async def batches(repo: Repository, study_id: str, size: int) -> list[LongAnswerBatch]:
    """Every batch of the study."""
    return [b async for b in repo.stream_long_batches(study_id=study_id, batch_size=size)]


async def test_long_batches_hold_the_same_answers_in_the_same_order(
    repo: Repository, now: datetime
) -> None:
    version = await repo.register_script(study_id="big", title="Big", text="x", now=now)
    later = now + timedelta(seconds=1, microseconds=250)
    await repo.import_interviews(
        study_id="big", script_version_id=version.id, now=now,
        interviews=[
            ImportedInterview(
                pseudonym=f"{n:064x}", status=InterviewStatus.completed,
                group=Group.doer if n % 2 else None, started_at=later, completed_at=later,
                # Some interviews have no answers; the others' answers straddle batches. The
                # raw text is the value itself, another text, or none.
                answers=[] if n % 7 == 0 else [
                    AnswerRecord(
                        f"q{q}", value, probe=q % 2, asked=f"what_else.q{q}" if q % 2 else None,
                        raw_text=[value if isinstance(value, str) else "typed", "other", None][n % 3],
                    )
                    for q, value in enumerate(VALUES)
                ],
            )
            for n in range(32)
        ],
    )
    want = [expected(a) async for a in repo.stream_answers(study_id="big")]

    got = await batches(repo, "big", 100)

    assert [len(rows) for _, rows in got] == [100, 100, 97]  # 27 interviews × 11 answers
    assert [
        (iid, *interviews[iid], qid, probe, raw, decoded(value, raw), at, asked)
        for interviews, rows in got
        for iid, qid, probe, raw, value, at, asked in rows
    ] == want
    assert want[0][-2] == later.strftime("%Y-%m-%d %H:%M:%S.%f")
    assert {row[-1] for row in want} == {None, *(f"what_else.q{q}" for q in (1, 3, 5, 7, 9))}


async def test_a_value_that_is_its_raw_text_comes_as_none(repo: Repository, now: datetime) -> None:
    version = await repo.register_script(study_id="s", title="S", text="x", now=now)
    await repo.import_interviews(
        study_id="s", script_version_id=version.id, now=now,
        interviews=[ImportedInterview(
            pseudonym="p", status=InterviewStatus.completed, group=None, started_at=now,
            completed_at=now, answers=[
                AnswerRecord("same", "walk", raw_text="walk"),
                AnswerRecord("other", "walk", raw_text="by foot"),
                AnswerRecord("empty", None, raw_text="x"),
            ],
        )],
    )

    ((_, rows),) = await batches(repo, "s", 10)

    assert [row[4] for row in rows] == [None, '"walk"', "null"]


async def test_an_unknown_study_streams_no_batch(repo: Repository, now: datetime) -> None:
    await repo.register_script(study_id="s", title="S", text="x", now=now)

    assert await batches(repo, "no-such-study", 10) == []


def test_sqlite_times_written_by_other_means_are_read_as_utc() -> None:
    # SQLAlchemy writes "2024-05-01 09:30:00.000000"; a hand-written row may differ.
    assert [stored_utc(t) for t in ("2024-05-01 09:30:00", "2024-05-01T11:30:00.5+02:00")] == [
        "2024-05-01 09:30:00.000000", "2024-05-01 09:30:00.500000",
    ]
