"""The tabulation again within each segment: a `segment: true` question's answers or the deep-link source."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bot.analysis.collect import Collected
from bot.analysis.family import ranked_rows, shape_rows
from bot.analysis.tabulate import DEFAULT_MIN_MENTIONS, TOP2, Row, rank, tabulate
from bot.analysis.tally import ANSWERED, Tally
from bot.script import Script

SOURCE = "source"  # the breakdown by deep-link source
NO_SOURCE = "(none)"


@dataclass(frozen=True)
class Segment:
    """One segment: who is in it and what the tabulation says there."""

    by: str  # a question id, or "source"
    value: str
    label: str
    doers: int
    nondoers: int
    rows: tuple[Row, ...]
    barriers: tuple[Row, ...]
    enablers: tuple[Row, ...]


def segment_masks(found: Collected) -> dict[tuple[str, str], np.ndarray]:
    """A mask over counted interviews for every (segment question or source, value)."""
    size = found.tally.size
    masks: dict[tuple[str, str], np.ndarray] = {}
    for question_id, values in sorted(found.segments.items()):
        by_keys: dict[tuple[str, ...], list[int]] = {}  # few distinct answers, many people
        for position, keys in values.items():
            by_keys.setdefault(keys, []).append(position)
        for keys, positions in by_keys.items():
            for key in keys:
                if key == TOP2:
                    continue
                mask = masks.get((question_id, key))
                if mask is None:
                    mask = masks[(question_id, key)] = np.zeros(size, dtype=bool)
                mask[positions] = True
    sources: dict[str, list[int]] = {}
    for interview_id, position in found.positions.items():
        source = found.interviews[interview_id].source or NO_SOURCE
        sources.setdefault(source, []).append(position)
    if len(sources) > 1:  # one source only would repeat the overall table
        for source, positions in sorted(sources.items()):
            mask = np.zeros(size, dtype=bool)
            mask[positions] = True
            masks[(SOURCE, source)] = mask
    return masks


def segments(
    script: Script,
    found: Collected,
    *,
    prevalence: float | None = None,
    min_mentions: int = DEFAULT_MIN_MENTIONS,
    lang: str | None = None,
) -> list[Segment]:
    """The tabulation within every segment, in script order then by value."""
    lang = lang or script.languages[0]
    groups = found.tally.groups() == 1
    out = []
    for (by, value), mask in segment_masks(found).items():
        rows = shape_rows(script, tabulate(
            script, found.tally, prevalence=prevalence, min_mentions=min_mentions, mask=mask,
            lang=lang,
        ))  # fmt: skip
        barriers, enablers = rank(ranked_rows(rows))
        out.append(Segment(
            by, value, _label(script, by, value, lang),
            int((mask & groups).sum()), int((mask & ~groups).sum()),
            tuple(rows), tuple(barriers), tuple(enablers),
        ))  # fmt: skip
    order = {q.id: q.index for q in script.questions}
    return sorted(out, key=lambda s: (order.get(s.by, len(order)), _option_index(script, s)))


def _label(script: Script, by: str, value: str, lang: str) -> str:
    question = script.by_id.get(by)
    if question is None:
        return value
    labels: Mapping[str, str] = {o.value: script.text(o.label, lang) for o in question.options}
    return labels.get(value, value)


def _option_index(script: Script, segment: Segment) -> tuple[int, str]:
    question = script.by_id.get(segment.by)
    values = [o.value for o in question.options] if question else []
    return (values.index(segment.value) if segment.value in values else len(values), segment.value)


BY_VALUE_MIN = 5  # non-doers a segment value needs before its barrier shares are shown
BY_VALUE_ROWS = 5


@dataclass(frozen=True)
class Share:
    """One value of a segment: how many doers and non-doers gave it."""

    value: str
    label: str
    doers: int
    nondoers: int
    doers_pct: float | None
    nondoers_pct: float | None


@dataclass(frozen=True)
class ByValue:
    """One top barrier: the share of non-doers who gave it, within each value of a segment."""

    question: str
    theme: str
    label: str
    cells: tuple[tuple[int, int] | None, ...]  # (said it, answered) per value; None: too few


@dataclass(frozen=True)
class Breakdown:
    """A segment question (or the deep-link source) as its distribution among doers and non-doers."""

    by: str
    doers: int  # doers who gave any value
    nondoers: int
    shares: tuple[Share, ...]
    barriers: tuple[ByValue, ...]


def breakdowns(
    script: Script, found: Collected, barriers: Sequence[Row], lang: str | None = None
) -> list[Breakdown]:
    """Each segment's distribution, and the top barriers among non-doers by its values."""
    lang = lang or script.languages[0]
    tally = found.tally
    doer = tally.groups() == 1
    by_question: dict[str, list[tuple[str, np.ndarray]]] = {}
    for (by, value), mask in segment_masks(found).items():
        by_question.setdefault(by, []).append((value, mask))
    out = []
    for by, values in by_question.items():
        if by != SOURCE:
            index = {o.value: n for n, o in enumerate(script.by_id[by].options)}
            values.sort(key=lambda v: (index.get(v[0], len(index)), v[0]))
        anyone = np.logical_or.reduce([m for _, m in values])
        n_d, n_n = int((anyone & doer).sum()), int((anyone & ~doer).sum())
        shares = []
        for value, mask in values:
            d, n = int((mask & doer).sum()), int((mask & ~doer).sum())
            shares.append(Share(value, _label(script, by, value, lang), d, n,
                                100 * d / n_d if n_d else None, 100 * n / n_n if n_n else None))  # fmt: skip
        # One count per value, shared by the rows (each count is a pass over every interview).
        counted = [tally.counts(m)[1] if share.nondoers >= BY_VALUE_MIN else None
                   for (_, m), share in zip(values, shares, strict=True)]  # fmt: skip
        by_value = [_by_value(tally, row, counted) for row in barriers[:BY_VALUE_ROWS]]
        out.append(Breakdown(by, n_d, n_n, tuple(shares), tuple(by_value)))
    order = {q.id: q.index for q in script.questions}
    return sorted(out, key=lambda b: order.get(b.by, len(order)))


def _by_value(tally: Tally, row: Row, counted: Sequence[np.ndarray | None]) -> ByValue:
    column = tally.columns.get((row.question, row.theme))
    answered = tally.columns.get((row.question, ANSWERED))
    cells: list[tuple[int, int] | None] = []
    for nondoers in counted:
        if nondoers is None or column is None or answered is None:
            cells.append(None)
            continue
        of = int(nondoers[answered])
        cells.append((int(nondoers[column]), of) if of >= BY_VALUE_MIN else None)
    return ByValue(row.question, row.theme, row.label, tuple(cells))
