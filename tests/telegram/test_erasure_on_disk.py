"""/delete through the real bot leaves nothing of the person on disk: not in the SQLite file,
not in its WAL — read as raw bytes while the bot is still running, as a thief would."""

from __future__ import annotations

import json
from pathlib import Path

from bot.script import Script
from bot.testing.fake_bot_api import FakeBotApi
from storage import pseudonymise
from tests.telegram.harness import KEY, Respondent, running_bot


def on_disk(database: Path) -> bytes:
    """The database file and its write-ahead log, byte for byte."""
    wal = database.with_name(database.name + "-wal")
    return database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def spellings(text: str) -> list[bytes]:
    """How a text can sit in the file: as UTF-8, or inside JSON with its accents escaped."""
    return [text.encode(), json.dumps(text)[1:-1].encode()]


def found(texts: list[str], data: bytes) -> list[str]:
    """The texts any spelling of which is in `data`."""
    return [t for t in texts if any(s in data for s in spellings(t))]


def their_words(person: Respondent) -> list[str]:
    """What the person typed in their own words, and their pseudonym."""
    typed = [v for v in person.given.values() if isinstance(v, str) and len(v) > 20]
    assert typed, "the interview asked for words of their own"
    return [*typed, pseudonymise(person.chat_id, KEY)]


async def test_delete_leaves_no_byte_of_the_person_in_the_file_or_its_wal(
    fake_bot_api: FakeBotApi, tmp_path: Path, cycling: Script
) -> None:
    database = tmp_path / "bot.db"
    async with running_bot(fake_bot_api, f"sqlite+aiosqlite:///{database}") as bot:
        # Two people answer everything by typing, in different languages (different words).
        leaving = Respondent(bot, chat_id=5_512_345_678, lang="fr", by="text", days=4)
        staying = Respondent(bot, chat_id=5_587_654_321, lang="en", by="text")
        for person in (leaving, staying):
            await person.consents()
            await person.completes(cycling)
        theirs, kept = their_words(leaving), their_words(staying)
        assert found(theirs + kept, on_disk(database)) == theirs + kept

        await leaving.says("/delete")
        await leaving.taps("d|yes")

        assert await bot.repository.get_respondent(pseudonym=theirs[-1]) is None
        left = on_disk(database)
        assert found(theirs, left) == []
        assert found(kept, left) == kept
