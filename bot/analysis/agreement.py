"""How far two codings of the same answers agree, theme by theme: precision, recall, Cohen's κ.

"First" and "second" are two coders of the same answers: the automatic coding and a researcher's
review (precision and recall then read as the machine's), or two researchers (κ is symmetric).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# Landis & Koch's words for κ, as qualitative researchers read it.
KAPPA_WORDS = ((0.8, "almost perfect"), (0.6, "substantial"), (0.4, "moderate"),
               (0.2, "fair"), (0.0, "slight"))  # fmt: skip


@dataclass(frozen=True)
class ThemeAgreement:
    """One theme (or all themes pooled) over the answers both codings coded."""

    question: str
    theme: str  # "" for a question's or the study's pooled figures
    answers: int  # answers both coded
    both: int  # both gave the theme
    first_only: int  # only the first coding gave it (a false positive of the machine)
    second_only: int  # only the second gave it (a miss of the machine)
    decisions: int = -1  # answers × themes for pooled figures; `answers` for one theme

    def __post_init__(self) -> None:
        if self.decisions < 0:
            object.__setattr__(self, "decisions", self.answers)

    @property
    def neither(self) -> int:
        """Answers neither coding gave the theme."""
        return self.decisions - self.both - self.first_only - self.second_only

    @property
    def precision(self) -> float | None:
        """Of the first coding's mentions, the share the second agrees with."""
        given = self.both + self.first_only
        return self.both / given if given else None

    @property
    def recall(self) -> float | None:
        """Of the second coding's mentions, the share the first found too."""
        said = self.both + self.second_only
        return self.both / said if said else None

    @property
    def kappa(self) -> float | None:
        """Cohen's κ: agreement beyond what chance alone gives (None when chance explains all)."""
        n = self.decisions
        if n == 0:
            return None
        observed = (self.both + self.neither) / n
        first, second = (self.both + self.first_only) / n, (self.both + self.second_only) / n
        chance = first * second + (1 - first) * (1 - second)
        if chance >= 1:
            return None  # both codings said the same thing of every answer: κ is undefined
        return (observed - chance) / (1 - chance)

    @property
    def kappa_words(self) -> str:
        """κ in Landis & Koch's words ("substantial"), or "—" when undefined."""
        kappa = self.kappa
        if kappa is None:
            return "—"
        return next((w for floor, w in KAPPA_WORDS if kappa > floor), "poor")


@dataclass(frozen=True)
class Agreement:
    """Per theme, per question and overall agreement of two codings."""

    themes: tuple[ThemeAgreement, ...]
    questions: tuple[ThemeAgreement, ...]
    overall: ThemeAgreement


# One coded answer: its question, the first coding's themes and the second's.
CodedPair = tuple[str, Iterable[str], Iterable[str]]


def agreement(pairs: Iterable[CodedPair], themes: Mapping[str, Sequence[str]]) -> Agreement:
    """Compare two codings of the same answers; `themes`: each question's codebook themes.

    Pooled figures count one decision per answer and theme, so every theme weighs by its answers.
    """
    counts: dict[tuple[str, str], list[int]] = {}
    answers: dict[str, int] = {}
    for question, first, second in pairs:
        if question not in themes:
            continue
        answers[question] = answers.get(question, 0) + 1
        a, b = set(first), set(second)
        for theme in themes[question]:
            cell = counts.setdefault((question, theme), [0, 0, 0])
            cell[0] += theme in a and theme in b
            cell[1] += theme in a and theme not in b
            cell[2] += theme in b and theme not in a
    per_theme = tuple(
        ThemeAgreement(q, t, answers.get(q, 0), *counts.get((q, t), (0, 0, 0)))
        for q in themes
        if answers.get(q)
        for t in themes[q]
    )
    per_question = tuple(_pooled(q, [r for r in per_theme if r.question == q]) for q in themes
                         if answers.get(q))  # fmt: skip
    return Agreement(per_theme, per_question, _pooled("", list(per_theme), sum(answers.values())))


def _pooled(question: str, rows: list[ThemeAgreement], answers: int | None = None
            ) -> ThemeAgreement:
    """Every (answer, theme) decision of these rows as one 2×2 table."""
    return ThemeAgreement(
        question, "", rows[0].answers if answers is None and rows else answers or 0,
        sum(r.both for r in rows), sum(r.first_only for r in rows),
        sum(r.second_only for r in rows), sum(r.decisions for r in rows),
    )  # fmt: skip
