"""Fixtures for the CSV tests: the test study's script and a fresh SQLite database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.script import Script, load_script
from storage import Repository
from tests.exports.recording import HERE, fresh_repository


@pytest.fixture
def script() -> Script:
    """The test study: screening, classification, a multiple choice, a probed coded question."""
    return load_script(HERE / "study.yaml")


@pytest.fixture
async def repository(tmp_path: Path) -> AsyncIterator[Repository]:
    """An empty, migrated SQLite database."""
    repository = await fresh_repository(tmp_path / "export.db")
    yield repository
    await repository.close()


