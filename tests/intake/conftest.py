"""Fixtures for the intake tests: a fresh SQLite database per test."""

from pathlib import Path

import pytest


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A new SQLite database file for one test."""
    return f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
