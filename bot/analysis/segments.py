"""The tabulation again within each segment: a `segment: true` question's answers or the deep-link source."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from bot.analysis.collect import Collected
from bot.analysis.family import ranked_rows, shape_rows
from bot.analysis.tabulate import DEFAULT_MIN_MENTIONS, TOP2, Row, rank, tabulate
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
