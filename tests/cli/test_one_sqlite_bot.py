"""SQLite serves one bot process: a second `perceptions run` on the same file is refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import AlreadyServed, single_process
from storage.single_process import lock_path
from tests.cli.conftest import STRONG_KEY, TOKEN, Perceptions
from tests.cli.test_cli_failures import assert_one_clear_message


def test_a_second_bot_on_the_same_sqlite_file_is_refused(
    perceptions: Perceptions, workdir: Path
) -> None:
    url = f"sqlite+aiosqlite:///{workdir / 'data' / 'perceptions.db'}"
    with single_process(url):  # the first bot, still running
        ran = perceptions("run", env={"TELEGRAM_BOT_TOKEN": TOKEN, "PSEUDONYM_KEY": STRONG_KEY,
                                      "DATABASE_URL": url})
    assert_one_clear_message(ran, "already serves the SQLite database", "PostgreSQL",
                             "Running several workers")


def test_the_sqlite_lock_goes_with_its_holder(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    with single_process(url), pytest.raises(AlreadyServed, match=r"pid \d+"), single_process(url):
        pass
    with single_process(url):  # released: the next bot may start
        pass


def test_postgresql_takes_no_lock_file() -> None:
    assert lock_path("postgresql://bot@db.example.org/perceptions") is None
    url = "postgresql://bot@db.example.org/perceptions"
    with single_process(url), single_process(url):
        pass  # any number of workers
