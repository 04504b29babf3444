"""How wide a text will be in a chart, so labels are wrapped to fit rather than clipped.

Widths are DejaVu Sans's (Debian's default sans-serif; Verdana's are alike), which run wider than
most system fonts: a label measured here fits in any of them. Units are em.
"""

from __future__ import annotations

from functools import lru_cache

_WIDTHS = {
    **dict.fromkeys("ijl'|!.,:;", 0.30),
    **dict.fromkeys("ft", 0.40),
    **dict.fromkeys("r()[]{}", 0.42),
    **dict.fromkeys("sz-", 0.53),
    **dict.fromkeys("cekvxy", 0.62),
    **dict.fromkeys("abdghnopqu", 0.64),
    **dict.fromkeys("0123456789$#%+=<>?_", 0.84),  # % and the digits of values, generously
    **dict.fromkeys("mw", 0.98),
    **dict.fromkeys("IJ", 0.32),
    **dict.fromkeys("FLPTYZ", 0.70),
    **dict.fromkeys("ABEKRSVX", 0.72),
    **dict.fromkeys("CDGHNOQU", 0.80),
    **dict.fromkeys("MW", 1.0),
    " ": 0.32,
    "—": 1.0,
    "–": 0.5,
    "…": 1.0,
    "★": 0.84,
    "◀": 0.84,
    "▶": 0.84,
    "“": 0.45,
    "”": 0.45,
}
_OTHER = 1.0  # anything else (accented capitals, other scripts, emoji): a full em


@lru_cache(maxsize=4096)
def text_width(text: str, size: float) -> float:
    """The width of `text` at font size `size`, in the same units (an upper bound)."""
    return size * sum(_WIDTHS.get(c, 0.64 if c.isalpha() and c.islower() else _OTHER) for c in text)


def wrap(text: str, size: float, width: float, most_lines: int = 3) -> list[str]:
    """`text` broken into lines no wider than `width`; the last line ends in … if it is cut."""
    words = text.split()
    lines: list[str] = []
    line = ""
    for word in words:
        trial = f"{line} {word}" if line else word
        if text_width(trial, size) <= width:
            line = trial
            continue
        if line:
            lines.append(line)
        while text_width(word, size) > width:  # a word longer than the line: cut it
            cut = _fit(word, size, width)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    if len(lines) > most_lines:
        lines = [*lines[: most_lines - 1], shorten(" ".join(lines[most_lines - 1 :]), size, width)]
    return lines or [""]


def shorten(text: str, size: float, width: float) -> str:
    """`text` cut to fit `width`, with … where it was cut."""
    if text_width(text, size) <= width:
        return text
    return text[: _fit(text, size, width - text_width("…", size))].rstrip() + "…"


def _fit(text: str, size: float, width: float) -> int:
    """How many leading characters of `text` fit in `width` (at least one)."""
    used = 0.0
    for n, char in enumerate(text):
        used += text_width(char, size)
        if used > width:
            return max(n, 1)
    return len(text)
