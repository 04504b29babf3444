"""An answer counts only for a question the person was shown; taps on old buttons say where we are."""

from __future__ import annotations

from bot.engine import Command, Pick, TextInput
from bot.interviews import InterviewService, Note, Outcome
from storage import Repository
from tests.interviews.test_service_memory import ANA, service_on, stored


async def lost_work_place(service: InterviewService) -> Outcome:
    """Consent and age given; the reply asking where Ana works could not be delivered."""
    await service.start(ANA, None, 1)
    await service.answer(ANA, TextInput("yes"), 2)
    asked = await service.answer(ANA, TextInput("34"), 3)
    assert [m.question_id for m in asked.messages] == ["work_place"]
    await service.undelivered(asked)
    return asked


async def test_a_message_after_a_lost_question_shows_it_instead_of_answering_it(
    repository: Repository,
) -> None:
    service = await service_on(repository)
    await lost_work_place(service)

    shown = await service.answer(ANA, TextInput("1"), 4)  # "1" would pick "away"
    await service.delivered(shown)
    answered = await service.answer(ANA, TextInput("1"), 5)

    assert shown.notes == (Note("resent"),)
    assert [m.question_id for m in shown.messages] == ["work_place"]
    assert shown.unseen
    assert [m.question_id for m in answered.messages] == ["distance"]
    assert await stored(repository) == [("age", 0, 34), ("work_place", 0, "away")]


async def test_until_it_is_delivered_the_question_is_shown_again_and_again(
    repository: Repository,
) -> None:
    service = await service_on(repository)
    await lost_work_place(service)

    first = await service.answer(ANA, TextInput("1"), 4)
    await service.undelivered(first)  # lost again
    skipped = await service.answer(ANA, Command("skip"), 5)  # /skip of a question never seen

    assert [m.question_id for m in skipped.messages] == ["work_place"]
    assert skipped.unseen
    assert await stored(repository) == [("age", 0, 34)]


async def test_a_tap_on_the_question_s_own_button_proves_it_was_seen(
    repository: Repository,
) -> None:
    service = await service_on(repository)
    await lost_work_place(service)  # a timeout that took effect: the question did arrive

    tapped = await service.answer(ANA, Pick("work_place", "away"), 4)

    assert [m.question_id for m in tapped.messages] == ["distance"]
    assert await stored(repository) == [("age", 0, 34), ("work_place", 0, "away")]


async def test_the_resend_list_holds_a_question_only_while_it_is_owed(
    repository: Repository,
) -> None:
    service = await service_on(repository)
    await lost_work_place(service)
    listed = await service.to_resend()
    assert [(r.chat_id, [m.question_id for m in r.outcome.messages]) for r in listed] == [
        (ANA.user_id, ["work_place"])]
    assert await service.still_unseen(listed[0].outcome)

    await service.answer(ANA, Pick("work_place", "away"), 4)  # meanwhile Ana answered it

    assert not await service.still_unseen(listed[0].outcome)
    assert await service.to_resend() == []


async def test_a_restarted_service_resends_to_a_chat_sealed_at_consent(
    repository: Repository,
) -> None:
    await lost_work_place(await service_on(repository))

    listed = await (await service_on(repository)).to_resend()

    assert [r.chat_id for r in listed] == [ANA.user_id]


async def test_a_tap_on_an_answered_question_says_so_and_shows_the_current_one(
    repository: Repository,
) -> None:
    service = await service_on(repository)
    await service.start(ANA, None, 1)
    await service.answer(ANA, TextInput("yes"), 2)
    await service.answer(ANA, TextInput("34"), 3)
    await service.answer(ANA, TextInput("1"), 4)  # typed: the buttons stay on that message

    stale = await service.answer(ANA, Pick("work_place", "home"), 5)
    doubled = await service.answer(ANA, Pick("work_place", "away"), 6)

    assert stale.notes == (Note("already_answered"),)
    assert [m.question_id for m in stale.messages] == ["distance"]
    assert doubled.duplicate  # the same answer tapped again: its next question is right below
    assert await stored(repository) == [("age", 0, 34), ("work_place", 0, "away")]


async def test_start_again_shows_a_lost_question_and_settles_what_is_owed(
    repository: Repository,
) -> None:
    service = await service_on(repository)
    await lost_work_place(service)

    shown = await service.start(ANA, None, 4)
    await service.delivered(shown)
    answered = await service.answer(ANA, TextInput("1"), 5)  # seen now: it counts

    assert [m.question_id for m in shown.messages] == ["work_place"]
    assert shown.unseen
    assert [m.question_id for m in answered.messages] == ["distance"]
    assert await service.to_resend() == []
