"""`perceptions report` from the command line (click's CliRunner)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from tests.report.study import CYCLING, cycling, fresh_repository, planted_interviews, write_study


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner whose settings point at a temporary database and dialogs folder."""
    dialogs = tmp_path / "dialogs"
    dialogs.mkdir()
    shutil.copy(CYCLING, dialogs / "cycling.yaml")
    monkeypatch.chdir(tmp_path)  # no stray .env is read, and the default html lands here
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("DIALOGS_DIR", str(dialogs))
    return CliRunner()


@pytest.fixture
async def stored(tmp_path: Path) -> None:
    """The planted study in the runner's database."""
    repository = await fresh_repository(tmp_path / "cli.db")
    await write_study(repository, cycling(), planted_interviews())
    await repository.close()


@pytest.mark.usefixtures("stored")
def test_json_goes_to_standard_output(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["report", "cycling", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["barriers"][0]["theme"] == "danger"


@pytest.mark.usefixtures("stored")
def test_html_is_written_next_to_you_by_default(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["report", "cycling"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Report written to report-cycling.html\n"
    assert (tmp_path / "report-cycling.html").read_text().startswith("<!doctype html>")


@pytest.mark.usefixtures("stored")
def test_markdown_to_a_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["report", "cycling", "--format", "md", "-o", "r.md"])
    assert result.exit_code == 0, result.output
    assert "## Top barriers" in (tmp_path / "r.md").read_text()


def test_an_unknown_study_is_a_sentence(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["report", "nosuch"])
    assert result.exit_code == 1
    assert "no valid script for study 'nosuch'" in result.output
    assert "Traceback" not in result.output


def test_a_database_never_upgraded_is_set_up_and_says_where_it_is(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["report", "cycling", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "Database: SQLite file " in result.stderr
    assert "No interviews of study cycling in SQLite file " in result.stderr
    assert "Traceback" not in result.output


def test_an_empty_database_gives_a_report_that_says_so(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(cli, ["report", "cycling", "--format", "md", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert "Fieldwork has not produced doers and non-doers yet" in result.stdout


@pytest.mark.usefixtures("stored")
def test_the_dbc_sheet_as_csv_and_markdown(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["report", "cycling", "--format", "dbc", "-o", "dbc.csv"])
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "dbc.csv").read_text().splitlines()
    assert lines[0].startswith("behaviour,priority_group,determinant,direction")
    assert len(lines) == 2
    assert ",Perceived self-efficacy,barrier," in lines[1]
    result = runner.invoke(cli, ["report", "cycling", "--format", "dbc-md"])
    assert result.exit_code == 0, result.output
    assert "| Perceived self-efficacy | barrier | Traffic danger" in result.stdout
