"""Fieldwork health: who started and finished, against the quota, where people stopped, saturation."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.analysis.collect import SATURATION_WINDOW, Collected, completion_order
from bot.analysis.records import COMPLETED, DOER, NON_DOER, UNFINISHED
from bot.script import Script

__all__ = ["SATURATION_WINDOW", "DropOff", "Fieldwork", "fieldwork"]


@dataclass(frozen=True)
class DropOff:
    """How many unfinished interviews stopped after this question (None: before any answer)."""

    question: str | None
    count: int


@dataclass(frozen=True)
class Fieldwork:
    """The numbers a researcher watches while interviews come in."""

    starts: int
    by_status: Mapping[str, int]
    completed: int
    screened_out: int
    excluded: int
    declined: int
    unfinished: int
    doers: int
    nondoers: int
    quota_doers: int
    quota_nondoers: int
    median_minutes: float | None
    first_started: datetime | None
    last_completed: datetime | None
    dropoff: tuple[DropOff, ...]
    uncoded: int
    uncoded_by_question: Mapping[str, int]
    recent_new_themes: tuple[tuple[str, str], ...]  # (question, theme) first seen in the window
    saturation_window: int

    @property
    def quota_met(self) -> bool:
        """Both groups reached their target."""
        return self.doers >= self.quota_doers and self.nondoers >= self.quota_nondoers


def fieldwork(script: Script, found: Collected) -> Fieldwork:
    """Fieldwork health from one pass's findings (saturation over the pass's window)."""
    interviews = list(found.interviews.values())
    statuses = Counter(i.status for i in interviews)
    completed = completion_order(interviews)
    minutes = [
        (i.completed_at - i.started_at).total_seconds() / 60 for i in completed if i.completed_at
    ]
    counted = Counter(i.group for i in interviews if i.counted)
    stopped = Counter(found.last_answer.get(i.interview_id, (None, None))[1]
                      for i in interviews if i.status in UNFINISHED)  # fmt: skip
    order = {q.id: q.index for q in script.questions}
    dropoff = sorted(
        (DropOff(q, n) for q, n in stopped.items()), key=lambda d: order.get(d.question or "", -1)
    )
    quota = script.file.study.quota
    return Fieldwork(
        starts=len(interviews),
        by_status=dict(sorted(statuses.items())),
        completed=statuses[COMPLETED],
        screened_out=statuses["screened_out"],
        excluded=statuses["excluded"],
        declined=statuses["declined"],
        unfinished=sum(statuses[s] for s in UNFINISHED),
        doers=counted[DOER],
        nondoers=counted[NON_DOER],
        quota_doers=quota.doers,
        quota_nondoers=quota.non_doers,
        median_minutes=statistics.median(minutes) if minutes else None,
        first_started=min((i.started_at for i in interviews), default=None),
        last_completed=completed[-1].completed_at if completed else None,
        dropoff=tuple(dropoff),
        uncoded=sum(found.uncoded_count.values()),
        uncoded_by_question=dict(sorted(found.uncoded_count.items())),
        # Themes first heard in the last interviews: the study has not reached saturation yet.
        recent_new_themes=tuple(sorted(found.themes_recent - found.themes_before)),
        saturation_window=found.saturation_window,
    )
