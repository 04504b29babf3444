"""The same bot on PostgreSQL: a respondent's answers land there too."""

import os
import socket
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.script import Script
from bot.testing.fake_bot_api import FakeBotApi
from tests.telegram.harness import Respondent, running_bot

SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"


def _reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A throwaway database on the local server (skipped if unreachable, unless required)."""
    if not _reachable():
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL at 127.0.0.1:5432 is required but unreachable")
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")
    name = f"bot_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{SERVER}/{name}"
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.mark.postgres
async def test_a_whole_interview_is_stored_in_postgresql(
    fake_bot_api: FakeBotApi, postgres_url: str, cycling: Script
) -> None:
    async with running_bot(fake_bot_api, postgres_url) as bot:
        person = Respondent(bot, chat_id=901, lang="fr", by="buttons", days=4)
        await person.consents()
        await person.completes(cycling)
        assert await bot.answers(901) == person.given
