"""Meaning checks on a schema-valid script: references, types, translations, texts."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.script.compiled import builtin_messages, known_determinants, message_keys, placeholders
from bot.script.conditions_check import condition_problems
from bot.script.model import CLOSED_TYPES, Question, QuestionType, ScriptFile, Text
from bot.script.parts import Path, choices_of, scale_range, undeclared

Found = tuple[Path, str, bool]  # where, what, whether to point at the key rather than the value
_Q = QuestionType


def find_problems(file: ScriptFile) -> list[Found]:
    """Every meaning problem in the script (unknown references, impossible conditions, …)."""
    found: list[Found] = []
    found += _study_problems(file)
    found += _question_problems(file)
    found += condition_problems(file)
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
            yield ("probing", "vague_answers", lang), undeclared(lang, languages), True


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
                    yield where, undeclared(lang, file.study.languages), True
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
        values = [c.value for c in choices_of(file, question)]
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
        low, high = scale_range(question)
        if low != int(low) or high != int(high) or not 0 < high - low <= 10:
            yield (
                at,
                "a scale runs between two whole numbers at most 10 apart, e.g. min 1, max 5",
                False,
            )
    elif question.min is not None and question.max is not None and question.min > question.max:
        yield (*at, "min"), "`min` is larger than `max`", False
    rule = question.validation
    if kind == _Q.number and rule and (rule.pattern or rule.min_length or rule.max_length):
        message = "a number question's `validation` takes only a `message`; use `min` and `max`"
        yield (*at, "validation"), message, True
    if kind != _Q.text:
        for key in ("codebook", "validation", "probe"):
            if key == "validation" and kind == _Q.number:
                continue
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
        for key in ("short", "min_label", "max_label"):
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
                    yield (*path, lang), undeclared(lang, languages), True
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
            yield ("messages", lang), undeclared(lang, file.study.languages), True
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


def _unknown_determinant(name: str, file: ScriptFile) -> str:
    return (
        f"`{name}` is not a determinant; use one of the 12 Barrier Analysis determinants "
        "(e.g. perceived_self_efficacy) or declare it under `custom_determinants`"
    )
