"""The statistics of one doer / non-doer row, as in the Barrier Analysis tabulation sheet."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from scipy import special

Test = Literal["wald", "fisher", "none"]
ALPHA = 0.05
Z95 = 1.959963984540054


@dataclass(frozen=True, slots=True)
class RowStats:
    """Everything computed for one theme or option: a of nD doers vs b of nN non-doers."""

    a: int
    n_doers: int
    b: int
    n_nondoers: int
    prevalence: float
    p_doers: float | None
    p_nondoers: float | None
    difference_pp: float | None
    odds_ratio: float | None
    ci_low: float | None
    ci_high: float | None
    z: float | None
    p_value: float | None
    test: Test
    chi2_n1: float | None
    chi2_n1_p: float | None
    r1: float | None
    r0: float | None
    err: float | None

    @property
    def significant(self) -> bool:
        """p < 0.05 by the test used."""
        return self.p_value is not None and self.p_value < ALPHA


def row_stats(a: int, n_doers: int, b: int, n_nondoers: int, prevalence: float = 0.10) -> RowStats:
    """Proportions, odds ratio with Woolf CI, Wald (or Fisher) p, N−1 χ² and Estimated Relative Risk."""
    if not (0 <= a <= n_doers and 0 <= b <= n_nondoers):
        raise ValueError(f"counts out of range: {a}/{n_doers} vs {b}/{n_nondoers}")
    if n_doers == 0 or n_nondoers == 0:
        return untestable(a, n_doers, b, n_nondoers, prevalence)
    c, d = n_doers - a, n_nondoers - b
    p_d, p_n = a / n_doers, b / n_nondoers
    odds_ratio = a * d / (b * c) if b * c else None
    ci_low = ci_high = z = None
    if min(a, b, c, d) > 0:
        log_or = math.log(a * d / (b * c))
        se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
        z = log_or / se
        p_value = 2 * float(special.ndtr(-abs(z)))  # the normal tail, as scipy.stats.norm.sf
        ci_low, ci_high = math.exp(log_or - Z95 * se), math.exp(log_or + Z95 * se)
        test: Test = "wald"
    else:
        # ln(OR) is undefined with an empty cell: the sheet's Wald test cannot run, Fisher's can.
        p_value = fisher_p(a, n_doers, b, n_nondoers)
        test = "fisher"
    chi2, chi2_p = n_minus_one_chi2(a, c, b, d)
    r1, r0, err = relative_risk(p_d, p_n, prevalence)
    return RowStats(
        a, n_doers, b, n_nondoers, prevalence,
        p_d, p_n, 100 * (p_d - p_n), odds_ratio, ci_low, ci_high, z, min(p_value, 1.0), test,
        chi2, chi2_p, r1, r0, err,
    )  # fmt: skip


def untestable(a: int, n_doers: int, b: int, n_nondoers: int, prevalence: float) -> RowStats:
    """A row where one group is empty: each group's share where known, nothing compared."""
    p_d = a / n_doers if n_doers else None
    p_n = b / n_nondoers if n_nondoers else None
    none = None
    return RowStats(
        a, n_doers, b, n_nondoers, prevalence,
        p_d, p_n, none, none, none, none, none, none, "none", none, none, none, none, none,
    )  # fmt: skip


def fisher_p(a: int, n_doers: int, b: int, n_nondoers: int) -> float:
    """Two-sided Fisher's exact p of a of nD vs b of nN."""
    # Imported here: scipy.stats takes a second to import, and most rows need only the Wald test.
    from scipy.stats import fisher_exact

    table = [[a, n_doers - a], [b, n_nondoers - b]]
    return float(fisher_exact(table).pvalue)


def n_minus_one_chi2(a: int, c: int, b: int, d: int) -> tuple[float | None, float | None]:
    """The 'N−1' χ² (χ²·(N−1)/N) of a 2×2 table and its p; None when a margin is empty."""
    n = a + b + c + d
    margins = (a + c) * (b + d) * (a + b) * (c + d)
    if margins == 0:
        return None, None
    chi2 = (a * d - b * c) ** 2 * (n - 1) / margins
    return chi2, float(special.chdtrc(1, chi2))  # the χ² tail, as scipy.stats.chi2.sf


def relative_risk(
    p_doers: float, p_nondoers: float, prevalence: float
) -> tuple[float | None, float | None, float | None]:
    """r1, r0 and ERR = r1/r0; ERR is inf when r0 is 0 (every doer and not every non-doer said it)."""
    P = prevalence
    den1 = P * p_doers + (1 - P) * p_nondoers
    den0 = P * (1 - p_doers) + (1 - P) * (1 - p_nondoers)
    r1 = P * p_doers / den1 if den1 else None
    r0 = P * (1 - p_doers) / den0 if den0 else None
    if r1 is None or r0 is None:
        return r1, r0, None
    if r0 == 0:
        return r1, r0, math.inf if r1 > 0 else None
    return r1, r0, r1 / r0


def err_strength(err: float | None) -> float:
    """How far ERR is from 1, as |ln ERR| (inf for 0 or inf, 0 when unknown)."""
    if err is None:
        return 0.0
    if err == 0 or math.isinf(err):
        return math.inf
    return abs(math.log(err))


def q_values(p_values: Sequence[float | None]) -> list[float | None]:
    """Benjamini–Hochberg adjusted p-values over one family of rows (None stays None)."""
    present = [(i, p) for i, p in enumerate(p_values) if p is not None]
    out: list[float | None] = [None] * len(p_values)
    if not present:
        return out
    adjusted = bh_adjust([p for _, p in present])
    for (i, _), q in zip(present, adjusted, strict=True):
        out[i] = q
    return out


def bh_adjust(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg step-up adjustment (same as scipy's false_discovery_control)."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        adjusted[i] = running
    return adjusted
