"""Fixtures of the interview service tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import Repository, create_repository, upgrade


@pytest.fixture
async def repository(tmp_path: Path) -> AsyncIterator[Repository]:
    """A migrated SQLite database of its own."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await upgrade(url)
    repository = create_repository(url)
    yield repository
    await repository.close()
