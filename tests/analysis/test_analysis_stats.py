"""The statistics of one row, checked against the method's worked example and hand-computed tables."""

from __future__ import annotations

import math

import pytest
from scipy.stats import false_discovery_control

from bot.analysis.stats import err_strength, fisher_p, q_values, relative_risk, row_stats


def test_worked_example_from_the_method() -> None:
    """30 of 45 doers vs 15 of 45 non-doers at P = 0.10 (Barrier Analysis guide)."""
    row = row_stats(30, 45, 15, 45, 0.10)
    assert row.p_doers == pytest.approx(0.6667, abs=1e-4)
    assert row.p_nondoers == pytest.approx(0.3333, abs=1e-4)
    assert row.difference_pp == pytest.approx(33.33, abs=0.01)
    assert row.odds_ratio == pytest.approx(4.00)
    assert row.z == pytest.approx(3.100, abs=1e-3)
    assert row.test == "wald"
    assert row.p_value == pytest.approx(0.0019, abs=1e-4)
    assert row.r1 == pytest.approx(0.1818, abs=1e-4)
    assert row.r0 == pytest.approx(0.0526, abs=1e-4)
    assert row.err == pytest.approx(3.45, abs=0.01)
    assert row.significant


def test_worked_example_side_statistics() -> None:
    """Woolf CI exp(ln 4 ± 1.96·√(1/30 + 1/15 + 1/15 + 1/30)) and N−1 χ² = (30·30 − 15·15)²·89 / 45⁴."""
    row = row_stats(30, 45, 15, 45, 0.10)
    se = math.sqrt(1 / 5)
    assert row.ci_low == pytest.approx(math.exp(math.log(4) - 1.959964 * se), rel=1e-6)
    assert row.ci_high == pytest.approx(math.exp(math.log(4) + 1.959964 * se), rel=1e-6)
    assert row.chi2_n1 == pytest.approx(675**2 * 89 / 45**4)


def test_fisher_p_of_the_worked_example_matches_the_guide() -> None:
    """The guide quotes Fisher's p = 0.0029 for the same table."""
    assert fisher_p(30, 45, 15, 45) == pytest.approx(0.0029, abs=1e-4)


def test_unequal_groups_hand_computed() -> None:
    """20 of 40 doers vs 10 of 60 non-doers, P = 0.2."""
    row = row_stats(20, 40, 10, 60, 0.2)
    assert row.difference_pp == pytest.approx(100 * (0.5 - 1 / 6))
    assert row.odds_ratio == pytest.approx(5.0)
    se = math.sqrt(1 / 20 + 1 / 10 + 1 / 20 + 1 / 50)
    assert row.z == pytest.approx(math.log(5) / se)
    assert row.z == pytest.approx(3.4313, abs=1e-4)
    assert row.p_value == pytest.approx(math.erfc(3.4313 / math.sqrt(2)), rel=1e-3)
    assert row.ci_low == pytest.approx(1.9940, abs=1e-3)
    assert row.ci_high == pytest.approx(12.538, abs=1e-2)
    assert row.r1 == pytest.approx(0.1 / (0.1 + 0.8 / 6))
    assert row.r0 == pytest.approx(0.1 / (0.1 + 0.8 * 5 / 6))
    assert row.err == pytest.approx(3.2857, abs=1e-4)


def test_zero_cell_uses_fisher_hand_computed() -> None:
    """0 of 5 vs 3 of 5: hypergeometric tail (10 + 10) / 120; ERR 0 marks a pure barrier."""
    row = row_stats(0, 5, 3, 5, 0.1)
    assert row.test == "fisher"
    assert row.z is None
    assert row.ci_low is None
    assert row.ci_high is None
    assert row.odds_ratio == 0.0
    assert row.p_value == pytest.approx(20 / 120)
    assert row.err == 0.0
    assert row.r0 == pytest.approx(0.1 / (0.1 + 0.9 * 0.4))
    assert not row.significant
    assert row.chi2_n1 == pytest.approx((0 * 2 - 3 * 5) ** 2 * 9 / (5 * 5 * 3 * 7))


def test_every_doer_mentions_it() -> None:
    """a == nD: the odds ratio is undefined, r0 is 0 and ERR infinite; Fisher 2·3003/C(20,10)."""
    row = row_stats(10, 10, 5, 10, 0.1)
    assert row.odds_ratio is None
    assert row.r0 == 0
    assert row.err == math.inf
    assert row.p_value == pytest.approx(2 * 3003 / 184756)
    assert row.significant
    assert err_strength(row.err) == math.inf


def test_nobody_mentions_it() -> None:
    """0 of 45 vs 0 of 45: nothing to compare, p = 1, no ERR."""
    row = row_stats(0, 45, 0, 45)
    assert row.p_value == pytest.approx(1.0)
    assert row.err is None
    assert row.chi2_n1 is None
    assert not row.significant


def test_an_empty_group_cannot_be_tested() -> None:
    """No non-doers yet: the doers' share is known, but nothing is compared; test is 'none'."""
    row = row_stats(3, 10, 0, 0)
    assert row.test == "none"
    assert (row.p_doers, row.p_nondoers) == (0.3, None)
    assert row.p_value is None
    assert (row.difference_pp, row.odds_ratio, row.err) == (None, None, None)
    assert not row.significant


def test_counts_out_of_range_are_a_bug() -> None:
    with pytest.raises(ValueError, match="out of range"):
        row_stats(46, 45, 0, 45)


def test_relative_risk_when_both_groups_always_mention_it() -> None:
    """pD = pN = 1: r0 has no denominator, so ERR is unknown rather than a division error."""
    r1, r0, err = relative_risk(1.0, 1.0, 0.1)
    assert r1 == pytest.approx(0.1)
    assert r0 is None
    assert err is None


def test_benjamini_hochberg_hand_computed() -> None:
    """Sorted p 0.005, 0.01, 0.03, 0.04 of 4 → q 0.02, 0.02, 0.04, 0.04 (step-up, monotone)."""
    p = [0.01, 0.04, 0.03, 0.005]
    assert q_values(p) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert q_values(p) == pytest.approx(list(false_discovery_control(p)))


def test_q_values_skip_untested_rows() -> None:
    assert q_values([None, 0.01, None, 0.04]) == [
        None,
        pytest.approx(0.02),
        None,
        pytest.approx(0.04),
    ]
