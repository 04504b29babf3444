"""A study of cycling to work, built in memory: interviews and answers the way storage hands them over."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.analysis import AnswerRecord, InterviewRecord
from bot.analysis.records import AnswerValue
from tests.planted import planted_answers

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@dataclass
class StudyBuilder:
    """Writes interviews and answers the way storage would hand them over."""

    interviews: list[InterviewRecord] = field(default_factory=list)
    answers: list[AnswerRecord] = field(default_factory=list)

    def interview(
        self,
        status: str,
        group: str | None,
        answers: dict[str, AnswerValue],
        *,
        source: str | None = None,
        minutes: int = 10,
        probes: dict[str, str] | None = None,
        language: str = "en",
    ) -> int:
        """Add one interview with its answers (in order, a minute apart); returns its id."""
        interview_id = len(self.interviews) + 1
        started = T0 + timedelta(hours=interview_id)
        completed = started + timedelta(minutes=minutes) if status == "completed" else None
        self.interviews.append(
            InterviewRecord(interview_id, status, group, source, language, started, completed)
        )
        for step, (question_id, value) in enumerate(answers.items()):
            raw = ",".join(value) if isinstance(value, list) else str(value)
            when = started + timedelta(minutes=step)
            self.answers.append(
                AnswerRecord(interview_id, question_id, 0, raw, value, language, when)
            )
        for question_id, text in (probes or {}).items():
            self.answers.append(
                AnswerRecord(interview_id, question_id, 1, text, text, language, started)
            )
        return interview_id


def planted_study(seed: int = 7) -> StudyBuilder:
    """90 respondents: traffic danger is the planted barrier, driving the planted competitor."""
    study = StudyBuilder()
    for i, doer, answers in planted_answers(seed):
        study.interview("completed", "doer" if doer else "non_doer", answers,
                        source="poster" if i < 30 else None, minutes=8 + i % 5)  # fmt: skip
    return study
