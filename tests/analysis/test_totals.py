"""Who counts in a row's totals: an empty tick is an answer; skipped, not asked and not reached are not."""

from __future__ import annotations

from pathlib import Path

import pytest
from analysis_fakes import StudyBuilder

from bot.analysis import Row, analyse
from bot.analysis.answer_status import AnswerStatus, answer_status, answer_statuses
from bot.analysis.records import AnswerValue
from bot.engine import Command, Pick, State, begin, handle
from bot.engine.state import DONE, AnswerEvent, Input
from bot.script import Script, check_source


@pytest.fixture(scope="module")
def totals() -> Script:
    """Bags: an optional multiple-choice determinant, a coded one, one asked of non-doers only."""
    script, problems = check_source((Path(__file__).parent / "totals.yaml").read_bytes())
    assert script is not None, problems
    return script


def _row(rows: tuple[Row, ...], question: str, theme: str) -> Row:
    return next(r for r in rows if (r.question, r.theme) == (question, theme))


def _study(doers: list[AnswerValue], nondoers: list[AnswerValue]) -> StudyBuilder:
    """Completed interviews whose answer to `obstacles` is each value given (missing: not stored)."""
    study = StudyBuilder()
    for group, values in (("doer", doers), ("non_doer", nondoers)):
        for value in values:
            answers: dict[str, AnswerValue] = {"bags": "always" if group == "doer" else "never"}
            if value != "missing":
                answers["obstacles"] = value
            study.interview("completed", group, answers)
    return study


def test_ticking_nothing_counts_in_the_totals(totals: Script) -> None:
    """5 of 45 doers vs 30 of 45 non-doers forget the bag; the others tick nothing.

    Counting only those who ticked something gave 5/5 vs 30/30, "not significant".
    """
    study = _study([["forget"]] * 5 + [[]] * 40, [["forget"]] * 30 + [[]] * 15)
    forget = _row(analyse(totals, study.interviews, study.answers).rows, "obstacles", "forget")
    assert (forget.doers_n, forget.doers_total, forget.nondoers_n, forget.nondoers_total) == (
        5, 45, 30, 45,
    )  # fmt: skip
    assert forget.doers_pct == pytest.approx(100 * 5 / 45)
    assert forget.p_value is not None
    assert forget.p_value < 1e-5
    assert forget.significant
    assert forget.is_barrier


def test_a_barrier_nobody_ticked_among_doers_is_found(totals: Script) -> None:
    """0 of 45 vs 6 of 45: with empty ticks left out it was 0/0 vs 6/6 and vanished."""
    study = _study([[]] * 45, [["dirty"]] * 6 + [[]] * 39)
    summary = analyse(totals, study.interviews, study.answers)
    dirty = _row(summary.rows, "obstacles", "dirty")
    assert (dirty.doers_n, dirty.doers_total, dirty.nondoers_n, dirty.nondoers_total) == (
        0, 45, 6, 45,
    )  # fmt: skip
    assert dirty.test == "fisher"
    assert dirty.significant
    assert dirty in summary.barriers


@pytest.mark.parametrize(
    ("missing", "status"),
    [(None, AnswerStatus.skipped), ("missing", AnswerStatus.not_asked)],
    ids=["skipped", "not-asked"],
)
def test_skipped_and_not_asked_stay_out_of_the_totals(
    totals: Script, missing: AnswerValue, status: AnswerStatus
) -> None:
    """10 doers and 10 non-doers did not answer: the totals are those who did (35 and 35)."""
    study = _study([["forget"]] * 5 + [[]] * 30 + [missing] * 10,
                   [["forget"]] * 30 + [[]] * 5 + [missing] * 10)  # fmt: skip
    forget = _row(analyse(totals, study.interviews, study.answers).rows, "obstacles", "forget")
    assert (forget.doers_n, forget.doers_total, forget.nondoers_n, forget.nondoers_total) == (
        5, 35, 30, 35,
    )  # fmt: skip
    last = study.interviews[-1]
    mine = {a.question_id: a.value for a in study.answers if a.interview_id == last.interview_id}
    assert answer_status(totals, last.status, mine, "obstacles") == status


def test_interviews_that_stopped_before_the_question_are_not_counted(totals: Script) -> None:
    """Not reached: an unfinished interview is in no total, and the helper says why."""
    study = _study([["forget"]] * 3 + [[]] * 2, [["forget"]] * 4 + [[]])
    stopped = study.interview("abandoned", None, {"bags": "never"})
    forget = _row(analyse(totals, study.interviews, study.answers).rows, "obstacles", "forget")
    assert (forget.doers_total, forget.nondoers_total) == (5, 5)
    mine = {a.question_id: a.value for a in study.answers if a.interview_id == stopped}
    assert answer_status(totals, "abandoned", mine, "obstacles") == AnswerStatus.not_reached


