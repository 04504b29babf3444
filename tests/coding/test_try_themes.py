"""`perceptions try` shows the themes each typed answer gets, so codebooks can be tuned in a pilot."""

from __future__ import annotations

from tests.test_cli_scripts import EXAMPLE, NON_DOER_FR, run


def test_try_shows_the_themes_of_each_open_answer_right_after_it() -> None:
    result = run("try", str(EXAMPLE), "--lang", "fr", stdin="\n".join(NON_DOER_FR) + "\n")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    after = {
        answer: lines[lines.index(f"> {answer}") + 1]
        for answer in (
            "la pluie et les voitures qui roulent trop vite",
            "c'est rapide et je reste au sec quand il pleut",
            "41",
        )
    }
    assert after["la pluie et les voitures qui roulent trop vite"] == (
        "  ↳ themes: bad_weather (Pluie, froid, nuit), traffic_danger (Circulation, sentiment "
        "d'insécurité)"
    )
    assert after["c'est rapide et je reste au sec quand il pleut"].startswith(
        "  ↳ themes: comfort (Confort, rester au sec), speed (Rapidité)"
    )
    assert "themes" not in after["41"]  # closed and number questions have no codebook


def test_try_says_when_no_keyword_matched() -> None:
    answers = [*NON_DOER_FR[:7], "hmm"]
    result = run("try", str(EXAMPLE), "--lang", "fr", stdin="\n".join(answers) + "\n")

    assert "  ↳ themes: none (no keyword matched)" in result.stdout.splitlines()
