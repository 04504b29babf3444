"""Many interviews advancing at once, with double deliveries: nothing lost, nothing twice."""

from __future__ import annotations

import asyncio
from datetime import datetime

from bot.vocabulary import InterviewStatus
from storage import AnswerRecord, InterviewRecord, Repository, pseudonymise

INTERVIEWS = 200
STEPS = 4


async def run_interview(repo: Repository, interview: InterviewRecord, now: datetime) -> list[bool]:
    """Walk one interview through its steps, each update delivered twice at the same moment."""
    applied: list[bool] = []
    for step in range(STEPS):
        update_id = interview.id * 100 + step

        def deliver(step: int = step, update_id: int = update_id) -> asyncio.Task[bool]:
            return asyncio.create_task(
                repo.advance(
                    interview_id=interview.id, expected_step=step,
                    new_state={"step": step + 1}, status=InterviewStatus.active, group=None,
                    now=now, answers=[AnswerRecord(f"q{step}", f"answer {step}")],
                    update_id=update_id,
                )
            )

        applied += await asyncio.gather(deliver(), deliver())
    return applied


async def test_two_hundred_interviews_at_once(repo: Repository, now: datetime) -> None:
    version = await repo.register_script(study_id="busy", title="Busy", text="x", now=now)
    interviews = []
    for n in range(INTERVIEWS):
        pseudonym = pseudonymise(n, "key")
        await repo.get_or_create_respondent(pseudonym=pseudonym, language=None, source=None, now=now)
        interviews.append(
            await repo.start_interview(
                pseudonym=pseudonym, study_id="busy", script_version_id=version.id,
                state={"step": 0}, now=now,
            )
        )

    # Any "database is locked" or pool timeout would surface here as an exception.
    outcomes = await asyncio.gather(*(run_interview(repo, i, now) for i in interviews))

    assert all(sum(applied) == STEPS for applied in outcomes)  # exactly one delivery per step
    stored = [(a.interview_id, a.question_id) async for a in repo.stream_answers(study_id="busy")]
    assert len(stored) == INTERVIEWS * STEPS
    assert set(stored) == {(i.id, f"q{s}") for i in interviews for s in range(STEPS)}
    steps = {i.step async for i in repo.stream_interviews(study_id="busy")}
    assert steps == {STEPS}
