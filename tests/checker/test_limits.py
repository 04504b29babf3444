"""The checker's limits agree with what the engine, the exports and Telegram really do."""

from __future__ import annotations

import json

import pytest

from bot.engine import State, TextInput, handle
from bot.engine.engine import prompt
from bot.report.csv_cells import METADATA
from bot.report.exports import CODED_METADATA
from bot.script import check_source
from bot.script.expr import MAX_DEPTH, MAX_LENGTH, ExpressionError, parse
from bot.script.limits import MAX_KEYBOARD_BYTES
from bot.script.patterns import pattern_problem
from bot.telegram.keyboards import question_keyboard
from bot.vocabulary import InterviewStatus
from tests.checker.corpus import HEADERS


def checked(questions: str) -> list[str]:
    """The problems of the English header followed by these questions."""
    _, problems = check_source((HEADERS["en"] + questions).encode(), "s.yaml")
    return [p.message for p in problems]


def test_the_deepest_condition_allowed_checks_and_runs_without_recursion_errors() -> None:
    condition = "not " * (MAX_DEPTH - 2) + "days == 1"  # the comparison and its name: 2 levels
    questions = (
        "questions:\n  - {id: days, type: number, text: Days}\n"
        f"  - {{id: q, type: text, text: Why, when: '{condition}'}}\n"
    )
    script, problems = check_source((HEADERS["en"] + questions).encode(), "s.yaml")
    assert problems == []
    assert script is not None
    state = State(status=InterviewStatus.active, language="en", current="days", step=3)
    turn = handle(script, state, TextInput("1"))  # evaluates the `when` of q
    holds = (MAX_DEPTH - 2) % 2 == 0  # an even number of `not`s leaves `days == 1` as it is
    assert turn.state.current == ("q" if holds else None)
    with pytest.raises(ExpressionError, match="nested more than"):
        parse("not " + condition)


def test_a_condition_as_long_as_allowed_is_read() -> None:
    longest = "days == 1" + " " * (MAX_LENGTH - len("days == 1"))
    assert parse(longest + "  ").names == {"days"}  # surrounding space does not count
    with pytest.raises(ExpressionError) as caught:
        parse("x" * (MAX_LENGTH + 1))
    assert caught.value.offset == MAX_LENGTH


@pytest.mark.parametrize("column", sorted({*METADATA, *CODED_METADATA}))
def test_every_metadata_column_of_the_exports_is_a_reserved_question_id(column: str) -> None:
    messages = checked(f"questions:\n  - {{id: {column}, type: text, text: Why}}\n")
    assert len(messages) == 1
    assert messages[0].startswith(f"question id `{column}` is reserved")


def test_the_keyboard_estimate_is_never_below_what_telegram_is_sent() -> None:
    """A question just under the estimate builds a keyboard just under Telegram's limit."""
    label = "Long label " * 30
    choices = "".join(f"      - {{value: c{i}, label: {label}{i}}}\n" for i in range(1, 26))
    questions = f"questions:\n  - id: q\n    type: multiple_choice\n    text: Which\n    choices:\n{choices}"
    script, problems = check_source((HEADERS["en"] + questions).encode(), "s.yaml")
    assert problems == [], "25 such labels fit"
    assert script is not None
    state = State(status=InterviewStatus.active, language="en", current="q", step=3, selected=("c1", "c2"))
    markup = question_keyboard(prompt(script, state)[0])
    assert markup is not None
    sent = len(json.dumps(markup.to_dict(), ensure_ascii=False).encode())
    assert sent <= MAX_KEYBOARD_BYTES

    more = choices + "".join(f"      - {{value: d{i}, label: {label}{i}}}\n" for i in range(1, 4))
    too_many = f"questions:\n  - id: q\n    type: multiple_choice\n    text: Which\n    choices:\n{more}"
    assert checked(too_many)[0].startswith("the buttons of this question hold about")


@pytest.mark.parametrize(
    ("pattern", "slow"),
    [
        (r"(a+)+$", True),
        (r"(\w+\s?)+$", True),
        (r"(\d+,?)+", True),
        (r"((a+))+", True),
        (r"(a*)*", True),
        (r"[0-9]{5}", False),
        (r"(\w+ )+\w+", False),  # a fixed space pins each round down
        (r"(?:x+y)+", False),
        (r"^\d+(\.\d+)?$", False),
        (r"[A-Z]{2}\d{6}", False),
    ],
)
def test_patterns_that_backtrack_exponentially_are_refused(pattern: str, slow: bool) -> None:
    assert (pattern_problem(pattern) is not None) == slow
