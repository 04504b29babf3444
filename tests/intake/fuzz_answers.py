"""What a fuzz respondent answers, and every way they might type it.

`intended` is the persona's answer to a question (a doer or a non-doer, fitting the study or not);
`typings` lists how people type that answer — the option's number, its label in any case, yes/no
words, "34 years", Arabic-Indic or full-width digits, picks as "1, 3" or "1 et 3" — each with the
value storage must then hold. `invalid_typings` are answers no question should accept.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from bot.script import CompiledQuestion, QuestionType, Script
from bot.testing.fake_updates import UNICODE_TEXTS, long_text

_Q = QuestionType
# Open answers as people write them: long and short (short ones get a follow-up), vague ones too.
OPEN_ANSWERS = (
    "Safe separate bike lanes along the main road would really help me",
    "Showers and lockers at the office",
    "My colleagues cycle too and we ride together",
    "Rain",
    "don't know",
    "not really",
    "Des pistes cyclables séparées sur la grande route",
    "It saves money on petrol and I feel fitter",
    "Too much traffic and the lorries scare me",
    "My wife",
    "nothing",
    "  spaces around this answer  ",
    *UNICODE_TEXTS,
)
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
CIRCLED = "⓪⓵⓶⓷⓸⓹⓺⓻⓼⓽"  # double-circled digits: `isdigit()` but not decimal


@dataclass(frozen=True)
class Typed:
    """A typed answer: the text sent, the value storage must hold if taken, and its kind."""

    value: Any
    text: str
    kind: str
    certain: bool = True  # False: the bot may as well ask again (unusual digits, a pause)


def intended(rng: random.Random, question: CompiledQuestion, *, doer: bool,
             misfit: bool) -> Any:
    """The persona's answer: screening and classification as the persona is, the rest at random."""
    values = [o.value for o in question.options]
    persona: dict[str, Any] = {
        "age": rng.randint(12, 17) if misfit else rng.randint(18, 79),
        "work_place": rng.choice(["home", "not_working"]) if misfit else "away",
        "distance": "over_10" if misfit else rng.choice(["under_2", "2_to_5", "5_to_10"]),
        "days_cycled": rng.randint(3, 7) if doer else rng.randint(0, 2),
        "most_weeks": "yes" if doer else "no",
    }
    if question.id in persona:
        return persona[question.id]
    spec = question.spec
    if question.type == _Q.number:
        return rng.randint(int(spec.min or 0), int(spec.max if spec.max is not None else 100))
    if question.type == _Q.scale:
        return int(rng.choice(values))
    if question.type == _Q.multiple_choice:
        least = int(spec.min) if spec.min is not None else 1
        most = min(3, int(spec.max) if spec.max is not None else len(values))
        picked = set(rng.sample(values, rng.randint(least, max(least, most))))
        return [v for v in values if v in picked]
    if question.type == _Q.text:
        if rng.random() < 0.02:
            return long_text()
        return rng.choice(OPEN_ANSWERS).strip()
    return rng.choice(values)


def _text(value: str) -> list[Typed]:
    kind = "long_text" if len(value) > 1000 else "text" if value.isascii() else "unicode_text"
    return [Typed(value, value, kind), Typed(value, f"  {value} ", kind)]


def typings(script: Script, question: CompiledQuestion | None, value: Any, lang: str, *,
            circled: bool = False) -> list[Typed]:
    """Ways to type `value` for the question (None: a follow-up, answered with text)."""
    if question is None or question.type == _Q.text:
        return _text(str(value))
    kind = question.type
    if kind == _Q.number:
        unit = "ans" if lang == "fr" else "years"
        return [Typed(value, str(value), "typed_number"),
                Typed(value, f"{value} {unit}", "typed_number"),
                Typed(value, str(value).translate(ARABIC_INDIC), "unicode_digits", certain=False),
                Typed(value, str(value).translate(FULL_WIDTH), "unicode_digits", certain=False)]
    values = [o.value for o in question.options]
    labels = {o.value: script.text(o.label, lang) for o in question.options}
    if kind == _Q.multiple_choice:
        numbers = [str(values.index(v) + 1) for v in value]
        joiner = " et " if lang == "fr" else " and "
        return [Typed(value, ", ".join(numbers), "typed_picks"),
                Typed(value, " ".join(numbers), "typed_picks"),
                Typed(value, joiner.join(numbers), "typed_picks")]
    position = str(values.index(str(value)) + 1)
    if kind == _Q.scale:  # a scale is typed as its point, not its position
        typed = [Typed(value, str(value), "typed_number")]
    else:
        typed = [Typed(value, position, "typed_number"),
                 Typed(value, position.translate(ARABIC_INDIC), "unicode_digits", certain=False)]
    label = labels[str(value)]
    if label != str(value):
        typed += [Typed(value, label, "typed_label"), Typed(value, f"{label.upper()}!", "typed_label")]
    if kind == _Q.yes_no:
        word = {"yes": {"fr": "oui"}, "no": {"fr": "non"}}[str(value)].get(lang, str(value))
        typed.append(Typed(value, word, "typed_label"))
    if circled and kind != _Q.scale:
        typed = [Typed(value, CIRCLED[int(position)], "circled_digit", certain=False)]
    return typed


def invalid_typings(question: CompiledQuestion) -> list[str]:
    """Answers the question must refuse (none for open questions: any text is an answer)."""
    kind = question.type
    if kind == _Q.number:
        return ["banana", "-5", "999", "2.5", "2 or 3"]
    if kind == _Q.multiple_choice:
        return ["1, 99", "purple elephant"]
    if kind in (_Q.single_choice, _Q.yes_no, _Q.scale):
        return ["purple elephant", "0", str(len(question.options) + 3)]
    return []
