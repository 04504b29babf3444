"""Comparing waves of one study: doer share per wave, and who moved between doer and non-doer.

People are matched across waves by pseudonym; each wave counts a person's latest completed,
classified interview.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

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
