"""`perceptions run` as a child process: unreadable updates first, then normal traffic.

Before intake read updates one by one, the first unreadable update failed every getUpdates call
(3 of 3 restarts died) and the crash log printed other respondents' ids, names and messages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.testing.fake_objects import SentMessage
from bot.testing.fake_updates import UNPARSEABLE
from tests.intake.test_intake_polling import PEOPLE, THEIR_WORDS, meet_everyone, send_poison
from tests.telegram.crashing import BotProcess, RecordingFakeBotApi, free_port

REPLY_SECONDS = 60.0  # generous: a child process on a loaded machine


def last_with_buttons(fake: RecordingFakeBotApi, user_id: int) -> SentMessage | None:
    """The newest bot message in the chat that still has buttons."""
    return next((m for m in reversed(fake.sent_messages(user_id)) if m.button_data), None)


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_unreadable_updates_first_then_everyone_is_answered(tmp_path: Path,
                                                                  mode: str) -> None:
    async with RecordingFakeBotApi() as fake:
        meet_everyone(fake)
        poison = send_poison(fake)
        for user_id in PEOPLE:
            fake.user_sends_text(user_id, "/start")
        database_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
        bot = BotProcess(fake, tmp_path, database_url,
                         webhook_port=free_port() if mode == "webhook" else None)
        await bot.start()
        try:
            # Everyone is greeted and asked to consent; they agree, then give their age.
            await fake.wait_for(lambda: all(last_with_buttons(fake, u) for u in PEOPLE),
                                REPLY_SECONDS)
            for user_id in PEOPLE:
                consent = last_with_buttons(fake, user_id)
                assert consent is not None
                fake.user_presses_button(user_id, consent.message_id, "a|_consent|yes")
            await fake.wait_for(lambda: all(any("How old" in (t or "") for t in fake.texts(u))
                                            for u in PEOPLE), REPLY_SECONDS)
            for user_id in PEOPLE:
                fake.user_sends_text(user_id, "34")
            await fake.wait_for(lambda: all(any("Where do you work" in (t or "")
                                                for t in fake.texts(u)) for u in PEOPLE),
                                REPLY_SECONDS)
            await fake.wait_for(lambda: not fake.pending_updates, REPLY_SECONDS)
        finally:
            exit_code = await bot.stop()

    log = bot.log.read_text()
    assert exit_code == 0, log
    for update in poison:
        assert log.count(f"update {update['update_id']} ignored") == 1, log
    assert log.count(" ignored: the library cannot read") == len(UNPARSEABLE)
    secrets = [str(u) for u in PEOPLE] + [p for person in PEOPLE.values() for p in person]
    assert [s for s in [*secrets, *THEIR_WORDS] if s in log] == []
    assert "Traceback" not in log
