"""Meaning checks on a schema-valid script, and its compilation for the engine."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from typing import Any

from bot.script import expr
from bot.script.compiled import (
    CONDITION_VARIABLES,
    CompiledQuestion,
    Option,
    ProbeRule,
    Script,
    builtin_messages,
    known_determinants,
    message_keys,
    placeholders,
)
from bot.script.model import CLOSED_TYPES, Choice, Question, QuestionType, ScriptFile, Text

Path = tuple[str | int, ...]
Found = tuple[Path, str, bool]  # where, what, whether to point at the key rather than the value
GROUPS = ("doer", "non_doer")
MAX_COMBINATIONS = 20_000
_Q = QuestionType


def find_problems(file: ScriptFile) -> list[Found]:
    """Every meaning problem in the script (unknown references, impossible conditions, …)."""
    found: list[Found] = []
    found += _study_problems(file)
    found += _question_problems(file)
    if not found:  # conditions are only worth checking once the questions themselves make sense
        found += _condition_problems(file)
    found += _text_problems(file)
    found += _message_problems(file)
    return found


def _study_problems(file: ScriptFile) -> Iterator[Found]:
    languages = file.study.languages
    for index, lang in enumerate(languages):
        if lang in languages[:index]:
            yield ("study", "languages", index), f"language `{lang}` is listed twice", False
    for name in file.probing.by_determinant:
        if name not in known_determinants(file):
            yield ("probing", "by_determinant", name), _unknown_determinant(name, file), True
    for lang in file.probing.vague_answers:
        if lang not in languages:
            yield ("probing", "vague_answers", lang), _undeclared(lang, languages), True


def _question_problems(file: ScriptFile) -> Iterator[Found]:
    seen: set[str] = set()
    for index, question in enumerate(file.questions):
        at: Path = ("questions", index)
        if question.id in seen:
            yield (*at, "id"), f"question id `{question.id}` is used twice", False
        seen.add(question.id)
        yield from _choice_problems(file, question, at)
        yield from _type_rules(question, at)
        if question.determinant and question.determinant not in known_determinants(file):
            yield (*at, "determinant"), _unknown_determinant(question.determinant, file), False
        for t_index, theme in enumerate(question.codebook or []):
            if theme.id in [t.id for t in (question.codebook or [])[:t_index]]:
                yield (*at, "codebook", t_index, "id"), f"theme `{theme.id}` is used twice", False
            for lang in theme.keywords:
                if lang not in file.study.languages:
                    where = (*at, "codebook", t_index, "keywords", lang)
                    yield where, _undeclared(lang, file.study.languages), True
            for lang in file.study.languages:
                if not theme.keywords.get(lang):
                    where = (*at, "codebook", t_index, "keywords")
                    yield where, f"theme `{theme.id}` has no keywords in `{lang}`", False
        if question.validation and question.validation.pattern:
            try:
                re.compile(question.validation.pattern)
            except re.error as exc:
                where = (*at, "validation", "pattern")
                yield where, f"the pattern is not a valid regular expression: {exc}", False


def _choice_problems(file: ScriptFile, question: Question, at: Path) -> Iterator[Found]:
    kind = question.type
    if kind in (_Q.single_choice, _Q.multiple_choice):
        if question.choices is None:
            yield at, f"a {kind.value} question needs `choices`", False
        elif isinstance(question.choices, str) and question.choices not in file.choice_lists:
            names = ", ".join(file.choice_lists) or "none defined"
            message = f"no choice list named `{question.choices}` under `choice_lists` ({names})"
            yield (*at, "choices"), message, False
        values = [c.value for c in _choices(file, question)]
        for c_index, value in enumerate(values):
            if value in values[:c_index]:
                yield (
                    (*at, "choices", c_index, "value"),
                    f"choice value `{value}` is used twice",
                    False,
                )
        if kind == _Q.multiple_choice:
            for bound in ("min", "max"):
                limit = getattr(question, bound)
                if limit is not None and not 0 <= limit <= len(values):
                    message = f"`{bound}` must be between 0 and the {len(values)} choices"
                    yield (*at, bound), message, False
    elif question.choices is not None:
        yield (*at, "choices"), f"a {kind.value} question takes no `choices`", True


def _type_rules(question: Question, at: Path) -> Iterator[Found]:
    kind = question.type
    if kind == _Q.scale:
        low, high = _scale_range(question)
        if low != int(low) or high != int(high) or not 0 < high - low <= 10:
            yield (
                at,
                "a scale runs between two whole numbers at most 10 apart, e.g. min 1, max 5",
                False,
            )
    elif question.min is not None and question.max is not None and question.min > question.max:
        yield (*at, "min"), "`min` is larger than `max`", False
    if kind != _Q.text:
        for key in ("codebook", "validation", "probe"):
            if getattr(question, key) not in (None, False):
                message = (
                    f"`{key}` belongs to an open (text) question; `{question.id}` is {kind.value}"
                )
                yield (*at, key), message, True
    if kind not in (_Q.number, _Q.scale, _Q.multiple_choice):
        for key in ("min", "max"):
            if getattr(question, key) is not None:
                yield (*at, key), f"a {kind.value} question takes no `{key}`", True
    if kind == _Q.info:
        for key in ("eligible_if", "determinant", "competing"):
            if getattr(question, key) is not None:
                yield (*at, key), f"an info message takes no answer, so it has no `{key}`", True
        if question.segment:
            yield (
                (*at, "segment"),
                "an info message takes no answer, so it cannot be a segment",
                True,
            )
    elif question.segment and kind not in CLOSED_TYPES:
        yield (
            (*at, "segment"),
            "a segment question needs a closed answer (choices, yes/no or scale)",
            True,
        )
    if question.competing and kind not in (_Q.text, _Q.single_choice, _Q.multiple_choice):
        yield (*at, "competing"), "competing-behaviour questions are text or choice questions", True


def _scale_range(question: Question) -> tuple[float, float]:
    return (
        1 if question.min is None else question.min,
        5 if question.max is None else question.max,
    )


def _choices(file: ScriptFile, question: Question) -> list[Choice]:
    if isinstance(question.choices, str):
        return list(file.choice_lists.get(question.choices, []))
    return list(question.choices or [])


def _condition_problems(file: ScriptFile) -> Iterator[Found]:
    questions = {q.id: (i, q) for i, q in enumerate(file.questions)}
    rules = _rule_sources(file)
    ruled = [name for _, source in rules for name in _names(source)]
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
            if condition and "group" in condition.names and index < classify_from:
                problems.append((path, _group_too_early(file, classify_from), False))
            if condition and not problems and not _satisfiable(file, condition):
                message = (
                    f"question `{question.id}` can never be asked: its `when` condition is never true"
                    if key == "when"
                    else "nobody can pass this screening: the condition is never true"
                )
                problems.append((path, message, False))
            yield from problems


def _rule_sources(file: ScriptFile) -> list[tuple[Path, str]]:
    if file.classification is None:
        return []
    out: list[tuple[Path, str]] = []
    for side in GROUPS:
        for g_index, group in enumerate(getattr(file.classification, side).any):
            for c_index, source in enumerate(group.all):
                out.append((("classification", side, "any", g_index, "all", c_index), source))
    return out


def _names(source: str) -> frozenset[str]:
    try:
        return expr.parse(source).names
    except expr.ExpressionError:
        return frozenset()


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
        if name in CONDITION_VARIABLES and not rule:
            continue
        if name not in questions:
            close = [q for q in questions if q.startswith(name[:3])][:1]
            hint = f"; did you mean `{close[0]}`?" if close else ""
            yield path, f"`{name}` is not a question id{hint}", False
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
        return None if ok else _undeclared(str(literal), file.study.languages)
    if name not in questions:
        return None
    question = questions[name][1]
    if question.type in (_Q.number, _Q.scale):
        if isinstance(literal, str):
            return f"`{name}` is a number; compare it with a number, not '{literal}'"
        return None
    values = _values(file, question)
    if values is not None and str(literal) not in values:
        return f"`{literal}` is not a choice of `{name}` (choices: {', '.join(values)})"
    return None


def _values(file: ScriptFile, question: Question) -> list[str] | None:
    if question.type == _Q.yes_no:
        return ["yes", "no"]
    if question.type in (_Q.single_choice, _Q.multiple_choice):
        return [c.value for c in _choices(file, question)]
    return None


def _satisfiable(file: ScriptFile, condition: expr.Condition) -> bool:
    """Whether some combination of answers makes the condition true (by trying them all)."""
    questions = {q.id: q for q in file.questions}
    domains: list[list[Any]] = []
    names = sorted(condition.names)
    literals: dict[str, list[Any]] = {}
    for comparison in condition.comparisons:
        literals.setdefault(comparison.name, []).append(comparison.literal)
    for name in names:
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
    values = _values(file, question) if question else None
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


def _texts(file: ScriptFile) -> Iterator[tuple[Path, Text, int]]:
    """Every text with the number of questions whose answers it may pipe in."""
    study = file.study
    everything = len(file.questions)
    for key in ("title", "behaviour", "problem", "priority_group", "introduction", "consent"):
        value = getattr(study, key)
        if value is not None:
            yield ("study", key), value, 0
    for key in ("closing", "screened_out"):
        value = getattr(study, key)
        if value is not None:
            yield ("study", key), value, everything
    if file.probing.text is not None:
        yield ("probing", "text"), file.probing.text, everything
    for name, value in file.probing.by_determinant.items():
        yield ("probing", "by_determinant", name), value, everything
    for list_name, choices in file.choice_lists.items():
        for c_index, choice in enumerate(choices):
            yield ("choice_lists", list_name, c_index, "label"), choice.label, 0
    for index, question in enumerate(file.questions):
        at: Path = ("questions", index)
        yield (*at, "text"), question.text, index
        for key in ("min_label", "max_label"):
            value = getattr(question, key)
            if value is not None:
                yield (*at, key), value, index
        if question.validation and question.validation.message is not None:
            yield (*at, "validation", "message"), question.validation.message, index
        if question.probe and question.probe.text is not None:
            yield (*at, "probe", "text"), question.probe.text, index + 1
        if isinstance(question.choices, list):
            for c_index, choice in enumerate(question.choices):
                yield (*at, "choices", c_index, "label"), choice.label, index
        for t_index, theme in enumerate(question.codebook or []):
            yield (*at, "codebook", t_index, "label"), theme.label, 0


def _text_problems(file: ScriptFile) -> Iterator[Found]:
    languages = file.study.languages
    ids = [q.id for q in file.questions]
    for path, value, known in _texts(file):
        variants = [value] if isinstance(value, str) else list(value.values())
        if isinstance(value, dict):
            for lang in value:
                if lang not in languages:
                    yield (*path, lang), _undeclared(lang, languages), True
            missing = [lang for lang in languages if not value.get(lang)]
            if missing:
                yield path, f"missing the `{'`, `'.join(missing)}` translation", False
        for text in variants:
            for name in placeholders(text):
                if name in ("behaviour", "problem"):
                    if name == "problem" and file.study.problem is None:
                        yield path, "{problem} is used but `study.problem` is not set", False
                elif name not in ids:
                    yield path, f"{{{name}}} is not a question id, `behaviour` or `problem`", False
                elif ids.index(name) >= known:
                    yield path, f"{{{name}}} pipes an answer that is not known yet here", False


def _message_problems(file: ScriptFile) -> Iterator[Found]:
    keys = message_keys()
    builtin = builtin_messages()
    for lang, overrides in file.messages.items():
        if lang not in file.study.languages:
            yield ("messages", lang), _undeclared(lang, file.study.languages), True
        for key in overrides:
            if key not in keys:
                yield ("messages", lang, key), f"`{key}` is not one of the bot's texts", True
    for lang in file.study.languages:
        if lang not in builtin:
            missing = sorted(keys - set(file.messages.get(lang, {})))
            if missing:
                message = (
                    f"the bot has no built-in texts in `{lang}`; give them under `messages: {lang}:` "
                    f"(missing: {', '.join(missing[:5])}{'…' if len(missing) > 5 else ''})"
                )
                yield ("study", "languages"), message, False


def _undeclared(lang: str, languages: Sequence[str]) -> str:
    return f"`{lang}` is not one of the study's languages ({', '.join(languages)})"


def _unknown_determinant(name: str, file: ScriptFile) -> str:
    return (
        f"`{name}` is not a determinant; use one of the 12 Barrier Analysis determinants "
        "(e.g. perceived_self_efficacy) or declare it under `custom_determinants`"
    )


def compile_script(file: ScriptFile, source: str) -> Script:
    """Build the engine's form of a script that passed every check."""
    builtin = builtin_messages()
    messages = {
        lang: {**builtin.get(lang, builtin["en"]), **file.messages.get(lang, {})}
        for lang in file.study.languages
    }
    questions = tuple(
        CompiledQuestion(
            spec=q,
            index=i,
            options=_options(file, q, messages),
            when=expr.parse(q.when) if q.when else None,
            eligible_if=expr.parse(q.eligible_if) if q.eligible_if else None,
            probe=_probe(file, q),
        )
        for i, q in enumerate(file.questions)
    )
    by_id = {q.id: q for q in questions}
    rules = {
        side: tuple(
            tuple(expr.parse(s) for s in group.all)
            for group in (getattr(file.classification, side).any if file.classification else [])
        )
        for side in GROUPS
    }
    ruled = {name for _, source in _rule_sources(file) for name in _names(source)}
    classify_from = 1 + max((by_id[n].index for n in ruled if n in by_id), default=-1)
    return Script(
        file=file,
        source=source,
        questions=questions,
        messages=messages,
        doer=rules["doer"],
        non_doer=rules["non_doer"],
        classify_from=classify_from,
        by_id=by_id,
    )


