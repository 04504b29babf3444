"""Fixtures for end-to-end bot tests: a fresh SQLite file per test and the cycling script."""

from pathlib import Path

import pytest

from bot.script import Script, load_script
from tests.telegram.harness import DIALOGS


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A new SQLite database file for one test."""
    return f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"


@pytest.fixture(scope="session")
def cycling() -> Script:
    """The Barrier Analysis example script the respondents answer."""
    return load_script(DIALOGS / "cycling-to-work.yaml")
