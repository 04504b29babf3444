"""Why a question has (or lacks) an answer in an interview: the one vocabulary for missing values.

Five cases, told apart from what storage keeps (`AnswerRecord`s of the interview's main answers):

| status           | stored main answer (probe 0)        | counts in the row's total (nD / nN) |
|------------------|-------------------------------------|-------------------------------------|
| `answered`       | a value (text, number, option, list) | yes                                 |
| `answered_empty` | an empty list: a multiple-choice     | yes: "none of these" is an answer   |
|                  | answer that ticks nothing            |                                     |
| `skipped`        | `None` (the respondent sent /skip),  | no                                  |
|                  | or blank text                        |                                     |
| `not_asked`      | none; the interview went past the    | no                                  |
|                  | question (its `when` was false)      |                                     |
| `not_reached`    | none; the interview stopped before   | no                                  |
|                  | it (unfinished, screened out, …)     |                                     |

The engine stores a /skip as an answer whose value is `None` and a multiple-choice "Done" with
nothing ticked as `[]`; a question whose `when` is false, or one after the point where the
interview ended, has no stored answer at all. "Went past" means: the interview completed, or it
holds an answer to a later question of the script.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from bot.analysis.records import AnswerValue
from bot.script import QuestionType, Script
from bot.vocabulary import InterviewStatus


class AnswerStatus(StrEnum):
    """Whether and how an interview answered a question (see the module's table)."""

    answered = "answered"
    answered_empty = "answered_empty"
    skipped = "skipped"
    not_asked = "not_asked"
    not_reached = "not_reached"

    @property
    def counts(self) -> bool:
        """Whether the interview enters the question's totals (the rows' nD / nN)."""
        return self in (AnswerStatus.answered, AnswerStatus.answered_empty)


def value_status(value: AnswerValue) -> AnswerStatus:
    """The status of a stored main answer's value: answered, answered with nothing, or skipped."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return AnswerStatus.skipped
    if isinstance(value, list | tuple) and not value:
        return AnswerStatus.answered_empty
    return AnswerStatus.answered


def answer_statuses(
    script: Script, status: str, answers: Mapping[str, AnswerValue]
) -> dict[str, AnswerStatus]:
    """Every asked question's status (info messages left out) in one interview.

    `status` is the interview's (e.g. "completed", "active", "screened_out"); `answers` maps
    question id → the value of its stored main answer (probe 0), for the questions it has one.
    """
    order = {q.id: q.index for q in script.questions}
    furthest = max((order[q] for q in answers if q in order), default=-1)
    # An interview kept over quota went to the end like a completed one.
    went_past = status in (InterviewStatus.completed, InterviewStatus.over_quota)
    out: dict[str, AnswerStatus] = {}
    for question in script.questions:
        if question.type == QuestionType.info:
            continue
        if question.id in answers:
            out[question.id] = value_status(answers[question.id])
        elif went_past or question.index < furthest:
            out[question.id] = AnswerStatus.not_asked
        else:
            out[question.id] = AnswerStatus.not_reached
    return out


def answer_status(
    script: Script, status: str, answers: Mapping[str, AnswerValue], question_id: str
) -> AnswerStatus:
    """One question's status in one interview (`answer_statuses` explains the arguments)."""
    if question_id in answers:
        return value_status(answers[question_id])
    statuses = answer_statuses(script, status, answers)
    if question_id not in statuses:
        raise KeyError(f"`{question_id}` is not a question of study {script.study_id}")
    return statuses[question_id]
