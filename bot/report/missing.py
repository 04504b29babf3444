"""Why a cell has no answer: skipped, not asked, or not reached — kept apart in every export.

SPSS users expect declared missing-value codes; the same numbers go into every format, so a file
read in R, Stata or Excel says the same thing. An answer that ticks nothing or says nothing is an
answer, not a missing value.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from bot.script import Script

AnswerValue = str | int | float | list[str] | None


class AnswerStatus(StrEnum):
    """What happened to one question in one interview."""

    answered = "answered"
    answered_empty = "answered_empty"  # ticked nothing, or an empty text: still an answer
    skipped = "skipped"  # asked, and the respondent skipped it
    not_asked = "not_asked"  # the interview went past it without asking (a `when` condition)
    not_reached = "not_reached"  # the interview ended or stopped before it


MISSING_CODES: dict[AnswerStatus, int] = {
    AnswerStatus.skipped: -97,
    AnswerStatus.not_asked: -98,
    AnswerStatus.not_reached: -99,
}
MISSING_LABELS: dict[int, str] = {
    -97: "Skipped",
    -98: "Not asked",
    -99: "Not reached",
}
MISSING_CELLS = frozenset(str(code) for code in MISSING_CODES.values())
COMPLETED = "completed"


def question_statuses(
    script: Script, interview_status: str, main_answers: Mapping[str, AnswerValue]
) -> dict[str, AnswerStatus]:
    """Every question's status in one interview, from its main answers (probe 0, None = skipped)."""
    index = {q.id: q.index for q in script.questions}
    last = max((index[q] for q in main_answers if q in index), default=-1)
    finished = interview_status == COMPLETED
    out = {}
    for question in script.questions:
        if question.id in main_answers:
            value = main_answers[question.id]
            if value is None:
                out[question.id] = AnswerStatus.skipped
            elif value == [] or (isinstance(value, str) and not value.strip()):
                out[question.id] = AnswerStatus.answered_empty
            else:
                out[question.id] = AnswerStatus.answered
        elif finished or question.index < last:
            out[question.id] = AnswerStatus.not_asked
        else:
            out[question.id] = AnswerStatus.not_reached
    return out


def missing_code(status: AnswerStatus) -> int | None:
    """The code for a missing answer, or None when there is an answer."""
    return MISSING_CODES.get(status)
