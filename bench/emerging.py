"""How clean the emerging-theme suggestions are, on uncoded answers with gold themes.

For each question of `bench/data/emerging/<half>.yaml`: suggestions made, how many are filler
(most of their examples are non-answers), duplicates (most of their examples share a gold theme
with a larger suggestion), labels with a word that no example holds as a whole word (a stem such
as "didn"), suggestions with fewer than two examples, and gold themes found.
Usage: python -m bench.emerging [--half tuning|heldout|both]
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.analysis.answer_words import guess_language, tokens
from bot.analysis.emerging import EmergingTheme, emerging_themes

DATA = Path(__file__).resolve().parent / "data" / "emerging"


@dataclass(frozen=True)
class Scores:
    """What one half's suggestions look like."""

    questions: int
    answers: int
    suggestions: int
    filler: int
    duplicates: int
    duplicates_same_language: int
    mixed: int
    stub_labels: int
    few_examples: int
    themes_found: int
    themes: int
    seconds: float


def load(half: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(question id, [(gold, answer)]) for every question of a half."""
    data = yaml.safe_load((DATA / f"{half}.yaml").read_text(encoding="utf-8"))
    out = []
    for question in data["questions"]:
        pairs = [line.split(" | ", 1) for line in question["answers"].splitlines() if line.strip()]
        out.append((question["id"], [(gold.strip(), text.strip()) for gold, text in pairs]))
    return out


def _gold_of(theme: EmergingTheme, gold: dict[str, str]) -> str:
    """The gold theme most of a suggestion's examples have (what the researcher reads)."""
    return Counter(gold.get(e, "?") for e in theme.examples).most_common(1)[0][0]


def _language(theme: EmergingTheme, usual: str | None) -> str | None:
    """The language most of a suggestion's examples are in (the question's usual one on a tie)."""
    guesses = [guess_language([w for w, _ in tokens(e)], usual) for e in theme.examples]
    return Counter(guesses).most_common(1)[0][0]


def _usual(texts: list[str]) -> str | None:
    """The language most answers to a question are in."""
    guesses = [guess_language([w for w, _ in tokens(t)]) for t in texts]
    return Counter(g for g in guesses if g).most_common(1)[0][0]


def _stub(theme: EmergingTheme) -> bool:
    """A label word that is not a whole word of any of the suggestion's examples."""
    texts = " ".join(theme.examples).casefold()
    for word in re.findall(r"\w+(?:['’]\w+)*", theme.label.casefold()):
        if not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", texts):
            return True
    return False


def score(half: str) -> tuple[Scores, list[EmergingTheme]]:
    """Run the suggestions on every question of a half and score them."""
    totals = Counter[str]()
    found_all: list[EmergingTheme] = []
    themes_found = themes = 0
    start = time.perf_counter()
    for question, pairs in load(half):
        gold = {text: label for label, text in pairs}
        suggestions = emerging_themes(question, [text for _, text in pairs])
        found_all += suggestions
        usual = _usual([text for _, text in pairs])
        seen: set[str] = set()
        seen_in: set[tuple[str, str | None]] = set()
        for theme in suggestions:
            label, language = _gold_of(theme, gold), _language(theme, usual)
            totals["filler"] += label == "filler"
            totals["duplicates"] += label != "filler" and label in seen
            totals["same_language"] += label != "filler" and (label, language) in seen_in
            totals["mixed"] += len({gold.get(e) for e in theme.examples}) > 1
            totals["stub"] += _stub(theme)
            totals["few"] += len(theme.examples) < 2
            seen.add(label)
            seen_in.add((label, language))
        real = {label for label, _ in pairs} - {"filler"}
        themes += len(real)
        themes_found += len(real & seen)
        totals["answers"] += len(pairs)
    seconds = time.perf_counter() - start
    scores = Scores(
        len(load(half)), totals["answers"], len(found_all), totals["filler"],
        totals["duplicates"], totals["same_language"], totals["mixed"], totals["stub"],
        totals["few"], themes_found, themes, seconds,
    )  # fmt: skip
    return scores, found_all


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=["tuning", "heldout", "both"], default="heldout")
    parser.add_argument("--show", action="store_true", help="Also print every suggestion.")
    parser.add_argument("--quick", action="store_true",
                        help="the tuning half only: checks it still runs")
    args = parser.parse_args()
    if args.quick:
        args.half = "tuning"
    for half in ["tuning", "heldout"] if args.half == "both" else [args.half]:
        s, suggestions = score(half)
        print(
            f"{half}: {s.answers} answers in {s.questions} questions → {s.suggestions} suggestions: "
            f"{s.filler} filler, {s.duplicates} duplicates ({s.duplicates_same_language} in the "
            f"same language), {s.mixed} mixing themes in their examples, {s.stub_labels} stub "
            f"labels, {s.few_examples} with < 2 examples; gold themes found "
            f"{s.themes_found}/{s.themes} "
            f"({s.seconds:.2f} s)"
        )
        ok = s.filler == 0 and s.stub_labels == 0 and s.few_examples == 0
        print(f"{'PASS' if ok else 'MISS'}: {half}: {s.filler} filler suggestions, "
              f"{s.stub_labels} stub labels (target 0, 0)")  # fmt: skip
        if args.show:
            for t in suggestions:
                print(f"  {t.question}: {t.label!r} ({t.size}) — {' | '.join(t.examples)}")


if __name__ == "__main__":
    main()
