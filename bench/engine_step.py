"""Benchmark: the engine's time per step on the Barrier Analysis example (target: median ≤ 0.2 ms).

Simulated respondents answer with valid, random answers (buttons, typed numbers, open text) until their
interview ends; every `handle` call is timed.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

from bot.engine import DONE, Input, Message, Pick, State, TextInput, Turn, begin, handle
from bot.script import QuestionType, Script, load_script

SCRIPT = Path(__file__).resolve().parent.parent / "dialogs" / "cycling-to-work.yaml"
WORDS = "the bus is cheaper and faster but cycling keeps me fit when it does not rain".split()


def answer(script: Script, state: State, asked: Message, rng: random.Random) -> Input:
    """A plausible answer to the question just asked."""
    if asked.question_id is None:
        return TextInput("ok")
    if asked.buttons and not asked.multiple:
        return Pick(asked.question_id, rng.choice(asked.buttons).value)
    if asked.multiple:
        options = [b.value for b in asked.buttons if b.value != DONE]
        if not asked.selected:
            return Pick(asked.question_id, rng.choice(options))
        return Pick(asked.question_id, DONE)
    question = script.by_id[asked.question_id]
    if question.type == QuestionType.number:
        low = int(question.spec.min if question.spec.min is not None else 0)
        high = int(question.spec.max if question.spec.max is not None else 10)
        return TextInput(str(rng.randint(low, high)))
    return TextInput(" ".join(rng.choices(WORDS, k=rng.randint(1, 8))))


def run(path: Path = SCRIPT, interviews: int = 500, seed: int = 7) -> list[float]:
    """Time every step of `interviews` simulated interviews; returns milliseconds per step."""
    script = load_script(path)
    rng = random.Random(seed)
    timings: list[float] = []
    for n in range(interviews):
        turn: Turn = begin(script, language=script.languages[n % len(script.languages)])
        asked = turn.messages[-1]
        state = turn.state
        for _ in range(500):
            if state.status.ended:
                break
            event = answer(script, state, asked, rng)
            started = time.perf_counter_ns()
            turn = handle(script, state, event)
            timings.append((time.perf_counter_ns() - started) / 1e6)
            state = turn.state
            asked = turn.keyboard or (turn.messages[-1] if turn.messages else asked)
    return timings


def main() -> None:
    """Print median and p99 per step: `python -m bench.engine_step [SCRIPT] [INTERVIEWS] [--quick]`.

    --quick walks 20 interviews only (the test suite runs it, so the benchmark can't rot).
    """
    args = [a for a in sys.argv[1:] if a != "--quick"]
    quick = len(args) < len(sys.argv) - 1
    path = Path(args[0]) if args else SCRIPT
    timings = run(path, 20 if quick else int(args[1]) if len(args) > 1 else 500)
    timings.sort()
    p99 = timings[int(len(timings) * 0.99) - 1]
    print(f"engine step on {path.name}: {len(timings):,} steps")
    print(f"  median {statistics.median(timings):.4f} ms   p99 {p99:.4f} ms   (target: median <= 0.2 ms)")


if __name__ == "__main__":
    main()
