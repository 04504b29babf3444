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


async def test_a_second_coders_coding_is_kept_apart_and_never_in_force(
    repo: Repository, now: datetime
) -> None:
    interview = await begin(repo, now)
    await answer(repo, interview, 0, now, AnswerRecord("q1", "The soap costs too much"))
    answer_id = (await collect_answers(repo))[0].id
    await repo.set_coding_override(answer_id=answer_id, themes=["cost"], coder="ana", now=now)
    await repo.set_coding_override(answer_id=answer_id, themes=["access"], coder="ben",
                                   now=now + timedelta(hours=1), independent=True)  # fmt: skip

    in_force = await repo.coding_overrides(study_id="handwashing")
    second = await repo.coding_overrides(study_id="handwashing", independent=True)
    assert (in_force[answer_id].themes, in_force[answer_id].coder) == (("cost",), "ana")
    assert (second[answer_id].themes, second[answer_id].coder) == (("access",), "ben")

    # It goes with the answer, like the coding in force.
    assert await repo.clear_answers(interview_id=interview.id) == 1
    assert await repo.coding_overrides(study_id="handwashing", independent=True) == {}


async def test_keywords_added_to_a_codebook_are_kept_once_per_study(
    repo: Repository, now: datetime
) -> None:
    added = await repo.add_codebook_keyword(
        study_id="handwashing", question_id="hard", theme_id="cost", language="en",
        keyword="pricey", coder="ana", now=now,
    )  # fmt: skip
    again = await repo.add_codebook_keyword(
        study_id="handwashing", question_id="hard", theme_id="cost", language="en",
        keyword="pricey", coder="ben", now=now + timedelta(minutes=1),
    )  # fmt: skip
    await repo.add_codebook_keyword(
        study_id="handwashing", question_id="hard", theme_id="cost", language="es",
        keyword="caro", coder="ben", now=now + timedelta(minutes=2),
    )  # fmt: skip
    await repo.add_codebook_keyword(
        study_id="other", question_id="hard", theme_id="cost", language="en",
        keyword="dear", coder="ben", now=now,
    )  # fmt: skip

    assert (added, again) == (True, False)
    kept = await repo.codebook_keywords(study_id="handwashing")
    assert [(k.theme_id, k.language, k.keyword, k.coder) for k in kept] == [
        ("cost", "en", "pricey", "ana"), ("cost", "es", "caro", "ben")]
    assert kept[0].created_at == now
