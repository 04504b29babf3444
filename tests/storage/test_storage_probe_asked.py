"""A follow-up answer keeps the probe wording it replied to, on every write path (both backends)."""

from __future__ import annotations

from datetime import datetime

from bot.vocabulary import InterviewStatus
from storage import AnswerRecord, ImportedInterview, Repository
from tests.storage.test_storage_contract import answer, begin


async def asked_of(repo: Repository, study_id: str = "handwashing") -> list[tuple[str, int, str | None]]:
    """(question, probe, probe wording key) of every stored answer, in stream order."""
    return [(a.question_id, a.probe, a.asked) async for a in repo.stream_answers(study_id=study_id)]


async def test_a_probe_answer_keeps_its_wording_and_answering_again_replaces_it(
    repo: Repository, now: datetime
) -> None:
    interview = await begin(repo, now)
    await answer(repo, interview, 0, now, AnswerRecord("q1", "no", "No"))
    await answer(repo, interview, 1, now,
                 AnswerRecord("q1", "far", "far", probe=1, asked="dig.perceived_access"))
    await answer(repo, interview, 2, now,
                 AnswerRecord("q1", "rain", "rain", probe=2, asked="what_else.perceived_access"))
    assert await asked_of(repo) == [
        ("q1", 0, None), ("q1", 1, "dig.perceived_access"), ("q1", 2, "what_else.perceived_access"),
    ]

    # The second follow-up answered again, after another wording (the same row is updated).
    await answer(repo, interview, 3, now,
                 AnswerRecord("q1", "cold", "cold", probe=2, asked="what_else_more.0"))
    assert await asked_of(repo) == [
        ("q1", 0, None), ("q1", 1, "dig.perceived_access"), ("q1", 2, "what_else_more.0"),
    ]


async def test_imported_probe_answers_keep_their_wording(repo: Repository, now: datetime) -> None:
    version = await repo.register_script(study_id="paper", title="Paper", text="x", now=now)
    await repo.import_interviews(
        study_id="paper", script_version_id=version.id, now=now,
        interviews=[ImportedInterview(
            pseudonym="f" * 64, status=InterviewStatus.completed, group=None, started_at=now,
            completed_at=now, answers=[
                AnswerRecord("q1", "sun", "sun"),
                AnswerRecord("q1", "dry", "dry", probe=1, asked="dig.perceived_self_efficacy"),
                # Collected on paper where the bot would not have probed: no wording known.
                AnswerRecord("q1", "ok", "ok", probe=2),
            ],
        )],
    )

    assert await asked_of(repo, "paper") == [
        ("q1", 0, None), ("q1", 1, "dig.perceived_self_efficacy"), ("q1", 2, None),
    ]
