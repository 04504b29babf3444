"""How close automatic coding comes to a human coder, feature by feature (issue #8).

Codes the answers of `bench/data/coding/<split>/` with the codebooks of
`bench/data/coding/codebooks/` (written from `train/` only) and prints micro- and macro-F1,
precision and recall against the gold codes: for each matcher feature added in turn, per interview
language, and per theme. Usage:
    .venv/bin/python -m bench.coding [--split heldout|train] [--themes] [--quick] [--planted]
        [--no-curve]

--quick codes a few training answers only (the test suite runs it, so the benchmark can't rot).
--planted scores the planted bags study's own pilot codebook against its gold codes instead
(figures only: the study's answers are never printed).
The learning curve: a researcher reviews N answers of each question, taken from `train/` (the gold
codes stand for their review); suggested keywords are accepted and the nearest reviewed answers
suggest themes for answers the codebook leaves uncoded; F1 is measured on the held-out half.
With --split train the reviewed answers come from the first half of `train/` and F1 is measured
on its second half (that is where the learning thresholds were tuned).
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


CURVE_SIZES = (0, 10, 25, 50)
ACCEPTED = 2  # the fewest missed answers a keyword must find to be accepted in the curve
CURVE_SEEDS = 5  # random orders of review, averaged: 10 answers are a noisy sample


def reviewed_first(question: Question, seed: int) -> list[Answer]:
    """The question's answers in the order a researcher reviews them (a seeded shuffle)."""
    import random

    order = list(question.answers)
    random.Random(f"{seed}:{question.id}").shuffle(order)
    return order


Codebooks = dict[str, tuple[list[ThemeKeywords], list[str]]]


def learned_coders(
    pool: Sequence[Question], reviewed: int, seed: int, *,
    base: Coder | None = None, codebooks: Codebooks | None = None,
) -> tuple[Coder, Coder, Coder, int]:  # fmt: skip
    """After `reviewed` answers per question: (keywords accepted, neighbours, both), suggestions."""
    from bot.analysis.learning import Example, Neighbours, suggest_keywords, with_keywords

    codebooks = codebooks if codebooks is not None else load_codebooks()
    base = base or codebook_coder(STEPS[-1][1])
    matchers: dict[str, Matcher] = {}
    neighbours: dict[str, Neighbours] = {}
    suggested = 0
    for question in pool:
        themes, languages = codebooks[question.id]
        chosen = reviewed_first(question, seed)[:reviewed]
        examples = [
            Example(a.text, a.language, base(question.id, a.text, a.language), a.gold)
            for a in chosen
        ]
        # A researcher accepts a keyword that finds two missed answers or more, not a one-off.
        found = [s for s in suggest_keywords(examples, themes, languages) if s.finds >= ACCEPTED]
        suggested += len(found)
        added: dict[str, list[tuple[str, str]]] = {}
        for s in found:
            added.setdefault(s.theme, []).append((s.language, s.keyword))
        matchers[question.id] = Matcher(with_keywords(themes, added), languages)
        neighbours[question.id] = Neighbours([(a.text, a.gold) for a in chosen])

    def keywords(question: str, text: str, language: str) -> frozenset[str]:
        return matchers[question].themes(text, language)

    def similar(question: str, text: str, language: str) -> frozenset[str]:
        found = base(question, text, language)
        return found or _neighbour_themes(neighbours[question], text)

    def both(question: str, text: str, language: str) -> frozenset[str]:
        found = keywords(question, text, language)
        return found or _neighbour_themes(neighbours[question], text)

    return keywords, similar, both, suggested


def _neighbour_themes(neighbours: Any, text: str) -> frozenset[str]:
    return frozenset(s.theme for s in neighbours.suggest([text])[0])


def learning_curve(
    pool: Sequence[Question], measured: Sequence[Question], *, sizes: Sequence[int] = CURVE_SIZES,
    seeds: int = CURVE_SEEDS, out: Any = None, base: Callable[[Features], Coder] | None = None,
    codebooks: Codebooks | None = None,
) -> dict[int, tuple[float, float, float]]:
    """Print micro-F1 on `measured` after N answers per question of `pool` were reviewed."""
    print("\nLearning curve (N answers of each question reviewed; mean of "
          f"{seeds} review orders; micro-F1 on the measured answers):", file=out)  # fmt: skip
    print(f"{'reviewed':>8} {'keywords':>9} {'neighbours':>10} {'both':>7} {'suggested':>9}",
          file=out)
    curve: dict[int, tuple[float, float, float]] = {}
    for size in sizes:
        totals = [0.0, 0.0, 0.0]
        suggested = 0
        for seed in range(seeds):
            *coders, count = learned_coders(
                pool, size, seed, base=base(STEPS[-1][1]) if base else None, codebooks=codebooks
            )
            suggested += count
            for i, coder in enumerate(coders):
                totals[i] += score(measured, coder).micro.f1
        mean = (totals[0] / seeds, totals[1] / seeds, totals[2] / seeds)
        curve[size] = mean
        print(f"{size:>8} {mean[0]:>9.3f} {mean[1]:>10.3f} {mean[2]:>7.3f} "
              f"{suggested / seeds:>9.1f}", file=out)  # fmt: skip
    return curve


def split_halves(questions: Sequence[Question]) -> tuple[list[Question], list[Question]]:
    """Each question's answers cut in two: the first half to review, the second to measure."""
    first, second = [], []
    for q in questions:
        half = len(q.answers) // 2
        first.append(Question(q.id, q.themes, q.answers[:half]))
        second.append(Question(q.id, q.themes, q.answers[half:]))
    return first, second


def planted_codebooks() -> Codebooks:
    """The planted study's pilot codebooks, as the benchmark's codebooks."""
    from bot.script import load_script

    script = load_script(PLANTED / "dialogs" / "reusable-bags.yaml")
    return {
        q.id: (
            [ThemeKeywords(t.id, t.keywords, t.exclude, t.negated.value)
             for t in q.spec.codebook or ()],
            script.languages,
        )
        for q in script.questions
        if q.spec.codebook
    }  # fmt: skip


def main(argv: Sequence[str] | None = None) -> Scores:
    """Print the figures; return the final (all-features) scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--split", default="heldout", choices=["heldout", "train"])
    parser.add_argument("--themes", action="store_true", help="Also print every theme's scores.")
    parser.add_argument("--quick", action="store_true", help="A few training answers only.")
    parser.add_argument("--planted", action="store_true", help="The planted study instead.")
    parser.add_argument("--no-curve", action="store_true", help="Skip the learning curve.")
    args = parser.parse_args(argv)
    if args.planted:
        questions = planted_questions()
        print(f"planted bags study: {sum(len(q.answers) for q in questions)} open answers\n")
        final = report(questions, themes=args.themes, make_coder=planted_coder)
        if not args.no_curve:
            pool, measured = split_halves(questions)
            learning_curve(pool, measured, sizes=(0, 10, 25, 50), base=planted_coder,
                           codebooks=planted_codebooks())
        return final
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
    if args.no_curve:
        return final
    if args.quick:
        pool, measured = split_halves(questions)
        learning_curve(pool, measured, sizes=(0, 2), seeds=1)
    elif args.split == "train":
        pool, measured = split_halves(questions)
        learning_curve(pool, measured, sizes=(0, 10, 25))
    else:
        learning_curve(load_questions("train"), questions)
    return final


if __name__ == "__main__":
    main()
