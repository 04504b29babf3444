"""One doer / non-doer row as every report shows it: words, numbers and caveats, formatted once."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from bot.analysis import Row
from bot.analysis.family import EVERYONE, MIRROR, NOBODY, QuestionLabel
from bot.analysis.stats import ALPHA
from bot.report import wording as w
from bot.vocabulary import Group

SMALL_CELL = 5  # a count below this in any cell makes the row's test fragile
OUTSIDE = {
    NOBODY: "Nobody gave this answer: not counted as a test.",
    EVERYONE: "Everybody gave this answer: not counted as a test.",
    MIRROR: "The other option read backwards: not counted as a test again.",
}


@dataclass(frozen=True)
class QuoteView:
    """A respondent's words; `language` is set when they are not in the report's language."""

    text: str
    language: str = ""


@dataclass(frozen=True)
class RowView:
    """One row of the full table and of the top lists."""

    question_id: str
    theme: str
    answer: str  # the option or theme
    question: str  # the question's short label (or its text)
    determinant: str
    direction: str  # "barrier", "enabler" or ""
    doers: str  # "a/nD"
    nondoers: str  # "b/nN"
    doers_pct: str
    nondoers_pct: str
    doers_bar: float  # 0–100, for the inline bars
    nondoers_bar: float
    difference: str
    odds_ratio: str  # "4.00 (1.62–9.87)"
    p: str
    test: str
    q: str
    err: str
    reading: str  # what the ERR means, in a sentence
    caveats: tuple[str, ...]
    significant: bool
    quotes: tuple[QuoteView, ...] = ()
    sort: Mapping[str, float] | None = None  # numeric keys for sorting the HTML table


def err_reading(err: float | None) -> str:
    """The ERR read from the answer to the behaviour, in words."""
    if err is None:
        return "Cannot be compared yet."
    if math.isinf(err):
        return ("Every doer gave this answer: as a predictor of doing the behaviour it has no "
                "upper bound (ERR ∞).")  # fmt: skip
    if err == 0:
        return "No doer gave this answer: someone who gives it is, here, never a doer (ERR 0)."
    if err >= 1:
        return (f"Someone who gives this answer is {err:.1f} times as likely to be a doer as "
                "someone who doesn't.")  # fmt: skip
    return (f"Someone who gives this answer is {err:.2f} times as likely to be a doer as someone "
            f"who doesn't ({1 / err:.1f} times less likely).")  # fmt: skip


def caveats(row: Row, min_mentions: int) -> tuple[str, ...]:
    """What to keep in mind when reading this row's numbers."""
    out = []
    if len(row.asked_of) == 1:
        group = "doers" if row.asked_of[0] == Group.doer else "non-doers"
        out.append(f"Asked of {group} only: a share, not a comparison.")
    elif row.test == "none":
        out.append("Only one group answered: nothing to compare.")
    if row.outside_family is not None:
        out.append(OUTSIDE[row.outside_family])
    elif row.sparse:
        out.append(f"Fewer than {min_mentions} mentions: not ranked.")
    if row.test == "fisher" and row.outside_family is None:
        out.append("An empty cell: Fisher's exact test, no confidence interval.")
    cells = (row.doers_n, row.doers_total - row.doers_n, row.nondoers_n,
             row.nondoers_total - row.nondoers_n)  # fmt: skip
    if row.test == "wald" and min(cells) < SMALL_CELL:
        out.append("A cell under 5: the test is fragile.")
    if row.significant and row.q_value is not None and row.q_value >= ALPHA:
        out.append("p < 0.05 but q ≥ 0.05: it may be a fluke of testing many rows.")
    return tuple(out)


def odds_ratio(row: Row) -> str:
    """The odds ratio with its 95 % confidence interval where one exists."""
    if row.odds_ratio is None:
        a_d = row.doers_n * (row.nondoers_total - row.nondoers_n)
        return "∞" if a_d > 0 else "—"  # b·c is 0: infinite unless a·d is 0 too
    text = w.ratio(row.odds_ratio)
    if row.ci_low is None or row.ci_high is None:
        return text
    return f"{text} ({w.ratio(row.ci_low)}–{w.ratio(row.ci_high)})"


def row_view(
    row: Row,
    questions: Mapping[str, QuestionLabel],
    min_mentions: int,
    quotes: tuple[QuoteView, ...] = (),
) -> RowView:
    """A row's words and numbers as the reports show them."""
    label = questions.get(row.question)
    direction = "barrier" if row.is_barrier else "enabler" if row.is_enabler else ""
    return RowView(
        question_id=row.question,
        theme=row.theme,
        answer=(f"{row.label} (top two)" if row.kind == "top2" else row.label) + w.asked_only(row),
        question=label.label if label else row.question,
        determinant=w.determinant(row.determinant),
        direction=direction,
        doers=f"{row.doers_n}/{row.doers_total}",
        nondoers=f"{row.nondoers_n}/{row.nondoers_total}",
        doers_pct=w.pct(row.doers_pct),
        nondoers_pct=w.pct(row.nondoers_pct),
        doers_bar=row.doers_pct or 0.0,
        nondoers_bar=row.nondoers_pct or 0.0,
        difference=w.pp(row.difference_pp),
        odds_ratio=odds_ratio(row),
        p=w.p_value(row.p_value),
        test=w.test_name(row.test),
        q=w.p_value(row.q_value),
        err=w.ratio(row.err),
        reading=err_reading(row.err),
        caveats=caveats(row, min_mentions),
        significant=row.significant and row.outside_family is None,
        quotes=quotes,
        sort={
            "doers": row.doers_pct or 0.0,
            "nondoers": row.nondoers_pct or 0.0,
            "difference": row.difference_pp or 0.0,
            "odds_ratio": _finite(row.odds_ratio),
            "p": row.p_value if row.p_value is not None else 2.0,
            "q": row.q_value if row.q_value is not None else 2.0,
            "err": _finite(row.err),
        },
    )


def _finite(value: float | None) -> float:
    if value is None:
        return -1.0
    return 1e9 if math.isinf(value) else value