def test_the_five_statuses_from_what_storage_keeps(totals: Script) -> None:
    assert answer_statuses(totals, "completed", {"bags": "always", "obstacles": []}) == {
        "bags": AnswerStatus.answered,
        "obstacles": AnswerStatus.answered_empty,
        "why": AnswerStatus.not_asked,  # completed without it: skip logic went past it
        "approve": AnswerStatus.not_asked,
    }
    # Stopped after `why`: `obstacles` was passed by, `approve` never reached.
    assert answer_statuses(totals, "paused", {"bags": "never", "why": None}) == {
        "bags": AnswerStatus.answered,
        "obstacles": AnswerStatus.not_asked,
        "why": AnswerStatus.skipped,
        "approve": AnswerStatus.not_reached,
    }
    assert answer_status(totals, "active", {"why": "  "}, "why") == AnswerStatus.skipped
    assert [s.counts for s in AnswerStatus] == [True, True, False, False, False]
    with pytest.raises(KeyError, match="nope"):
        answer_status(totals, "completed", {}, "nope")


def _run(script: Script, inputs: list[Input]) -> tuple[State, list[AnswerEvent]]:
    turn = begin(script)
    state, stored = turn.state, []
    for event in [Pick("_consent", "yes"), *inputs]:
        turn = handle(script, state, event)
        state, stored = turn.state, stored + list(turn.answers)
    return state, stored


def test_the_engine_stores_an_empty_tick_and_a_skip_apart(totals: Script) -> None:
    """Done with nothing ticked is stored as [], /skip as None: analysis tells them apart."""
    state, stored = _run(totals, [Pick("bags", "always"), Pick("obstacles", DONE),
                                  Command("skip")])  # fmt: skip
    assert state.status == "completed"
    assert {e.question_id: e.value for e in stored} == {"bags": "always", "obstacles": [],
                                                         "why": None}  # fmt: skip
    values = {e.question_id: e.value for e in stored}
    assert answer_statuses(totals, state.status, values) == {
        "bags": AnswerStatus.answered,
        "obstacles": AnswerStatus.answered_empty,
        "why": AnswerStatus.skipped,
        "approve": AnswerStatus.not_asked,  # asked of non-doers only
    }


def _approval_study() -> StudyBuilder:
    """20 doers (never asked `approve`) and 20 non-doers, 12 of whom approve."""
    study = _study([[]] * 20, [])
    for approves in [True] * 12 + [False] * 8:
        answers: dict[str, AnswerValue] = {"bags": "never", "obstacles": []}
        answers["approve"] = "yes" if approves else "no"
        study.interview("completed", "non_doer", answers)
    return study


def test_a_question_asked_of_one_group_shows_its_share_but_no_comparison(totals: Script) -> None:
    """12 of 20 non-doers approve; doers are never asked: 60 % among non-doers, nothing tested."""
    study = _approval_study()
    rows = analyse(totals, study.interviews, study.answers).rows
    yes = _row(rows, "approve", "yes")
    assert yes.asked_of == ("non_doer",)
    assert not yes.comparable
    assert (yes.doers_total, yes.nondoers_n, yes.nondoers_total) == (0, 12, 20)
    assert yes.nondoers_pct == pytest.approx(60.0)
    assert yes.doers_pct is None
    assert (yes.p_value, yes.err, yes.significant, yes.test) == (None, None, False, "none")
    forget = _row(rows, "obstacles", "forget")
    assert forget.comparable
    assert forget.asked_of == ("doer", "non_doer")


def test_the_report_shows_a_one_group_share_and_says_whose(totals: Script) -> None:
    from bot.report.render_md import render_markdown

    study = _approval_study()
    report = render_markdown(analyse(totals, study.interviews, study.answers))
    [line] = [r for r in report.splitlines() if r.startswith("| Yes (non-doers only) |")]
    # The full table: doers a/nD, %D, non-doers b/nN, %ND, difference.
    assert [c.strip() for c in line.split("|")[4:9]] == ["0/0", "—", "12/20", "60%", "—"]
    assert "Asked of non-doers only" in line


def test_check_warns_about_a_determinant_asked_of_one_group() -> None:
    """`perceptions check` accepts the script (exit 0) and says where and why it can't compare."""
    from click.testing import CliRunner

    from bot.cli.script_cmds import check

    path = Path(__file__).parent / "totals.yaml"
    result = CliRunner().invoke(check, [str(path)])
    assert result.exit_code == 0, result.output
    [warning] = [line for line in result.output.splitlines() if "warning:" in line]
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1)
                if "when: \"group == 'non_doer'\"" in text)  # fmt: skip
    assert warning.startswith(f"{path}:{line}:")
    assert "`approve` is asked of non-doers only" in warning
    assert "cannot be compared" in warning
