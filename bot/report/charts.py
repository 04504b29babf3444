"""Inline SVG charts, drawn in Python so the report needs no script or network.

Every chart is drawn on a narrow canvas (`WIDTH` units) that the page shows between a phone's width
and about 1.4 times that, so 11-unit text stays above 9 px on a 390 px screen. Labels sit on their
own line above their bar and are wrapped to the canvas, measured with `textfit`, never clipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from markupsafe import Markup

from bot.report.textfit import text_width, wrap

DOER_COLOUR = "#2b6cb0"
NONDOER_COLOUR = "#c05621"
BAR_COLOUR = "#4a5568"
TRACK_COLOUR = "#edf2f7"
WIDTH = 380
LABEL = 12  # font sizes, in canvas units
SMALL = 11
LINE = 15  # height of a label line
BOLD = 1.12
PAD = 2  # glyphs such as "Y" overhang their origin a little
BAR = 12  # height of a bar
OUTLINE = f' stroke="{BAR_COLOUR}" stroke-width=".5"'


@dataclass(frozen=True)
class Pair:
    """One diverging bar: non-doers to the left, doers to the right (both in %)."""

    label: str
    doers_pct: float
    nondoers_pct: float
    significant: bool


@dataclass(frozen=True)
class Bar:
    """One horizontal bar (in % of the longest possible), with its value written beside it."""

    label: str
    pct: float
    value: str


def _text(x: float, y: float, text: str, *, anchor: str = "start", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}>'
            f"{escape(text)}</text>")  # fmt: skip


def _svg(height: float, title: str, parts: Sequence[str]) -> Markup:
    head = (f'<svg class="chart" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
            f'aria-label="{escape(title)}"><title>{escape(title)}</title>')  # fmt: skip
    return Markup(head + "".join(parts) + "</svg>")


def _label_lines(label: str, y: float, parts: list[str], cls: str = "label") -> float:
    """Write a wrapped label from `y` (its first baseline); returns the y below it."""
    # Bold text runs about a tenth wider: measure it as a slightly larger size.
    size = LABEL * BOLD if "strong" in cls else LABEL
    for line in wrap(label, size, WIDTH - 2 * PAD):
        parts.append(_text(PAD, y, line, cls=cls))
        y += LINE
    return y


def diverging(pairs: Sequence[Pair], title: str) -> Markup:
    """Per row, its label and then non-doers (left) and doers (right) from a shared zero line."""
    value_room = text_width("100%", SMALL) + 6
    half = WIDTH / 2 - value_room
    mid = WIDTH / 2
    parts = [_text(mid - 6, 13, "◀ Non-doers", anchor="end", cls="legend nd"),
             _text(mid + 6, 13, "Doers ▶", cls="legend d")]  # fmt: skip
    y = 36.0
    for pair in pairs:
        star = "★ " if pair.significant else ""
        y = _label_lines(star + pair.label, y, parts,
                         "label strong" if pair.significant else "label")  # fmt: skip
        nd = half * min(pair.nondoers_pct, 100) / 100
        d = half * min(pair.doers_pct, 100) / 100
        bar_top = y - LINE + 4
        parts += [
            f'<rect x="{mid - nd:.1f}" y="{bar_top:.1f}" width="{nd:.1f}" height="{BAR}" '
            f'fill="{NONDOER_COLOUR}" rx="2"/>',
            f'<rect x="{mid:.1f}" y="{bar_top:.1f}" width="{d:.1f}" height="{BAR}" '
            f'fill="{DOER_COLOUR}" rx="2"/>',
            _text(mid - nd - 3, bar_top + 10, f"{pair.nondoers_pct:.0f}%", anchor="end", cls="value"),
            _text(mid + d + 3, bar_top + 10, f"{pair.doers_pct:.0f}%", cls="value"),
            f'<line x1="{mid:.1f}" y1="{bar_top - 2:.1f}" x2="{mid:.1f}" y2="{bar_top + BAR + 2:.1f}" '
            'stroke="#1a202c" stroke-width="1"/>',
        ]  # fmt: skip
        y += BAR + 12
    return _svg(y - 8, title, parts)


def bars(items: Sequence[Bar], title: str, colour: str = BAR_COLOUR) -> Markup:
    """Per item, its label and then a bar from 0 to 100 % with its value at the end."""
    room = max((text_width(i.value, SMALL) for i in items), default=0) + 6
    span = WIDTH - room
    parts: list[str] = []
    y = LINE - 3.0
    for item in items:
        y = _label_lines(item.label, y, parts)
        width = span * max(min(item.pct, 100), 0) / 100
        bar_top = y - LINE + 4
        parts += [
            f'<rect x="0" y="{bar_top:.1f}" width="{span:.1f}" height="{BAR}" fill="{TRACK_COLOUR}" rx="2"/>',
            f'<rect x="0" y="{bar_top:.1f}" width="{width:.1f}" height="{BAR}" fill="{colour}" rx="2"/>',
            _text(width + 4, bar_top + 10, item.value, cls="value"),
        ]  # fmt: skip
        y += BAR + 12
    return _svg(y - 12, title, parts)


def _short_day(day: date) -> str:
    return f"{day.day} {day.strftime('%b')}"


def timeline(days: Sequence[tuple[date, int, int]], title: str) -> Markup:
    """Interviews started (light) and completed (dark) per day, as columns."""
    most = max((max(s, c) for _, s, c in days), default=0) or 1
    left, top, bottom = text_width(str(most), SMALL) + 6, 28.0, 150.0
    step = (WIDTH - left) / max(len(days), 1)
    parts = [
        f'<rect x="0" y="4" width="10" height="10" fill="{TRACK_COLOUR}" stroke="{BAR_COLOUR}"/>',
        _text(14, 13, "started", cls="value"),
        f'<rect x="74" y="4" width="10" height="10" fill="{DOER_COLOUR}"/>',
        _text(88, 13, "completed", cls="value"),
        _text(left - 4, top + 8, str(most), anchor="end", cls="axis"),
        _text(left - 4, bottom, "0", anchor="end", cls="axis"),
        f'<line x1="{left:.1f}" y1="{bottom:.1f}" x2="{WIDTH}" y2="{bottom:.1f}" stroke="#a0aec0"/>',
    ]
    for n, (_, started, completed) in enumerate(days):
        x = left + n * step
        for value, fill, inset, edge in ((started, TRACK_COLOUR, 0.1, OUTLINE),
                                         (completed, DOER_COLOUR, 0.3, "")):
            h = (bottom - top) * value / most
            parts.append(f'<rect x="{x + step * inset:.1f}" y="{bottom - h:.1f}" '
                         f'width="{max(step * (1 - 2 * inset), 0.5):.1f}" height="{h:.1f}" '
                         f'fill="{fill}"{edge}/>')  # fmt: skip
    label_w = text_width("30 Sep", SMALL) + 8
    every = max(1, int(-(-label_w // step)))
    for n in range(0, len(days), every):
        x = left + n * step + step / 2
        x = min(max(x, left + label_w / 2), WIDTH - label_w / 2)
        parts.append(_text(x, bottom + 14, _short_day(days[n][0]), anchor="middle", cls="axis"))
    return _svg(bottom + 20, title, parts)


def curve(points: Sequence[tuple[int, int]], title: str, x_label: str, y_label: str) -> Markup:
    """A rising line through (step, value) points, with both axes' ends labelled."""
    most = max((v for _, v in points), default=0) or 1
    last = max((k for k, _ in points), default=1) or 1
    left, top, bottom = text_width(str(most), SMALL) + 6, 24.0, 140.0
    span = WIDTH - left - 4
    xy = [(left + span * k / last, bottom - (bottom - top) * v / most) for k, v in points]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in [(left, bottom), *xy])
    parts = [
        _text(PAD, 12, y_label, cls="value"),
        _text(left - 4, top + 4, str(most), anchor="end", cls="axis"),
        _text(left - 4, bottom, "0", anchor="end", cls="axis"),
        f'<line x1="{left:.1f}" y1="{bottom:.1f}" x2="{WIDTH}" y2="{bottom:.1f}" stroke="#a0aec0"/>',
        f'<line x1="{left:.1f}" y1="{top:.1f}" x2="{left:.1f}" y2="{bottom:.1f}" stroke="#a0aec0"/>',
        f'<polyline points="{path}" fill="none" stroke="{DOER_COLOUR}" stroke-width="2"/>',
        _text(left, bottom + 14, "1", cls="axis"),
        _text(WIDTH - PAD, bottom + 14, str(last), anchor="end", cls="axis"),
        _text((left + WIDTH) / 2, bottom + 14, x_label, anchor="middle", cls="axis"),
    ]
    return _svg(bottom + 20, title, parts)


