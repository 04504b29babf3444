"""Small facts about a script shared by its checker and its compiler."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from bot.script import expr
from bot.script.model import Choice, Question, QuestionType, ScriptFile
from bot.vocabulary import GROUPS

Path = tuple[str | int, ...]


class Found(NamedTuple):
    """One meaning problem: where, what, and how to point at it in the file."""

    path: Path
    message: str
    on_key: bool = False  # point at the key that names `path` rather than at its value
    offset: int | None = None  # a character inside the value (e.g. in a condition)


def scale_range(question: Question) -> tuple[float, float]:
    return (
        1 if question.min is None else question.min,
        5 if question.max is None else question.max,
    )


def choices_of(file: ScriptFile, question: Question) -> list[Choice]:
    if isinstance(question.choices, str):
        return list(file.choice_lists.get(question.choices, []))
    return list(question.choices or [])


def rule_sources(file: ScriptFile) -> list[tuple[Path, str]]:
    if file.classification is None:
        return []
    out: list[tuple[Path, str]] = []
    for side in GROUPS:
        for g_index, group in enumerate(getattr(file.classification, side).any):
            for c_index, source in enumerate(group.all):
                out.append((("classification", side, "any", g_index, "all", c_index), source))
    return out


def names_in(source: str) -> frozenset[str]:
    try:
        return expr.parse(source).names
    except expr.ExpressionError:
        return frozenset()


def values_of(file: ScriptFile, question: Question) -> list[str] | None:
    if question.type == QuestionType.yes_no:
        return ["yes", "no"]
    if question.type in (QuestionType.single_choice, QuestionType.multiple_choice):
        return [c.value for c in choices_of(file, question)]
    return None


def undeclared(lang: str, languages: Sequence[str]) -> str:
    return f"`{lang}` is not one of the study's languages ({', '.join(languages)})"
