"""Comparing waves of one study: doer share per wave, and who moved between doer and non-doer.

People are matched across waves by pseudonym; each wave counts a person's latest completed,
classified interview. The same people answering twice are paired data: whether the doer share
changed among them is McNemar's exact test, which looks only at those who moved.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from bot.analysis.stats import Z95
from bot.vocabulary import GROUPS, Group

DOER, NON_DOER = Group.doer.value, Group.non_doer.value

Transition = tuple[str, str]  # (group in the first wave, group in the later one)
TRANSITIONS: tuple[Transition, ...] = (
    (NON_DOER, DOER), (DOER, NON_DOER), (DOER, DOER), (NON_DOER, NON_DOER),
)


@dataclass(frozen=True)
class WaveShare:
    """One wave: how many completed it classified, and the share of doers."""

    number: int
    study_id: str
    classified: int
    doers: int

    @property
    def share(self) -> float | None:
        """Doers over everyone classified (None for an empty wave)."""
        return self.doers / self.classified if self.classified else None

    @property
    def interval(self) -> tuple[float, float] | None:
        """The share's 95 % confidence interval (Wilson's), None for an empty wave."""
        return wilson_interval(self.doers, self.classified)


@dataclass(frozen=True)
class WaveChange:
    """The first wave against a later one, among the people who completed both."""

    number: int
    study_id: str
    counts: Mapping[Transition, int]

    @property
    def both(self) -> int:
        """How many people are in both waves."""
        return sum(self.counts.values())

    @property
    def changers(self) -> int:
        """Non-doers who became doers."""
        return self.counts.get((NON_DOER, DOER), 0)

    @property
    def stoppers(self) -> int:
        """Doers who became non-doers."""
        return self.counts.get((DOER, NON_DOER), 0)

    def started_as(self, group: str) -> int:
        """People in both waves who were in `group` in the first."""
        return sum(n for (before, _), n in self.counts.items() if before == group)

    def ended_as(self, group: str) -> int:
        """People in both waves who are in `group` in the later one."""
        return sum(n for (_, after), n in self.counts.items() if after == group)

    @property
    def p_value(self) -> float | None:
        """McNemar's exact p for a change in the doer share (None when nobody moved)."""
        return mcnemar_exact_p(self.changers, self.stoppers)


def wilson_interval(k: int, n: int) -> tuple[float, float] | None:
    """Wilson's 95 % interval for k of n (it stays inside 0–1 and works for small n)."""
    if n <= 0:
        return None
    p, z2 = k / n, Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def mcnemar_exact_p(up: int, down: int) -> float | None:
    """Two-sided exact McNemar p: `up` + `down` people moved; under no change each way is as
    likely, so the smaller count is a binomial(up + down, ½) tail, doubled."""
    moved = up + down
    if moved == 0:
        return None
    # Imported here: scipy.stats takes a second to import.
    from scipy.stats import binomtest

    return float(binomtest(min(up, down), moved, 0.5).pvalue)


def wave_share(number: int, study_id: str, groups: Mapping[str, str]) -> WaveShare:
    """The doer share of a wave from each person's group."""
    classified = [g for g in groups.values() if g in GROUPS]
    return WaveShare(number, study_id, len(classified), sum(g == DOER for g in classified))


def transitions(number: int, study_id: str, first: Mapping[str, str],
                later: Mapping[str, str]) -> WaveChange:
    """How people in both waves moved: counts for each (first group, later group)."""
    moves = Counter((first[p], later[p]) for p in first.keys() & later.keys()
                    if first[p] in GROUPS and later[p] in GROUPS)
    return WaveChange(number, study_id, {t: moves.get(t, 0) for t in TRANSITIONS})


def changers_and_stayers(first: Mapping[str, str],
                         later: Mapping[str, str]) -> tuple[set[str], set[str]]:
    """First-wave non-doers who became doers in the later wave, and those who did not."""
    both = [p for p in first.keys() & later.keys() if first[p] == NON_DOER]
    return ({p for p in both if later[p] == DOER}, {p for p in both if later[p] == NON_DOER})
