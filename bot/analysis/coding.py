"""Coding open answers with a question's codebook: keywords and phrases, folded, compiled once."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.analysis.records import AnswerKey, AnswerRecord, CodingOverride
from bot.script import QuestionType, Script
from bot.script.model import Question
from bot.script.normalize import fold, words

ALL_LANGUAGES = "*"
_START = r"(?<!\w)"  # a keyword starts a word


def keyword_pattern(keyword: str) -> str | None:
    """The regex for one keyword: folded, whole words, `*` as a suffix wildcard, plural-tolerant."""
    pieces: list[str] = []
    for token in fold(keyword).split():
        parts = words(token)
        for i, part in enumerate(parts):
            if token.endswith("*") and i == len(parts) - 1:
                pieces.append(re.escape(part) + r"\w*")
            else:
                pieces.append(_inflected(part))
    if not pieces:
        return None
    return _START + r"\W+".join(pieces) + r"(?!\w)"


def _inflected(word: str) -> str:
    # Short words stay exact: "car" → "cars" is wanted, but "to" → "tos" is noise.
    if len(word) < 3:
        return re.escape(word)
    if word.endswith("y") and len(word) > 3:
        return re.escape(word[:-1]) + "(?:y|ies)"
    return re.escape(word) + "(?:e?s)?"


class Matcher:
    """Every keyword of one codebook in one language, as a single regex."""

    def __init__(self, keywords: Mapping[str, frozenset[str]]) -> None:
        # Longest first, so at one position "bike lane" is tried before "bike".
        ordered = sorted(keywords, key=len, reverse=True)
        self._themes = [keywords[p] for p in ordered]
        self._single = [re.compile(p) for p in ordered]
        leading = [_first_char(p) for p in ordered]
        alternatives = "|".join(
            f"(?P<k{i}>{p.removeprefix(_START)})" for i, p in enumerate(ordered)
        )
        # A look-ahead on the possible first letters lets the regex engine skip most positions
        # quickly (about 3x faster than trying every alternative everywhere).
        firsts = "" if None in leading else "".join(sorted({re.escape(c or "") for c in leading}))
        # The alternation sits in a look-ahead: matches are empty, so `finditer` tries every
        # start position, and a keyword inside an earlier one's match ("lane" in "bike lane")
        # is still found.
        self._finditer = re.compile(
            (f"(?=[{firsts}])" if firsts else "") + _START + f"(?=(?:{alternatives}))"
        ).finditer
        self._index = {f"k{i}": i for i in range(len(ordered))}
        # Keywords of other themes that could start at the same place are checked explicitly,
        # because an alternation reports only one of them.
        self._rivals = [
            tuple(
                (self._single[j].match, self._themes[j])
                for j in range(len(ordered))
                if j != i
                and not self._themes[j] <= self._themes[i]
                and leading[j] in (leading[i], None)
            )
            for i in range(len(ordered))
        ]

    def themes(self, folded: str) -> frozenset[str]:
        """The themes a folded text mentions."""
        found: set[str] = set()
        index, themes, rivals = self._index, self._themes, self._rivals
        for match in self._finditer(folded):
            i = index[match.lastgroup or "k0"]
            found |= themes[i]
            if rivals[i]:
                start = match.start()
                for rival, more in rivals[i]:
                    if rival(folded, start):
                        found |= more
        return frozenset(found)


def _first_char(pattern: str) -> str | None:
    body = pattern.removeprefix(_START)
    return body[0] if body and body[0] != "\\" else None


def quick_fold(text: str) -> str:
    """`fold`, with a fast path for plain ASCII text (most answers), where it is just lower-casing."""
    if text.isascii():
        return " ".join(text.lower().split())
    return fold(text)


def is_codable(question: Question) -> bool:
    """Whether a question's answers are coded into themes (open and part of the analysis)."""
    return question.type == QuestionType.text and (
        bool(question.codebook)
        or question.determinant is not None
        or question.competing is not None
    )


def compile_codebook(question: Question) -> dict[str, Matcher]:
    """One matcher per keyword language, plus one over all languages for any other language."""
    by_lang: dict[str, dict[str, set[str]]] = {}
    for theme in question.codebook or ():
        for lang, keywords in theme.keywords.items():
            for keyword in keywords:
                pattern = keyword_pattern(keyword)
                if pattern is None:
                    continue
                for target in (lang, ALL_LANGUAGES):
                    by_lang.setdefault(target, {}).setdefault(pattern, set()).add(theme.id)
    return {
        lang: Matcher({p: frozenset(t) for p, t in patterns.items()})
        for lang, patterns in by_lang.items()
    }


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

    def __init__(self, script: Script, overrides: Iterable[CodingOverride] = ()) -> None:
        self._matchers = {
            q.id: compile_codebook(q.spec) for q in script.questions if is_codable(q.spec)
        }
        self._overrides = latest_overrides(overrides)

    def is_codable(self, question_id: str) -> bool:
        """Whether answers to this question are coded."""
        return question_id in self._matchers

    def automatic(self, question_id: str, text: str, language: str) -> frozenset[str]:
        """The themes the codebook finds in a text."""
        matchers = self._matchers.get(question_id)
        if not matchers:
            return frozenset()
        matcher = matchers.get(language) or matchers.get(ALL_LANGUAGES)
        return matcher.themes(quick_fold(text)) if matcher else frozenset()

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
