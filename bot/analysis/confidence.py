"""How sure the report can be: agreement with the researcher's review, and headline rows at risk.

A headline row (a top barrier or enabler from an open question) is at risk when the answers to its
question that no theme is in force for could, all coded the least favourable way, take it out of
the top or below the next row: every uncoded doer mentioning a barrier, or every uncoded non-doer
mentioning an enabler. The other way round, a theme outside the top could enter it if the uncoded
answers of one group all mentioned it (a barrier said in words no keyword knows).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.analysis.agreement import Agreement, CodedPair, agreement
from bot.analysis.stats import RowStats, err_strength, row_stats
from bot.analysis.tabulate import Row

BARRIER, ENABLER = "barrier", "enabler"
LOSES_SIGNIFICANCE, LOSES_RANK, ENTERS = "significance", "rank", "enter"
ENTERING_PER_QUESTION = 2  # themes that could enter the top, said per question (strongest first)


@dataclass(frozen=True)
class HeadlineRisk:
    """A top row that the still uncoded answers to its question could change."""

    section: str  # barrier | enabler
    rank: int  # 1 for barrier #1; 0 for a theme that could enter the top
    question: str
    theme: str
    label: str
    uncoded: int  # uncoded answers to the question from counted interviews
    uncoded_in_group: int  # of them, those whose coding would weaken the row
    reason: str  # significance (it could leave the top) | rank (it could fall below the next)
    #              | enter (a theme outside the top could join it)
    worst_p: float | None
    worst_err: float | None
    needed: int | None = None  # for a theme that could enter: how few answers would do it


@dataclass(frozen=True)
class Confidence:
    """Agreement of the automatic coding with the reviewed answers, and headline rows at risk."""

    agreement: Agreement
    risks: tuple[HeadlineRisk, ...]
    uncoded: Mapping[str, tuple[int, int]]  # question → uncoded answers of (doers, non-doers)
    # A second coder's coding against the themes in force (first = in force), if imported.
    intercoder: Agreement | None = None


def headline_risks(
    barriers: Sequence[Row],
    enablers: Sequence[Row],
    uncoded: Mapping[str, tuple[int, int]],
    prevalence: float,
) -> list[HeadlineRisk]:
    """The top rows the uncoded answers to their question could change, in report order."""
    out = []
    for section, rows in ((BARRIER, barriers), (ENABLER, enablers)):
        for rank, row in enumerate(rows, start=1):
            doers, nondoers = uncoded.get(row.question, (0, 0))
            if row.kind != "theme" or not doers + nondoers:
                continue
            weakening = doers if section == BARRIER else nondoers
            a = row.doers_n + (weakening if section == BARRIER else 0)
            b = row.nondoers_n + (weakening if section == ENABLER else 0)
            worst = row_stats(a, row.doers_total, b, row.nondoers_total, prevalence)
            same_side = worst.err is not None and (
                worst.err < 1 if section == BARRIER else worst.err > 1
            )
            reason = None
            if not (worst.significant and same_side):
                reason = LOSES_SIGNIFICANCE
            elif rank < len(rows) and err_strength(worst.err) < err_strength(rows[rank].err):
                reason = LOSES_RANK
            if reason is not None:
                out.append(HeadlineRisk(
                    section, rank, row.question, row.theme, row.label, doers + nondoers,
                    weakening, reason, worst.p_value,
                    worst.err if worst.err is None or math.isfinite(worst.err) else None,
                ))  # fmt: skip
    return out


def entering_risks(
    rows: Iterable[Row],
    headline: Iterable[Row],
    uncoded: Mapping[str, tuple[int, int]],
    prevalence: float,
    min_mentions: int,
) -> list[HeadlineRisk]:
    """Themes outside the top that the uncoded answers of one group could bring into it."""
    top = {(r.question, r.theme) for r in headline}
    found: dict[str, list[tuple[float, HeadlineRisk]]] = {}
    for row in rows:
        doers, nondoers = uncoded.get(row.question, (0, 0))
        if (row.kind != "theme" or (row.question, row.theme) in top or not doers + nondoers
                or row.outside_family not in (None, "nobody")):  # fmt: skip
            continue
        for section, added in ((BARRIER, nondoers), (ENABLER, doers)):
            needed = _fewest_to_enter(row, section, added, prevalence, min_mentions)
            if needed is None:
                continue
            k, best = needed
            risk = HeadlineRisk(section, 0, row.question, row.theme, row.label, doers + nondoers,
                                added, ENTERS, best.p_value,
                                best.err if best.err is not None and math.isfinite(best.err)
                                else None, needed=k)  # fmt: skip
            found.setdefault(row.question, []).append((k, risk))
    out: list[HeadlineRisk] = []
    for risks in found.values():
        # The likeliest first: the theme the fewest uncoded answers would bring into the top.
        risks.sort(key=lambda pair: pair[0])
        out.extend(risk for _, risk in risks[:ENTERING_PER_QUESTION])
    return out


def _fewest_to_enter(
    row: Row, section: str, added: int, prevalence: float, min_mentions: int
) -> tuple[int, RowStats] | None:
    """How few of `added` uncoded answers mentioning the theme would make it a top row."""

    def enters(k: int) -> RowStats | None:
        a = row.doers_n + (k if section == ENABLER else 0)
        b = row.nondoers_n + (k if section == BARRIER else 0)
        if a + b < min_mentions:
            return None
        found = row_stats(a, row.doers_total, b, row.nondoers_total, prevalence)
        leaning = found.err is not None and (found.err < 1 if section == BARRIER else found.err > 1)
        return found if found.significant and leaning else None

    most = enters(added) if added else None
    if most is None:
        return None
    low, high = 1, added  # more mentions in one group only push the row further that way
    while low < high:
        middle = (low + high) // 2
        if enters(middle) is None:
            low = middle + 1
        else:
            high = middle
    best = enters(low)
    return (low, best) if best is not None else (added, most)


def confidence(
    pairs: Iterable[CodedPair],
    themes: Mapping[str, Sequence[str]],
    barriers: Sequence[Row],
    enablers: Sequence[Row],
    uncoded: Mapping[str, tuple[int, int]],
    prevalence: float,
    rows: Sequence[Row] = (),
    min_mentions: int = 5,
) -> Confidence:
    """Agreement of automatic and reviewed coding, and the headline rows still at risk."""
    risks = headline_risks(barriers, enablers, uncoded, prevalence)
    risks += entering_risks(rows, (*barriers, *enablers), uncoded, prevalence, min_mentions)
    return Confidence(agreement(pairs, themes), tuple(risks), dict(uncoded))
