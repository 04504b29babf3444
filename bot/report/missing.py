"""Why a cell has no answer: skipped, not asked, or not reached — kept apart in every export.

SPSS users expect declared missing-value codes; the same numbers go into every format, so a file
read in R, Stata or Excel says the same thing. A multiple choice that ticks nothing is an answer
(every option 0), not a missing value; the statuses are `bot.analysis.answer_status`'s.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.analysis.answer_status import AnswerStatus, answer_statuses
from bot.analysis.records import AnswerValue
from bot.script import Script

__all__ = ["MISSING_CELLS", "MISSING_CODES", "MISSING_LABELS", "AnswerStatus", "question_statuses"]


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


def question_statuses(
    script: Script, interview_status: str, main_answers: Mapping[str, AnswerValue]
) -> dict[str, AnswerStatus]:
    """Every question's status in one interview, from its main answers (probe 0, None = skipped)."""
    return answer_statuses(script, interview_status, main_answers)


def missing_code(status: AnswerStatus) -> int | None:
    """The code for a missing answer, or None when there is an answer."""
    return MISSING_CODES.get(status)
