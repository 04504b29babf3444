"""Interview scenarios, part two: moving around, screening, probes, languages, the unusable, state.

The fixture scripts are described in `test_engine.py`.
"""

from __future__ import annotations

import json

from bot.engine import (
    DONE,
    AnswerEvent,
    Command,
    Input,
    Pick,
    State,
    TextInput,
    Turn,
    Unsupported,
    prompt,
    set_language,
)
from bot.script import Script
from bot.vocabulary import InterviewStatus
from tests.engine_support import Interview, started

# --- skip, back, restart ---------------------------------------------------------------------------


def test_a_required_question_cannot_be_skipped(mini: Script) -> None:
    interview = started(mini)
    interview.send(Command("skip"))
    assert interview.texts() == [
        "This question can't be skipped, sorry.\n\nWhat's your first name?"
    ]
    assert interview.state.current == "name"


def test_an_optional_question_can_be_skipped_and_records_none(mini: Script) -> None:
    interview = started(mini, "Ann", "30", "4", "more bike lanes here")
    interview.send(Command("skip"))
    assert interview.recorded[-1] == AnswerEvent("stage", 0, "", None)
    assert interview.state.status == InterviewStatus.completed


def test_back_asks_the_previous_question_again(mini: Script) -> None:
    interview = started(mini, "Ann", "30")
    interview.send(Command("back"))
    assert interview.texts() == ["How old are you?"]
    interview.say("31")
    assert interview.state.answers["age"] == 31
    assert interview.state.current == "days"


def test_back_on_the_first_question_says_so(mini: Script) -> None:
    interview = started(mini)
    interview.send(Command("back"))
    assert interview.texts() == ["We're at the first question already.\n\nWhat's your first name?"]


def test_back_to_a_multiple_choice_preselects_the_earlier_picks(handwash: Script) -> None:
    interview = started(handwash, "Ann", "yes", "yes", "3", "1, 3")
    assert interview.state.current == "children"
    interview.send(Command("back"))
    assert interview.state.selected == ("home", "school")
    assert interview.last.messages[0].selected == ("home", "school")


def test_going_back_before_the_classification_classifies_again(handwash: Script) -> None:
    interview = started(handwash, "Ann", "yes", "yes")
    assert (interview.state.group, interview.state.current) == ("doer", "easy")
    interview.send(Command("back"))
    interview.say("no")
    assert (interview.state.group, interview.state.current) == ("non_doer", "hard")


def test_restart_starts_again_and_clears_earlier_answers(mini: Script) -> None:
    interview = started(mini, "Ann", "30")
    turn = interview.send(Command("restart"))
    assert turn.cleared
    assert interview.texts() == ["Let's start again from the beginning.", "What's your first name?"]
    assert interview.state.answers == {}
    assert interview.state.history == ()


def test_restart_after_the_end_works_too(mini: Script) -> None:
    interview = started(mini, "Ann", "12")
    assert interview.state.status.ended
    assert interview.send(Command("restart")).cleared
    assert interview.state.status == InterviewStatus.active


def test_restart_before_consent_still_asks_for_consent(mini: Script) -> None:
    interview = Interview(mini)
    interview.send(Command("restart"))
    assert interview.state.asking_consent


def test_changing_an_answer_that_opened_a_branch_withdraws_the_branch_answer(mini: Script) -> None:
    interview = started(mini, "Ann", "30", "0", "1")  # a non-doer, asked what they do instead
    assert interview.state.answers["instead"] == ["car"]
    interview.send(Command("back"))
    interview.send(Command("back"))
    turn = interview.say("5")  # now a doer: the non-doers' question no longer applies
    assert turn.withdrawn == ("instead",)
    assert "instead" not in interview.state.answers
    assert interview.state.current == "easier"


def test_changing_an_answer_within_the_same_branch_withdraws_nothing(mini: Script) -> None:
    interview = started(mini, "Ann", "30", "0", "1")
    interview.send(Command("back"))
    interview.send(Command("back"))
    assert interview.say("1").withdrawn == ()  # still a non-doer
    assert interview.state.answers["instead"] == ["car"]


def test_a_branch_never_answered_is_not_withdrawn(mini: Script) -> None:
    turn = started(mini, "Ann", "30").say("5")  # a doer from the start: `instead` is passed by
    assert turn.withdrawn == ()


# --- pause and resume -----------------------------------------------------------------------------


