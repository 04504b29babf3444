"""`perceptions check` on codebooks: `exclude:` and `negated:` are known keys; keywords well spelled."""

from __future__ import annotations

from bot.script import check_source

HEAD = """version: 1
study: {id: s, title: S, behaviour: cycle, languages: [en], introduction: Hi, consent: Go,
        closing: Bye, contact: a@b.org}
questions:
  - id: hard
    type: text
    determinant: perceived_self_efficacy
    text: What makes it hard?
    codebook:
"""


def problems(theme: str) -> list[str]:
    _, found = check_source((HEAD + theme).encode())
    return [f"{p.line}: {p.message}" for p in found]


def test_exclude_and_negated_are_accepted() -> None:
    theme = """      - id: no_car
        label: No car
        keywords: {en: [car]}
        exclude: {en: [car park]}
        negated: only
"""
    assert problems(theme) == []


def test_a_misplaced_wildcard_is_reported_at_its_line() -> None:
    theme = """      - id: bike
        label: Bike
        keywords:
          en: [bike, "bi*ke"]
"""
    assert problems(theme) == [
        "13: keyword `bi*ke`: `*` goes at the end of a word (`danger*`), or `**` to run into "
        "longer words"
    ]


def test_an_exclude_in_an_undeclared_language_is_flagged() -> None:
    theme = """      - id: cost
        label: Cost
        keywords: {en: [free]}
        exclude: {fr: [temps libre]}
"""
    assert any("`fr`" in p for p in problems(theme))


def test_an_unknown_negated_value_is_refused() -> None:
    theme = """      - id: cost
        label: Cost
        keywords: {en: [free]}
        negated: sometimes
"""
    assert any("negated" in p for p in problems(theme))
