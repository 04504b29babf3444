"""Meaning checks on conditions: known names, earlier questions, real choices, satisfiable rules."""

from __future__ import annotations

from collections.abc import Iterator

from bot.script import expr
from bot.script.compiled import CONDITION_VARIABLES
from bot.script.limits import unstorable_character, valid_payload
from bot.script.model import Question, QuestionType, ScriptFile
from bot.script.parts import Found, Path, names_in, rule_sources, undeclared, values_of
from bot.script.satisfy import satisfiable
from bot.vocabulary import GROUPS, Group

_Q = QuestionType
_ECHO = 60  # characters of a condition quoted back in a message


def condition_problems(file: ScriptFile) -> Iterator[Found]:
    """Every problem of the `when`, `eligible_if` and classification conditions, one by one."""
    questions = _questions(file)
    specs = _specs(questions)
    rules = rule_sources(file)
    classify_from = _classify_from(file, questions)
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
            condition = None if problems else _parsed(source)
            if (
                condition
                and "group" in condition.names
                and (file.classification is None or index < classify_from)
            ):
                problems.append(Found(path, _group_too_early(file, classify_from)))
            if condition and not problems and not satisfiable(file, specs, [condition]):
                message = (
                    f"question `{question.id}` can never be asked: its `when` condition is never true"
                    if key == "when"
                    else "nobody can pass this screening: the condition is never true"
                )
                problems.append(Found(path, message))
            yield from problems


def classification_problems(file: ScriptFile) -> Iterator[Found]:
    """Doer and non-doer rules that nobody could ever match."""
    if file.classification is None:
        return
    questions = _questions(file)
    parsed = {
        side: [
            _usable(file, group.all, questions)
            for group in getattr(file.classification, side).any
        ]
        for side in GROUPS
    }
    specs = _specs(questions)
    doers = [rule for rule in parsed[Group.doer] if rule is not None]
    every_doer_rule_usable = len(doers) == len(parsed[Group.doer])
    for side in GROUPS:
        for g_index, rule in enumerate(parsed[side]):
            if rule is None:
                continue  # its conditions' own problems are reported
            path = ("classification", side, "any", g_index)
            if not satisfiable(file, specs, rule):
                message = f"this {side} rule can never match: its conditions are never all true together"
                yield Found(path, message)
            elif side == Group.non_doer and every_doer_rule_usable and not satisfiable(
                file, specs, rule, unless=doers
            ):
                message = (
                    "this non_doer rule can never match: everyone it matches is a doer first "
                    "(doer rules are tried first)"
                )
                yield Found(path, message)


def _questions(file: ScriptFile) -> dict[str, tuple[int, Question]]:
    questions: dict[str, tuple[int, Question]] = {}
    for index, question in enumerate(file.questions):
        questions.setdefault(question.id, (index, question))  # a duplicate id is reported elsewhere
    return questions


def _specs(questions: dict[str, tuple[int, Question]]) -> dict[str, Question]:
    return {qid: question for qid, (_, question) in questions.items()}


def _classify_from(file: ScriptFile, questions: dict[str, tuple[int, Question]]) -> int:
    ruled = [name for _, source in rule_sources(file) for name in names_in(source)]
    return 1 + max((questions[n][0] for n in ruled if n in questions), default=-1)


def _usable(
    file: ScriptFile, sources: list[str], questions: dict[str, tuple[int, Question]]
) -> list[expr.Condition] | None:
    """The parsed conditions of a rule, or None when any has a problem of its own."""
    conditions = []
    for source in sources:
        found = list(
            _check_condition(file, (), source, questions, limit=len(file.questions), rule=True)
        )
        condition = None if found else _parsed(source)
        if condition is None:
            return None
        conditions.append(condition)
    return conditions


def _parsed(source: str) -> expr.Condition | None:
    try:
        return expr.parse(source)
    except expr.ExpressionError:
        return None  # reported elsewhere (e.g. a NUL, where the file is read)


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
    if unstorable_character(source) is not None:
        return  # reported, with its place, where the file is read
    try:
        condition = expr.parse(source)
    except expr.ExpressionError as exc:
        echo = f" (in `{_echo(source)}`)" if source.strip() else ""
        yield Found(path, f"{exc}{echo}", offset=exc.offset)
        return
    for name in sorted(condition.names):
        if name in CONDITION_VARIABLES:
            if rule:
                yield Found(path, f"classification rules use answers only, not `{name}`")
            continue
        if name not in questions:
            close = [q for q in questions if q.startswith(name[:3])][:1]
            hint = f"; did you mean `{close[0]}`?" if close else ""
            yield Found(path, f"`{name}` is not a question id{hint}")
        elif not rule and path[-1] == "when" and questions[name][0] == limit:
            message = f"`{name}` is this question itself; `when` can only use earlier answers"
            yield Found(path, message)
        elif questions[name][0] >= limit:
            yield Found(path, f"`{name}` is asked later, so its answer is not known yet here")
        elif questions[name][1].type == _Q.info:
            yield Found(path, f"`{name}` is an info message and has no answer")
    for comparison in condition.comparisons:
        wrong = _comparison_problem(file, comparison, questions)
        if wrong:
            yield Found(path, wrong, offset=comparison.offset)


def _echo(source: str) -> str:
    text = "".join(c if c.isprintable() else "\ufffd" for c in source.strip())
    return text if len(text) <= _ECHO else text[: _ECHO - 1] + "…"


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
    if name == "source":
        if isinstance(literal, str) and valid_payload(literal):
            return None
        return (
            f"`{literal}` can never be a source: a /start link carries 1 to 64 letters, digits, "
            "_ or -"
        )
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
