"""Rows a marketer can read: one row per yes/no question, named by its question, an honest family."""

from __future__ import annotations

import pytest

from bot.analysis import Summary, analyse
from bot.analysis.family import EVERYONE, MIRROR, NOBODY, in_family
from bot.analysis.records import AnswerRecord as Answer
from bot.analysis.records import InterviewRecord
from bot.script import Script, check_source
from tests.report.study import CYCLING, T0

# The cycling script with a short label on the yes/no question and a two-option determinant.
EXTRA = """
  - id: bike
    type: single_choice
    short: Owns a bike
    determinant: perceived_access
    text: "Do you have a bike you can use?"
    choices:
      - {value: own, label: "I have one"}
      - {value: none, label: "I don't"}
"""


def variant() -> Script:
    text = CYCLING.read_text().replace(
        '    text: "Do most people you know approve?"',
        '    short: {en: Friends approve, fr: Les proches approuvent}\n'
        '    text: "Do most people you know approve?"',
    )
    text = text.replace("  - id: instead\n", EXTRA.lstrip("\n") + "  - id: instead\n")
    script, problems = check_source(text.encode())
    assert script is not None, problems
    return script


def study(script: Script) -> Summary:
    """40 doers, 40 non-doers: doers approve and own bikes more often; nobody says 'cost'."""
    interviews, answers = [], []
    for i in range(80):
        doer = i % 2 == 0
        interviews.append(InterviewRecord(i, "completed", "doer" if doer else "non_doer", None,
                                          "en", T0, T0))  # fmt: skip
        given = {
            "days": 4 if doer else 0,
            "approve": "yes" if (i % 4 == 0) or (not doer and i % 8 == 1) else "no",
            "bike": "own" if doer or i % 5 == 1 else "none",
            "hard": "the rain" if i % 3 else "traffic",
        }
        answers += [Answer(i, q, 0, str(v), v, "en", T0) for q, v in given.items()]
    return analyse(script, interviews, answers, with_emerging=False)


def test_a_yes_no_question_is_one_row_named_by_its_short_label() -> None:
    script = variant()
    summary = study(script)
    approve = [r for r in summary.rows if r.question == "approve"]
    assert [r.theme for r in approve] == ["yes"]
    assert summary.questions["approve"].label == "Friends approve"
    assert summary.questions["approve"].text == "Do most people you know approve?"
    # Without a short label, the question is named by its text ({behaviour} filled in).
    assert summary.questions["hard"].label == "What makes it difficult to cycle to work?"
    assert not [r for r in summary.barriers + summary.enablers if r.theme == "no"]


def test_rows_that_cannot_differ_or_repeat_a_test_stay_out_of_the_family() -> None:
    summary = study(variant())
    by_key = {(r.question, r.theme): r for r in summary.rows}
    cost = by_key[("hard", "cost")]
    assert (cost.doers_n, cost.nondoers_n, cost.outside_family, cost.q_value) == (0, 0, NOBODY, None)
    own, none = by_key[("bike", "own")], by_key[("bike", "none")]
    assert own.outside_family is None
    assert none.outside_family == MIRROR  # "I don't have one" is "I have one" read backwards
    assert none.p_value == pytest.approx(own.p_value)
    assert none.q_value is None
    assert own.significant
    assert own in summary.enablers
    assert none not in summary.barriers  # the same finding is not reported twice
    family = [r for r in summary.rows if in_family(r)]
    assert summary.method.rows_tested == len(family)
    assert all(r.q_value is not None for r in family)
    assert any("mirror rows" in note for note in summary.method.notes)


def test_q_values_are_adjusted_over_the_family_only() -> None:
    summary = study(variant())
    family = sorted((r for r in summary.rows if in_family(r)), key=lambda r: r.p_value or 0)
    m = len(family)
    # Benjamini–Hochberg by hand for the smallest p: q = min over k of p_(k)·m/k.
    expected = min((r.p_value or 0) * m / k for k, r in enumerate(family, 1))
    assert family[0].q_value is not None
    assert abs(family[0].q_value - expected) < 1e-12


def test_a_row_everybody_gave_is_not_a_test() -> None:
    script = variant()
    interviews, answers = [], []
    for i in range(20):
        group = "doer" if i % 2 == 0 else "non_doer"
        interviews.append(InterviewRecord(i, "completed", group, None, "en", T0, T0))
        answers += [Answer(i, "days", 0, "", 4 if group == "doer" else 0, "en", T0),
                    Answer(i, "approve", 0, "yes", "yes", "en", T0)]  # fmt: skip
    row = next(r for r in analyse(script, interviews, answers, with_emerging=False).rows
               if r.question == "approve")  # fmt: skip
    assert (row.doers_n, row.nondoers_n, row.outside_family) == (10, 10, EVERYONE)


def test_the_planted_study_keeps_its_barrier(summary: Summary) -> None:
    assert (summary.barriers[0].question, summary.barriers[0].theme) == ("hard", "danger")
    assert summary.method.rows_tested == 11  # 13 rows, less approve=no and the unsaid "cost"
