"""Fixtures: the cycling script and a SQLite database holding the planted study."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.analysis import Summary
from bot.report.build import load_summary
from bot.script import Script
from storage import Repository
from tests.report.study import cycling, fresh_repository, planted_interviews, write_study


@pytest.fixture(scope="session")
def script() -> Script:
    """Cycling to work."""
    return cycling()


@pytest.fixture
async def planted(tmp_path: Path, script: Script) -> AsyncIterator[Repository]:
    """A database with the 93 generated interviews."""
    repository = await fresh_repository(tmp_path / "planted.db")
    await write_study(repository, script, planted_interviews())
    yield repository
    await repository.close()


@pytest.fixture
async def summary(planted: Repository, script: Script) -> Summary:
    """The planted study, analysed from the database."""
    return await load_summary(planted, script)
