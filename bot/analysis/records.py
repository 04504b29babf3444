"""The analysis's input records: small frozen values that storage (or a CSV) is adapted to."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from bot.vocabulary import Group, InterviewStatus

AnswerValue = str | int | float | list[str] | None
AnswerKey = tuple[int, str, int]  # (interview_id, question_id, probe): one stored answer



@dataclass(frozen=True, slots=True)
class InterviewRecord:
    """One interview as the analysis sees it (never a Telegram id)."""

    interview_id: int
    status: InterviewStatus
    group: Group | None
    source: str | None
    language: str
    started_at: datetime
    completed_at: datetime | None = None

    @property
    def counted(self) -> bool:
        """Whether it enters the doer / non-doer tabulation."""
        return self.status == InterviewStatus.completed and self.group is not None


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """One stored answer: probe 0 is the main answer, 1.. are probe follow-ups to it."""

    interview_id: int
    question_id: str
    probe: int
    raw: str
    value: AnswerValue
    language: str
    answered_at: datetime

    @property
    def key(self) -> AnswerKey:
        """The answer's identity."""
        return (self.interview_id, self.question_id, self.probe)


@dataclass(frozen=True, slots=True)
class CodingOverride:
    """A researcher's coding of one answer; it replaces the automatic coding (latest wins)."""

    interview_id: int
    question_id: str
    probe: int
    themes: tuple[str, ...]
    coder: str
    at: datetime

    @property
    def key(self) -> AnswerKey:
        """The answer this override codes."""
        return (self.interview_id, self.question_id, self.probe)


@dataclass(frozen=True, slots=True)
class AnswerColumns:
    """A batch of answers column by column: the bulk input, with no object per answer."""

    interview_ids: Sequence[int]
    question_ids: Sequence[str]
    probes: Sequence[int]
    raws: Sequence[str | None]
    values: Sequence[AnswerValue]
    # Datetimes, or ISO 8601 text in one format (UTC, same precision) throughout a study: they
    # are only compared, never parsed.
    answered_at: Sequence[datetime | str]

    def __len__(self) -> int:
        return len(self.interview_ids)


def answer_columns(answers: Iterable[AnswerRecord], batch: int = 50_000) -> Iterator[AnswerColumns]:
    """Records as batches of columns (an answer's language is its interview's)."""
    it = iter(answers)
    while chunk := list(islice(it, batch)):
        yield AnswerColumns(
            [a.interview_id for a in chunk],
            [a.question_id for a in chunk],
            [a.probe for a in chunk],
            [a.raw for a in chunk],
            [a.value for a in chunk],
            [a.answered_at for a in chunk],
        )
