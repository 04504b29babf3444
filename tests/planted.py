"""The planted cycling study's answers, shared by the analysis and report tests.

90 completed interviews, doers and non-doers alternating. Planted: traffic danger is said by about
70% of non-doers and 10% of doers (the barrier); most non-doers drive instead (the competitor).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

AnswerValue = str | int | float | list[str] | None


def planted_answers(seed: int = 7) -> Iterator[tuple[int, bool, dict[str, AnswerValue]]]:
    """(index, is a doer, answers) for each of the 90 completed interviews, reproducibly."""
    rng = random.Random(seed)

    def hard(doer: bool) -> str:
        parts = []
        if rng.random() < (0.1 if doer else 0.7):
            parts.append(rng.choice(["the traffic scares me", "roads are unsafe", "too dangerous"]))
        if rng.random() < 0.35:
            parts.append(rng.choice(["rain", "cold mornings", "the weather"]))
        if rng.random() < 0.2:
            parts.append(rng.choice(["kids to drop at school", "school run with the kids"]))
        return " and ".join(parts) or rng.choice(["nothing really", "not sure"])

    for i in range(90):
        doer = i % 2 == 0
        answers: dict[str, AnswerValue] = {
            "age": 30,
            "days": 4 if doer else 0,
            "stage": "act" if doer else rng.choice(["pre", "act"]),
            "hard": hard(doer),
            "good": rng.choice(["good for my health", "saves money", "fresh air"]),
            "approve": rng.choice(["yes", "no"]),
            "remember": rng.randint(1, 5),
        }
        if not doer:
            # Most non-doers drive, fewer take the bus, few walk.
            answers["instead"] = (
                ["car"] if i % 6 != 1 else ["bus", "walk"] if i % 12 == 1 else ["bus"]
            )
            answers["like"] = rng.choice(["it's warm and dry", "quick", "comfortable seats"])
        yield i, doer, answers
