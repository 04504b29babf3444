"""The storage contract, coding overrides: the latest wins, and they go with the words they coded."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage import AnswerRecord, Repository
from tests.storage.test_storage_contract import answer, answers_of, begin, collect_answers


async def test_restart_clears_answers_and_their_coding(repo: Repository, now: datetime) -> None:
    interview = await begin(repo, now)
    other = await begin(repo, now, user_id=2)
    await answer(repo, interview, 0, now, AnswerRecord("q1", "yes"), AnswerRecord("q2", "no"))
    await answer(repo, other, 0, now, AnswerRecord("q1", "no"))
    first_answer = (await collect_answers(repo))[0]
    await repo.set_coding_override(answer_id=first_answer.id, themes=["cost"], coder="ana", now=now)

    assert await repo.clear_answers(interview_id=interview.id) == 2

    assert await answers_of(repo) == [(other.id, "q1", 0, "no")]
    assert await repo.coding_overrides(study_id="handwashing") == {}


async def test_latest_coding_override_wins(repo: Repository, now: datetime) -> None:
    interview = await begin(repo, now)
    await answer(repo, interview, 0, now, AnswerRecord("q1", "The soap costs too much"))
    answer_id = (await collect_answers(repo))[0].id

    await repo.set_coding_override(answer_id=answer_id, themes=["cost"], coder="ana", now=now)
    await repo.set_coding_override(
        answer_id=answer_id, themes=["cost", "access"], coder="ben", now=now + timedelta(hours=1)
    )
    overrides = await repo.coding_overrides(study_id="handwashing")

    assert list(overrides) == [answer_id]
    assert (overrides[answer_id].themes, overrides[answer_id].coder) == (("cost", "access"), "ben")


async def test_coding_of_a_changed_answer_goes_and_of_the_same_answer_stays(
    repo: Repository, now: datetime
) -> None:
    interview = await begin(repo, now)
    await answer(
        repo, interview, 0, now, AnswerRecord("q1", "soap is expensive", "soap is expensive")
    )
    await answer(repo, interview, 1, now, AnswerRecord("q2", "at the tap", "at the tap"))
    first, second = await collect_answers(repo)
    for stored in (first, second):
        await repo.set_coding_override(answer_id=stored.id, themes=["x"], coder="ana", now=now)

    # After /back the respondent writes q1 differently, and gives q2 word for word again.
    await answer(repo, interview, 2, now, AnswerRecord("q1", "no soap nearby", "no soap nearby"))
    await answer(repo, interview, 3, now, AnswerRecord("q2", "at the tap", "at the tap"))

    assert list(await repo.coding_overrides(study_id="handwashing")) == [second.id]
