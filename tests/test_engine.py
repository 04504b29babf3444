"""Interview scenarios: what the engine says and records for what a respondent sends.

Two fixture scripts drive them: `scripts/mini.yaml` (cycling to work: screening by age, doer /
non-doer by days, a probed open question) and `scripts/handwash.yaml` (yes/no, scale, multiple
choice with limits, optional questions, an info message, piping).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.engine import (
    CONSENT,
    DONE,
    AnswerEvent,
    Command,
    Input,
    Pick,
    State,
    Status,
    TextInput,
    Turn,
    Unsupported,
    begin,
    handle,
    prompt,
    set_language,
)
from bot.script import Script, load_script

SCRIPTS = Path(__file__).parent / "scripts"


@pytest.fixture(scope="module")
def mini() -> Script:
    """Cycling to work, in English and French."""
    return load_script(SCRIPTS / "mini.yaml")


@pytest.fixture(scope="module")
def handwash() -> Script:
    """Handwashing, in English and French."""
    return load_script(SCRIPTS / "handwash.yaml")


class Interview:
    """One respondent talking to the engine, keeping the state the way an adapter would."""

    def __init__(self, script: Script, language: str | None = None) -> None:
        self.script = script
        self.last = begin(script, language=language)
        self.state = self.last.state
        self.recorded: list[AnswerEvent] = []

    def send(self, event: Input) -> Turn:
        """Hand one input to the engine and keep what it decided."""
        self.last = handle(self.script, self.state, event)
        self.state = self.last.state
        self.recorded += self.last.answers
        return self.last

    def say(self, *texts: str) -> Turn:
        """Type one or more messages, in order."""
        for text in texts:
            self.send(TextInput(text))
        return self.last

    def tap(self, value: str, question_id: str | None = None) -> Turn:
        """Press a button of the question on screen (or of another one)."""
        return self.send(Pick(question_id or self.state.current or CONSENT, value))

    def texts(self) -> list[str]:
        """What the bot said last."""
        return [m.text for m in self.last.messages]


def started(script: Script, *texts: str, language: str | None = None) -> Interview:
    """An interview past consent, with these answers typed."""
    interview = Interview(script, language)
    interview.tap("yes")
    interview.say(*texts)
    return interview


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
    assert interview.state.status == Status.consent


@pytest.mark.parametrize("say_yes", [Pick(CONSENT, "yes"), TextInput("Yes!"), TextInput("ok")])
def test_consent_yes_asks_the_first_question(mini: Script, say_yes: Input) -> None:
    interview = Interview(mini)
    interview.send(say_yes)
    assert interview.state.status == Status.active
    assert interview.texts() == ["What's your first name?"]


@pytest.mark.parametrize(
    "say_no", [Pick(CONSENT, "no"), TextInput("nope"), TextInput("No, thanks")]
)
def test_consent_no_ends_politely_and_records_nothing(mini: Script, say_no: Input) -> None:
    interview = Interview(mini)
    interview.send(say_no)
    assert interview.state.status == Status.declined
    assert interview.texts()[0].startswith("No problem — thank you for your time.")
    assert interview.recorded == []


def test_anything_else_at_consent_asks_again_without_the_introduction(mini: Script) -> None:
    interview = Interview(mini)
    interview.say("what is this?")
    assert interview.texts() == ["Shall we start?"]
    assert interview.state.status == Status.consent
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
    assert interview.state.status == Status.completed
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
    assert interview.state.status == Status.completed


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
    assert interview.state.status == Status.active


def test_restart_before_consent_still_asks_for_consent(mini: Script) -> None:
    interview = Interview(mini)
    interview.send(Command("restart"))
    assert interview.state.status == Status.consent


# --- screening and classification ------------------------------------------------------------------


def test_screening_out_ends_with_the_study_text(handwash: Script) -> None:
    interview = started(handwash, "Ann", "no")
    assert interview.state.status == Status.screened_out
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
    assert interview.state.status == Status.excluded
    assert interview.state.group is None


def test_skipping_the_classifying_question_excludes(handwash: Script) -> None:
    interview = started(handwash, "Ann", "yes")
    interview.send(Command("skip"))
    assert interview.state.status == Status.excluded


# --- probes ---------------------------------------------------------------------------------------


def test_a_short_answer_is_probed_once_and_both_are_recorded(mini: Script) -> None:
    interview = started(mini, "Ann", "30", "5", "lanes")
    assert interview.last.messages[0].probe
    assert interview.texts() == ["Could you tell me a bit more about that?"]
    interview.say("short")  # still short, but mini allows one probe per question
    assert interview.state.current == "stage"
    assert interview.recorded[-2:] == [
        AnswerEvent("easier", 0, "lanes", "lanes"),
        AnswerEvent("easier", 1, "short", "short"),
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
        "Could you tell me a bit more about that?"
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
    assert interview.state.status == Status.completed
