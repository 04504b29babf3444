"""Whether some respondent could make conditions true, by trying every kind of answer.

A condition only compares answers with literals, so its truth changes only at those literals:
trying each literal, a point between each two, and one beyond each end (within what the question
can record) tries every case. Choices, yes/no and scales have few values and are tried whole.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

from bot.script import expr
from bot.script.model import Question, QuestionType, ScriptFile
from bot.script.parts import names_in, scale_range, values_of
from bot.vocabulary import GROUPS, Group

MAX_COMBINATIONS = 20_000
_Q = QuestionType
Rule = Sequence[expr.Condition]  # conditions that must all hold


def satisfiable(
    file: ScriptFile,
    questions: Mapping[str, Question],
    rule: Rule,
    unless: Sequence[Rule] = (),
) -> bool:
    """Whether some answers make every condition of `rule` true and no rule of `unless` true."""
    everything = [*rule, *(c for other in unless for c in other)]
    names = sorted({name for condition in everything for name in condition.names})
    literals: dict[str, list[Any]] = {}
    for condition in everything:
        for comparison in condition.comparisons:
            literals.setdefault(comparison.name, []).append(comparison.literal)
    domains = [_domain(file, questions.get(n), n, literals.get(n, [])) for n in names]
    if math.prod(len(d) for d in domains) > MAX_COMBINATIONS:
        return True  # too many to try; assume the researcher knows
    for values in itertools.product(*domains):
        env = dict(zip(names, values, strict=True))
        if all(c.holds(env) for c in rule) and not any(
            all(c.holds(env) for c in other) for other in unless
        ):
            return True
    return False


def _domain(
    file: ScriptFile, question: Question | None, name: str, literals: list[Any]
) -> list[Any]:
    if name == "group":
        return [*GROUPS, None]
    if name == "language":
        return [*file.study.languages]
    if question is not None and question.type == _Q.scale:
        low, high = scale_range(question)
        return [*range(int(low), int(high) + 1), None]
    values = values_of(file, question) if question else None
    if question and question.type == _Q.multiple_choice and values is not None:
        if len(values) <= 6:
            return [
                list(c) for r in range(len(values) + 1) for c in itertools.combinations(values, r)
            ]
        return [[], None, *([str(v)] for v in literals), list(values)]
    if values is not None:
        return [*values, None]
    numbers = [v for v in literals if isinstance(v, int | float) and not isinstance(v, bool)]
    texts = [v for v in literals if not isinstance(v, int | float)]
    if question is not None and question.type == _Q.number:
        return [*_numbers(numbers, question), None]
    return [*_numbers(numbers, None), *texts, "…", None]


def _numbers(literals: list[float], question: Question | None) -> list[float]:
    """A number from every stretch the literals cut the question's range into."""
    low = question.min if question else None
    high = question.max if question else None
    whole = bool(question and question.integer)
    finite = [n for n in literals if math.isfinite(n)]  # `age < 1e999` is just "any age"
    points = sorted({*finite, *(b for b in (low, high) if b is not None)})
    if not points:
        points = [0]
    if whole:  # the whole numbers just below, between and just above the points
        candidates = {*points, math.ceil(points[0]) - 1, math.floor(points[-1]) + 1}
    else:
        candidates = {*points, points[0] - 1, points[-1] + 1}
    for a, b in itertools.pairwise(points):
        candidates.add(math.floor(a) + 1 if whole else (a + b) / 2)
    return sorted(
        n
        for n in candidates
        if (low is None or n >= low)
        and (high is None or n <= high)
        and (not whole or float(n).is_integer())
        and math.isfinite(n)
    )


def groups_asked(file: ScriptFile, question: Question) -> tuple[Group, ...]:
    """The groups (doer, non_doer) whose members the question's `when` lets it be asked of."""
    if question.when is None or "group" not in names_in(question.when):
        return GROUPS
    condition = expr.parse(question.when)
    questions = {q.id: q for q in file.questions}
    return tuple(
        group
        for group in GROUPS
        if satisfiable(file, questions, [condition, expr.parse(f"group == '{group}'")])
    )
