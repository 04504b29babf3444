"""Whole interviews through the real bot: both languages, buttons and typing, polling and webhook."""

import pytest

from bot.script import Script
from bot.testing.fake_bot_api import FakeBotApi
from tests.telegram.harness import Respondent, running_bot


@pytest.mark.parametrize(
    ("webhook", "lang", "by", "days"),
    [
        (False, "en", "buttons", 0),
        (False, "fr", "text", 4),
        (True, "en", "text", 0),
        (True, "fr", "buttons", 4),
    ],
    ids=["polling-en-buttons", "polling-fr-text", "webhook-en-text", "webhook-fr-buttons"],
)
async def test_a_respondent_completes_the_interview_and_every_answer_is_stored(
    fake_bot_api: FakeBotApi, database_url: str, cycling: Script,
    webhook: bool, lang: str, by: str, days: int,
) -> None:
    async with running_bot(fake_bot_api, database_url, webhook=webhook) as bot:
        person = Respondent(bot, chat_id=501, lang=lang, by=by, days=days)
        await person.consents()
        await person.completes(cycling)

        closing = cycling.text(cycling.file.study.closing, lang).split("{")[0].strip()
        assert closing in person.texts()[-1]
        assert await bot.answers(501) == person.given
        interview = await bot.repository.latest_interview(pseudonym=_pseudonym(501),
                                                          study_id="cycling_to_work")
        assert interview is not None
        assert interview.status == "completed"
        assert interview.group == ("doer" if days >= 3 else "non_doer")
        assert interview.language == lang


def _pseudonym(chat_id: int) -> str:
    from storage import pseudonymise
    from tests.telegram.harness import KEY

    return pseudonymise(chat_id, KEY)
