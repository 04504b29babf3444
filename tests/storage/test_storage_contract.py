"""The storage contract: every backend must behave the same (run on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.vocabulary import Group, InterviewStatus
from storage import AnswerRecord, ImportedInterview, InterviewRecord, Repository, pseudonymise

KEY = "test-pseudonym-key"
ACTIVE = InterviewStatus.active


async def begin(
    repo: Repository, now: datetime, *, user_id: int = 1001, study_id: str = "handwashing"
) -> InterviewRecord:
    """Register a script, a respondent and start their interview."""
    version = await repo.register_script(
        study_id=study_id, title="Handwashing", text=f"study: {study_id}\n", now=now
    )
    pseudonym = pseudonymise(user_id, KEY)
    await repo.get_or_create_respondent(pseudonym=pseudonym, language="en", source="qr", now=now)
    return await repo.start_interview(
        pseudonym=pseudonym,
        study_id=study_id,
        script_version_id=version.id,
        state={"step": 0},
        now=now,
        source="qr",
        language="en",
    )


async def answer(
    repo: Repository,
    interview: InterviewRecord,
    step: int,
    now: datetime,
    *answers: AnswerRecord,
    update_id: int | None = None,
    status: InterviewStatus = ACTIVE,
    group: Group | None = None,
) -> bool:
    """Advance the interview from `step` with the given answers."""
    return await repo.advance(
        interview_id=interview.id,
        expected_step=step,
        new_state={"step": step + 1},
        status=status,
        group=group,
        now=now,
        answers=answers,
        update_id=update_id,
    )


async def answers_of(repo: Repository, study_id: str = "handwashing") -> list[Any]:
    """(interview, question, probe, value) of every stored answer, in stream order."""
    return [
        (a.interview_id, a.question_id, a.probe, a.value)
        async for a in repo.stream_answers(study_id=study_id)
    ]


async def test_registering_the_same_script_twice_gives_the_same_version(
    repo: Repository, now: datetime
) -> None:
    first = await repo.register_script(study_id="s1", title="One", text="a: 1\n", now=now)
    again = await repo.register_script(study_id="s1", title="One", text="a: 1\n", now=now)
    edited = await repo.register_script(study_id="s1", title="One", text="a: 2\n", now=now)

    assert again == first
    assert edited.id != first.id
    assert (await repo.get_script_version(version_id=first.id)) == first
    assert first.text == "a: 1\n"
    assert len(first.sha256) == 64


def test_pseudonym_is_keyed_and_never_the_raw_id() -> None:
    user_id = 123456789

    pseudonym = pseudonymise(user_id, KEY)

    assert str(user_id) not in pseudonym
    assert pseudonym == pseudonymise(user_id, KEY)
    assert pseudonym != pseudonymise(user_id, "another key")
    assert len(pseudonym) == 64
    assert int(pseudonym, 16) >= 0
    with pytest.raises(ValueError, match="PSEUDONYM_KEY"):
        pseudonymise(user_id, "")


async def test_respondent_is_created_once_and_updated_field_by_field(
    repo: Repository, now: datetime
) -> None:
    pseudonym = pseudonymise(42, KEY)
    created = await repo.get_or_create_respondent(
        pseudonym=pseudonym, language="fr", source="poster", now=now
    )
    again = await repo.get_or_create_respondent(
        pseudonym=pseudonym, language="en", source="radio", now=now
    )
    assert again == created

    assert await repo.update_respondent(pseudonym=pseudonym, consent_at=now, blocked_at=now)
    assert await repo.update_respondent(pseudonym=pseudonym, blocked_at=None)
    updated = await repo.get_respondent(pseudonym=pseudonym)

    assert updated is not None
    assert (updated.language, updated.consent_at, updated.blocked_at) == ("fr", now, None)
    assert not await repo.update_respondent(pseudonym="nobody", language="en")


async def test_advance_applies_once_per_step_and_a_stale_step_changes_nothing(
    repo: Repository, now: datetime
) -> None:
    interview = await begin(repo, now)
    later = now + timedelta(minutes=1)

    assert await answer(repo, interview, 0, later, AnswerRecord("q1", "yes", "Yes"))
    stale = await repo.advance(
        interview_id=interview.id,
        expected_step=0,
        new_state={"step": 99},
        status=InterviewStatus.completed,
        group=Group.doer,
        now=later + timedelta(minutes=5),
        answers=[AnswerRecord("q1", "no", "No"), AnswerRecord("q2", "x")],
    )
    stored = await repo.get_interview(interview_id=interview.id)

    assert stale is False
    assert stored is not None
    assert (stored.step, stored.state, stored.status, stored.group) == (
        1,
        {"step": 1},
        ACTIVE,
        None,
    )
    assert (stored.updated_at, stored.completed_at) == (later, None)
    assert await answers_of(repo) == [(interview.id, "q1", 0, "yes")]


async def test_a_redelivered_update_is_applied_once(repo: Repository, now: datetime) -> None:
    interview = await begin(repo, now)

    assert await answer(repo, interview, 0, now, AnswerRecord("q1", "yes"), update_id=500)
    # The same update again, even against the fresh step, must not record a second answer.
    assert not await answer(repo, interview, 1, now, AnswerRecord("q2", "no"), update_id=500)

    assert await answers_of(repo) == [(interview.id, "q1", 0, "yes")]
    stored = await repo.get_interview(interview_id=interview.id)
    assert stored is not None
    assert stored.step == 1


async def test_the_repository_tells_which_updates_it_applied(
    repo: Repository, now: datetime
) -> None:
    interview = await begin(repo, now)
    await answer(repo, interview, 0, now, AnswerRecord("q1", "yes"), update_id=500)
    # A stale tap (update 501) is refused and leaves no trace: only 500 counts as applied.
    assert not await answer(repo, interview, 0, now, AnswerRecord("q1", "no"), update_id=501)

    assert await repo.update_applied(interview_id=interview.id, update_id=500)
    assert not await repo.update_applied(interview_id=interview.id, update_id=501)


async def test_answering_again_after_back_replaces_the_earlier_answer(
    repo: Repository, now: datetime
) -> None:
    interview = await begin(repo, now)
    await answer(repo, interview, 0, now, AnswerRecord("q1", "yes", "Yes"))
    await answer(repo, interview, 1, now, AnswerRecord("q2", "bus", "By bus"))
    # "back" is a transition of its own; then q2 is answered again.
    await answer(repo, interview, 2, now)
    await answer(repo, interview, 3, now, AnswerRecord("q2", "bike", "By bike"), update_id=9)

    assert await answers_of(repo) == [
        (interview.id, "q1", 0, "yes"),
        (interview.id, "q2", 0, "bike"),
    ]


async def test_a_new_main_answer_drops_the_probes_of_the_answer_it_replaces(
    repo: Repository, now: datetime
) -> None:
    interview = await begin(repo, now)
    await answer(repo, interview, 0, now, AnswerRecord("q1", "no", "No"))
    await answer(repo, interview, 1, now, AnswerRecord("q1", "Too far", "Too far", probe=1))
    await answer(repo, interview, 2, now, AnswerRecord("q1", "No lanes", "No lanes", probe=2))
    await answer(repo, interview, 3, now, AnswerRecord("q2", "rain", "Rain"))
    await answer(repo, interview, 4, now, AnswerRecord("q2", "Wet", "Wet clothes", probe=1))
    probe = next(a for a in await collect_answers(repo) if (a.question_id, a.probe) == ("q1", 1))
    await repo.set_coding_override(answer_id=probe.id, themes=["distance"], coder="ana", now=now)

    # Back to q1, answered "yes" this time: its probes were about the old "no".
    await answer(repo, interview, 5, now)
    assert await answer(repo, interview, 6, now, AnswerRecord("q1", "yes", "Yes"))
    # A probe answered again replaces only itself.
    await answer(repo, interview, 7, now, AnswerRecord("q2", "Cold", "Cold", probe=1))

    assert await answers_of(repo) == [
        (interview.id, "q1", 0, "yes"),
        (interview.id, "q2", 0, "rain"),
        (interview.id, "q2", 1, "Cold"),
    ]
    assert await repo.coding_overrides(study_id="handwashing") == {}


async def test_withdrawn_answers_are_deleted_in_the_same_transition(
    repo: Repository, now: datetime
) -> None:
    interview = await begin(repo, now)
    other = await begin(repo, now, user_id=2)
    await answer(repo, interview, 0, now, AnswerRecord("days", 0, "0"))
    await answer(repo, interview, 1, now, AnswerRecord("instead", ["car"], "1"))
    await answer(repo, interview, 2, now, AnswerRecord("instead", "Faster", "Faster", probe=1))
    await answer(repo, other, 0, now, AnswerRecord("instead", ["bus"], "2"))
    branch = next(a for a in await collect_answers(repo)
                  if (a.interview_id, a.question_id, a.probe) == (interview.id, "instead", 1))
    await repo.set_coding_override(answer_id=branch.id, themes=["speed"], coder="ana", now=now)

    # Back to `days`, now answered 5: the branch `instead` belonged to is closed again.
    async def change_days(step: int) -> bool:
        return await repo.advance(
            interview_id=interview.id, expected_step=step, new_state={"step": step + 1},
            status=ACTIVE, group=Group.doer, now=now, answers=[AnswerRecord("days", 5, "5")],
            withdrawn=["instead"],
        )

    assert await change_days(2) is False  # stale: nothing is withdrawn either
    assert len(await answers_of(repo)) == 4
    assert await change_days(3) is True

    assert await answers_of(repo) == [
        (interview.id, "days", 0, 5),
        (other.id, "instead", 0, ["bus"]),  # another interview's answer to it stays
    ]
    assert await repo.coding_overrides(study_id="handwashing") == {}


async def test_restart_clears_earlier_answers_in_the_same_transition(
    repo: Repository, now: datetime
) -> None:
    interview = await begin(repo, now)
    other = await begin(repo, now, user_id=2)
    await answer(repo, interview, 0, now, AnswerRecord("q1", "yes"), AnswerRecord("q2", "no"))
    await answer(repo, other, 0, now, AnswerRecord("q1", "no"))
    first_answer = (await collect_answers(repo))[0]
    await repo.set_coding_override(answer_id=first_answer.id, themes=["cost"], coder="ana", now=now)

    # A stale restart changes nothing, answers included: the clearing is part of the transition.
    stale = await repo.advance(
        interview_id=interview.id,
        expected_step=0,
        new_state={"step": 0},
        status=ACTIVE,
        group=None,
        now=now,
        clear_answers=True,
    )
    assert stale is False
    assert len(await answers_of(repo)) == 3
    restarted = await repo.advance(
        interview_id=interview.id,
        expected_step=1,
        new_state={"step": 0},
        status=ACTIVE,
        group=None,
        now=now,
        answers=[AnswerRecord("consent", "yes")],
        clear_answers=True,
    )

    assert restarted is True
    assert await answers_of(repo) == [
        (interview.id, "consent", 0, "yes"),
        (other.id, "q1", 0, "no"),
    ]
    assert await repo.coding_overrides(study_id="handwashing") == {}


async def test_completion_sets_completed_at_and_counts(repo: Repository, now: datetime) -> None:
    doer = await begin(repo, now, user_id=1)
    non_doer = await begin(repo, now, user_id=2)
    screened = await begin(repo, now, user_id=3)
    await begin(repo, now, user_id=4)
    done = now + timedelta(minutes=7)

    await answer(repo, doer, 0, done, status=InterviewStatus.completed, group=Group.doer)
    await answer(repo, non_doer, 0, done, status=InterviewStatus.completed, group=Group.non_doer)
    await answer(repo, screened, 0, done, status=InterviewStatus.screened_out)
    counts = await repo.study_counts(study_id="handwashing")
    finished = await repo.get_interview(interview_id=doer.id)

    assert (counts.starts, counts.completed, counts.screened_out, counts.active) == (4, 2, 1, 1)
    assert (counts.doers, counts.non_doers) == (1, 1)
    assert finished is not None
    assert finished.completed_at == done


async def test_every_status_and_group_of_the_vocabulary_is_kept_as_it_is(
    repo: Repository, now: datetime
) -> None:
    # One vocabulary from the engine to the exports: whatever the engine decides, storage keeps
    # and hands back unchanged, to the interview, the answers' stream and the study's counts.
    cases = [(status, group) for status in InterviewStatus for group in (None, *Group)]
    for n, (status, group) in enumerate(cases):
        interview = await begin(repo, now, user_id=100 + n)
        await answer(repo, interview, 0, now, AnswerRecord("q1", "yes"), status=status,
                     group=group)
        stored = await repo.get_interview(interview_id=interview.id)
        assert stored is not None
        assert (stored.status, stored.group) == (status, group)
        assert type(stored.status) is InterviewStatus
    kept = {(a.status, a.group) async for a in repo.stream_answers(study_id="handwashing")}
    counts = await repo.study_counts(study_id="handwashing")

    assert kept == set(cases)
    for status in InterviewStatus:  # each status names its count: one field per word
        assert getattr(counts, status.value) == len(Group) + 1


async def test_active_and_latest_interview(repo: Repository, now: datetime) -> None:
    first = await begin(repo, now)
    await answer(repo, first, 0, now, status=InterviewStatus.declined)
    second = await begin(repo, now)
    pseudonym = pseudonymise(1001, KEY)

    active = await repo.active_interview(pseudonym=pseudonym, study_id="handwashing")
    latest = await repo.latest_interview(pseudonym=pseudonym, study_id="handwashing")
    await answer(repo, second, 0, now, status=InterviewStatus.abandoned)

    assert active is not None
    assert active.id == second.id
    assert latest is not None
    assert latest.id == second.id
    assert await repo.active_interview(pseudonym=pseudonym, study_id="handwashing") is None


async def test_idle_interviews_are_reminded_once_per_idle_spell(
    repo: Repository, now: datetime
) -> None:
    idle = await begin(repo, now, user_id=1)
    opted_out = await begin(repo, now, user_id=2)
    await repo.update_respondent(pseudonym=opted_out.pseudonym, opted_out_at=now)
    recent = await begin(repo, now + timedelta(hours=30), user_id=3)  # not idle yet
    cutoff = now + timedelta(hours=24)

    assert [i.id for i in await repo.idle_interviews(idle_since=cutoff)] == [idle.id]
    await repo.mark_reminded(interview_id=idle.id, now=cutoff)
    assert await repo.idle_interviews(idle_since=cutoff) == []

    # Answering after the reminder starts a new idle spell.
    await answer(repo, idle, 0, cutoff + timedelta(hours=1))
    later = cutoff + timedelta(hours=48)
    assert [i.id for i in await repo.idle_interviews(idle_since=later)] == [idle.id, recent.id]


async def test_an_undelivered_question_is_noted_until_it_is_shown(
    repo: Repository, now: datetime
) -> None:
    waiting = await begin(repo, now, user_id=1)
    blocked = await begin(repo, now, user_id=2)
    await answer(repo, waiting, 0, now)  # the answer is stored; its next question is not shown

    assert await repo.mark_undelivered(interview_id=waiting.id, step=1)
    assert not await repo.mark_undelivered(interview_id=waiting.id, step=0)  # moved on already
    assert await repo.mark_undelivered(interview_id=blocked.id, step=0)
    await repo.update_respondent(pseudonym=blocked.pseudonym, blocked_at=now)
    stored = await repo.get_interview(interview_id=waiting.id)
    assert stored is not None
    assert stored.question_unseen
    assert [i.id for i in await repo.undelivered_interviews()] == [waiting.id]

    await repo.mark_delivered(interview_id=waiting.id, step=1)
    shown = await repo.get_interview(interview_id=waiting.id)
    assert shown is not None
    assert not shown.question_unseen
    assert await repo.undelivered_interviews() == []


async def test_an_answer_after_an_undelivered_question_ends_the_note(
    repo: Repository, now: datetime
) -> None:
    interview = await begin(repo, now)
    await repo.mark_undelivered(interview_id=interview.id, step=0)
    await answer(repo, interview, 0, now)  # e.g. a tap on the question's own button

    moved = await repo.get_interview(interview_id=interview.id)
    assert moved is not None
    assert not moved.question_unseen
    assert await repo.undelivered_interviews() == []


async def collect_answers(repo: Repository) -> list[Any]:
    """Every stored answer record of the handwashing study."""
    return [a async for a in repo.stream_answers(study_id="handwashing")]


async def test_streams_come_in_interview_then_recording_order(
    repo: Repository, now: datetime
) -> None:
    first = await begin(repo, now, user_id=1)
    second = await begin(repo, now, user_id=2)
    # Interleaved on purpose: the stream groups by interview whatever the commit order.
    await answer(repo, second, 0, now, AnswerRecord("q1", "b1"))
    await answer(repo, first, 0, now, AnswerRecord("q1", "a1"))
    await answer(repo, second, 1, now, AnswerRecord("q2", "b2"))
    await answer(repo, first, 1, now, AnswerRecord("q2", "a2"))

    assert [a[3] for a in await answers_of(repo)] == ["a1", "a2", "b1", "b2"]
    interviews = [i.id async for i in repo.stream_interviews(study_id="handwashing")]
    assert interviews == [first.id, second.id]


async def test_streaming_a_large_study_spans_many_batches(repo: Repository, now: datetime) -> None:
    version = await repo.register_script(study_id="big", title="Big", text="x", now=now)
    imported = [
        ImportedInterview(
            pseudonym=pseudonymise(n, KEY),
            status=InterviewStatus.completed,
            group=Group.doer,
            started_at=now,
            completed_at=now,
            answers=[AnswerRecord(f"q{q:02}", q) for q in range(25)],
        )
        for n in range(100)
    ]
    await repo.import_interviews(
        study_id="big", script_version_id=version.id, interviews=imported, now=now
    )

    streamed = await answers_of(repo, "big")

    assert len(streamed) == 2500
    assert streamed == sorted(streamed)  # interview ids, then question order as recorded


async def test_import_is_all_or_nothing(repo: Repository, now: datetime) -> None:
    version = await repo.register_script(study_id="paper", title="Paper", text="x", now=now)

    def completed(n: int, value: Any) -> ImportedInterview:
        return ImportedInterview(
            pseudonym=pseudonymise(n, KEY),
            status=InterviewStatus.completed,
            group=Group.non_doer,
            started_at=now,
            completed_at=now,
            answers=[AnswerRecord("q1", value)],
        )

    # The last interview fails while being written (its value can't be stored as JSON).
    broken = [completed(1, "yes"), completed(2, "no"), completed(3, object())]
    with pytest.raises(Exception):  # noqa: B017, PT011 - whatever the driver raises
        await repo.import_interviews(
            study_id="paper", script_version_id=version.id, interviews=broken, now=now
        )
    assert [i async for i in repo.stream_interviews(study_id="paper")] == []
    assert await repo.get_respondent(pseudonym=pseudonymise(1, KEY)) is None

    ids = await repo.import_interviews(
        study_id="paper", script_version_id=version.id, interviews=broken[:2], now=now
    )
    assert len(ids) == 2
    assert (await repo.study_counts(study_id="paper")).non_doers == 2


async def test_import_refuses_two_answers_to_one_question(repo: Repository, now: datetime) -> None:
    version = await repo.register_script(study_id="paper", title="Paper", text="x", now=now)
    twice = ImportedInterview(
        pseudonym="p1",
        status=InterviewStatus.completed,
        group=None,
        started_at=now,
        completed_at=now,
        answers=[AnswerRecord("q1", "a"), AnswerRecord("q1", "b")],
    )

    with pytest.raises(ValueError, match="same question twice"):
        await repo.import_interviews(
            study_id="paper", script_version_id=version.id, interviews=[twice], now=now
        )
