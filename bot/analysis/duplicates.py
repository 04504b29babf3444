"""Identical and near-identical answers, grouped so that one coding decision codes them all.

"no time", "No time" and "no time." are one answer; so are "I forgett" and "I forget". Answers
that differ by a negation ("I ever forget" / "I never forget") are never merged.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from rapidfuzz.distance import OSA

from bot.analysis.answer_words import tokens
from bot.analysis.languages import LANGUAGES

MIN_TYPO_WORD = 4  # shorter words differ in meaning, not by a typo ("car" / "bar")
MAX_FUZZY = 5000  # distinct answers per call beyond which only identical ones are grouped


@cache
def negations() -> frozenset[str]:
    """The negation words of every language the matcher knows ("not", "never", "sin", "jamais")."""
    return frozenset().union(*(lang.negations for lang in LANGUAGES.values()))


def answer_key(text: str) -> str:
    """What stays of an answer when case, accents, punctuation, emoji and spacing are ignored."""
    words = [folded for _, folded in tokens(text)]
    return " ".join(words) if words else " ".join(text.split()).casefold()


def near(a: str, b: str) -> bool:
    """Whether two keys are the same words but for one small typo in a longer, non-negation word."""
    left, right = a.split(), b.split()
    if len(left) != len(right) or a == b:
        return a == b
    differ = [(x, y) for x, y in zip(left, right, strict=True) if x != y]
    if len(differ) != 1:
        return False
    x, y = differ[0]
    if min(len(x), len(y)) < MIN_TYPO_WORD or {x, y} & negations():
        return False
    return OSA.distance(x, y, score_cutoff=1) <= 1


def group_answers(texts: Sequence[str]) -> list[list[int]]:
    """Indices of the texts, grouped: identical keys together, then near-identical groups merged.

    Groups come biggest first (ties in the order their first answer came); within a group,
    answers keep their order.
    """
    by_key: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        by_key.setdefault(answer_key(text), []).append(i)
    keys = sorted(by_key, key=lambda k: (-len(by_key[k]), by_key[k][0]))
    leaders: dict[tuple[int, int], list[str]] = {}  # (words, letters) → leading keys
    merged: dict[str, list[int]] = {}
    fuzzy = len(keys) <= MAX_FUZZY
    for key in keys:
        leader = None
        if fuzzy and key:
            shape = (key.count(" "), len(key))
            for size in (shape[1], shape[1] - 1, shape[1] + 1):
                leader = next((k for k in leaders.get((shape[0], size), ()) if near(k, key)),
                              None)  # fmt: skip
                if leader is not None:
                    break
            if leader is None:
                leaders.setdefault(shape, []).append(key)
        if leader is None:
            merged[key] = list(by_key[key])
        else:
            merged[leader].extend(by_key[key])
    groups = [sorted(members) for members in merged.values()]
    return sorted(groups, key=lambda g: (-len(g), g[0]))
