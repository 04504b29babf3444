"""`bench/coding.py --quick` runs in the test suite, so the coding benchmark can't rot."""

from __future__ import annotations

import pytest

from bench import coding


def test_the_quick_benchmark_prints_every_feature_and_a_verdict(
    capsys: pytest.CaptureFixture[str],
) -> None:
    final = coding.main(["--quick"])
    out = capsys.readouterr().out
    for label, _ in coding.STEPS:
        assert label in out
    assert "micro-F1" in out
    assert "By interview language" in out
    assert final.answers == 6 * 8
    assert 0.0 <= final.micro.f1 <= 1.0
    assert "Learning curve" in out


def test_the_learning_curve_measures_coders_built_from_reviewed_answers() -> None:
    questions = coding.load_questions("train")
    for question in questions:
        question.answers = question.answers[:12]
    pool, measured = coding.split_halves(questions)
    curve = coding.learning_curve(pool, measured, sizes=(0, 6), seeds=1)
    assert set(curve) == {0, 6}
    # Nothing reviewed: every coder is the codebook alone.
    assert curve[0][0] == curve[0][1] == curve[0][2]
    assert all(0.0 <= f1 <= 1.0 for row in curve.values() for f1 in row)


def test_scores_count_true_and_false_positives_per_theme() -> None:
    question = coding.Question("q", ["a", "b"])
    question.answers = [
        coding.Answer("1", "q", "en", "alpha", frozenset({"a"})),
        coding.Answer("2", "q", "en", "beta", frozenset({"a", "b"})),
    ]
    found = {"alpha": frozenset({"a", "b"}), "beta": frozenset({"b"})}
    scores = coding.score([question], lambda q, text, lang: found[text])
    assert (scores.micro.tp, scores.micro.fp, scores.micro.fn) == (2, 1, 1)
    assert scores.per_theme[("q", "a")].recall == 0.5
    assert scores.per_theme[("q", "b")].precision == 0.5
