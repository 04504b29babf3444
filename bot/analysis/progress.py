"""Fieldwork as pictures need it: interviews per day, the funnel from start to completion, saturation.

Pure functions of what one pass over the answers collected (`Collected`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import numpy as np

from bot.analysis.collect import Collected, completion_order
from bot.vocabulary import UNFINISHED, InterviewStatus

DAYS_KEPT = 120  # a longer fieldwork is shown by week


@dataclass(frozen=True)
class Day:
    """Interviews started and completed on one day (or in one week, for long fieldwork)."""

    day: date
    started: int
    completed: int


@dataclass(frozen=True)
class Stage:
    """How many interviews got this far."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Saturation:
    """Distinct themes heard as completed, counted interviews came in (in completion order)."""

    interviews: tuple[int, ...]  # after this many interviews…
    themes: tuple[int, ...]  # …this many distinct themes had been heard
    total: int


CURVE_POINTS = 200  # a curve of a large study is sampled: a picture needs no more points


def timeline(found: Collected) -> tuple[tuple[Day, ...], bool]:
    """Starts and completions per day, or per week when fieldwork runs long; (days, weekly)."""
    started = Counter(i.started_at.date() for i in found.interviews.values())
    completed = Counter(
        i.completed_at.date()
        for i in found.interviews.values()
        if i.status == InterviewStatus.completed and i.completed_at is not None
    )
    days = sorted(started.keys() | completed.keys())
    if not days:
        return (), False
    weekly = (days[-1] - days[0]).days >= DAYS_KEPT
    if weekly:
        started, completed = _weekly(started), _weekly(completed)
        days = sorted(started.keys() | completed.keys())
    span = [date.fromordinal(n) for n in range(days[0].toordinal(), days[-1].toordinal() + 1)]
    if weekly:
        span = [d for d in span if d.weekday() == 0]
    return tuple(Day(d, started[d], completed[d]) for d in span), weekly


def _weekly(counts: Counter[date]) -> Counter[date]:
    out: Counter[date] = Counter()
    for day, n in counts.items():
        out[date.fromordinal(day.toordinal() - day.weekday())] += n
    return out


def funnel(found: Collected) -> tuple[Stage, ...]:
    """Started → agreed → not screened out → completed → counted, each a subset of the one before."""
    statuses = Counter(i.status for i in found.interviews.values())
    starts = sum(statuses.values())
    # An interview still open (or abandoned) before any answer never said yes to anything.
    silent = sum(
        1
        for i in found.interviews.values()
        if i.status in UNFINISHED and i.interview_id not in found.last_answer
    )
    agreed = starts - statuses[InterviewStatus.declined] - silent
    return (
        Stage("started", "Started", starts),
        Stage("agreed", "Agreed to take part", agreed),
        Stage("eligible", "Not screened out", agreed - statuses[InterviewStatus.screened_out]),
        Stage("completed", "Completed", statuses[InterviewStatus.completed]),
        Stage("counted", "Counted as doer or non-doer", len(found.positions)),
    )


def saturation(found: Collected) -> Saturation:
    """How many distinct coded themes had been heard after each counted, completed interview."""
    tally = found.tally
    ordered = [
        found.positions[i.interview_id]
        for i in completion_order(found.interviews.values())
        if i.interview_id in found.positions
    ]
    if not ordered:
        return Saturation((), (), 0)
    rank = np.full(tally.size, len(ordered), dtype=np.int64)
    rank[ordered] = np.arange(len(ordered))
    positions, columns = tally._expand(tally.said_once)  # (interview, theme column) pairs
    if not len(positions):
        return Saturation((len(ordered),), (0,), 0)
    first = np.full(len(tally.columns), len(ordered), dtype=np.int64)
    np.minimum.at(first, columns, rank[positions])
    heard = first[first < len(ordered)]
    new_at = np.bincount(heard, minlength=len(ordered))
    curve = np.cumsum(new_at)
    # Every interview where the count rises, sampled to at most CURVE_POINTS, and the last one.
    step = max(1, -(-len(curve) // CURVE_POINTS))
    keep = np.unique(np.concatenate([np.arange(0, len(curve), step), [len(curve) - 1]]))
    return Saturation(
        tuple(int(k) + 1 for k in keep), tuple(int(curve[k]) for k in keep), int(curve[-1])
    )
