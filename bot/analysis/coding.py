"""Coding open answers with a question's codebook (the matching itself is in `matching`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.analysis.matching import ALL, Features, Matcher, ThemeKeywords
from bot.analysis.records import AnswerKey, AnswerRecord, CodingOverride
from bot.script import QuestionType, Script
from bot.script.model import Question


def is_codable(question: Question) -> bool:
    """Whether a question's answers are coded into themes (open and part of the analysis)."""
    return question.type == QuestionType.text and (
        bool(question.codebook)
        or question.determinant is not None
        or question.competing is not None
    )


def compile_codebook(
    question: Question, languages: Iterable[str] = (), features: Features = ALL
) -> Matcher:
    """One matcher over every language of a question's codebook."""
    return Matcher(
        (
            ThemeKeywords(theme.id, theme.keywords, theme.exclude, theme.negated.value)
            for theme in question.codebook or ()
        ),
        languages,
        features,
    )


def latest_overrides(overrides: Iterable[CodingOverride]) -> dict[AnswerKey, CodingOverride]:
    """The override in force for each answer: the latest one."""
    latest: dict[AnswerKey, CodingOverride] = {}
    for override in overrides:
        current = latest.get(override.key)
        if current is None or override.at >= current.at:
            latest[override.key] = override
    return latest


def answer_text(answer: AnswerRecord) -> str:
    """The text an open answer says."""
    return answer.value if isinstance(answer.value, str) else answer.raw


class Coder:
    """Codes the open answers of one script; build once, call per answer."""

    def __init__(
        self,
        script: Script,
        overrides: Iterable[CodingOverride] = (),
        features: Features = ALL,
    ) -> None:
        self._matchers = {
            q.id: compile_codebook(q.spec, script.languages, features)
            for q in script.questions
            if is_codable(q.spec)
        }
        self._overrides = latest_overrides(overrides)

    def is_codable(self, question_id: str) -> bool:
        """Whether answers to this question are coded."""
        return question_id in self._matchers

    def automatic(self, question_id: str, text: str, language: str) -> frozenset[str]:
        """The themes the codebook finds in a text."""
        matcher = self._matchers.get(question_id)
        return matcher.themes(text, language) if matcher is not None else frozenset()

    def code(self, answer: AnswerRecord) -> tuple[frozenset[str], bool]:
        """An answer's themes, and whether a researcher has reviewed it (an override exists)."""
        override = self._overrides.get(answer.key)
        if override is not None:
            return frozenset(override.themes), True
        return self.automatic(answer.question_id, answer_text(answer), answer.language), False


@dataclass(frozen=True)
class Coding:
    """Themes per interview × question (probes merged) and the answers no theme matched."""

    themes: Mapping[tuple[int, str], frozenset[str]]
    uncoded: tuple[AnswerRecord, ...]


def code_answers(
    script: Script, answers: Iterable[AnswerRecord], overrides: Iterable[CodingOverride] = ()
) -> Coding:
    """Code every open answer of a script."""
    coder = Coder(script, overrides)
    themes: dict[tuple[int, str], frozenset[str]] = {}
    uncoded: list[AnswerRecord] = []
    for answer in answers:
        if not coder.is_codable(answer.question_id):
            continue
        found, reviewed = coder.code(answer)
        key = (answer.interview_id, answer.question_id)
        themes[key] = themes.get(key, frozenset()) | found
        if not found and not reviewed and answer_text(answer).strip():
            uncoded.append(answer)
    return Coding(themes, tuple(uncoded))