@dataclass(frozen=True)
class Share:
    """One bar with its 95 % confidence interval as a whisker (all in %)."""

    label: str
    pct: float
    low: float
    high: float
    value: str


def shares(items: Sequence[Share], title: str, colour: str = DOER_COLOUR) -> Markup:
    """Per item, its label and then a 0–100 % bar, its interval as a whisker, and its value."""
    room = max((text_width(i.value, SMALL) for i in items), default=0) + 8
    span = WIDTH - room
    parts: list[str] = []
    y = LINE - 3.0
    for item in items:
        y = _label_lines(item.label, y, parts)
        width, low, high = (span * max(min(x, 100), 0) / 100 for x in (item.pct, item.low, item.high))
        bar_top = y - LINE + 4
        mid = bar_top + BAR / 2
        parts += [
            f'<rect x="0" y="{bar_top:.1f}" width="{span:.1f}" height="{BAR}" fill="{TRACK_COLOUR}" rx="2"/>',
            f'<rect x="0" y="{bar_top:.1f}" width="{width:.1f}" height="{BAR}" fill="{colour}" rx="2"/>',
            f'<path d="M{low:.1f} {mid:.1f}H{high:.1f}M{low:.1f} {bar_top + 2:.1f}V{bar_top + BAR - 2:.1f}'
            f'M{high:.1f} {bar_top + 2:.1f}V{bar_top + BAR - 2:.1f}" stroke="#1a202c" '
            'stroke-width="1.5" fill="none"/>',
            _text(max(width, high) + 4, bar_top + 10, item.value, cls="value"),
        ]  # fmt: skip
        y += BAR + 12
    return _svg(y - 12, title, parts)
