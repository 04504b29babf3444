"""A study of cycling to work, built in memory: interviews and answers the way storage hands them over."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.analysis import AnswerRecord, InterviewRecord
from bot.analysis.records import AnswerValue

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
    rng = random.Random(seed)
    study = StudyBuilder()

    def hard_answer(doer: bool) -> str:
        parts = []
        if rng.random() < (0.1 if doer else 0.7):
            parts.append(rng.choice(["the traffic scares me", "roads are unsafe", "too dangerous"]))
        if rng.random() < 0.35:
            parts.append(rng.choice(["rain", "cold mornings", "the weather"]))
        if rng.random() < 0.2:
            parts.append(rng.choice(["kids to drop at school", "school run with the kids"]))
        return " and ".join(parts) or rng.choice(["nothing really", "not sure"])

    for i in range(90):
        doer = i % 2 == 0
        answers: dict[str, AnswerValue] = {
            "age": 30,
            "days": 4 if doer else 0,
            "stage": "act" if doer else rng.choice(["pre", "act"]),
            "hard": hard_answer(doer),
            "good": rng.choice(["good for my health", "saves money", "fresh air"]),
            "approve": rng.choice(["yes", "no"]),
            "remember": rng.randint(1, 5),
        }
        if not doer:
            # Planted competitor: most non-doers drive, fewer take the bus, few walk.
            answers["instead"] = (
                ["car"] if i % 6 != 1 else ["bus", "walk"] if i % 12 == 1 else ["bus"]
            )
            answers["like"] = rng.choice(["it's warm and dry", "quick", "comfortable seats"])
        study.interview("completed", "doer" if doer else "non_doer", answers,
                        source="poster" if i < 30 else None, minutes=8 + i % 5)  # fmt: skip
    return study
