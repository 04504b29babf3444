"""Meaning checks on conditions: known names, earlier questions, real choices, satisfiable."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from bot.script import expr
from bot.script.compiled import CONDITION_VARIABLES
from bot.script.model import Question, QuestionType, ScriptFile
from bot.script.parts import GROUPS, Path, names_in, rule_sources, undeclared, values_of

Found = tuple[Path, str, bool]
MAX_COMBINATIONS = 20_000
_Q = QuestionType


def condition_problems(file: ScriptFile) -> Iterator[Found]:
    questions: dict[str, tuple[int, Question]] = {}
    for index, question in enumerate(file.questions):
        questions.setdefault(question.id, (index, question))  # a duplicate id is reported elsewhere
    rules = rule_sources(file)
    ruled = [name for _, source in rules for name in names_in(source)]
    classify_from = 1 + max((questions[n][0] for n in ruled if n in questions), default=-1)
    for path, source in rules:
        yield from _check_condition(
            file, path, source, questions, limit=len(file.questions), rule=True
        )
    for index, question in enumerate(file.questions):
        for key, limit in (("when", index), ("eligible_if", index + 1)):
            source = getattr(question, key)
            if source is None:
                continue
            path = ("questions", index, key)
            problems = list(_check_condition(file, path, source, questions, limit=limit))
            condition = expr.parse(source) if not problems else None
            if (
                condition
                and "group" in condition.names
                and (file.classification is None or index < classify_from)
            ):
                problems.append((path, _group_too_early(file, classify_from), False))
            if condition and not problems and not _satisfiable(file, condition):
                message = (
                    f"question `{question.id}` can never be asked: its `when` condition is never true"
                    if key == "when"
                    else "nobody can pass this screening: the condition is never true"
                )
                problems.append((path, message, False))
            yield from problems


def _group_too_early(file: ScriptFile, classify_from: int) -> str:
    if file.classification is None:
        return "`group` needs a `classification` section (doer / non-doer rules)"
    last = file.questions[classify_from - 1].id
    return f"`group` is only known after `{last}`, the last question the classification uses"


def _check_condition(
    file: ScriptFile,
    path: Path,
    source: str,
    questions: dict[str, tuple[int, Question]],
    *,
    limit: int,
    rule: bool = False,
) -> Iterator[Found]:
    try:
        condition = expr.parse(source)
    except expr.ExpressionError as exc:
        yield path, f"{exc} (in `{source}`)", False
        return
    for name in sorted(condition.names):
        if name in CONDITION_VARIABLES:
            if rule:
                yield path, f"classification rules use answers only, not `{name}`", False
            continue
        if name not in questions:
            close = [q for q in questions if q.startswith(name[:3])][:1]
            hint = f"; did you mean `{close[0]}`?" if close else ""
            yield path, f"`{name}` is not a question id{hint}", False
        elif not rule and path[-1] == "when" and questions[name][0] == limit:
            yield (
                path,
                f"`{name}` is this question itself; `when` can only use earlier answers",
                False,
            )
        elif questions[name][0] >= limit:
            yield path, f"`{name}` is asked later, so its answer is not known yet here", False
        elif questions[name][1].type == _Q.info:
            yield path, f"`{name}` is an info message and has no answer", False
    for comparison in condition.comparisons:
        message = _comparison_problem(file, comparison, questions)
        if message:
            yield path, message, False


def _comparison_problem(
    file: ScriptFile, comparison: expr.Comparison, questions: dict[str, tuple[int, Question]]
) -> str | None:
    name, literal = comparison.name, comparison.literal
    if literal is None:
        return None
    if name == "group":
        return None if literal in GROUPS else f"`group` is `doer` or `non_doer`, not `{literal}`"
    if name == "language":
        ok = literal in file.study.languages
        return None if ok else undeclared(str(literal), file.study.languages)
    if name not in questions:
        return None
    question = questions[name][1]
    if question.type in (_Q.number, _Q.scale):
        if isinstance(literal, str):
            return f"`{name}` is a number; compare it with a number, not '{literal}'"
        return None
    values = values_of(file, question)
    if values is not None and str(literal) not in values:
        return f"`{literal}` is not a choice of `{name}` (choices: {', '.join(values)})"
    return None


def groups_asked(file: ScriptFile, question: Question) -> tuple[str, ...]:
    """The groups (doer, non_doer) whose members the question's `when` lets it be asked of."""
    if question.when is None or "group" not in names_in(question.when):
        return GROUPS
    condition = expr.parse(question.when)
    return tuple(g for g in GROUPS if _satisfiable(file, condition, group=g))


def _satisfiable(file: ScriptFile, condition: expr.Condition, **fixed: Any) -> bool:
    """Whether some combination of answers makes the condition true (by trying them all).

    Names in `fixed` keep the value given (e.g. `group="doer"`).
    """
    questions = {q.id: q for q in file.questions}
    domains: list[list[Any]] = []
    names = sorted(condition.names)
    literals: dict[str, list[Any]] = {}
    for comparison in condition.comparisons:
        literals.setdefault(comparison.name, []).append(comparison.literal)
    for name in names:
        if name in fixed:
            domains.append([fixed[name]])
            continue
        domains.append(_domain(file, questions.get(name), name, literals.get(name, [])))
    combinations = 1
    for domain in domains:
        combinations *= len(domain)
    if combinations > MAX_COMBINATIONS:
        return True  # too many to try; assume the researcher knows
    return any(
        condition.holds(dict(zip(names, values, strict=True)))
        for values in itertools.product(*domains)
    )


def _domain(
    file: ScriptFile, question: Question | None, name: str, literals: list[Any]
) -> list[Any]:
    if name == "group":
        return [*GROUPS, None]
    if name == "language":
        return [*file.study.languages]
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
    near = {n + d for n in numbers for d in (-1, -0.5, 0, 0.5, 1)}
    return [*sorted(near), *[v for v in literals if not isinstance(v, int | float)], "…", None]
