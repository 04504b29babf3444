"""The researcher's script commands, run as a researcher runs them: `perceptions check` and `try`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "dialogs" / "cycling-to-work.yaml"

# A non-doer, in French, answering every question by typing (numbers for choices, words for the rest).
NON_DOER_FR = [
    "1",  # consent
    "41",  # age
    "1",  # works away from home
    "2",  # 2 to 5 km
    "0",  # days cycled
    "non",  # most weeks like that?
    "2",  # could do it: maybe
    "des pistes cyclables sûres tout le long du trajet",
    "la pluie et les voitures qui roulent trop vite",
    "je serais en meilleure forme et ça ne coûte rien",
    "arriver en sueur au bureau sans douche",
    "2",
    "ma femme",
    "mes collègues",
    "oui",  # has a bike
    "1",
    "2",
    "3",
    "4",  # severity scale
    "1",
    "3",
    "4",
    "3",
    "1, 3",  # instead: car alone + public transport
    "c'est rapide et je reste au sec quand il pleut",
    "un parking à vélos sécurisé au travail",
    "être en bonne santé pour mes enfants",
    "2",  # stage
    "/skip",  # anything else: optional
]


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_try_with_piped_answers_prints_what_was_collected_and_the_classification() -> None:
    result = run("try", str(EXAMPLE), "--lang", "fr", stdin="\n".join(NON_DOER_FR) + "\n")

    assert result.returncode == 0, result.stderr
    summary = result.stdout.split("— Answers —")[1].splitlines()
    assert "age: 41" in summary
    assert "days_cycled: 0" in summary
    assert "most_weeks: Non" in summary
    assert "has_bike: Oui" in summary
    assert "anything_else: (skipped)" in summary
    assert any(line.startswith("instead: ") and "," in line for line in summary)
    assert "makes_easier: des pistes cyclables sûres tout le long du trajet" in summary
    assert "Status: completed" in summary
    assert "Classification: non-doer" in summary


def test_try_forgets_an_answer_whose_branch_was_closed_by_going_back() -> None:
    mini = ROOT / "tests" / "scripts" / "mini.yaml"
    typed = ["1", "Ann", "30", "0", "1", "/back", "/back", "5"]  # non-doer, then a doer after all
    result = run("try", str(mini), stdin="\n".join(typed) + "\n")

    assert result.returncode == 0, result.stderr
    summary = result.stdout.split("— Answers —")[1].splitlines()
    assert "days: 5" in summary
    assert not any(line.startswith("instead") for line in summary)  # asked of non-doers only


def test_try_shows_numbered_choices_and_re_asks_after_a_wrong_answer() -> None:
    result = run("try", str(EXAMPLE), stdin="1\nforty\n")

    assert "  1. Yes, let's start" in result.stdout
    assert "> forty" in result.stdout
    assert "Please answer with a number" in result.stdout
    assert "Status: active" in result.stdout
    assert "(the interview was left unfinished)" in result.stdout


def test_try_stops_at_a_broken_script_with_its_problems(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\nstudy: {}\n", encoding="utf-8")

    result = run("try", str(broken))

    assert result.returncode == 1
    assert f"{broken}:2:8: missing `id`" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_passes_on_the_examples_with_a_summary_line_each() -> None:
    result = run("check", "dialogs")

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(list((ROOT / "dialogs").glob("*.yaml")))
    assert all(": ok — study " in line for line in lines)


def test_check_lists_every_problem_and_fails(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(EXAMPLE.read_bytes().replace(b"type: number", b"type: numbr", 1))
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")

    result = run("check", str(tmp_path))

    assert result.returncode == 1
    assert f"{empty}:1:1: the file is empty; a script starts with `version: 1`" in result.stdout
    assert f"{bad}:" in result.stdout
    assert "`numbr` is not allowed for `type`" in result.stdout
    assert "2 of 2 scripts have problems." in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