def test_pause_keeps_the_interview_where_it_stands(mini: Script) -> None:
    interview = started(mini, "Ann", "30")
    before = interview.state
    turn = interview.send(Command("pause"))
    assert turn.changed
    assert turn.messages == ()
    assert interview.state.status == InterviewStatus.paused
    assert interview.state.step == before.step + 1
    assert (interview.state.current, interview.state.answers) == (before.current, before.answers)
    assert not interview.send(Command("pause")).changed  # pausing twice changes nothing more


def test_any_message_resumes_a_paused_interview_without_taking_it_as_an_answer(
    mini: Script,
) -> None:
    interview = started(mini, "Ann", "30")
    interview.send(Command("pause"))
    turn = interview.say("4")  # would be a valid number of days
    assert turn.changed
    assert turn.answers == ()
    assert interview.state.status == InterviewStatus.active
    assert interview.texts() == [prompt(mini, interview.state)[0].text]
    assert interview.state.current == "days"


def test_resume_before_consent_asks_for_consent_again(mini: Script) -> None:
    interview = Interview(mini)
    interview.send(Command("pause"))
    turn = interview.send(Command("resume"))
    assert interview.state.asking_consent
    assert [m.question_id for m in turn.messages][-1] == "_consent"


def test_an_ended_interview_cannot_be_paused(mini: Script) -> None:
    interview = started(mini, "Ann", "12")
    assert interview.state.status == InterviewStatus.screened_out
    assert not interview.send(Command("pause")).changed


def test_a_state_stored_before_consent_was_a_flag_still_asks_for_consent(mini: Script) -> None:
    old = {"status": "consent", "language": "en", "step": 0}
    state = State.from_dict(old)
    assert state.status == InterviewStatus.active
    assert state.asking_consent
    assert State.from_dict(state.to_dict()) == state


# --- screening and classification ------------------------------------------------------------------


def test_screening_out_ends_with_the_study_text(handwash: Script) -> None:
    interview = started(handwash, "Ann", "no")
    assert interview.state.status == InterviewStatus.screened_out
    assert interview.texts() == ["This study is for adults only. Thank you!"]
    assert interview.recorded[-1] == AnswerEvent("adult", 0, "no", "no")


def test_screening_out_without_a_study_text_uses_the_built_in_one(mini: Script) -> None:
    interview = started(mini, "Ann", "12")
    assert interview.texts()[0].startswith("Thank you! This study is looking for people")


def test_doers_and_non_doers_get_their_own_questions(mini: Script) -> None:
    doer = started(mini, "Ann", "30", "5")
    non_doer = started(mini, "Bob", "30", "0")
    assert (doer.state.group, doer.state.current) == ("doer", "easier")
    assert (non_doer.state.group, non_doer.state.current) == ("non_doer", "instead")


def test_someone_neither_doer_nor_non_doer_is_excluded(mini: Script) -> None:
    interview = started(mini, "Ann", "30", "2")
    assert interview.state.status == InterviewStatus.excluded
    assert interview.state.group is None


def test_skipping_the_classifying_question_excludes(handwash: Script) -> None:
    interview = started(handwash, "Ann", "yes")
    interview.send(Command("skip"))
    assert interview.state.status == InterviewStatus.excluded


# --- probes ---------------------------------------------------------------------------------------


def test_a_short_answer_is_probed_once_and_both_are_recorded(mini: Script) -> None:
    interview = started(mini, "Ann", "30", "5", "lanes")
    assert interview.last.messages[0].probe
    # `easier` is a self-efficacy question the script gives no probe for: the built-in wording.
    assert interview.texts() == [
        "Could you give me an example of what makes it easier or harder for you?"
    ]
    interview.say("short")  # still short, but mini allows one probe per question
    assert interview.state.current == "stage"
    assert interview.recorded[-2:] == [
        AnswerEvent("easier", 0, "lanes", "lanes"),
        # The probe's answer names the wording it replies to, for the exports.
        AnswerEvent("easier", 1, "short", "short", asked="dig.perceived_self_efficacy"),
    ]


def test_a_long_enough_answer_is_not_probed(mini: Script) -> None:
    interview = started(mini, "Ann", "30", "5", "separate bike lanes everywhere")
    assert interview.state.current == "stage"


def test_vague_answers_are_probed_up_to_the_maximum_with_the_study_text(handwash: Script) -> None:
    interview = started(handwash, "Ann", "yes", "no", "do not know")
    assert interview.texts() == [
        "Could you say more about why it is hard to wash your hands with soap?"
    ]
    interview.say("no soap", "idk")
    assert interview.state.current == "places"
    assert [(e.question_id, e.probe, e.raw) for e in interview.recorded[-3:]] == [
        ("hard", 0, "do not know"),
        ("hard", 1, "no soap"),
        ("hard", 2, "idk"),
    ]
    assert interview.state.answers["hard"] == "do not know"  # probes add to, never replace, it


