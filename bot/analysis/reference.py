"""The tabulation's counts written plainly, one respondent at a time: the oracle for the fast pass.

Slow and obvious on purpose (no NumPy, no caches, no batches). The property test in
`tests/analysis/test_reference.py` checks that `collect` + `tabulate` give exactly these counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.analysis.answer_status import value_status
from bot.analysis.coding import Coder, latest_overrides
from bot.analysis.records import (
    AnswerKey,
    AnswerRecord,
    AnswerValue,
    CodingOverride,
    InterviewRecord,
)
from bot.analysis.tabulate import TOP2, tabulated_questions
from bot.script import CompiledQuestion, QuestionType, Script
from bot.vocabulary import GROUPS, Group, InterviewStatus


@dataclass(frozen=True)
class ReferenceRow:
    """a of nD doers and b of nN non-doers mention `key` (a theme or option) of `question`."""

    question: str
    key: str
    a: int
    n_doers: int
    b: int
    n_nondoers: int


def reference_rows(
    script: Script,
    interviews: Iterable[InterviewRecord],
    answers: Iterable[AnswerRecord],
    overrides: Iterable[CodingOverride] = (),
) -> list[ReferenceRow]:
    """Every row `tabulate` gives, in its order, counted one interview at a time."""
    people = {i.interview_id: i for i in interviews}
    mine: dict[int, list[AnswerRecord]] = defaultdict(list)
    for answer in answers:
        if answer.interview_id in people and answer.question_id in script.by_id:
            mine[answer.interview_id].append(answer)
    coder, reviewed = Coder(script), latest_overrides(overrides)
    # Themes researchers gave stored answers get rows of their own, as codebook themes do.
    added: dict[str, set[str]] = defaultdict(set)
    for theirs in mine.values():
        for answer in theirs:
            if answer.key in reviewed:
                added[answer.question_id].update(reviewed[answer.key].themes)

    said: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])  # (q, key) → [D, ND]
    total: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # q → [D, ND] who answered
    for person in people.values():
        if person.status != InterviewStatus.completed or person.group not in GROUPS:
            continue
        side = 0 if person.group == Group.doer else 1
        for question in script.questions:
            given = [a for a in mine[person.interview_id] if a.question_id == question.id]
            main = [a for a in given if a.probe == 0]
            if not main or not value_status(_said(question, main[0])).counts:
                continue  # skipped, not asked or not reached
            total[question.id][side] += 1
            for key in _keys(question, given, person, coder, reviewed):
                said[(question.id, key)][side] += 1

    rows = []
    for question in tabulated_questions(script):
        n_d, n_n = total[question.id]
        if n_d == 0 and n_n == 0:
            continue
        for key in _row_keys(question, added[question.id]):
            a, b = said[(question.id, key)]
            rows.append(ReferenceRow(question.id, key, a, n_d, b, n_n))
    return rows


def _said(question: CompiledQuestion, answer: AnswerRecord) -> AnswerValue:
    """What the answer says: an open answer's text (its raw text when the value is not text)."""
    if question.type == QuestionType.text and not isinstance(answer.value, str):
        return answer.raw or ""
    return answer.value


def _keys(
    question: CompiledQuestion,
    given: list[AnswerRecord],
    person: InterviewRecord,
    coder: Coder,
    reviewed: dict[AnswerKey, CodingOverride],
) -> set[str]:
    """The themes (main answer and probes together) or options an interview's answer mentions."""
    if question.type == QuestionType.text:
        themes: set[str] = set()
        for answer in given:
            if answer.key in reviewed:
                themes.update(reviewed[answer.key].themes)
            else:
                text = str(_said(question, answer))
                themes.update(coder.automatic(question.id, text, person.language))
        return themes
    value = next(a.value for a in given if a.probe == 0)
    if isinstance(value, list):
        return {str(v) for v in value}
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    keys = {str(value)}
    top_two = [o.value for o in question.options[-2:]] if len(question.options) >= 4 else []
    if question.type == QuestionType.scale and str(value) in top_two:
        keys.add(TOP2)
    return keys


def _row_keys(question: CompiledQuestion, added: set[str]) -> list[str]:
    """A question's rows in the report's order: themes (then added ones) or options (then top-2)."""
    if question.type == QuestionType.text:
        themes = [t.id for t in question.spec.codebook or ()]
        return themes + sorted(added - set(themes))
    keys = [o.value for o in question.options]
    if question.type == QuestionType.scale and len(question.options) >= 4:
        keys.append(TOP2)
    return keys
