"""The review queue: open answers in groups of the same answer, the ones that matter first.

A group is a set of identical or near-identical answers to one question ("no time", "No time."):
one decision codes them all. Groups whose coding could change a headline row come first:
uncoded answers to a question where the report warns that a top row could change, then answers
whose automatic themes decide a top row and that nobody has checked, then the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.analysis.answer_words import is_filler
from bot.analysis.confidence import HeadlineRisk
from bot.analysis.duplicates import group_answers
from bot.analysis.learning import (
    Example,
    KeywordSuggestion,
    Neighbours,
    ThemeSuggestion,
    suggest_keywords,
)
from bot.analysis.matching import ThemeKeywords
from bot.review.open_answers import OpenAnswer
from bot.script import CompiledQuestion

# Tiers of the queue, first reviewed first.
RISK_UNCODED, HEADLINE_UNCHECKED, UNCODED, UNCHECKED, REVIEWED = range(5)
TIER_NOTES = {
    RISK_UNCODED: "could change a headline row",
    HEADLINE_UNCHECKED: "automatic coding decides a headline row",
    UNCODED: "",
    UNCHECKED: "",
    REVIEWED: "",
}


@dataclass(frozen=True)
class AnswerGroup:
    """Identical or near-identical answers to one question, reviewed as one."""

    answers: tuple[OpenAnswer, ...]
    tier: int
    suggestions: tuple[ThemeSuggestion, ...] = ()

    @property
    def first(self) -> OpenAnswer:
        """The answer shown for the group."""
        return self.answers[0]

    @property
    def size(self) -> int:
        """How many answers the group holds."""
        return len(self.answers)

    @property
    def answer_ids(self) -> tuple[int, ...]:
        """The main answers' ids: a save codes them all."""
        return tuple(a.answer_id for a in self.answers)

    @property
    def uncoded(self) -> int:
        """How many of its answers no theme is in force for."""
        return sum(a.uncoded for a in self.answers)

    @property
    def reviewed(self) -> int:
        """How many of its answers a researcher coded."""
        return sum(a.reviewed for a in self.answers)

    @property
    def mixed(self) -> bool:
        """Whether its answers do not all carry the same themes now."""
        return len({a.themes for a in self.answers}) > 1

    @property
    def note(self) -> str:
        """Why it is early in the queue ("" when it is not)."""
        return TIER_NOTES[self.tier]


def group_open_answers(answers: Sequence[OpenAnswer]) -> list[list[OpenAnswer]]:
    """The answers of one question in groups of the same answer (probes included), biggest first."""
    return [[answers[i] for i in members] for members in group_answers([a.said for a in answers])]


def review_queue(
    answers: Sequence[OpenAnswer],
    *,
    risks: Iterable[HeadlineRisk] = (),
    headline_themes: Iterable[str] = (),
) -> list[AnswerGroup]:
    """One question's answers as groups in review order (see the module's docstring).

    `risks`: the report's warnings for this question; `headline_themes`: its themes that are top
    barriers or enablers. Within a tier, bigger groups first: one decision codes more answers.
    """
    at_risk = any(True for _ in risks)
    headline = frozenset(headline_themes)
    out = []
    for members in group_open_answers(answers):
        uncoded = any(a.uncoded for a in members)
        unchecked = any(not a.reviewed for a in members)
        # A non-answer ("nothing", "idk") hides no theme: it cannot change a headline row.
        says_something = not is_filler(members[0].said, members[0].language or None)
        if uncoded and at_risk and says_something:
            tier = RISK_UNCODED
        elif unchecked and any(a.themes & headline and not a.reviewed for a in members):
            tier = HEADLINE_UNCHECKED
        elif uncoded:
            tier = UNCODED
        elif unchecked:
            tier = UNCHECKED
        else:
            tier = REVIEWED
        out.append(AnswerGroup(tuple(members), tier))
    order = {id(g): n for n, g in enumerate(out)}
    return sorted(out, key=lambda g: (g.tier, -g.size, order[id(g)]))


def codebook_keywords(question: CompiledQuestion) -> list[ThemeKeywords]:
    """A question's codebook as the matcher reads it."""
    return [ThemeKeywords(t.id, t.keywords, t.exclude, t.negated.value)
            for t in question.spec.codebook or ()]  # fmt: skip


def examples_of(answers: Iterable[OpenAnswer]) -> list[Example]:
    """The reviewed answers as examples: what they said, automatic and reviewed themes."""
    return [Example(a.said, a.language, a.automatic, a.themes) for a in answers if a.reviewed]


def keyword_suggestions(
    question: CompiledQuestion, answers: Sequence[OpenAnswer], languages: Iterable[str]
) -> list[KeywordSuggestion]:
    """Keywords the question's codebook misses, learnt from its reviewed answers."""
    examples = examples_of(answers)
    if not examples:
        return []
    return suggest_keywords(examples, codebook_keywords(question), languages)


def with_theme_suggestions(
    groups: Sequence[AnswerGroup], answers: Sequence[OpenAnswer]
) -> list[AnswerGroup]:
    """Uncoded, unreviewed groups with the themes their most similar reviewed answers carry."""
    neighbours = Neighbours([(a.said, a.themes) for a in answers if a.reviewed])
    if not neighbours.examples:
        return list(groups)
    wanted = [i for i, g in enumerate(groups) if g.uncoded and not g.reviewed]
    found = neighbours.suggest([groups[i].first.said for i in wanted])
    out = list(groups)
    for i, suggestions in zip(wanted, found, strict=True):
        g = groups[i]
        out[i] = AnswerGroup(g.answers, g.tier, tuple(suggestions))
    return out
