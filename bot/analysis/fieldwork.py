"""Fieldwork health: who started and finished, against the quota, where people stopped, saturation."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.analysis.collect import SATURATION_WINDOW, Collected, completion_order
from bot.script import Script
from bot.vocabulary import UNFINISHED, Group, InterviewStatus

__all__ = ["SATURATION_WINDOW", "UNCODED_LIMIT", "DropOff", "Fieldwork", "Saturation", "fieldwork"]

# Above this share of uncoded open answers, "no new theme lately" may only mean "not coded yet".
UNCODED_LIMIT = 0.2
# too_few: not enough completed interviews to compare the last ones with those before;
# new_themes: themes first heard in the last interviews; uncoded: none, but too many answers are
# uncoded to tell; reached: no new theme lately, and most answers coded.
Saturation = Literal["too_few", "new_themes", "uncoded", "reached"]


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
    open_answers: int  # open answers to code (not blank, probes included)
    filler: int  # uncoded ones that say nothing ("idk", "nada"): no theme can hide in them
    uncoded_share: float | None  # of the others, the share no theme matched
    recent_uncoded_share: float | None  # the same in the last `saturation_window` interviews
    saturation: Saturation

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
    new_themes = tuple(sorted(found.themes_recent - found.themes_before))
    uncoded = sum(found.uncoded_count.values())
    opened = sum(found.open_answers.values())
    share = _share(uncoded - found.filler, opened - found.filler)
    recent = _share(found.recent_uncoded - found.recent_filler,
                    found.recent_open - found.recent_filler)  # fmt: skip
    return Fieldwork(
        starts=len(interviews),
        by_status=dict(sorted(statuses.items())),
        completed=statuses[InterviewStatus.completed],
        screened_out=statuses[InterviewStatus.screened_out],
        excluded=statuses[InterviewStatus.excluded],
        declined=statuses[InterviewStatus.declined],
        unfinished=sum(statuses[s] for s in UNFINISHED),
        doers=counted[Group.doer],
        nondoers=counted[Group.non_doer],
        quota_doers=quota.doers,
        quota_nondoers=quota.non_doers,
        median_minutes=statistics.median(minutes) if minutes else None,
        first_started=min((i.started_at for i in interviews), default=None),
        last_completed=completed[-1].completed_at if completed else None,
        dropoff=tuple(dropoff),
        uncoded=uncoded,
        uncoded_by_question=dict(sorted(found.uncoded_count.items())),
        # Themes first heard in the last interviews: the study has not reached saturation yet.
        recent_new_themes=new_themes,
        saturation_window=found.saturation_window,
        open_answers=opened,
        filler=found.filler,
        uncoded_share=share,
        recent_uncoded_share=recent,
        saturation=saturation(len(completed), found.saturation_window, new_themes, share, recent),
    )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole > 0 else None


def saturation(
    completed: int,
    window: int,
    new_themes: tuple[tuple[str, str], ...],
    uncoded_share: float | None,
    recent_uncoded_share: float | None,
) -> Saturation:
    """Whether the last interviews brought new themes, judged on coded answers only."""
    if completed < 2 * window:
        return "too_few"  # the last `window` need at least as many before them to compare with
    if new_themes:
        return "new_themes"
    if max(uncoded_share or 0, recent_uncoded_share or 0) > UNCODED_LIMIT:
        return "uncoded"  # a new theme may hide among the answers no theme matched
    return "reached"
