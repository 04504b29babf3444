"""How close automatic coding comes to a human coder, feature by feature (issue #8).

Codes the answers of `bench/data/coding/<split>/` with the codebooks of
`bench/data/coding/codebooks/` (written from `train/` only) and prints micro- and macro-F1,
precision and recall against the gold codes: for each matcher feature added in turn, per interview
language, and per theme. Usage:
    .venv/bin/python -m bench.coding [--split heldout|train] [--themes] [--quick] [--planted]

--quick codes a few training answers only (the test suite runs it, so the benchmark can't rot).
--planted scores the planted bags study's own pilot codebook against its gold codes instead
(figures only: the study's answers are never printed).
Goal: held-out micro-F1 >= 0.85 from the codebook alone (a human coder's level), no less than 0.80.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.analysis.matching import STEPS, Features, Matcher, ThemeKeywords  # noqa: E402

DATA = ROOT / "bench" / "data" / "coding"
PLANTED = ROOT / "bench" / "data" / "planted_bags"
CODEBOOKS = DATA / "codebooks"
GOAL, FLOOR = 0.85, 0.80


@dataclass(frozen=True)
class Answer:
    """One evaluation answer: what the coder sees (text, interview language) and the gold codes."""

    id: str
    question: str
    language: str
    text: str
    gold: frozenset[str]


@dataclass
class Question:
    """One evaluation question: its themes and answers."""

    id: str
    themes: list[str]
    answers: list[Answer] = field(default_factory=list)


# A coder: (question id, text, interview language) → themes. The learning curve (reviewed answers
# as examples) plugs in here as another coder.
Coder = Callable[[str, str, str], frozenset[str]]


def load_questions(split: str) -> list[Question]:
    """Every question of one split, with its answers."""
    questions = []
    for path in sorted((DATA / split).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        qid = data["question"]["id"]
        question = Question(qid, [t["id"] for t in data["themes"]])
        for a in data["answers"]:
            text = "" if a["text"] is None else str(a["text"])
            question.answers.append(Answer(a["id"], qid, a["lang"], text, frozenset(a["gold"])))
        questions.append(question)
    return questions


def load_codebooks() -> dict[str, tuple[list[ThemeKeywords], list[str]]]:
    """question id → (its themes' keywords, its interview languages)."""
    out = {}
    for path in sorted(CODEBOOKS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        themes = [
            ThemeKeywords(
                t["id"], t.get("keywords", {}), t.get("exclude", {}), t.get("negated", "ignore")
            )
            for t in data["codebook"]
        ]
        out[data["question"]] = (themes, list(data.get("languages", [])))
    return out


def codebook_coder(features: Features) -> Coder:
    """Automatic coding from the codebooks alone, with these matcher features."""
    matchers = {
        qid: Matcher(themes, languages, features)
        for qid, (themes, languages) in load_codebooks().items()
    }

    def code(question: str, text: str, language: str) -> frozenset[str]:
        matcher = matchers.get(question)
        return matcher.themes(text, language) if matcher else frozenset()

    return code


@dataclass
class Counts:
    """True positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: Iterable[str], found: Iterable[str], theme: str | None = None) -> None:
        g, f = set(gold), set(found)
        if theme is not None:
            g, f = g & {theme}, f & {theme}
        self.tp += len(g & f)
        self.fp += len(f - g)
        self.fn += len(g - f)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Scores:
    """Micro and macro figures over a set of answers."""

    micro: Counts
    per_theme: dict[tuple[str, str], Counts]
    answers: int

    @property
    def macro_f1(self) -> float:
        present = [c for c in self.per_theme.values() if c.tp + c.fn]
        return sum(c.f1 for c in present) / len(present) if present else 0.0


def score(
    questions: Sequence[Question], coder: Coder, keep: Callable[[Answer], bool] = lambda a: True
) -> Scores:
    """Code every kept answer and compare it with the gold codes."""
    micro, per_theme, count = Counts(), {}, 0
    for question in questions:
        for answer in question.answers:
            if not keep(answer):
                continue
            found = coder(question.id, answer.text, answer.language)
            micro.add(answer.gold, found)
            count += 1
            for theme in question.themes:
                per_theme.setdefault((question.id, theme), Counts()).add(
                    answer.gold, found, theme
                )
    return Scores(micro, per_theme, count)


def row(label: str, s: Scores) -> str:
    m = s.micro
    return (
        f"{label:<22} {m.f1:>8.3f} {s.macro_f1:>8.3f} {m.precision:>9.3f} {m.recall:>7.3f}"
        f" {s.answers:>7}"
    )


HEADER = f"{'':<22} {'micro-F1':>8} {'macro-F1':>8} {'precision':>9} {'recall':>7} {'answers':>7}"


def report(
    questions: list[Question],
    *,
    themes: bool,
    make_coder: Callable[[Features], Coder] | None = None,
    out: Any = None,
) -> Scores:
    """Print the feature-by-feature table, the per-language table and (optionally) per theme."""
    print("Feature by feature (each row adds one ability to the matcher):", file=out)
    print(HEADER, file=out)
    out = out or sys.stdout
    make = make_coder or codebook_coder
    final: Scores | None = None
    for label, features in STEPS:
        final = score(questions, make(features))
        print(row(label, final), file=out)
    assert final is not None
    coder = make(STEPS[-1][1])
    languages = sorted({a.language for q in questions for a in q.answers})
    print("\nBy interview language (all features):", file=out)
    print(HEADER, file=out)
    for lang in languages:
        print(row(lang, score(questions, coder, lambda a, lang=lang: a.language == lang)), file=out)
    print("\nBy question (all features):", file=out)
    print(HEADER, file=out)
    for question in questions:
        print(row(question.id[:22], score([question], coder)), file=out)
    if themes:
        print(f"\n{'theme':<44} {'F1':>6} {'prec':>6} {'recall':>6} {'gold':>5}", file=out)
        for (qid, theme), c in sorted(final.per_theme.items()):
            print(
                f"{qid + ' / ' + theme:<44} {c.f1:>6.2f} {c.precision:>6.2f} {c.recall:>6.2f}"
                f" {c.tp + c.fn:>5}",
                file=out,
            )
    return final


def planted_questions() -> list[Question]:
    """The planted study's open answers with their gold codes, as evaluation questions."""
    from bot.script import load_script

    script = load_script(PLANTED / "dialogs" / "reusable-bags.yaml")
    data = yaml.safe_load((PLANTED / "gold.yaml").read_text(encoding="utf-8"))
    questions = {
        q.id: Question(q.id, [t.id for t in q.spec.codebook or ()])
        for q in script.questions
        if q.spec.codebook
    }
    for i, a in enumerate(data["answers"]):
        questions[a["question"]].answers.append(
            Answer(str(i), a["question"], a["language"], str(a["text"] or ""), frozenset(a["gold"]))
        )
    return list(questions.values())


def planted_coder(features: Features) -> Coder:
    """The planted study's own codebook (the pilot's, unchanged) with these features."""
    from bot.analysis.coding import Coder as ScriptCoder
    from bot.script import load_script

    coder = ScriptCoder(load_script(PLANTED / "dialogs" / "reusable-bags.yaml"), features=features)
    return coder.automatic


def main(argv: Sequence[str] | None = None) -> Scores:
    """Print the figures; return the final (all-features) scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--split", default="heldout", choices=["heldout", "train"])
    parser.add_argument("--themes", action="store_true", help="Also print every theme's scores.")
    parser.add_argument("--quick", action="store_true", help="A few training answers only.")
    parser.add_argument("--planted", action="store_true", help="The planted study instead.")
    args = parser.parse_args(argv)
    if args.planted:
        questions = planted_questions()
        print(f"planted bags study: {sum(len(q.answers) for q in questions)} open answers\n")
        return report(questions, themes=args.themes, make_coder=planted_coder)
    questions = load_questions("train" if args.quick else args.split)
    if args.quick:
        for question in questions:
            question.answers = question.answers[:8]
    print(f"split: {'train (quick)' if args.quick else args.split}, "
          f"{sum(len(q.answers) for q in questions)} answers, {len(questions)} questions\n")  # fmt: skip
    final = report(questions, themes=args.themes)
    f1 = final.micro.f1
    verdict = "goal reached" if f1 >= GOAL else "above the floor" if f1 >= FLOOR else "below"
    print(f"\nmicro-F1 {f1:.3f} with every feature: {verdict} (goal {GOAL}, floor {FLOOR})")
    if args.split == "heldout" and not args.quick:
        print(f"{'PASS' if f1 >= GOAL else 'MISS'}: held-out micro-F1 {f1:.3f} from the "
              f"codebooks alone (target ≥ {GOAL})")  # fmt: skip
    return final


if __name__ == "__main__":
    main()
