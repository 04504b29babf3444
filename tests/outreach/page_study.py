"""The cycling study with past respondents planted, for the Write to respondents page's tests.

Telegram ids 1-14: 1-6 speak English (odd ids are doers), 7-9 French (7 and 9 doers), 13 German;
they all chose to hear about the results. 10 and 11 said no, 12 never chose. 14 blocked the bot
since (the fake Bot API answers 403), 13 deleted their Telegram account.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bench.audience import PastRespondent, plant
from bot.settings import Settings
from bot.testing.fake_bot_api import FakeBotApi
from bot.vocabulary import Group
from storage import upgrade

KEY = "k" * 43
TOKEN = "123456789:AAHsecretTokenThatMustNeverBePrinted_x"
STUDY = "cycling_to_work"
SCRIPT = Path(__file__).parents[2] / "dialogs" / "cycling-to-work.yaml"
NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def _group(user_id: int) -> Group:
    return Group.doer if user_id % 2 else Group.non_doer


PEOPLE = [
    *(PastRespondent(i, "en", _group(i)) for i in range(1, 7)),
    *(PastRespondent(i, "fr", _group(i)) for i in range(7, 10)),
    PastRespondent(10, results=False), PastRespondent(11, results=False),
    PastRespondent(12, chose=False),
    PastRespondent(13, "de"),
    PastRespondent(14, "en"),
]
OPTED_IN = [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14]
ENGLISH = [1, 2, 3, 4, 5, 6, 14]
FRENCH = [7, 8, 9]


async def planted_database(folder: Path) -> str:
    """A migrated SQLite database holding `PEOPLE`; returns its URL."""
    url = f"sqlite+aiosqlite:///{folder / 'page.db'}"
    await upgrade(url)
    await plant(url, study_id=STUDY, script_text=SCRIPT.read_text(encoding="utf-8"), key=KEY,
                people=PEOPLE, now=NOW)
    return url


def open_chats(fake: FakeBotApi) -> None:
    """Everyone's chat exists; 14 blocked the bot and 13 left Telegram since."""
    for person in PEOPLE:
        fake.open_private_chat(person.user_id, person.language)
    fake.block_chat(14)
    fake.deactivate_account(13)


def page_settings(folder: Path, fake: FakeBotApi | None, **values: Any) -> Settings:
    """Settings with the study in the dialogs folder, and the fake's bot if one is given."""
    dialogs = folder / "dialogs"
    dialogs.mkdir(exist_ok=True)
    shutil.copy(SCRIPT, dialogs / SCRIPT.name)
    bot: dict[str, Any] = {} if fake is None else {
        "telegram_bot_token": SecretStr(TOKEN), "telegram_api_url": fake.base_url}
    return Settings(_env_file=None, dialogs_dir=dialogs, pseudonym_key=SecretStr(KEY),
                    **bot, **values)
