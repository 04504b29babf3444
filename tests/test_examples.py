"""The example scripts in dialogs/ pass the checker and run end to end through the engine.

Each walk below is a scripted respondent: a list of (the question the bot should be asking, what
the respondent does). Typed answers and button taps are mixed on purpose, as people mix them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.analysis.coding import Coder
from bot.engine import (
    CONSENT,
    DONE,
    Command,
    Input,
    Message,
    Pick,
    TextInput,
    Turn,
    begin,
    handle,
)
from bot.script import Script, check_file, check_source, load_script
from bot.vocabulary import InterviewStatus

DIALOGS = Path(__file__).resolve().parent.parent / "dialogs"
Step = tuple[str, Input]


def talk(script: Script, language: str, steps: Sequence[Step]) -> tuple[Turn, list[Message]]:
    """Play the steps, checking the bot asks each expected question; return the last turn and all it said."""
    turn = begin(script, language=language)
    said = list(turn.messages)
    for expected, event in steps:
        asking = CONSENT if turn.state.asking_consent else turn.state.current
        assert asking == expected, f"expected the bot to ask `{expected}`, but it asks `{asking}`"
        turn = handle(script, turn.state, event)
        said += turn.messages
    return turn, said


def asked(said: list[Message]) -> list[str]:
    """The question ids the respondent was asked, in order, once each."""
    ids = [m.question_id for m in said if m.question_id and m.question_id != CONSENT]
    return list(dict.fromkeys(ids))


@pytest.fixture(scope="module")
def cycling() -> Script:
    """The Barrier Analysis example, in English and French."""
    return load_script(DIALOGS / "cycling-to-work.yaml")


@pytest.mark.parametrize("path", sorted(DIALOGS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_passes_the_checker(path: Path) -> None:
    script, problems = check_file(path)
    assert problems == []
    assert script is not None


def test_the_guide_s_complete_example_passes_the_checker() -> None:
    guide = (DIALOGS / "README.md").read_text(encoding="utf-8")
    example = guide.split("```yaml\n# yaml-language-server")[1].split("```")[0]
    script, problems = check_source(f"# yaml-language-server{example}".encode(), "README.md")
    assert problems == []
    assert script is not None


def _pick(question_id: str, value: str) -> Step:
    return question_id, Pick(question_id, value)


def _say(question_id: str, text: str) -> Step:
    return question_id, TextInput(text)


DOER_EN: list[Step] = [
    _pick(CONSENT, "yes"),
    _say("age", "34"),
    _pick("work_place", "away"),
    _say("distance", "2"),  # the number of the option in the list: "2 to 5 km"
    _say("days_cycled", "4 days"),
    _say("most_weeks", "yes"),
    _pick("can_do", "yes"),
    _say("makes_easier", "The bike lane along the river and showers at work"),
    _say("makes_difficult", "Rain"),  # one word: the bot probes once…
    _say("makes_difficult", "Cold dark mornings in winter"),  # …then moves on
    _say("advantages", "I stay fit and save money on petrol"),
    _say("disadvantages", "Arriving sweaty on hot days"),
    _pick("people_approve", "yes"),
    _say("who_approves", "My wife"),  # short, but these questions are never probed
    _say("who_disapproves", "Nobody"),
    _pick("has_bike", "yes"),
    _say("access", "not difficult at all"),  # a typed label works like a tap
    _pick("remembering", "not_at_all"),
    _pick("susceptibility", "somewhat"),
    _pick("severity", "4"),
    _pick("action_efficacy", "not_likely"),
    _pick("divine_will", "no"),
    _pick("rules", "easier"),
    _pick("customs", "no"),
    _say("what_would_help", "Secure bike parking at the station"),
    _say("motivator", "Health and time with my family"),
    _pick("stage", "maintaining"),
    ("anything_else", Command("skip")),
]

DOER_FR: list[Step] = [
    _say(CONSENT, "oui"),
    _say("age", "52"),
    _say("work_place", "Sur un lieu de travail hors de chez moi"),
    _pick("distance", "under_2"),
    _say("days_cycled", "5"),
    _say("most_weeks", "oui"),
    _say("can_do", "Oui"),
    _say("makes_easier", "Il y a une piste cyclable tout le long"),
    _say("makes_difficult", "Les camions sur le boulevard le matin"),
    _say("advantages", "Je suis en forme et je ne perds pas de temps"),
    _say("disadvantages", "Quand il pleut j'arrive mouillée"),
    _pick("people_approve", "yes"),
    _say("who_approves", "Mes collègues"),
    _say("who_disapproves", "Personne"),
    _say("has_bike", "oui"),
    _pick("access", "somewhat"),
    _say("remembering", "Pas du tout difficile"),
    _pick("susceptibility", "not_likely"),
    _say("severity", "5"),
    _pick("action_efficacy", "not_likely"),
    _pick("divine_will", "maybe"),
    _pick("rules", "both"),
    _pick("customs", "no"),
    _say("what_would_help", "Un forfait mobilité versé par l'employeur"),
    _say("motivator", "Vivre longtemps en bonne santé"),
    _pick("stage", "maintaining"),
    _say("anything_else", "Merci pour cette étude"),
]

NON_DOER_EN: list[Step] = [
    _say(CONSENT, "ok"),
    _say("age", "29"),
    _say("work_place", "1"),
    _pick("distance", "5_to_10"),
    _say("days_cycled", "0"),
    _pick("most_weeks", "no"),
    _pick("can_do", "maybe"),
    _say("makes_easier", "An electric bike for the hills"),
    _say("makes_difficult", "Too much traffic and no showers"),
    _say("advantages", "Good exercise and better for the planet"),
    _say("disadvantages", "don't know"),  # vague: the bot probes
    _say("disadvantages", "Getting soaked in the rain"),
    _pick("people_approve", "maybe"),
    _say("who_approves", "My doctor"),
    _say("who_disapproves", "My mum, she thinks it is dangerous"),
    _say("has_bike", "no"),
    _pick("access", "very"),
    _pick("remembering", "somewhat"),
    _pick("susceptibility", "very"),
    _pick("severity", "3"),
    _pick("action_efficacy", "somewhat"),
    _pick("divine_will", "no"),
    _pick("rules", "none"),
    _pick("customs", "maybe"),
    _pick("instead", "car_alone"),  # multiple choice: tap options, then "Done"
    _pick("instead", "public"),
    _pick("instead", DONE),
    _say("instead_liking", "It is quick and I can drop the kids at school"),
    _say("what_would_help", "A protected lane on the main road"),
    _say("motivator", "A house of our own"),
    _pick("stage", "thinking"),
    ("anything_else", Command("skip")),
]

NON_DOER_FR: list[Step] = [
    _pick(CONSENT, "yes"),
    _say("age", "41"),
    _pick("work_place", "away"),
    _say("distance", "De 5 à 10 km"),
    _say("days_cycled", "1"),
    _say("most_weeks", "non"),
    _say("can_do", "Peut-être"),
    _say("makes_easier", "Un vélo électrique et une piste sécurisée"),
    _say("makes_difficult", "La circulation et les camions"),
    _say("advantages", "Être en forme et faire des économies"),
    _say("disadvantages", "je ne sais pas"),
    _say("disadvantages", "La pluie et arriver en sueur"),
    _pick("people_approve", "maybe"),
    _say("who_approves", "Mes collègues"),
    _say("who_disapproves", "Ma mère"),
    _say("has_bike", "non"),
    _pick("access", "very"),
    _pick("remembering", "somewhat"),
    _pick("susceptibility", "very"),
    _say("severity", "2"),
    _pick("action_efficacy", "somewhat"),
    _pick("divine_will", "no"),
    _pick("rules", "none"),
    _pick("customs", "maybe"),
    _say("instead", "1, 3"),  # typed numbers pick several options at once
    _say("instead_liking", "C'est rapide et je peux lire"),
    _say("what_would_help", "Des douches au bureau"),
    _say("motivator", "Que mes enfants soient heureux"),
    _pick("stage", "thinking"),
    _say("anything_else", "Les automobilistes ne respectent pas les cyclistes"),
]


@pytest.mark.parametrize(
    ("language", "steps"), [("en", DOER_EN), ("fr", DOER_FR)], ids=["en", "fr"]
)
def test_a_doer_completes_the_cycling_interview(
    cycling: Script, language: str, steps: list[Step]
) -> None:
    turn, said = talk(cycling, language, steps)
    assert turn.state.status == InterviewStatus.completed
    assert turn.state.group == "doer"
    assert "instead" not in asked(said)  # the competing behaviour is asked of non-doers only
    assert turn.state.answers["rules"] in ("easier", "both")
    assert isinstance(turn.state.answers["severity"], int)
    assert turn.state.answers["most_weeks"] == "yes"
    assert turn.messages[-1].text == cycling.text(cycling.file.study.closing, language)


def test_the_english_doer_answers_are_recorded(cycling: Script) -> None:
    turn, said = talk(cycling, "en", DOER_EN)
    answers = turn.state.answers
    assert answers["days_cycled"] == 4
    assert answers["distance"] == "2_to_5"
    assert answers["access"] == "not_at_all"
    assert answers["severity"] == 4
    assert answers["anything_else"] is None  # skipped: the question is optional
    probes = [m.text for m in said if m.probe]
    assert probes == ["Could you give me an example?"]  # the self-efficacy probe of `probing:`


@pytest.mark.parametrize(
    ("language", "steps"), [("en", NON_DOER_EN), ("fr", NON_DOER_FR)], ids=["en", "fr"]
)
def test_a_non_doer_completes_the_cycling_interview(
    cycling: Script, language: str, steps: list[Step]
) -> None:
    turn, said = talk(cycling, language, steps)
    assert turn.state.status == InterviewStatus.completed
    assert turn.state.group == "non_doer"
    assert turn.state.answers["instead"] == ["car_alone", "public"]
    assert turn.state.answers["access"] == "very"
    assert asked(said)[-5:] == [
        "instead_liking",
        "what_would_help",
        "motivator",
        "stage",
        "anything_else",
    ]


def test_the_french_interview_pipes_french_texts(cycling: Script) -> None:
    _, said = talk(cycling, "fr", NON_DOER_FR)
    by_id = {m.question_id: m.text for m in said if m.question_id and not m.probe}
    assert "pourriez aller au travail à vélo au moins 3 jours par semaine" in by_id["can_do"]
    assert "des problèmes de santé liés au manque d'activité physique" in by_id["susceptibility"]
    assert "(Seul(e) en voiture, En bus, tram ou train)" in by_id["instead_liking"]
    override = "Pourriez-vous en dire un peu plus ? Le moindre détail nous aide."  # `messages:`
    assert [m.text for m in said if m.probe] == [override]


@pytest.mark.parametrize(
    ("language", "steps"),
    [
        ("en", [_pick(CONSENT, "yes"), _say("age", "16")]),
        ("fr", [_pick(CONSENT, "yes"), _say("age", "30"), _say("work_place", "Surtout chez moi")]),
        (
            "en",
            [
                _pick(CONSENT, "yes"),
                _say("age", "30"),
                _pick("work_place", "away"),
                _pick("distance", "over_10"),
            ],
        ),
    ],
    ids=["too-young", "works-from-home", "lives-too-far"],
)
def test_someone_outside_the_priority_group_is_screened_out(
    cycling: Script, language: str, steps: list[Step]
) -> None:
    turn, said = talk(cycling, language, steps)
    assert turn.state.status == InterviewStatus.screened_out
    assert said[-1].text == cycling.text(cycling.file.study.screened_out, language)
    assert "days_cycled" not in asked(said)


def test_someone_neither_doer_nor_non_doer_is_excluded(cycling: Script) -> None:
    steps = [
        _pick(CONSENT, "yes"),
        _say("age", "45"),
        _pick("work_place", "away"),
        _pick("distance", "under_2"),
        _say("days_cycled", "4"),  # cycled a lot last week…
        _pick("most_weeks", "no"),  # …but not usually: neither group
    ]
    turn, _ = talk(cycling, "en", steps)
    assert turn.state.status == InterviewStatus.excluded
    assert turn.state.group is None


def test_a_household_that_rarely_sorts_walks_the_recycling_survey() -> None:
    script = load_script(DIALOGS / "recycling-cbsm.yaml")
    steps: list[Step] = [
        _pick(CONSENT, "yes"),
        _say("has_bin", "yes"),
        _say("sorts", "Rarely or never"),
        _say("benefits", "Less rubbish going to landfill"),
        _say("barriers", "No space in my small kitchen"),
        _say("barriers", "The bags smell in summer"),  # the answer to "What else?"
        _pick("unsure_items", "yes"),
        _pick("neighbours", "few"),
        _pick("instead", "general_bin"),
        _say("instead_liking", "Everything goes in one bin"),
        _say("would_help", "A caddy"),  # too short: this question asks for a probe
        _say("would_help", "A small caddy that fits under the sink"),
        _pick("stage", "thinking"),
    ]
    turn, said = talk(script, "en", steps)
    assert turn.state.status == InterviewStatus.completed
    assert turn.state.group == "non_doer"
    assert turn.state.answers["sorts"] == "never"
    assert [m.text for m in said if m.probe] == [
        "What else makes it easier or harder for you?",
        "Could you give an example of what that would look like?",
    ]


@pytest.mark.parametrize(
    ("question_id", "language", "answer", "themes"),
    [
        (
            "makes_easier",
            "en",
            "The bike lane by the river, showers at work",
            {"safe_routes", "work_facilities"},
        ),
        (
            "makes_easier",
            "fr",
            "Un vélo électrique et une piste sécurisée",
            {"electric_bike", "safe_routes"},
        ),
        ("makes_difficult", "en", "Cold dark mornings in winter", {"bad_weather"}),
        ("makes_difficult", "fr", "Les camions sur le boulevard le matin", {"traffic_danger"}),
        (
            "advantages",
            "fr",
            "Je suis en forme et je ne perds pas de temps",
            {"health_fitness", "reliable_time"},
        ),
        ("disadvantages", "fr", "Quand il pleut j'arrive mouillée", {"weather"}),
        ("who_disapproves", "en", "My mum, she thinks it is dangerous", {"family"}),
        ("instead_liking", "fr", "C'est rapide et je peux lire", {"speed", "rest"}),
        ("motivator", "fr", "Que mes enfants soient heureux", {"family_wellbeing", "happiness"}),
    ],
)
def test_the_cycling_codebooks_find_themes_in_both_languages(
    cycling: Script, question_id: str, language: str, answer: str, themes: set[str]
) -> None:
    coder = Coder(cycling)
    assert coder.automatic(question_id, answer, language) == themes
