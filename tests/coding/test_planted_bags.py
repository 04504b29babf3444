"""Acceptance (issue #8): the planted bags study ranks its planted barrier and enabler first.

The study (`bench/data/planted_bags/`) was written by someone else, its codebook before the
answers, the way a researcher writes one after a pilot; its top barrier is mostly paraphrased and
some doers negate it ("I never forget them"). It goes through the real `perceptions import` and
`perceptions report` commands, with automatic coding alone (no review).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from bot.cli import cli

PLANTED = Path(__file__).resolve().parents[2] / "bench" / "data" / "planted_bags"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The JSON report of the imported planted study."""
    tmp = tmp_path_factory.mktemp("planted")
    with pytest.MonkeyPatch.context() as env:
        env.chdir(tmp)
        env.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp / 'planted.db'}")
        env.setenv("DIALOGS_DIR", str(PLANTED / "dialogs"))
        env.setenv("PSEUDONYM_KEY", "planted-test-key")
        runner = CliRunner()
        assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
        imported = runner.invoke(
            cli, ["import", "reusable_bags", str(PLANTED / "respondents.csv")]
        )
        assert imported.exit_code == 0, imported.output
        out = tmp / "report.json"
        made = runner.invoke(cli, ["report", "reusable_bags", "--format", "json", "-o", str(out)])
        assert made.exit_code == 0, made.output
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def truth() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((PLANTED / "truth.yaml").read_text(encoding="utf-8"))
    return data


def test_the_planted_barrier_ranks_first(report: dict[str, Any]) -> None:
    top = truth()["top_barrier"]
    first = report["barriers"][0]
    assert (first["question"], first["theme"]) == (top["question"], top["theme"])
    # Non-doers name it far more than doers, as planted (30/45 vs 5/45 by meaning).
    assert first["nondoers_n"] >= first["doers_n"] + 10


def test_the_planted_enabler_ranks_first(report: dict[str, Any]) -> None:
    top = truth()["top_enabler"]
    first = report["enablers"][0]
    assert (first["question"], first["theme"]) == (top["question"], top["theme"])
