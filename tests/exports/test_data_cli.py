"""`perceptions db upgrade`, `import` and `export` from the command line (click's CliRunner)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from tests.exports.recording import HERE


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner whose settings point at a temporary database and dialogs folder."""
    dialogs = tmp_path / "dialogs"
    dialogs.mkdir()
    shutil.copy(HERE / "study.yaml", dialogs / "study.yaml")
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("DIALOGS_DIR", str(dialogs))
    monkeypatch.setenv("PSEUDONYM_KEY", "cli-test-key")
    return CliRunner()


def test_upgrade_import_then_export_wide_with_bom(runner: CliRunner, tmp_path: Path) -> None:
    upgraded = runner.invoke(cli, ["db", "upgrade"]).output
    assert upgraded.startswith("Created the perceptions tables in SQLite file ")
    paper = tmp_path / "paper.csv"
    paper.write_text("respondent,name,age,days,easier,confident\nP-1,Ann,30,4,lanes all the way,2\n")
    imported = runner.invoke(cli, ["import", "commute", str(paper)])
    assert imported.exit_code == 0, imported.output
    assert "Imported 1 interview into study commute: 1 completed (1 doer, 0 non-doers)." in (
        imported.output)

    out = tmp_path / "wide.csv"
    exported = runner.invoke(cli, ["export", "commute", "--format", "wide", "-o", str(out),
                                   "--bom"])
    assert exported.exit_code == 0, exported.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert [(r["status"], r["group"], r["days"], r["confident"]) for r in rows] == [
        ("completed", "doer", "4", "2")
    ]


def test_export_long_to_standard_output(runner: CliRunner) -> None:
    runner.invoke(cli, ["db", "upgrade"])
    result = runner.invoke(cli, ["export", "commute"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("respondent,interview,status,group")


def test_a_bad_file_lists_its_problems_and_stores_nothing(
    runner: CliRunner, tmp_path: Path
) -> None:
    runner.invoke(cli, ["db", "upgrade"])
    bad = tmp_path / "bad.csv"
    bad.write_text("respondent,days\nP-1,lots\nP-2,99\n")
    result = runner.invoke(cli, ["import", "commute", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: row 2, column `days`: 'lots' is not a number." in result.output
    assert f"{bad}: row 3, column `days`: '99' is above the maximum of 7." in result.output
    assert "Error: nothing was imported: 2 problems to fix first." in result.output
    assert "Traceback" not in result.output


def test_an_unknown_study_is_a_sentence(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["export", "nosuch"])
    assert result.exit_code == 1
    assert "no valid script for study 'nosuch'" in result.output