def test_skip_during_a_probe_keeps_the_answer(handwash: Script) -> None:
    interview = started(handwash, "Ann", "yes", "no", "no soap")
    interview.send(Command("skip"))
    assert interview.state.current == "places"
    assert interview.state.answers["hard"] == "no soap"


# --- piping, languages -----------------------------------------------------------------------------


def test_answers_and_the_behaviour_are_piped_into_texts(handwash: Script) -> None:
    interview = started(handwash, "Ann", "yes", "yes")
    assert interview.texts() == [
        "Thanks Ann, a few more about how you wash your hands with soap.",
        "How easy is it?",
    ]
    interview.say("3", "1, 2", "0")
    assert interview.texts() == ["Anything else? (At home, At work)"]


def test_the_language_comes_from_the_telegram_locale(mini: Script) -> None:
    assert Interview(mini, "fr-CA").state.language == "fr"
    assert Interview(mini, "de").state.language == "en"
    assert Interview(mini, None).state.language == "en"


def test_switching_language_asks_the_current_question_again(mini: Script) -> None:
    interview = started(mini, "Ann")
    turn = set_language(mini, interview.state, "fr")
    assert turn.state.language == "fr"
    assert [m.text for m in turn.messages] == ["Quel âge avez-vous ?"]
    assert turn.state.step == interview.state.step + 1


# --- what cannot be used --------------------------------------------------------------------------


def test_a_sticker_asks_for_text(mini: Script) -> None:
    interview = started(mini)
    interview.send(Unsupported("sticker"))
    assert interview.texts() == [
        "I can only read text messages here. Could you type your answer?\n\nWhat's your first name?"
    ]


def test_a_photo_on_a_choice_question_asks_for_a_button(mini: Script) -> None:
    interview = started(mini, "Ann", "30", "4", "more bike lanes here")
    interview.send(Unsupported("photo"))
    assert interview.texts()[0].startswith("Please pick one of the options below")


def test_a_stale_button_from_an_earlier_question_changes_nothing(mini: Script) -> None:
    interview = started(mini, "Ann", "30", "0")
    before = interview.state
    turn = interview.tap("pre", question_id="stage")
    assert turn == Turn(state=before)


def test_an_ended_interview_answers_finished(mini: Script) -> None:
    interview = started(mini, "Ann", "12")
    for event in (TextInput("hello"), Pick("age", "3"), Command("back"), Command("skip")):
        turn = interview.send(event)
        assert [m.text for m in turn.messages] == [
            "This interview is finished. Thank you! Send /restart if you'd like to answer again."
        ]
        assert not turn.changed


def test_prompt_resumes_where_the_interview_stands(mini: Script) -> None:
    interview = started(mini, "Ann", "30", "5", "lanes")
    assert [m.text for m in prompt(mini, interview.state)] == [
        "Could you give me an example of what makes it easier or harder for you?"
    ]


# --- state ------------------------------------------------------------------------------------------


def test_state_round_trips_through_json(handwash: Script) -> None:
    interview = started(handwash, "Ann", "yes", "yes", "3", "1, 3")
    interview.send(Command("back"))
    state = interview.state
    assert State.from_dict(json.loads(json.dumps(state.to_dict()))) == state


def test_step_increases_on_every_change_and_only_then(handwash: Script) -> None:
    interview = Interview(handwash)
    inputs: list[Input] = [
        TextInput("hm?"),
        TextInput("yes"),
        TextInput("Ann"),
        Command("back"),
        TextInput("Ann"),
        TextInput("yes"),
        TextInput("yes"),
        TextInput("seven"),
        Pick("easy", "4"),
        Pick("easy", "4"),
        Pick("places", "home"),
        Pick("places", "home"),
        Pick("places", DONE),  # nothing picked: asked again
        Unsupported("voice"),
        TextInput("2"),  # typed: "At work"
        Command("skip"),  # `children` is required
        TextInput("2"),
        Command("skip"),  # `comment` is optional
        TextInput("after the end"),
    ]
    for event in inputs:
        before = interview.state
        turn = interview.send(event)
        if turn.changed:
            assert turn.state.step == before.step + 1, event
        else:
            assert turn.state == before, event
    assert interview.state.status == InterviewStatus.completed
