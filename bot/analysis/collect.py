"""The single pass over (possibly streamed) answers that every part of the analysis reads from."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from operator import attrgetter

import numpy as np
import numpy.typing as npt

from bot.analysis.records import (
    AnswerColumns,
    AnswerRecord,
    CodingOverride,
    InterviewRecord,
    answer_columns,
)
from bot.analysis.sweep import BEFORE, RECENT, Sweep, closed_keys
from bot.analysis.tally import Tally
from bot.script import Script
from bot.vocabulary import InterviewStatus

UNCODED_KEPT = 2000  # per question: enough to review and to cluster, bounded for huge studies
SATURATION_WINDOW = 10
Theme = tuple[str, str]  # (question, theme)
Ints = npt.NDArray[np.int64]

__all__ = ["Collected", "closed_keys", "collect", "completion_order"]


@dataclass
class Collected:
    """What one pass over the answers found."""

    interviews: dict[int, InterviewRecord]
    tally: Tally = field(default_factory=Tally)
    positions: dict[int, int] = field(default_factory=dict)  # interview id → tally position
    last_answer: dict[int, tuple[datetime | str, str]] = field(default_factory=dict)  # unfinished
    segments: dict[str, dict[int, tuple[str, ...]]] = field(default_factory=dict)  # q → pos → keys
    uncoded_count: Counter[str] = field(default_factory=Counter)
    uncoded: dict[str, list[str]] = field(default_factory=dict)  # q → the first uncoded texts
    uncoded_languages: dict[str, list[str]] = field(default_factory=dict)  # their interviews'
    open_answers: Counter[str] = field(default_factory=Counter)  # q → answers to code (not blank)
    answers: int = 0
    uncoded_kept: int = UNCODED_KEPT
    saturation_window: int = SATURATION_WINDOW
    # Themes of completed interviews: those before the last `saturation_window` (by completion)
    # and those of the last ones; saturation compares the two.
    themes_before: set[Theme] = field(default_factory=set)
    themes_recent: set[Theme] = field(default_factory=set)
    # Open answers (not blank) of the last interviews, and how many of them no theme matched.
    recent_open: int = 0
    recent_uncoded: int = 0
    filler: int = 0  # uncoded answers that say nothing ("idk", "nada"), overall and lately
    recent_filler: int = 0
    # Reviewed answers: (interview, question) → (automatic themes, reviewed themes), probes merged.
    reviewed: dict[tuple[int, str], tuple[set[str], set[str]]] = field(default_factory=dict)
    # Answers a second coder coded: (interview, question) → (themes in force, the second coder's).
    second_coder: dict[tuple[int, str], tuple[set[str], set[str]]] = field(default_factory=dict)
    # Tally positions of counted interviews with an uncoded answer, and with a theme, per question.
    uncoded_at: dict[str, list[Ints]] = field(default_factory=dict)
    themed_at: dict[str, list[Ints]] = field(default_factory=dict)

    def uncoded_by_group(self) -> dict[str, tuple[int, int]]:
        """Per open question: counted doers and non-doers whose answer no theme is in force for."""
        groups = self.tally.groups()
        out = {}
        for question, parts in self.uncoded_at.items():
            themed = self.themed_at.get(question, [])
            left = np.setdiff1d(
                np.concatenate(parts), np.concatenate(themed) if themed else np.zeros(0, np.int64)
            )
            doers = int(groups[left].sum()) if len(left) else 0
            out[question] = (doers, len(left) - doers)
        return out


def completion_order(interviews: Iterable[InterviewRecord]) -> list[InterviewRecord]:
    """Completed interviews with a completion time, first finished first."""
    return sorted(
        (i for i in interviews if i.status == InterviewStatus.completed and i.completed_at is not None),
        key=attrgetter("completed_at", "interview_id"),
    )


def collect(
    script: Script,
    interviews: Iterable[InterviewRecord],
    answers: Iterable[AnswerRecord] = (),
    overrides: Iterable[CodingOverride] = (),
    *,
    columns: Iterable[AnswerColumns] = (),
    uncoded_kept: int = UNCODED_KEPT,
    saturation_window: int = SATURATION_WINDOW,
    second_coding: Iterable[CodingOverride] = (),
) -> Collected:
    """Read every answer once: code open ones, count closed ones, note where people stopped.

    Answers come as records, or in bulk as batches of columns (`columns`), or both.
    """
    found = Collected(
        {i.interview_id: i for i in interviews},
        uncoded_kept=uncoded_kept,
        saturation_window=saturation_window,
    )
    for record in found.interviews.values():
        if record.counted and record.group is not None:
            found.positions[record.interview_id] = found.tally.add_interview(record.group)
    completed = completion_order(found.interviews.values())
    cut = max(len(completed) - saturation_window, 0)
    roles = {i.interview_id: BEFORE for i in completed[:cut]}
    roles.update((i.interview_id, RECENT) for i in completed[cut:])
    Sweep(script, found, overrides, roles, second_coding).run(
        chain(answer_columns(answers), columns)
    )
    return found
