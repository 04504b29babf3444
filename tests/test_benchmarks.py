"""Every benchmark of `make bench` still runs: its quick mode, in seconds, prints its figures.

A benchmark nobody runs rots (one waited forever for a bot message that had been merged into
another); the list comes from the Makefile, so a new benchmark without a quick-mode test fails here.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.storage.conftest import postgres_or_skip

ROOT = Path(__file__).resolve().parent.parent

# Benchmarks whose quick mode is run (and its figures checked) by a test of their own area.
ELSEWHERE = {
    "import": ROOT / "tests" / "imports" / "test_bench_import.py",
    "coding": ROOT / "tests" / "coding" / "test_bench_coding.py",
    "broadcast": ROOT / "tests" / "outreach" / "test_bench_broadcast.py",
}
# What each benchmark's quick run must print: a figure, so a run that printed nothing fails.
FIGURES = {
    "engine_step": r"median [\d.]+ ms\s+p99 [\d.]+ ms",
    "record_answer": r"sqlite .*\d",
    "interview_bot": r"interview bot : \d+ updates from 10 chats.*updates/s, latency p50 \d+ ms",
    "export": r"perceptions export --format long: [\d.]+ s wall",
    "report": r"time [\d.]+ s \(target",
    "analysis": r"analyse\(\) end to end, generation subtracted: [\d.]+ s",
    "emerging": r"tuning: \d+ answers in \d+ questions → \d+ suggestions",
    "sandbox_roundtrip": r"answer → next question on the page, 9 answers: median [\d.]+ ms",
    "workers": r"2 workers:\s+\d+ updates/s, latency p50\s+\d+ ms.*answers (\d+)/\1, in order: yes",
}
NEEDS_POSTGRES = {"workers"}


def benchmarks() -> list[str]:
    """The BENCHMARKS list of the Makefile (what `make bench` runs)."""
    found = re.search(r"^BENCHMARKS := (.+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert found, "the Makefile lists no BENCHMARKS"
    return found.group(1).split()


def test_every_benchmark_has_a_quick_mode_test() -> None:
    for name in benchmarks():
        if name in ELSEWHERE:
            assert "--quick" in ELSEWHERE[name].read_text(), name
        else:
            assert name in FIGURES, f"bench/{name}.py has no quick-mode test: add it to FIGURES"


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_the_benchmark_runs_in_quick_mode(name: str) -> None:
    if name in NEEDS_POSTGRES:
        postgres_or_skip()
    done = subprocess.run([sys.executable, "-m", f"bench.{name}", "--quick"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(FIGURES[name], done.stdout), done.stdout
