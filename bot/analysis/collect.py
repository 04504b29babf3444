"""The single pass over (possibly streamed) answers that every part of the analysis reads from."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bot.analysis.coding import Coder, answer_text
from bot.analysis.records import (
    COMPLETED,
    UNFINISHED,
    AnswerRecord,
    AnswerValue,
    CodingOverride,
    InterviewRecord,
)
from bot.analysis.tabulate import TOP2
from bot.analysis.tally import ANSWERED, Tally
from bot.script import CompiledQuestion, QuestionType, Script
from bot.script.model import CLOSED_TYPES

UNCODED_KEPT = 2000  # per question: enough to review and to cluster, bounded for huge studies


@dataclass
class Collected:
    """What one pass over the answers found."""

    interviews: dict[int, InterviewRecord]
    tally: Tally = field(default_factory=Tally)
    positions: dict[int, int] = field(default_factory=dict)  # interview id → tally position
    themes: dict[int, set[tuple[str, str]]] = field(default_factory=dict)  # completed: (q, theme)
    last_answer: dict[int, tuple[datetime, str]] = field(default_factory=dict)  # unfinished ones
    segments: dict[str, dict[int, tuple[str, ...]]] = field(default_factory=dict)  # q → pos → keys
    uncoded_count: Counter[str] = field(default_factory=Counter)
    uncoded: dict[str, list[AnswerRecord]] = field(default_factory=dict)
    answers: int = 0
    uncoded_kept: int = UNCODED_KEPT


def closed_keys(question: CompiledQuestion, value: AnswerValue) -> tuple[str, ...]:
    """The option rows a closed answer ticks (a scale's top two points also tick the top-2 box)."""
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(dict.fromkeys(str(v) for v in value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    key = str(value)
    top = question.options[-2:] if len(question.options) >= 4 else ()
    if question.type == QuestionType.scale and key in (o.value for o in top):
        return (key, TOP2)
    return (key,)


def collect(
    script: Script,
    interviews: Iterable[InterviewRecord],
    answers: Iterable[AnswerRecord],
    overrides: Iterable[CodingOverride] = (),
    *,
    uncoded_kept: int = UNCODED_KEPT,
) -> Collected:
    """Read every answer once: code open ones, count closed ones, note where people stopped."""
    found = Collected({i.interview_id: i for i in interviews}, uncoded_kept=uncoded_kept)
    tally, coder = found.tally, Coder(script, overrides)
    for record in found.interviews.values():
        if record.counted and record.group is not None:
            found.positions[record.interview_id] = tally.add_interview(record.group)
    codable = {q.id: coder.is_codable(q.id) for q in script.questions}
    closed = {q.id for q in script.questions if q.type in CLOSED_TYPES}
    by_id, records, positions = script.by_id, found.interviews, found.positions
    unfinished = {i for i, r in records.items() if r.status in UNFINISHED}
    last_answer = found.last_answer
    seen = 0
    for answer in answers:
        seen += 1
        interview_id, question_id = answer.interview_id, answer.question_id
        question = by_id.get(question_id)
        interview = records.get(interview_id)
        if interview is None or question is None:
            continue  # an orphan, or a question an older script version had
        if interview_id in unfinished:
            last = last_answer.get(interview_id)
            if last is None or answer.answered_at >= last[0]:
                last_answer[interview_id] = (answer.answered_at, question_id)
        position = positions.get(interview_id)
        if codable[question_id]:
            _open(found, coder, answer, interview, position)
        elif position is not None and question_id in closed and answer.probe == 0:
            keys = closed_keys(question, answer.value)
            if keys:
                tally.mention(position, question_id, (ANSWERED, *keys))
                if question.spec.segment:
                    found.segments.setdefault(question_id, {})[position] = keys
    found.answers = seen
    # Probe answers add to the main answer's themes: count each theme once per interview.
    for interview_id, position in found.positions.items():
        for question_id, theme in found.themes.get(interview_id, ()):
            tally.mention(position, question_id, (theme,))
    return found


def _open(
    found: Collected,
    coder: Coder,
    answer: AnswerRecord,
    interview: InterviewRecord,
    position: int | None,
) -> None:
    text = answer_text(answer)
    themes, reviewed = coder.code(answer)
    question_id = answer.question_id
    if not themes and not reviewed and text.strip():
        found.uncoded_count[question_id] += 1
        kept = found.uncoded.setdefault(question_id, [])
        if len(kept) < found.uncoded_kept:
            kept.append(answer)
    if interview.status == COMPLETED and themes:
        found.themes.setdefault(interview.interview_id, set()).update(
            (question_id, t) for t in themes
        )
    if position is not None and interview.group is not None:
        if answer.probe == 0 and text.strip():
            found.tally.mention(position, question_id, (ANSWERED,))
        for theme in themes:
            found.tally.quote(question_id, theme, interview.group, text)
