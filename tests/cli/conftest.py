"""Running `perceptions` as a person does: a child process in a folder of its own, no stray .env."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
# A token of the right shape; no output may ever contain it.
TOKEN = "123456789:AAHsecretTokenThatMustNeverBePrinted_x"
STRONG_KEY = "k" * 43


@dataclass(frozen=True)
class Ran:
    """What a command did: exit status and everything it printed (stdout then stderr)."""

    status: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def lines(self) -> list[str]:
        return [line for line in self.output.splitlines() if line.strip()]


Perceptions = Callable[..., Ran]


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A folder with the example scripts under dialogs/, as after a fresh clone."""
    shutil.copytree(ROOT / "dialogs", tmp_path / "dialogs")
    return tmp_path


@pytest.fixture
def perceptions(workdir: Path) -> Perceptions:
    """Run `perceptions ARGS…` in `workdir` with only the given settings in the environment."""

    def run(*args: str, env: dict[str, str] | None = None, stdin: str = "",
            timeout: float = 60) -> Ran:
        environment = {"PATH": os.environ.get("PATH", ""), "HOME": str(workdir),
                       "PYTHONPATH": str(ROOT), **(env or {})}
        done = subprocess.run([sys.executable, "-m", "bot", *args], cwd=workdir, input=stdin,
                              capture_output=True, text=True, env=environment, timeout=timeout)
        return Ran(done.returncode, done.stdout, done.stderr)

    return run
