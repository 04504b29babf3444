"""The view model's later sections: competing behaviours, segments and fieldwork health."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from bot.analysis import Row, Summary
from bot.analysis.competing import CompetingItem
from bot.analysis.segments import NO_SOURCE, SOURCE, Breakdown, Segment
from bot.report import charts
from bot.report import wording as w
from bot.report.view_rows import QuoteView
from bot.vocabulary import InterviewStatus

SEGMENT_MIN = 5  # doers and non-doers a segment value needs before its own tabulation is shown


@dataclass(frozen=True)
class ItemView:
    """One competing behaviour, or one thing liked about it."""

    answer: str
    count: int
    share: str
    bar: float
    quotes: tuple[QuoteView, ...]


@dataclass(frozen=True)
class BcosView:
    """One BCOS category: the target behaviour's rows beside the competitor's."""

    category: str
    target: tuple[str, ...]
    competitor: tuple[str, ...]


@dataclass(frozen=True)
class CompetingView:
    """What non-doers do instead and what they like about it."""

    asked: bool
    alternatives: tuple[ItemView, ...]
    alternatives_quoted: bool  # open answers: the table shows their words
    alternatives_chart: Markup | None
    liking: tuple[ItemView, ...]
    bcos: tuple[BcosView, ...]


@dataclass(frozen=True)
class BreakdownView:
    """A segment question: its values among doers and non-doers, and barriers by value."""

    title: str
    values: tuple[tuple[str, str, str], ...]  # (value, doers "n (x%)", non-doers "n (x%)")
    barrier_head: tuple[str, ...]  # the values whose non-doers are numerous enough
    barriers: tuple[tuple[str, tuple[str, ...]], ...]  # (barrier, share per value)
    within: tuple[tuple[str, str, str], ...]  # (value, top barriers, top enablers) where possible
    too_few: tuple[str, ...]  # values with too few doers or non-doers to compare within


@dataclass(frozen=True)
class SegmentsView:
    """Every segment question and the deep-link source."""

    breakdowns: tuple[BreakdownView, ...]
    minimum: int = SEGMENT_MIN


@dataclass(frozen=True)
class FieldworkView:
    """Fieldwork health, in figures and pictures."""

    tiles: tuple[tuple[str, str, str], ...]
    timeline: Markup | None
    weekly: bool
    funnel: tuple[tuple[str, int, str], ...]
    funnel_chart: Markup | None
    dropoff: tuple[tuple[str, int], ...]
    uncoded: tuple[tuple[str, int], ...]
    saturation: str
    saturation_chart: Markup | None


def _items(summary: Summary, items: Sequence[CompetingItem]) -> tuple[ItemView, ...]:
    languages = summary.quote_languages
    return tuple(ItemView(i.label, i.count, w.pct(i.pct), i.pct or 0.0,
                          tuple(QuoteView(q, languages.get(q, "")) for q in i.quotes))
                 for i in items)  # fmt: skip


def competing_view(summary: Summary) -> CompetingView:
    """Competing behaviours with their chart and the BCOS comparison."""
    c = summary.competing
    chart = (charts.bars([charts.Bar(i.label, i.pct or 0, f"{w.pct(i.pct)} ({i.count})")
                          for i in c.alternatives], "What non-doers do instead",
                         charts.NONDOER_COLOUR) if c.alternatives else None)  # fmt: skip
    bcos = tuple(
        BcosView(
            w.BCOS_NAMES.get(b.category, b.category),
            tuple(f"{'★ ' if r.significant and not r.sparse else ''}{_name(summary, r)} "
                  f"({w.pct(r.doers_pct)} D / {w.pct(r.nondoers_pct)} ND)"
                  for r in b.target if r.outside_family is None),
            tuple(f"{i.label} ({w.pct(i.pct)})" for i in b.competitor),
        )
        for b in c.bcos
    )  # fmt: skip
    return CompetingView(bool(c.alternatives or c.liking), _items(summary, c.alternatives),
                         any(i.quotes for i in c.alternatives), chart,
                         _items(summary, c.liking), bcos)  # fmt: skip


def _count(n: int, pct: float | None) -> str:
    return f"{n} ({w.pct(pct)})"


def _name(summary: Summary, r: Row) -> str:
    """A row outside its question: a theme speaks for itself, an option needs its question."""
    if r.kind == "theme" or r.question not in summary.questions:
        return r.label
    return f"{summary.questions[r.question].label}: {r.label}"


def _top(summary: Summary, rows: Sequence[Row], n: int = 2) -> str:
    return "; ".join(f"{_name(summary, r)} ({w.pp(r.difference_pp)})" for r in rows[:n]) or "—"


def _value(label: str) -> str:
    return "No source (plain link)" if label == NO_SOURCE else label


def _breakdown(summary: Summary, b: Breakdown, within: Sequence[Segment]) -> BreakdownView:
    title = ("Deep-link source" if b.by == SOURCE else
             summary.questions[b.by].label if b.by in summary.questions else b.by)  # fmt: skip
    values = tuple((_value(s.label), _count(s.doers, s.doers_pct),
                    _count(s.nondoers, s.nondoers_pct)) for s in b.shares)  # fmt: skip
    shown = [n for n, _ in enumerate(b.shares) if any(r.cells[n] for r in b.barriers)]
    head = tuple(_value(b.shares[n].label) for n in shown)
    barriers = tuple(
        (r.label, tuple(f"{100 * c[0] / c[1]:.0f}% ({c[0]}/{c[1]})" if (c := r.cells[n]) else "—"
                        for n in shown))
        for r in b.barriers
    ) if shown else ()  # fmt: skip
    compared, too_few = [], []
    for segment in within:
        if min(segment.doers, segment.nondoers) >= SEGMENT_MIN:
            compared.append((_value(segment.label), _top(summary, segment.barriers),
                             _top(summary, segment.enablers)))  # fmt: skip
        else:
            too_few.append(f"{_value(segment.label)} ({segment.doers} doers, "
                           f"{segment.nondoers} non-doers)")  # fmt: skip
    return BreakdownView(title, values, head, barriers, tuple(compared), tuple(too_few))


def segments_view(summary: Summary) -> SegmentsView:
    """Each segment as its distribution, then barriers by value and comparisons where possible."""
    return SegmentsView(tuple(
        _breakdown(summary, b, [s for s in summary.segments if s.by == b.by])
        for b in summary.breakdowns
    ))  # fmt: skip


def _theme_name(summary: Summary, question: str, theme: str) -> str:
    for row in summary.rows:
        if (row.question, row.theme) == (question, theme):
            return row.label
    for item in summary.competing.liking + summary.competing.alternatives:
        if (item.question, item.key) == (question, theme):
            return item.label
    return theme


def _question(summary: Summary, question: str | None) -> str:
    if question is None:
        return "(before the first answer)"
    known = summary.questions.get(question)
    return known.label if known else question


def fieldwork_view(summary: Summary) -> FieldworkView:
    """Tiles, the timeline, the funnel, drop-off and uncoded answers, saturation."""
    f = summary.fieldwork
    rate = f"{f.completed / f.starts:.0%} of starts" if f.starts else ""
    minutes = f"{f.median_minutes:.0f} min" if f.median_minutes is not None else "—"
    tiles: tuple[tuple[str, str, str], ...]
    tiles = (("Starts", str(f.starts), ""), ("Completed", str(f.completed), rate),
             ("Screened out", str(f.screened_out), ""), ("Declined", str(f.declined), ""),
             ("Excluded", str(f.excluded), "neither doer nor non-doer"),
             ("Unfinished", str(f.unfinished), ""), ("Median length", minutes, ""),
             ("Uncoded answers", str(f.uncoded), ""))  # fmt: skip
    # Full groups at work: who was thanked at classification, who was kept apart at the end.
    for status, label, sub in (
        (InterviewStatus.quota_full, "Group full", "thanked after classifying"),
        (InterviewStatus.over_quota, "Over quota", "kept, left out of the comparison"),
    ):
        if f.by_status.get(status):
            tiles += ((label, str(f.by_status[status]), sub),)
    days = [(d.day, d.started, d.completed) for d in summary.days]
    unit = "week" if summary.weekly else "day"
    timeline = (charts.timeline(days, f"Interviews started and completed per {unit}")
                if days else None)  # fmt: skip
    top = summary.funnel[0].count if summary.funnel else 0
    funnel = tuple((s.label, s.count, w.pct(100 * s.count / top if top else None))
                   for s in summary.funnel)  # fmt: skip
    funnel_chart = (charts.bars([charts.Bar(label, 100 * n / top, f"{n} ({share})")
                                 for label, n, share in funnel], "From start to completion")
                    if top else None)  # fmt: skip
    saturation = w.saturation(
        f, lambda q, t: f"{_theme_name(summary, q, t)} ({_question(summary, q)})"
    )
    s = summary.saturation
    points = list(zip(s.interviews, s.themes, strict=True))
    curve = (charts.curve(points, "Distinct themes heard as interviews came in",
                          "completed interviews", "distinct themes heard")
             if len(points) > 1 else None)  # fmt: skip
    return FieldworkView(
        tiles, timeline, summary.weekly, funnel, funnel_chart,
        tuple((_question(summary, d.question), d.count) for d in f.dropoff),
        tuple((_question(summary, q), n) for q, n in f.uncoded_by_question.items()),
        saturation, curve,
    )  # fmt: skip
