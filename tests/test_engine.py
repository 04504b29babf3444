"""Interview scenarios, part one: consent, and reading each kind of answer.

Two fixture scripts drive them: `scripts/mini.yaml` (cycling to work: screening by age, doer /
non-doer by days, a probed open question) and `scripts/handwash.yaml` (yes/no, scale, multiple
choice with limits, optional questions, an info message, piping).
"""

from __future__ import annotations

import pytest

from bot.engine import (
    CONSENT,
    DONE,
    AnswerEvent,
    Input,
    Pick,
    TextInput,
)
from bot.script import Script
from bot.vocabulary import InterviewStatus
from tests.engine_support import Interview, started

# --- consent ---------------------------------------------------------------------------------------


def test_a_new_interview_introduces_itself_and_asks_for_consent(mini: Script) -> None:
    interview = Interview(mini)
    assert interview.texts() == ["Hi! We study how people get to work.", "Shall we start?"]
    consent = interview.last.messages[1]
    assert consent.question_id == CONSENT
    assert [(b.value, b.label) for b in consent.buttons] == [
        ("yes", "Yes, let's start"),
        ("no", "No, thanks"),
    ]
    assert interview.state.asking_consent


@pytest.mark.parametrize("say_yes", [Pick(CONSENT, "yes"), TextInput("Yes!"), TextInput("ok")])
def test_consent_yes_asks_the_first_question(mini: Script, say_yes: Input) -> None:
    interview = Interview(mini)
    interview.send(say_yes)
    assert interview.state.status == InterviewStatus.active
    assert interview.texts() == ["What's your first name?"]


@pytest.mark.parametrize(
    "say_no", [Pick(CONSENT, "no"), TextInput("nope"), TextInput("No, thanks")]
)
def test_consent_no_ends_politely_and_records_nothing(mini: Script, say_no: Input) -> None:
    interview = Interview(mini)
    interview.send(say_no)
    assert interview.state.status == InterviewStatus.declined
    assert interview.texts()[0].startswith("No problem — thank you for your time.")
    assert interview.recorded == []


def test_anything_else_at_consent_asks_again_without_the_introduction(mini: Script) -> None:
    interview = Interview(mini)
    interview.say("what is this?")
    assert interview.texts() == ["Shall we start?"]
    assert interview.state.asking_consent
    assert not interview.last.changed


# --- one question per message, and reading answers -------------------------------------------------


def test_each_answer_is_recorded_and_the_next_question_asked(mini: Script) -> None:
    interview = started(mini)
    interview.say("Ann")
    assert interview.texts() == ["How old are you?"]
    assert interview.last.messages[0].progress == (2, 6)
    assert interview.recorded == [AnswerEvent("name", 0, "Ann", "Ann")]


@pytest.mark.parametrize(
    ("typed", "notice"),
    [
        ("twelve", "Please answer with a number, for example 3."),
        ("34.5", "Please answer with a whole number, for example 3."),
        ("2 or 3", "Please answer with a number, for example 3."),
    ],
)
def test_an_invalid_number_is_asked_again_with_the_reason(
    mini: Script, typed: str, notice: str
) -> None:
    interview = started(mini, "Ann")
    before = interview.state
    interview.say(typed)
    assert interview.texts() == [f"{notice}\n\nHow old are you?"]
    assert interview.state == before
    assert interview.recorded == [AnswerEvent("name", 0, "Ann", "Ann")]


def test_a_number_out_of_range_says_the_limit(handwash: Script) -> None:
    interview = started(handwash, "Ann", "yes", "yes", "3", "1")
    assert interview.state.current == "children"
    interview.say("25")
    assert interview.texts()[0].startswith(
        "That seems too large — please give a number of at most 20."
    )
    interview.say("-1")
    assert interview.texts()[0].startswith(
        "That seems too small — please give a number of at least 0."
    )
    interview.say("3 kids")
    assert interview.state.answers["children"] == 3


