"""Every broken script of the corpus gets exactly the problems written beside it, and no other."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.script import check_source
from tests.checker.corpus import HEADERS, Case, load_corpus

CASES = load_corpus()


def problems_in(source: str, path: str = "s.yaml") -> list[str]:
    """The problems the checker finds in a script's text, as the researcher reads them."""
    script, problems = check_source(source.encode("utf-8"), path)
    assert (script is None) == bool(problems), "a script is returned exactly when nothing is wrong"
    return [str(p) for p in problems]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.topic}: {c.name}" for c in CASES])
def test_broken_script_is_reported_exactly(case: Case) -> None:
    assert case.expected, "a broken script has at least one problem"
    assert problems_in(case.source) == [f"s.yaml:{line}" for line in case.expected]


def test_the_corpus_is_large_and_each_case_is_named_once() -> None:
    names = Counter((c.topic, c.name) for c in CASES)
    assert [name for name, count in names.items() if count > 1] == []
    assert len(CASES) >= 150


@pytest.mark.parametrize("header", ["en", "en_fr"])
def test_the_headers_with_one_question_are_a_valid_script(header: str) -> None:
    """The corpus breaks scripts that are otherwise fine."""
    question = "questions:\n  - id: q\n    type: text\n    text: {en: a, fr: b}\n"
    if header == "en":
        question = "questions:\n  - id: q\n    type: text\n    text: Why?\n"
    assert problems_in(HEADERS[header] + question) == []
