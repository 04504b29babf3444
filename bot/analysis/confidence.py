"""How sure the report can be: agreement with the researcher's review, and headline rows at risk.

A headline row (a top barrier or enabler from an open question) is at risk when the answers to its
question that no theme is in force for could, all coded the least favourable way, take it out of
the top or below the next row: every uncoded doer mentioning a barrier, or every uncoded non-doer
mentioning an enabler.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.analysis.agreement import Agreement, CodedPair, agreement
from bot.analysis.stats import err_strength, row_stats
from bot.analysis.tabulate import Row

BARRIER, ENABLER = "barrier", "enabler"
LOSES_SIGNIFICANCE, LOSES_RANK = "significance", "rank"


@dataclass(frozen=True)
class HeadlineRisk:
    """A top row that the still uncoded answers to its question could change."""

    section: str  # barrier | enabler
    rank: int  # 1 for barrier #1
    question: str
    theme: str
    label: str
    uncoded: int  # uncoded answers to the question from counted interviews
    uncoded_in_group: int  # of them, those whose coding would weaken the row
    reason: str  # significance (it could leave the top) | rank (it could fall below the next)
    worst_p: float | None
    worst_err: float | None


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


def confidence(
    pairs: Iterable[CodedPair],
    themes: Mapping[str, Sequence[str]],
    barriers: Sequence[Row],
    enablers: Sequence[Row],
    uncoded: Mapping[str, tuple[int, int]],
    prevalence: float,
) -> Confidence:
    """Agreement of automatic and reviewed coding, and the headline rows still at risk."""
    return Confidence(
        agreement(pairs, themes),
        tuple(headline_risks(barriers, enablers, uncoded, prevalence)),
        dict(uncoded),
    )
