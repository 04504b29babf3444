"""How sure the report is: agreement with the review (precision, recall, κ) and headline rows at risk."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from analysis_fakes import StudyBuilder

from bot.analysis import CodingOverride, analyse
from bot.analysis.agreement import ThemeAgreement, agreement
from bot.analysis.confidence import LOSES_SIGNIFICANCE
from bot.analysis.stats import row_stats
from bot.report.view import build_view
from bot.script import Script

AT = datetime(2025, 4, 1, tzinfo=UTC)


def test_kappa_matches_a_hand_computed_two_by_two() -> None:
    # 50 answers: both yes 20, only the machine 5, only the researcher 10, neither 15.
    row = ThemeAgreement("q", "t", 50, 20, 5, 10)
    assert row.neither == 15
    assert row.precision == pytest.approx(20 / 25)
    assert row.recall == pytest.approx(20 / 30)
    # observed 35/50 = 0.7; chance 0.5·0.6 + 0.5·0.4 = 0.5; κ = 0.2/0.5
    assert row.kappa == pytest.approx(0.4)
    assert row.kappa_words == "fair"


def test_kappa_is_undefined_when_both_coders_said_no_to_everything() -> None:
    row = ThemeAgreement("q", "t", 12, 0, 0, 0)
    assert row.kappa is None
    assert row.precision is None
    assert row.recall is None
    assert row.kappa_words == "—"


def test_agreement_pools_every_theme_decision_and_counts_answers_once() -> None:
    pairs = [
        ("q", {"a"}, {"a"}),
        ("q", {"a", "b"}, {"a"}),
        ("q", set(), {"b"}),
        ("other", {"x"}, {"x"}),  # not a question with a codebook here: left out
    ]
    found = agreement(pairs, {"q": ["a", "b"]})
    by_theme = {r.theme: r for r in found.themes}
    assert (by_theme["a"].both, by_theme["a"].first_only, by_theme["a"].second_only) == (2, 0, 0)
    assert (by_theme["b"].both, by_theme["b"].first_only, by_theme["b"].second_only) == (0, 1, 1)
    assert by_theme["a"].kappa == pytest.approx(1.0)
    assert found.overall.answers == 3
    assert found.overall.decisions == 6
    assert (found.overall.both, found.overall.first_only, found.overall.second_only) == (2, 1, 1)


def uncoded_study() -> StudyBuilder:
    """Danger said by 12 of 20 non-doers and 2 of 20 doers; 10 doers answer with a reason no
    theme covers ("school run"), which could be danger in other words."""
    study = StudyBuilder()
    for i in range(20):
        hard = "the traffic scares me" if i < 2 else "school run" if i < 12 else "rain"
        study.interview("completed", "doer", {"days": 4, "hard": hard})
    for i in range(20):
        study.interview("completed", "non_doer",
                        {"days": 0, "hard": "the traffic scares me" if i < 12 else "rain"})  # fmt: skip
    return study


def reviewed(study: StudyBuilder, text: str, themes: tuple[str, ...]) -> list[CodingOverride]:
    """A researcher's coding of every `hard` answer saying `text`."""
    return [
        CodingOverride(a.interview_id, "hard", 0, themes, "Ana", AT)
        for a in study.answers
        if a.question_id == "hard" and a.value == text
    ]


def test_uncoded_answers_that_could_change_barrier_1_are_said(cycling: Script) -> None:
    study = uncoded_study()
    summary = analyse(cycling, study.interviews, study.answers, with_emerging=False)
    assert [r.theme for r in summary.barriers][:1] == ["danger"]
    assert summary.confidence is not None
    assert summary.confidence.uncoded["hard"] == (10, 0)
    risk = summary.confidence.risks[0]
    assert (risk.section, risk.rank, risk.theme, risk.reason) == (
        "barrier", 1, "danger", LOSES_SIGNIFICANCE)
    assert risk.uncoded == 10
    assert risk.uncoded_in_group == 10
    view = build_view(summary)
    assert any("10 uncoded answers to" in w and "could change barrier #1 (Traffic danger)" in w
               for w in view.warnings)  # fmt: skip
    assert any("could change barrier #1" in c for c in view.barriers.caveats)
    assert any("No open answer has been reviewed yet" in w for w in view.warnings)

    # Reviewing the group of identical "school run" answers (no theme) settles it.
    after = analyse(cycling, study.interviews, study.answers,
                    reviewed(study, "school run", ()), with_emerging=False)  # fmt: skip
    assert after.confidence is not None
    assert after.confidence.uncoded.get("hard", (0, 0)) == (0, 0)
    assert after.confidence.risks == ()
    assert not any("could change" in w for w in build_view(after).warnings)


def test_agreement_with_the_review_is_reported_per_theme_and_overall(cycling: Script) -> None:
    study = uncoded_study()
    # The researcher reads the doers' "traffic" answers as danger (agreeing with the machine)
    # and codes "school run" as danger too (which the machine missed).
    overrides = reviewed(study, "the traffic scares me", ("danger",))[:4] + reviewed(
        study, "school run", ("danger",))[:2]  # fmt: skip
    summary = analyse(cycling, study.interviews, study.answers, overrides, with_emerging=False)
    assert summary.confidence is not None
    found = {r.theme: r for r in summary.confidence.agreement.themes}
    danger = found["danger"]
    assert (danger.answers, danger.both, danger.first_only, danger.second_only) == (6, 4, 0, 2)
    assert danger.precision == 1.0
    assert danger.recall == pytest.approx(4 / 6)
    view = build_view(summary)
    rows = {(a.question, a.theme): a for a in view.agreement}
    assert rows[("What makes it difficult to cycle to work?", "Traffic danger")].recall == "0.67"
    assert rows[("All questions", "all themes")].reviewed == 6
    assert any(f.key == "Coding agreement" and "6 answers reviewed" in f.sub for f in view.facts)
    assert not any("No open answer has been reviewed" in w for w in view.warnings)


def test_a_theme_outside_the_top_that_uncoded_answers_could_bring_in_is_said(
    cycling: Script,
) -> None:
    # Weather: 3 of 20 doers, 6 of 20 non-doers (not significant). Ten non-doers say "the hills"
    # (no theme): were they all weather, weather would be a top barrier.
    study = StudyBuilder()
    for i in range(20):
        study.interview("completed", "doer", {"days": 4, "hard": "rain" if i < 3 else "nothing"})
    for i in range(20):
        hard = "rain" if i < 6 else "the hills" if i < 16 else "nothing"
        study.interview("completed", "non_doer", {"days": 0, "hard": hard})
    summary = analyse(cycling, study.interviews, study.answers, with_emerging=False)
    assert summary.barriers == ()
    assert summary.confidence is not None
    entering = [r for r in summary.confidence.risks if r.theme == "weather"]
    assert [(r.section, r.reason, r.uncoded_in_group) for r in entering] == [
        ("barrier", "enter", 10)]
    # The likeliest first: weather needs fewer of the ten than themes nobody mentioned.
    assert summary.confidence.risks[0].theme == "weather"
    needed = entering[0].needed
    assert needed is not None
    assert 1 <= needed <= 10
    assert row_stats(3, 20, 6 + needed, 20).significant
    assert not row_stats(3, 20, 6 + needed - 1, 20).significant
    assert any("10 uncoded answers to" in w and "could make “Weather” a top barrier "
               f"({needed} of them would do)" in w for w in build_view(summary).warnings)
