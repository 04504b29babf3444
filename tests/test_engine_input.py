"""What the engine does with each odd thing a respondent can type, question type by question type.

Every row is one typed text at one question of `scripts/every_type.yaml`: either the value stored
or the start of the re-ask the respondent reads. Nothing here may raise.
"""

from __future__ import annotations

import pytest

from bot.engine import State, TextInput, Value, handle
from bot.script import Script, load_script
from bot.script.limits import MAX_NUMBER
from bot.vocabulary import InterviewStatus
from tests.conftest import SCRIPTS

EVERY_TYPE = load_script(SCRIPTS / "every_type.yaml")
TOO_LARGE = f"That seems too large — please give a number of at most {MAX_NUMBER}."
TOO_SMALL = f"That seems too small — please give a number of at least -{MAX_NUMBER}."
NOT_A_NUMBER = "Please answer with a number, for example 3."
PICK_ONE = "Please pick one of the options below (tap a button or type its number)."
PICK_SOME = "Please pick one or more options below, then tap “Done”."
REQUIRED = "This question needs an answer — it helps us a lot."


def typed(question_id: str, text: str, script: Script = EVERY_TYPE, lang: str = "en") -> Value | str:
    """The value stored when `text` is typed at the question, or the first line of the re-ask."""
    state = State(status=InterviewStatus.active, language=lang, current=question_id, step=5)
    turn = handle(script, state, TextInput(text))
    if turn.answers:
        assert turn.answers[0].question_id == question_id
        return turn.answers[0].value
    assert turn.state == state, "a re-ask changes nothing"
    return turn.messages[0].text.split("\n\n")[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", "bus"),
        ("Bike", "bike"),
        ("⓵", "car"),  # double circled digit one: raised ValueError before
        ("፩", "car"),  # Ethiopic digit one: raised ValueError before
        ("①", "car"),
        ("٢", "bus"),  # Arabic-Indic
        ("३", "bike"),  # Devanagari
        ("２", "bus"),  # full-width
        ("0", PICK_ONE),
        ("4", PICK_ONE),
        ("9" * 400, PICK_ONE),
        ("²", "bus"),
        ("⑩", PICK_ONE),
        ("1 2", PICK_ONE),
    ],
)
def test_a_choice_is_picked_by_its_number_in_any_script(text: str, expected: Value | str) -> None:
    assert typed("mode", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", "c0"),  # the label "0", not a place in the list
        ("1", "c1"),  # the label "1", not the first option
        ("٢", "c2"),
        ("3 or more", "c3"),
        ("3", PICK_ONE),  # no label reads "3": asked again, never a guess
    ],
)
def test_options_labelled_with_numbers_are_picked_by_label(text: str, expected: Value | str) -> None:
    assert typed("cars", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 3", ["town", "trails"]),
        ("⓵ ٣", ["town", "trails"]),
        ("１, ２", ["town", "country"]),
        ("In town and on trails", ["town", "trails"]),
        ("1 ፬", PICK_SOME),
    ],
)
def test_several_choices_by_number_in_any_script(text: str, expected: Value | str) -> None:
    assert typed("places", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("٣", 3), ("５", 5), ("⓸", 4), ("6", "Please pick a number from 1 to 5."), ("0", "Please pick a number from 1 to 5.")],
)
def test_a_scale_point_in_any_script(text: str, expected: Value | str) -> None:
    assert typed("easy", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("about 12 km", 12),
        ("٣٫٥", 3.5),  # Arabic-Indic digits and decimal separator
        ("3,5", 3.5),
        ("1,250", 1250),  # a thousands separator, not 1.25
        ("1.250,5", 1250.5),
        ("1 000", 1000),
        ("−2", -2),  # the minus sign, not a hyphen
        ("１２", 12),
        (str(MAX_NUMBER), MAX_NUMBER),  # the largest stored exactly on every backend
        (f"-{MAX_NUMBER}", -MAX_NUMBER),
        (str(MAX_NUMBER + 1), TOO_LARGE),
        ("12345678901234567890", TOO_LARGE),  # 20 digits changed on SQLite before
        ("9" * 400, TOO_LARGE),  # was stored as infinity, which PostgreSQL refuses
        ("-" + "9" * 400, TOO_SMALL),
        ("0." + "0" * 30 + "1", 1e-31),
        ("2 or 3", NOT_A_NUMBER),
        ("three", NOT_A_NUMBER),
        ("1.2.3", NOT_A_NUMBER),
        ("\0", REQUIRED),
        ("1\x002", 12),  # the NUL goes; what is left reads as typed
    ],
)
def test_a_number_is_read_in_any_script_and_within_what_storage_holds(
    text: str, expected: Value | str
) -> None:
    assert typed("distance", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("⓷", 3),
        ("٧", 7),
        ("8", "That seems too large — please give a number of at most 7."),
        ("2.5", "Please answer with a whole number, for example 3."),
        ("9" * 30, "That seems too large — please give a number of at most 7."),
    ],
)
def test_a_bounded_whole_number(text: str, expected: Value | str) -> None:
    assert typed("days", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("because\0 it rains", "because it rains"),  # PostgreSQL refuses NUL in text
        ("half a pair \ud83d here", "half a pair \ufffd here"),  # not valid UTF-8 either
        ("\0\0", REQUIRED),
        ("x" * 4096, "x" * 4096),
    ],
)
def test_an_open_answer_is_kept_without_what_no_database_stores(
    text: str, expected: Value | str
) -> None:
    assert typed("why", text) == expected


def test_the_raw_text_recorded_is_storable_too() -> None:
    state = State(status=InterviewStatus.active, language="en", current="why", step=5)
    turn = handle(EVERY_TYPE, state, TextInput(" a\0b\udc00 "))
    assert turn.answers[0].raw == "ab\ufffd"


def test_re_asks_come_in_the_respondent_language() -> None:
    assert typed("distance", "9" * 400, lang="fr") == (
        f"Cela semble trop grand — donnez un nombre d'au plus {MAX_NUMBER}."
    )
    assert typed("mode", "⓹", lang="fr") == (
        "Choisissez une des options ci-dessous (touchez un bouton ou tapez son numéro)."
    )
