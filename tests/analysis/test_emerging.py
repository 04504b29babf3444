"""Emerging themes worth a researcher's time, and saturation judged only on what is coded."""

from __future__ import annotations

import re

import pytest
from analysis_fakes import StudyBuilder, planted_study

from bench.emerging import score
from bot.analysis import analyse
from bot.analysis.answer_words import answer_words
from bot.analysis.emerging import emerging_themes
from bot.report.render_md import render_markdown
from bot.script import Script

NON_ANSWERS = ["idk", "dunno", "nada", "meh", "no sé", "rien", "Nothing really", "ni idea 🤷",
               "je sais pas", "n/a", "?", "nope", "no idea tbh", "bof", "nada, la verdad"]  # fmt: skip


@pytest.mark.parametrize("text", NON_ANSWERS)
def test_non_answers_are_recognised_in_every_language(text: str) -> None:
    assert answer_words(text).filler


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("I didn't know where to park", ["know", "park"]),
        ("les pistes cyclables s'arrêtent avant l'école", ["pistes", "cyclables", "arrêtent",
                                                           "école"]),
        ("no sé, no tengo tiempo", ["tiempo"]),
        ("My car is far", ["car", "far"]),
        ("je prends la voiture car c'est rapide", ["prends", "voiture", "rapide"]),
    ],
)  # fmt: skip
def test_content_words_are_whole_words_without_stop_words(text: str, words: list[str]) -> None:
    """Contractions stay whole ("didn't" is a stop word, never "didn"); "car" is French for because."""
    assert [w.written for w in answer_words(text).words] == words


def test_filler_never_becomes_a_suggestion() -> None:
    texts = NON_ANSWERS * 3 + [
        "no parking at the station", "parking is full by 8", "can't find parking near work",
        "nowhere to park my bike", "parking costs a fortune", "the parking is always full",
    ]  # fmt: skip
    [theme] = emerging_themes("hard", texts)
    assert theme.label.startswith("parking")
    assert theme.size == 6
    assert 2 <= len(theme.examples) <= 3
    assert all("park" in e for e in theme.examples)


def test_near_duplicates_are_one_suggestion_labelled_with_words_people_wrote() -> None:
    texts = [
        "my bike got stolen", "bike stolen twice at the station", "they stole my bike",
        "bikes get stolen here", "I'm scared my bike gets stolen", "stolen bike last year",
        "didn't know where to lock it", "didn't know where to park it safely",
    ]  # fmt: skip
    themes = emerging_themes("hard", texts)
    stolen = [t for t in themes if any("stolen" in e for e in t.examples)]
    assert len(stolen) == 1
    words = {w for t in themes for w in re.findall(r"[\w']+", t.label)}
    assert words <= {w for text in texts for w in re.findall(r"[\w']+", text.lower())}
    assert not words & {"didn", "didn't", "the", "my", "to", "where"}  # no stems, no stop words


def test_on_the_tuning_answers_no_filler_no_stubs_few_duplicates() -> None:
    """bench/data/emerging/tuning.yaml: uncoded answers in en, es and fr with gold themes."""
    scores, suggestions = score("tuning")
    assert scores.filler == 0
    assert scores.stub_labels == 0
    assert scores.few_examples == 0
    assert scores.duplicates_same_language <= 1
    assert scores.themes_found >= scores.themes - 1
    assert len(suggestions) <= 3 * scores.questions * 3  # a few per gold theme at most


def _coded_study(completed: int, hard: list[str]) -> StudyBuilder:
    """Completed interviews, doers and non-doers in turn, answering `hard` with the texts in turn."""
    study = StudyBuilder()
    for i in range(completed):
        doer = i % 2 == 0
        study.interview("completed", "doer" if doer else "non_doer",
                        {"days": 4 if doer else 0, "hard": hard[i % len(hard)],
                         "good": "saves money"})  # fmt: skip
    return study


def test_saturation_is_reached_when_answers_are_coded_and_nothing_is_new(cycling: Script) -> None:
    """Non-answers ("idk") hide no theme: they do not hold saturation back."""
    study = _coded_study(32, ["the traffic", "rain", "idk", "nothing really"])
    health = analyse(cycling, study.interviews, study.answers).fieldwork
    assert health.saturation == "reached"
    assert (health.open_answers, health.uncoded, health.filler) == (64, 16, 16)
    assert health.uncoded_share == 0


def test_saturation_is_never_claimed_while_many_answers_are_uncoded(cycling: Script) -> None:
    """A third of the answers match no theme: the report says what blocks saturation instead."""
    study = _coded_study(48, ["the traffic", "kids to school", "no shower at work"])
    summary = analyse(cycling, study.interviews, study.answers)
    health = summary.fieldwork
    assert health.recent_new_themes == ()
    assert health.uncoded_share == pytest.approx(32 / 96)  # "good" is always coded
    assert health.saturation == "uncoded"
    report = render_markdown(summary)
    assert "Saturation cannot be judged yet: 33% of open answers have no theme" in report
    assert "no theme was heard for the first time" not in report


def test_saturation_needs_interviews_to_compare(cycling: Script) -> None:
    study = _coded_study(12, ["the traffic", "rain"])
    assert analyse(cycling, study.interviews, study.answers).fieldwork.saturation == "too_few"


def test_new_themes_in_the_last_interviews_mean_not_saturated(cycling: Script) -> None:
    study = planted_study()
    study.interview("completed", "doer", {"days": 5, "hard": "too expensive"})
    health = analyse(cycling, study.interviews, study.answers).fieldwork
    assert health.saturation == "new_themes"
    assert health.recent_new_themes == (("hard", "cost"),)
