"""A researcher's `validation: pattern` must not let one typed answer stall the whole bot.

Python's regular expressions backtrack: `(a+)+$` against thirty `a`s and a `!` tries about 2**30
ways before failing, and the engine runs on the event loop every respondent shares. The classic
cause is an unbounded repetition of nothing but repetitions, one of them unbounded (`(a+)+`,
`(\\w+\\s?)+`): the text can be split between them in exponentially many ways. That shape is refused;
`(\\w+ )+`, where a fixed character pins each round down, is fine.
"""

from __future__ import annotations

import re
from re import _parser  # type: ignore[attr-defined]  # the parser `re` compiles with
from typing import Any

_REPEATS = (_parser.MAX_REPEAT, _parser.MIN_REPEAT)


def pattern_problem(pattern: str) -> str | None:
    """Why the pattern could take exponential time on some answer, if it could."""
    try:
        tree = _parser.parse(pattern)
    except (re.error, RecursionError, OverflowError):  # compiling it reports the real error
        return None
    if _nested_repeat(list(tree)):
        return (
            "this pattern repeats a group that itself repeats (like `(a+)+`), which can take "
            "minutes on some answers and stall the bot; simplify it, e.g. `(a+)+` → `a+`"
        )
    return None


def _nested_repeat(items: list[tuple[Any, Any]]) -> bool:
    """Whether an unbounded repetition holds nothing but (other) repetitions, one unbounded."""
    for op, av in items:
        if op in _REPEATS:
            _low, high, body = av
            if high == _parser.MAXREPEAT and _loose(list(body)) and _unbounded_inside(list(body)):
                return True
            if _nested_repeat(list(body)):
                return True
        elif any(_nested_repeat(list(part)) for part in _parts(av)):
            return True
    return False


def _loose(items: list[tuple[Any, Any]]) -> bool:
    """Every part repeats (`a+`, `b?`) or is a group of such parts: no fixed text pins it down."""
    for op, av in items:
        if op in _REPEATS:
            continue
        if op is _parser.SUBPATTERN and _loose(list(av[-1])):
            continue
        return False
    return True


def _unbounded_inside(items: list[tuple[Any, Any]]) -> bool:
    for op, av in items:
        if op in _REPEATS and av[1] == _parser.MAXREPEAT:
            return True
        if any(_unbounded_inside(list(part)) for part in _parts(av)):
            return True
    return False


def _parts(av: Any) -> list[Any]:
    """The sub-patterns held by a node's argument (groups, branches, look-arounds)."""
    found: list[Any] = []
    stack = [av]
    while stack:
        item = stack.pop()
        if isinstance(item, _parser.SubPattern):
            found.append(item)
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return found
