"""Inline SVG charts, drawn in Python so the report needs no script or network."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

DOER_COLOUR = "#2b6cb0"
NONDOER_COLOUR = "#dd6b20"
BAR_COLOUR = "#4a5568"
ROW_HEIGHT = 26
LABEL_WIDTH = 230
WIDTH = 760


@dataclass(frozen=True)
class Pair:
    """One diverging bar: non-doers to the left, doers to the right (both in %)."""

    label: str
    doers_pct: float
    nondoers_pct: float
    significant: bool


@dataclass(frozen=True)
class Bar:
    """One horizontal bar (in %), with the count shown beside it."""

    label: str
    pct: float
    count: int


def _text(x: float, y: float, text: str, *, anchor: str = "start", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}>'
            f"{escape(text)}</text>")  # fmt: skip


def _shorten(label: str, most: int = 34) -> str:
    return label if len(label) <= most else label[: most - 1] + "…"


def diverging(pairs: Sequence[Pair], title: str) -> str:
    """Doers and non-doers side by side per row, from a shared zero line; ★ marks significance."""
    half = (WIDTH - LABEL_WIDTH - 60) / 2  # room for the value beside the longest bar
    mid = LABEL_WIDTH + 10 + half
    top = 34
    height = top + ROW_HEIGHT * len(pairs) + 30
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        _text(mid - 8, 16, "◀ Non-doers", anchor="end", cls="legend nd"),
        _text(mid + 8, 16, "Doers ▶", cls="legend d"),
    ]
    for i, pair in enumerate(pairs):
        y = top + i * ROW_HEIGHT
        nd = half * min(pair.nondoers_pct, 100) / 100
        d = half * min(pair.doers_pct, 100) / 100
        star = "★ " if pair.significant else ""
        parts += [
            _text(LABEL_WIDTH, y + 15, star + _shorten(pair.label), anchor="end",
                  cls="label strong" if pair.significant else "label"),
            f'<rect x="{mid - nd:.1f}" y="{y + 3}" width="{nd:.1f}" height="{ROW_HEIGHT - 8}" '
            f'fill="{NONDOER_COLOUR}" rx="2"/>',
            f'<rect x="{mid:.1f}" y="{y + 3}" width="{d:.1f}" height="{ROW_HEIGHT - 8}" '
            f'fill="{DOER_COLOUR}" rx="2"/>',
            _text(mid - nd - 4, y + 15, f"{pair.nondoers_pct:.0f}%", anchor="end", cls="value"),
            _text(mid + d + 4, y + 15, f"{pair.doers_pct:.0f}%", cls="value"),
        ]  # fmt: skip
    bottom = top + ROW_HEIGHT * len(pairs)
    parts.append(f'<line x1="{mid:.1f}" y1="{top - 4}" x2="{mid:.1f}" y2="{bottom + 2}" '
                 'stroke="#1a202c" stroke-width="1"/>')  # fmt: skip
    for share in (50, 100):
        for sign in (-1, 1):
            x = mid + sign * half * share / 100
            parts.append(_text(x, bottom + 18, f"{share}%", anchor="middle", cls="axis"))
    parts.append("</svg>")
    return "".join(parts)


def bars(items: Sequence[Bar], title: str, colour: str = BAR_COLOUR) -> str:
    """Horizontal bars from 0 to 100%, each labelled with its share and count."""
    span = WIDTH - LABEL_WIDTH - 90
    height = ROW_HEIGHT * len(items) + 8
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, item in enumerate(items):
        y = 4 + i * ROW_HEIGHT
        width = span * min(item.pct, 100) / 100
        x = LABEL_WIDTH + 10
        parts += [
            _text(LABEL_WIDTH, y + 15, _shorten(item.label), anchor="end", cls="label"),
            f'<rect x="{x}" y="{y + 3}" width="{span}" height="{ROW_HEIGHT - 8}" '
            'fill="#edf2f7" rx="2"/>',
            f'<rect x="{x}" y="{y + 3}" width="{width:.1f}" height="{ROW_HEIGHT - 8}" '
            f'fill="{colour}" rx="2"/>',
            _text(x + span + 6, y + 15, f"{item.pct:.0f}% ({item.count})", cls="value"),
        ]  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)
