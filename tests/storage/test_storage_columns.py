"""The report's reads: answers as column batches and interviews without their state (both backends)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.vocabulary import Group, InterviewStatus
from storage import (
    AnswerColumnBatch,
    AnswerRecord,
    AnswerValue,
    ImportedInterview,
    Repository,
    StoredAnswer,
)

# Texts with the characters a column-wise read could trip on (commas, quotes, control
# characters, non-ASCII), numbers SQLite stores as numbers (a float that needs 17 digits), lists.
VALUES: list[AnswerValue] = [
    "text", 'a "quoted", text', "héllo, wörld", "tab\there\x1f", 3, -2.5, 0.1 + 0.2, 1e300,
    ["car", "walk"], None, "", True,
]  # fmt: skip


def rows(batches: list[AnswerColumnBatch]) -> list[tuple[object, ...]]:
    """Every answer of the batches as (interview, question, probe, raw, value, answered_at)."""
    return [
        (i, q, p, r, v, at)
        for b in batches
        for i, q, p, r, v, at in zip(
            b.interview_ids, b.question_ids, b.probes, b.raw_texts, b.values, b.answered_at,
            strict=True,
        )
    ]


def expected(a: StoredAnswer) -> tuple[object, ...]:
    """A stored answer as the column batches should give it back."""
    return (
        a.interview_id, a.question_id, a.probe, a.raw_text, a.value,
        a.answered_at.strftime("%Y-%m-%d %H:%M:%S.%f"),
    )  # fmt: skip


async def columns(repo: Repository, study_id: str, size: int) -> list[AnswerColumnBatch]:
    """Every column batch of the study."""
    return [b async for b in repo.stream_answer_columns(study_id=study_id, batch_size=size)]


async def import_study(repo: Repository, now: datetime, study_id: str, count: int) -> None:
    """`count` interviews of every kind of value; every seventh has no answers."""
    version = await repo.register_script(study_id=study_id, title="T", text=study_id, now=now)
    await repo.import_interviews(
        study_id=study_id, script_version_id=version.id, now=now,
        interviews=[
            ImportedInterview(
                pseudonym=f"{study_id}-{n}",
                status=InterviewStatus.completed if n % 4 else InterviewStatus.abandoned,
                group=Group.doer if n % 2 else None, started_at=now,
                completed_at=now + timedelta(minutes=n, microseconds=n) if n % 4 else None,
                language="en" if n % 3 else None, source="poster" if n % 2 else None,
                answers=[] if n % 7 == 0 else [
                    AnswerRecord(
                        f"q,{q}", value, probe=q % 2,
                        raw_text=[value if isinstance(value, str) else "typed", None][n % 2],
                    )
                    for q, value in enumerate(VALUES)
                ],
            )
            for n in range(count)
        ],
    )  # fmt: skip


async def test_column_batches_hold_every_answer_in_stream_order(
    repo: Repository, now: datetime
) -> None:
    # Another study's interviews lie between the two studies' id ranges.
    await import_study(repo, now, "big0", 10)
    await import_study(repo, now, "other", 3)
    await import_study(repo, now, "big1", 10)
    want = [expected(a) async for a in repo.stream_answers(study_id="big1")]

    got = await columns(repo, "big1", 30)

    assert rows(got) == want
    assert len(want) == 8 * len(VALUES)  # interviews 0 and 7 have no answers
    assert len(got) > 1
    assert all(len(b) > 0 for b in got)


async def test_answers_come_by_interview_whatever_order_they_were_recorded_in(
    repo: Repository, now: datetime
) -> None:
    version = await repo.register_script(study_id="s", title="S", text="x", now=now)
    started = []
    for name in ("first", "second"):
        await repo.get_or_create_respondent(pseudonym=name, language=None, source=None, now=now)
        started.append(await repo.start_interview(
            pseudonym=name, study_id="s", script_version_id=version.id, state={}, now=now,
        ))  # fmt: skip
    # The first interview's second answer is recorded after the second interview's answer.
    turns = [(0, 0, "b", 1), (1, 0, "a", 2), (0, 1, "a", 3)]  # (interview, its step, ...)
    for who, step, question, seconds in turns:
        assert await repo.advance(
            interview_id=started[who].id, expected_step=step,
            new_state={}, status=InterviewStatus.active, group=None,
            now=now + timedelta(seconds=seconds, microseconds=5),
            answers=[AnswerRecord(question, question)],
        )  # fmt: skip

    (batch,) = await columns(repo, "s", 100)

    assert list(zip(batch.interview_ids, batch.question_ids, strict=True)) == [
        (started[0].id, "b"), (started[0].id, "a"), (started[1].id, "a"),
    ]  # fmt: skip
    # The stored UTC text, whose order is the time's order.
    assert batch.answered_at == [
        (now + timedelta(seconds=s, microseconds=5)).strftime("%Y-%m-%d %H:%M:%S.%f")
        for s in (1, 3, 2)
    ]


async def test_an_unknown_study_streams_no_batch(repo: Repository, now: datetime) -> None:
    await import_study(repo, now, "s", 2)

    assert await columns(repo, "no-such-study", 10) == []


async def test_interview_headers_are_the_interviews_without_their_state(
    repo: Repository, now: datetime
) -> None:
    await import_study(repo, now, "s", 9)
    await import_study(repo, now, "other", 2)
    want = [
        (i.id, i.status, i.group, i.source, i.language, i.started_at, i.completed_at,
         i.script_version_id)
        async for i in repo.stream_interviews(study_id="s")
    ]  # fmt: skip

    got = [h async for b in repo.stream_interview_headers(study_id="s", batch_size=4) for h in b]

    assert [
        (h.id, h.status, h.group, h.source, h.language, h.started_at, h.completed_at,
         h.script_version_id)
        for h in got
    ] == want  # fmt: skip
    assert len(want) == 9
    assert got[0].started_at.tzinfo is not None
