"""Coding open answers with a codebook: folding, wildcards, phrases, word boundaries, overrides."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.analysis import AnswerRecord, Coder, CodingOverride, code_answers
from bot.analysis.matching import Matcher, ThemeKeywords
from bot.script import Script

T = datetime(2025, 3, 1, tzinfo=UTC)


def hard(text: str, *, interview: int = 1, probe: int = 0, lang: str = "en") -> AnswerRecord:
    """An answer to 'What makes it difficult?'."""
    return AnswerRecord(interview, "hard", probe, text, text, lang, T)


@pytest.mark.parametrize(
    ("text", "themes"),
    [
        ("The TRAFFIC", {"danger"}),  # case
        ("it's Dangerous", {"danger"}),  # wildcard danger*
        ("unsafe roads, and rainy days", {"danger", "weather"}),  # several themes, rain*
        ("colds", {"weather"}),  # plural tolerance
        ("I could get hit   by a car", {"danger"}),  # phrase, spacing
        ("too expensive", {"cost"}),
        ("prices went up", {"cost"}),
        ("my scarf gets wet", set()),  # no theme
        ("inexpensive", set()),  # a wildcard still starts at a word boundary
        ("", set()),
    ],
)
def test_english_answers(cycling: Script, text: str, themes: set[str]) -> None:
    assert Coder(cycling).automatic("hard", text, "en") == themes


def test_accents_are_ignored_both_ways(cycling: Script) -> None:
    """`dangereu*` and `circulation` match accented, capitalised French."""
    coder = Coder(cycling)
    assert coder.automatic("hard", "Trop DANGEREUX, la circulation", "fr") == {"danger"}
    assert coder.automatic("hard", "Il fait trop froid, la pluie", "fr") == {"weather"}


def test_every_language_is_tried_on_every_answer(cycling: Script) -> None:
    """A French answer in an English interview is coded with the French keywords."""
    coder = Coder(cycling)
    assert coder.automatic("hard", "cher", "fr") == {"cost"}
    assert coder.automatic("hard", "c'est trop cher", "en") == {"cost"}


def test_a_clause_clearly_in_one_language_gets_that_language_s_keywords(cycling: Script) -> None:
    """'cher' is French for expensive; a clearly English sentence about Cher is not about cost."""
    assert Coder(cycling).automatic("hard", "I was listening to Cher in the car", "en") == set()


def test_a_language_without_keywords_uses_all_of_them(cycling: Script) -> None:
    assert Coder(cycling).automatic("hard", "traffic", "de") == {"danger"}


def matcher(**keywords: str) -> Matcher:
    """A matcher of English keywords, one theme each: `matcher(car="car", lane="bike lane")`."""
    return Matcher(ThemeKeywords(theme, {"en": [k]}) for theme, k in keywords.items())


def test_car_does_not_match_scarf() -> None:
    car = matcher(car="car")
    assert car.themes("my scarf", "en") == set()
    assert car.themes("cars everywhere", "en") == {"car"}
    assert car.themes("the car.", "en") == {"car"}


def test_overlapping_keywords_of_different_themes_both_count() -> None:
    """'bike lane' (infrastructure) and 'bike' (the bicycle) start at the same word."""
    both = matcher(lanes="bike lane", bicycle="bike", road="lane", parking="car park")
    assert both.themes("only one bike lane", "en") == {"lanes", "bicycle", "road"}
    assert both.themes("car park full", "en") == {"parking"}


def test_family_inflection() -> None:
    assert matcher(f="family").themes("families", "en") == {"f"}


def test_probe_answers_add_to_the_question(cycling: Script) -> None:
    answers = [hard("the traffic"), hard("and the rain", probe=1)]
    coding = code_answers(cycling, answers)
    assert coding.themes[(1, "hard")] == {"danger", "weather"}
    assert coding.uncoded == ()


def test_uncoded_answers_are_listed_for_review(cycling: Script) -> None:
    kids = hard("school run with the kids", interview=2)
    coding = code_answers(cycling, [hard("traffic"), kids])
    assert coding.uncoded == (kids,)
    assert coding.themes[(2, "hard")] == frozenset()


def test_questions_outside_the_analysis_are_not_coded(cycling: Script) -> None:
    """Ages and screening answers are not open determinant answers."""
    age = AnswerRecord(1, "age", 0, "34", 34, "en", T)
    assert code_answers(cycling, [age]).themes == {}


def test_the_latest_override_wins(cycling: Script) -> None:
    answer = hard("traffic and rain")
    overrides = [
        CodingOverride(1, "hard", 0, ("cost",), "ana", T + timedelta(hours=2)),
        CodingOverride(1, "hard", 0, ("danger",), "ben", T + timedelta(hours=1)),
    ]
    assert code_answers(cycling, [answer], overrides).themes[(1, "hard")] == {"cost"}


def test_an_empty_override_marks_an_answer_reviewed(cycling: Script) -> None:
    """A researcher saying 'no theme' takes the answer off the review list."""
    kids = hard("kids")
    reviewed = CodingOverride(1, "hard", 0, (), "ana", T)
    coding = code_answers(cycling, [kids], [reviewed])
    assert coding.uncoded == ()
    assert coding.themes[(1, "hard")] == frozenset()


def test_an_override_touches_only_its_own_answer(cycling: Script) -> None:
    answers = [hard("traffic"), hard("kids", probe=1)]
    override = CodingOverride(1, "hard", 1, ("childcare",), "ana", T)
    assert code_answers(cycling, answers, [override]).themes[(1, "hard")] == {
        "danger",
        "childcare",
    }
