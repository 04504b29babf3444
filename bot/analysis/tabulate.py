"""Doer / non-doer rows for every theme and option, ranked into barriers and enablers."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from bot.analysis.coding import is_codable
from bot.analysis.stats import Test, err_strength, q_values, row_stats, untestable
from bot.analysis.tally import ANSWERED, Mask, Tally
from bot.script import CompiledQuestion, Determinant, QuestionType, Script
from bot.script.model import Question, ScriptFile
from bot.script.satisfy import groups_asked
from bot.vocabulary import GROUPS, Group

TOP2 = "top2"  # the derived "top-2-box" row of a scale
DEFAULT_MIN_MENTIONS = 5

# The groups whose members a question is asked of: by default the script's `when` says.
AskedOf = Callable[[ScriptFile, Question], tuple[Group, ...]]


@dataclass(frozen=True)
class Row:
    """One theme or option: how often doers and non-doers mention it, and what that means."""

    question: str
    determinant: str | None
    theme: str
    label: str
    kind: str  # "theme", "option" or "top2"
    doers_n: int
    doers_total: int
    doers_pct: float | None
    nondoers_n: int
    nondoers_total: int
    nondoers_pct: float | None
    difference_pp: float | None
    odds_ratio: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    test: Test
    chi2_n1_p: float | None
    err: float | None
    significant: bool
    q_value: float | None
    sparse: bool
    quotes: tuple[str, ...]
    # The groups the script asks the question of (its `when` may name one group only), and
    # whether doers and non-doers can be compared on it: asked of both, and answered by both.
    asked_of: tuple[Group, ...] = GROUPS
    comparable: bool = True
    # Why the row is not one of the tests counted for q and the top lists (see `family`).
    outside_family: str | None = None

    @property
    def is_barrier(self) -> bool:
        """Non-doers mention it more (ERR < 1)."""
        return self.err is not None and self.err < 1

    @property
    def is_enabler(self) -> bool:
        """Doers mention it more (ERR > 1)."""
        return self.err is not None and self.err > 1


@dataclass(frozen=True)
class DeterminantCell:
    """One determinant of the grid: asked or not, and how many of its rows came out significant."""

    determinant: str
    questions: tuple[str, ...]
    rows: int
    significant: int
    barriers: int
    enablers: int


def classification_names(script: Script) -> frozenset[str]:
    """The questions the doer / non-doer rules read (tabulating them would be circular)."""
    return frozenset(
        name for rule in (*script.doer, *script.non_doer) for cond in rule for name in cond.names
    )


def tabulated_questions(script: Script) -> list[CompiledQuestion]:
    """Closed or coded questions, except screening, the doer rules, competition and plain segments."""
    skip = classification_names(script)
    return [
        q
        for q in script.questions
        if q.id not in skip
        and q.spec.eligible_if is None
        and q.spec.competing is None
        and (q.spec.determinant is not None or not q.spec.segment)
        and (q.type in (QuestionType.single_choice, QuestionType.multiple_choice)
             or q.type in (QuestionType.yes_no, QuestionType.scale) or is_codable(q.spec))
    ]  # fmt: skip


def row_keys(
    script: Script, question: CompiledQuestion, tally: Tally, lang: str
) -> list[tuple[str, str, str]]:
    """(key, label, kind) of every row a question gives, in script order."""
    if question.type == QuestionType.text:
        keys = [(t.id, script.text(t.label, lang), "theme") for t in question.spec.codebook or ()]
        known = {k for k, _, _ in keys} | {ANSWERED}
        # Themes researchers added while coding by hand get a row too, named by their id.
        extra = sorted(k for q, k in tally.columns if q == question.id and k not in known)
        return keys + [(k, k, "theme") for k in extra]
    keys = [(o.value, script.text(o.label, lang), "option") for o in question.options]
    if question.type == QuestionType.scale and len(question.options) >= 4:
        top = question.options[-2:]
        keys.append((TOP2, f"{top[0].value}–{top[1].value}", "top2"))
    return keys


def tabulate(
    script: Script,
    tally: Tally,
    *,
    prevalence: float | None = None,
    min_mentions: int = DEFAULT_MIN_MENTIONS,
    mask: Mask | None = None,
    lang: str | None = None,
    questions: Sequence[CompiledQuestion] | None = None,
    asked_of: AskedOf = groups_asked,
) -> list[Row]:
    """Every row of the tabulation, with Benjamini–Hochberg q-values over the whole family.

    `asked_of` says which of the two compared groups a question was put to; only a question put
    to both compares them.
    """
    prevalence = script.file.study.prevalence if prevalence is None else prevalence
    lang = lang or script.languages[0]
    doers, nondoers = tally.counts(mask)
    rows: list[Row] = []
    for question in tabulated_questions(script) if questions is None else questions:
        total = tally.columns.get((question.id, ANSWERED))
        n_d = int(doers[total]) if total is not None else 0
        n_n = int(nondoers[total]) if total is not None else 0
        if n_d == 0 and n_n == 0:
            continue
        asked = asked_of(script.file, question.spec)
        comparable = len(asked) == len(GROUPS) and n_d > 0 and n_n > 0
        for key, label, kind in row_keys(script, question, tally, lang):
            column = tally.columns.get((question.id, key))
            a = int(doers[column]) if column is not None else 0
            b = int(nondoers[column]) if column is not None else 0
            stats = row_stats if comparable else untestable
            s = stats(a, n_d, b, n_n, prevalence)
            favoured = (Group.doer, Group.non_doer) if (s.err or 0) > 1 else (Group.non_doer, Group.doer)
            quotes = [q for g in favoured for q in tally.quotes(question.id, key, g)][:2]
            rows.append(Row(
                question.id, question.spec.determinant, key, label, kind,
                a, n_d, _pct(s.p_doers), b, n_n, _pct(s.p_nondoers), s.difference_pp,
                s.odds_ratio, s.ci_low, s.ci_high, s.p_value, s.test, s.chi2_n1_p, s.err,
                s.significant, None, a + b < min_mentions, tuple(quotes), asked, comparable,
            ))  # fmt: skip
    adjusted = q_values([r.p_value for r in rows])
    return [replace(r, q_value=q) for r, q in zip(rows, adjusted, strict=True)]


def _pct(share: float | None) -> float | None:
    return None if share is None else 100 * share


def rank(rows: Sequence[Row]) -> tuple[list[Row], list[Row]]:
    """Significant, non-sparse rows as (barriers, enablers), strongest |ln ERR| first."""

    def strength(row: Row) -> tuple[float, float]:
        return (-err_strength(row.err), row.p_value if row.p_value is not None else math.inf)

    ranked = sorted((r for r in rows if r.significant and not r.sparse), key=strength)
    return [r for r in ranked if r.is_barrier], [r for r in ranked if r.is_enabler]


def determinant_grid(script: Script, rows: Sequence[Row]) -> list[DeterminantCell]:
    """For each determinant (the 12, then custom ones): its questions and significant rows."""
    cells = []
    order = [d.value for d in Determinant] + list(script.file.custom_determinants)
    for determinant in order:
        mine = [r for r in rows if r.determinant == determinant]
        significant = [r for r in mine if r.significant and not r.sparse]
        cells.append(DeterminantCell(
            determinant,
            tuple(q.id for q in script.questions if q.spec.determinant == determinant),
            len(mine), len(significant),
            sum(r.is_barrier for r in significant), sum(r.is_enabler for r in significant),
        ))  # fmt: skip
    return cells
