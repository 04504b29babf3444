"""Competing behaviours: what non-doers do instead, what they like about it, and BCOS side by side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.analysis.quotes import choose
from bot.analysis.tabulate import Row, row_keys
from bot.analysis.tally import ANSWERED, Tally
from bot.script import Competing, Script
from bot.vocabulary import Group

# Andreasen's BCOS, read from the Barrier Analysis determinants of the target behaviour.
BCOS = (
    ("benefits", ("perceived_positive_consequences",)),
    ("costs", ("perceived_negative_consequences",)),
    ("others", ("perceived_social_norms",)),
    ("self_assurance", ("perceived_self_efficacy",)),
)
BCOS_ROWS_KEPT = 5


@dataclass(frozen=True)
class CompetingItem:
    """One competing behaviour (or one thing liked about it) among non-doers."""

    question: str
    key: str
    label: str
    count: int
    total: int
    pct: float | None
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class BcosCell:
    """One BCOS category: the target behaviour's rows and, for benefits, the competitor's."""

    category: str
    target: tuple[Row, ...]
    competitor: tuple[CompetingItem, ...]


@dataclass(frozen=True)
class CompetingSummary:
    """Competing behaviours, most frequent first, and the BCOS comparison."""

    alternatives: tuple[CompetingItem, ...]
    liking: tuple[CompetingItem, ...]
    bcos: tuple[BcosCell, ...]


def competing_items(
    script: Script, tally: Tally, kind: Competing, lang: str,
    languages: dict[str, str] | None = None,
) -> list[CompetingItem]:  # fmt: skip
    """Counts among non-doers for every option or theme of the questions tagged `kind`."""
    _, nondoers = tally.counts()
    items: list[CompetingItem] = []
    used: set[str] = set()  # one answer is quoted under one theme only
    for question in script.questions:
        if question.spec.competing != kind:
            continue
        answered = tally.columns.get((question.id, ANSWERED))
        total = int(nondoers[answered]) if answered is not None else 0
        for key, label, _ in row_keys(script, question, tally, lang):
            column = tally.columns.get((question.id, key))
            count = int(nondoers[column]) if column is not None else 0
            chosen = choose(tally.quote_candidates(question.id, key, Group.non_doer), lang, used)
            if languages is not None:
                languages.update((c.text, c.language) for c in chosen)
            items.append(CompetingItem(
                question.id, key, label, count, total,
                100 * count / total if total else None, tuple(c.text for c in chosen),
            ))  # fmt: skip
    return sorted(items, key=lambda i: -i.count)


def bcos(rows: Sequence[Row], liking: Sequence[CompetingItem]) -> list[BcosCell]:
    """BCOS of the target behaviour (significant rows first, then most mentioned) beside the competitor's."""
    cells = []
    for category, determinants in BCOS:
        mine = [r for r in rows if r.determinant in determinants and r.kind != "top2"]
        mine.sort(key=lambda r: (not (r.significant and not r.sparse), -(r.doers_n + r.nondoers_n)))
        theirs = tuple(i for i in liking if i.count) if category == "benefits" else ()
        cells.append(BcosCell(category, tuple(mine[:BCOS_ROWS_KEPT]), theirs))
    return cells


def competing_summary(
    script: Script, tally: Tally, rows: Sequence[Row], lang: str | None = None,
    languages: dict[str, str] | None = None,
) -> CompetingSummary:  # fmt: skip
    """What non-doers do instead, what they like about it, and the BCOS comparison."""
    lang = lang or script.languages[0]
    alternatives = competing_items(script, tally, Competing.alternative, lang, languages)
    liking = competing_items(script, tally, Competing.liking, lang, languages)
    return CompetingSummary(tuple(alternatives), tuple(liking), tuple(bcos(rows, liking)))
