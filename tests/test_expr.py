"""The condition language of `when`, `eligible_if` and classification rules."""

from __future__ import annotations

import pytest

from bot.script.expr import Comparison, ExpressionError, Value, parse


def holds(source: str, **answers: Value) -> bool:
    """Whether a condition holds for these answers."""
    return parse(source).holds(answers)


# --- reading ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "message", "offset"),
    [
        ("", "the condition is empty", 0),
        ("   ", "the condition is empty", 0),
        (
            "days >=",
            "cannot read the condition; write it like `age >= 18 and gender == 'f'`",
            0,  # Python's parser only knows the condition ended too soon
        ),
        ("days = 3", "cannot read the condition; write it like `age >= 18 and gender == 'f'`", 5),
        ("days is 3", "only ==, !=, <, <=, >, >=, in and not in compare values", 4),
        ("[['a']] == x", "lists cannot be nested", 1),
        ("days + 1 > 3", "expected a value such as 3, 'yes' or ['a', 'b']", 0),
    ],
)
def test_unreadable_condition_says_what_and_where(source: str, message: str, offset: int) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(source)
    assert str(caught.value) == message
    assert caught.value.offset == offset


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("len(transport) > 1", "unknown function; the functions are answered, count"),
        ("__import__('os')", "unknown function; the functions are answered, count"),
        ("open('/etc/passwd')", "unknown function; the functions are answered, count"),
        ("age.real > 3", "expected a value such as 3, 'yes' or ['a', 'b']"),
        ("answers['age'] > 3", "expected a value such as 3, 'yes' or ['a', 'b']"),
        ("(lambda: 1)() == 1", "unknown function; the functions are answered, count"),
        ("lambda: True", "expected a value such as 3, 'yes' or ['a', 'b']"),
        ("''.__class__ == 1", "expected a value such as 3, 'yes' or ['a', 'b']"),
        ("[x for x in y] == []", "expected a value such as 3, 'yes' or ['a', 'b']"),
        ("answered(a, b)", "answered() takes one question id, e.g. answered(transport)"),
        ("count('transport') > 1", "count() takes one question id, e.g. count(transport)"),
        ("answered(x=a)", "answered() takes one question id, e.g. answered(transport)"),
        ("f'{age}' == '3'", "expected a value such as 3, 'yes' or ['a', 'b']"),
    ],
)
def test_anything_but_the_small_language_is_refused(source: str, message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(source)
    assert str(caught.value) == message


def test_names_and_comparisons_are_collected_for_load_time_checks() -> None:
    condition = parse("days >= 3 and 'car' in transport or not answered(reason)")
    assert condition.names == {"days", "transport", "reason"}
    assert condition.comparisons == (
        Comparison("days", "GtE", 3, 8),
        Comparison("transport", "In", "car", 14),
    )


def test_a_list_literal_gives_one_comparison_per_item() -> None:
    condition = parse("mode in ['car', 'bus']")
    assert [c.literal for c in condition.comparisons] == ["car", "bus"]


def test_surrounding_space_is_ignored() -> None:
    assert parse("  age >= 18 ").source == "age >= 18"


# --- evaluating ------------------------------------------------------------------------------------


def test_numbers_compare_as_numbers() -> None:
    assert holds("days >= 3", days=3)
    assert holds("days >= 3", days=3.5)
    assert not holds("days >= 3", days=2)
    assert holds("temperature < -2", temperature=-5)


def test_a_missing_answer_is_none_and_never_raises() -> None:
    assert not holds("days >= 3")
    assert holds("days == None")
    assert holds("days != 3")
    assert not holds("days == 3")
    assert not holds("'car' in transport")
    assert holds("'car' not in transport") is False  # nothing to look in: not a yes either way


def test_a_number_against_a_text_is_false_not_an_error() -> None:
    assert not holds("days >= 3", days="three")
    assert not holds("days < 3", days="three")
    assert not holds("days == 3", days="3")
    assert not holds("mode > 2", mode=["car"])


def test_texts_compare_as_texts() -> None:
    assert holds("mode == 'car'", mode="car")
    assert not holds("mode == 'car'", mode="Car")
    assert holds("mode < 'd'", mode="car")


def test_in_and_not_in_work_both_ways_round() -> None:
    transport = ["car", "bus"]
    assert holds("'car' in transport", transport=transport)
    assert holds("transport in ['car']", transport=transport)
    assert not holds("transport in ['walk']", transport=transport)
    assert holds("'walk' not in transport", transport=transport)
    assert holds("transport not in ['walk', 'bike']", transport=transport)
    assert holds("mode in ['car', 'bus']", mode="bus")
    assert holds("mode not in ['car', 'bus']", mode="walk")
    assert holds("'ar' in mode", mode="car")  # a text inside a text
    assert not holds("3 in mode", mode="car")


def test_in_on_an_empty_selection() -> None:
    assert not holds("'car' in transport", transport=[])
    assert holds("'car' not in transport", transport=[])


def test_chained_comparisons_hold_only_when_every_link_does() -> None:
    assert holds("1 <= days <= 7", days=3)
    assert not holds("1 <= days <= 7", days=0)
    assert not holds("1 <= days <= 7", days=8)
    assert not holds("1 <= days <= 7")


def test_boolean_operators() -> None:
    assert holds("days > 2 and mode == 'bus'", days=3, mode="bus")
    assert holds("days > 5 or mode == 'bus'", days=3, mode="bus")
    assert holds("not days > 5", days=3)
    assert holds("not (days > 5 or mode == 'car')", days=3, mode="bus")


def test_answered_and_count() -> None:
    assert holds("answered(reason)", reason="")
    assert not holds("answered(reason)")
    assert holds("count(transport) == 2", transport=["car", "bus"])
    assert holds("count(transport) == 0", transport=[])
    assert holds("count(reason) == 1", reason="because")
    assert holds("count(reason) == 0")


def test_constants_read_as_python_constants() -> None:
    assert holds("True")
    assert not holds("False")
    assert holds("consented == True", consented=True)