def _options(
    file: ScriptFile, q: Question, messages: dict[str, dict[str, str]]
) -> tuple[Option, ...]:
    if q.type == _Q.yes_no:
        return tuple(Option(v, {lang: m[v] for lang, m in messages.items()}) for v in ("yes", "no"))
    if q.type == _Q.scale:
        low, high = (int(v) for v in _scale_range(q))
        options = []
        for point in range(low, high + 1):
            end = q.min_label if point == low else q.max_label if point == high else None
            label: dict[str, str] = {}
            for lang in file.study.languages:
                words = "" if end is None else end if isinstance(end, str) else end.get(lang, "")
                label[lang] = f"{point} — {words}" if words else str(point)
            options.append(Option(str(point), label))
        return tuple(options)
    return tuple(Option(c.value, c.label) for c in _choices(file, q))


def _probe(file: ScriptFile, q: Question) -> ProbeRule | None:
    if q.type != _Q.text or q.probe is False:
        return None
    if q.probe is None and not (q.determinant or q.competing):
        return None  # only research questions are probed unless the researcher asks for it
    own = q.probe or None
    most = own.max if own and own.max is not None else file.probing.max_per_question
    if most == 0:
        return None
    text = (own.text if own else None) or file.probing.by_determinant.get(q.determinant or "")
    text = text or file.probing.text
    return ProbeRule(
        min_words=(own.min_words if own and own.min_words else None) or file.probing.min_words,
        max=most,
        text=text if text is not None else "",
    )
