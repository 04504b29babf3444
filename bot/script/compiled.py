"""A checked script in the form the engine runs: choices resolved, conditions parsed, texts merged."""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from bot.script import expr
from bot.script.model import Determinant, Question, QuestionType, ScriptFile, Text
from bot.script.normalize import fold, words
from bot.script.yamlpos import load_yaml

BUILTIN_VARIABLES = ("behaviour", "problem")
CONDITION_VARIABLES = ("group", "language", "source")


@cache
def builtin_messages() -> dict[str, dict[str, str]]:
    """The bot's built-in texts per language (from the packaged messages.yaml)."""
    raw = resources.files("bot.script").joinpath("messages.yaml").read_text(encoding="utf-8")
    data: dict[str, dict[str, str]] = load_yaml(raw)
    return data


@cache
def builtin_probes() -> dict[str, dict[str, Any]]:
    """The built-in probe wordings per language (from the packaged probes.yaml)."""
    raw = resources.files("bot.script").joinpath("probes.yaml").read_text(encoding="utf-8")
    data: dict[str, dict[str, Any]] = load_yaml(raw)
    return data


def message_keys() -> frozenset[str]:
    """Every key a language must provide."""
    return frozenset(builtin_messages()["en"])


@dataclass(frozen=True)
class Option:
    """One choice as shown: the stored value and its label per language."""

    value: str
    label: Text


class ProbeKind(StrEnum):
    """Why a probe was asked: to dig after a short or vague answer, or "What else?" after a full one."""

    dig = "dig"
    what_else = "what_else"


@dataclass(frozen=True)
class ProbeWording:
    """One way to word a probe; `key` names it, so that no interview hears the same one twice."""

    key: str
    text: Text


@dataclass(frozen=True)
class ProbeRule:
    """When and how to probe an open answer: the wordings to choose from, best first.

    `dig` follows a short or vague answer (at most `max` times); `what_else` is the one
    "What else?" after a full answer (empty when the question does not ask it).
    """

    min_words: int
    max: int
    dig: tuple[ProbeWording, ...]
    what_else: tuple[ProbeWording, ...] = ()

    @property
    def columns(self) -> int:
        """How many probe answers the question may record (each a column of the wide export)."""
        return self.max + (1 if self.what_else else 0)

    def wording(self, key: str) -> ProbeWording | None:
        """The wording named `key`, if the question has it."""
        return next((w for w in (*self.dig, *self.what_else) if w.key == key), None)

    def kind(self, key: str) -> ProbeKind | None:
        """Whether the wording named `key` digs after a short or vague answer or asks "What
        else?" after a full one; None when the question has no such wording."""
        if any(w.key == key for w in self.what_else):
            return ProbeKind.what_else
        return ProbeKind.dig if any(w.key == key for w in self.dig) else None


@dataclass(frozen=True)
class CompiledQuestion:
    """A question ready to ask."""

    spec: Question
    index: int
    options: tuple[Option, ...]
    when: expr.Condition | None
    eligible_if: expr.Condition | None
    probe: ProbeRule | None

    @property
    def id(self) -> str:
        """The question id."""
        return self.spec.id

    @property
    def type(self) -> QuestionType:
        """The question type."""
        return self.spec.type


@dataclass(frozen=True)
class Script:
    """A script checked and compiled for the engine; build it with `bot.script.load_script`."""

    file: ScriptFile
    source: str
    questions: tuple[CompiledQuestion, ...]
    messages: Mapping[str, Mapping[str, str]]
    doer: tuple[tuple[expr.Condition, ...], ...] = ()
    non_doer: tuple[tuple[expr.Condition, ...], ...] = ()
    classify_from: int = 0
    by_id: Mapping[str, CompiledQuestion] = field(default_factory=dict)
    # Word lists derived from the texts above, computed once per language (hot in the engine).
    _memo: dict[tuple[str, str], Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def study_id(self) -> str:
        """The study's id."""
        return self.file.study.id

    @property
    def languages(self) -> list[str]:
        """The declared languages, the first being the default."""
        return list(self.file.study.languages)

    @property
    def version_hash(self) -> str:
        """SHA-256 of the exact script text."""
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()

    def language(self, wanted: str | None) -> str:
        """The script language closest to `wanted` (e.g. 'fr-CA' → 'fr'), else the default."""
        if wanted:
            short = wanted.lower().split("-")[0].split("_")[0]
            if short in self.languages:
                return short
        return self.languages[0]

    def text(self, value: Text | None, lang: str) -> str:
        """A text in `lang`, falling back to the default language."""
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        return value.get(lang) or value.get(self.languages[0]) or next(iter(value.values()), "")

    def message(self, key: str, lang: str, **values: object) -> str:
        """A built-in (or overridden) bot text, with {placeholders} filled in."""
        template = self.messages.get(lang, {}).get(key) or self.messages[self.languages[0]][key]
        return template.format(**values) if values else template

    def words(self, key: str, lang: str) -> frozenset[str]:
        """A comma-separated word list message (e.g. yes_words) as a set of lower-case words."""
        found: frozenset[str] | None = self._memo.get((key, lang))
        if found is None:
            found = frozenset(w.strip().lower() for w in self.message(key, lang).split(",")
                              if w.strip())
            self._memo[(key, lang)] = found
        return found

    def vague_answers(self, lang: str) -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
        """What counts as a vague answer in `lang` (built-in and the script's own), folded, and
        the same phrases as word sequences."""
        found: tuple[frozenset[str], tuple[tuple[str, ...], ...]] | None = self._memo.get(
            ("vague answers", lang))
        if found is None:
            folded = self.words("vague_words", lang) | {
                fold(v) for v in self.file.probing.vague_answers.get(lang, [])}
            found = folded, tuple(tuple(words(phrase)) for phrase in sorted(folded))
            self._memo[("vague answers", lang)] = found
        return found

    def determinant_of(self, question_id: str) -> str | None:
        """The determinant a question is tagged with, if any."""
        return self.by_id[question_id].spec.determinant

    def pipe(self, template: str, lang: str, answers: Mapping[str, Any]) -> str:
        """Fill {behaviour}, {problem} and {question_id} placeholders; unknown ones stay as written."""
        values: dict[str, str] = {
            "behaviour": self.text(self.file.study.behaviour, lang),
            "problem": self.text(self.file.study.problem, lang),
        }
        for name in placeholders(template):
            if name in self.by_id:
                values[name] = self.answer_label(name, answers.get(name), lang)
        return _format(template, values)

    def answer_label(self, question_id: str, value: Any, lang: str) -> str:
        """How an answer reads back to the respondent (labels for choices)."""
        if value is None:
            return "—"
        question = self.by_id[question_id]
        labels = {o.value: self.text(o.label, lang) for o in question.options}
        if isinstance(value, list):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return labels.get(str(value), str(value))


def placeholders(template: str) -> list[str]:
    """The {names} used in a text (`{{` and `}}` are literal braces)."""
    try:
        return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError:
        return []


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _format(template: str, values: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        return values.get(match.group(1), token)

    return _PLACEHOLDER.sub(replace, template)


def known_determinants(file: ScriptFile) -> frozenset[str]:
    """The 12 standard determinants plus the script's custom ones."""
    return frozenset(d.value for d in Determinant) | frozenset(file.custom_determinants)
