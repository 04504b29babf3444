"""A running sandbox (fake Telegram + the bot + a throwaway SQLite file) for the web tests."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot.settings import Settings
from bot.web.sandbox import BotRunner, create_sandbox_app, run_real_bot

SCRIPTS = Path(__file__).parents[1] / "scripts"


@pytest.fixture
def sandbox_settings(tmp_path: Path) -> Settings:
    """Settings with one script (mini.yaml) and a sandbox database under tmp_path."""
    dialogs = tmp_path / "dialogs"
    dialogs.mkdir()
    shutil.copy(SCRIPTS / "mini.yaml", dialogs / "mini.yaml")
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=None,
        dialogs_dir=dialogs,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/fieldwork.db",
        sandbox_database_url=f"sqlite+aiosqlite:///{tmp_path}/sandbox.db",
        pseudonym_key=SecretStr("sandbox-test-key"),
    )


@pytest.fixture
def bot_runner() -> BotRunner:
    """The real bot, as `perceptions sandbox` runs it."""
    return run_real_bot


@pytest.fixture
def sandbox_app(sandbox_settings: Settings, bot_runner: BotRunner) -> web.Application:
    """The sandbox web app, not yet started."""
    return create_sandbox_app(sandbox_settings, bot_runner=bot_runner)


@pytest.fixture
async def sandbox_client(sandbox_app: web.Application) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    """An HTTP client of the started sandbox."""
    async with TestClient(TestServer(sandbox_app)) as client:
        yield client
