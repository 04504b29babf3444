"""Fixtures for the coding tests: the commute study recorded through the engine into SQLite."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.engine import Pick
from bot.script import Script, load_script
from storage import Repository
from tests.exports.recording import HERE, fresh_repository, record, record_study

STUDY = HERE / "study.yaml"


async def record_coding_study(repository: Repository, script: Script) -> None:
    """The export tests' five respondents, plus a doer whose answer no keyword matches."""
    await record_study(repository, script)
    await record(repository, script, "f" * 64,
                 ["Fay", "30", "4", "my colleagues ride with me every day",
                  Pick("confident", "2"), Pick("stage", "pre")], minute=5)


@pytest.fixture
def script() -> Script:
    """The commute study: `easier` is the open question, with themes `lanes` and `weather`."""
    return load_script(STUDY)


@pytest.fixture
async def repository(tmp_path: Path, script: Script) -> AsyncIterator[Repository]:
    """A migrated SQLite database holding the recorded study."""
    repository = await fresh_repository(tmp_path / "coding.db")
    await record_coding_study(repository, script)
    yield repository
    await repository.close()


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, repository: Repository) -> CliRunner:
    """A runner whose settings point at the recorded study's database (the `repository` fixture)."""
    dialogs = tmp_path / "dialogs"
    dialogs.mkdir()
    shutil.copy(HERE / "study.yaml", dialogs / "study.yaml")
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'coding.db'}")
    monkeypatch.setenv("DIALOGS_DIR", str(dialogs))
    return CliRunner()