@pytest.mark.parametrize("typed", ["1", "At home", "at HOME", "home"])
def test_a_choice_can_be_typed_by_number_label_or_value(handwash: Script, typed: str) -> None:
    interview = started(handwash, "Ann", "yes", "yes", "3", typed, language="en")
    assert interview.state.answers.get("places") == ["home"]


def test_labels_match_without_accents_or_case(handwash: Script) -> None:
    interview = started(
        handwash, "Ann", "oui", "oui", "3", "A LA MAISON, au travail", language="fr"
    )
    assert interview.state.answers["places"] == ["home", "work"]


def test_a_choice_button_answers(mini: Script) -> None:
    interview = started(mini, "Ann", "30", "4", "more bike lanes here")
    assert interview.state.current == "stage"
    interview.tap("con")
    assert interview.state.status == InterviewStatus.completed
    assert interview.recorded[-1] == AnswerEvent("stage", 0, "con", "con")
    assert interview.texts() == ["Thanks, Ann!"]


def test_an_unknown_typed_choice_asks_for_a_button(mini: Script) -> None:
    interview = started(mini, "Ann", "30", "4", "more bike lanes here")
    interview.say("bicycle")
    assert interview.texts()[0] == (
        "Please pick one of the options below (tap a button or type its number).\n\n"
        "Which is closest to you?"
    )


# --- multiple choice ------------------------------------------------------------------------------


def test_multiple_choice_toggles_then_done(handwash: Script) -> None:
    interview = started(handwash, "Ann", "yes", "yes", "3")
    assert interview.state.current == "places"
    shown = interview.last.messages[-1]
    assert shown.multiple
    assert [b.value for b in shown.buttons] == ["home", "work", "school", DONE]

    interview.tap("school")
    interview.tap("home")
    assert interview.last.keyboard is not None
    assert interview.last.keyboard.selected == ("home", "school")  # in the order of the list
    assert interview.last.messages == ()  # the buttons change in place; nothing new is sent
    interview.tap("school")
    assert interview.state.selected == ("home",)
    assert interview.recorded[-1].question_id != "places"  # nothing recorded until Done

    interview.tap(DONE)
    assert interview.recorded[-1] == AnswerEvent("places", 0, "home", ["home"])
    assert interview.state.current == "children"


def test_multiple_choice_done_respects_min_and_max(handwash: Script) -> None:
    interview = started(handwash, "Ann", "yes", "yes", "3")
    interview.tap(DONE)
    assert interview.texts()[0].startswith("Please pick at least 1.\n\n")
    for value in ("home", "work", "school"):
        interview.tap(value)
    interview.tap(DONE)
    assert interview.texts()[0].startswith("Please pick at most 2.\n\n")
    assert interview.state.current == "places"


def test_a_bogus_button_value_changes_nothing(handwash: Script) -> None:
    interview = started(handwash, "Ann", "yes", "yes", "3")
    before = interview.state
    interview.tap("moon")
    assert interview.state == before
    assert not interview.last.changed


# --- yes/no and scale ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"), [("yep", "yes"), ("Y", "yes"), ("Nope", "no"), ("2", "no")]
)
def test_yes_no_reads_words_and_numbers(handwash: Script, typed: str, value: str) -> None:
    interview = started(handwash, "Ann", "yes", typed)
    assert interview.state.answers["washes"] == value


def test_yes_no_words_follow_the_language(handwash: Script) -> None:
    interview = started(handwash, "Ann", "ouais", "non", language="fr")
    assert interview.state.answers == {"name": "Ann", "adult": "yes", "washes": "no"}


def test_scale_by_button_or_number_and_out_of_range(handwash: Script) -> None:
    interview = started(handwash, "Ann", "yes", "yes")
    assert interview.state.current == "easy"
    labels = [b.label for b in interview.last.messages[-1].buttons]
    assert labels == ["1 — very hard", "2", "3", "4", "5 — very easy"]
    interview.say("9")
    assert interview.texts()[0].startswith("Please pick a number from 1 to 5.\n\n")
    interview.tap("4")
    assert interview.recorded[-1] == AnswerEvent("easy", 0, "4", 4)


