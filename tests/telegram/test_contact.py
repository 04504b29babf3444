"""Consent to be written to again: asked at the end, shown by /updates and /privacy, erased by /delete."""

from bot.interviews.chat_ref import ChatRefKey, open_ref
from bot.script import Script
from bot.testing.fake_bot_api import FakeBotApi
from storage import pseudonymise
from tests.telegram.harness import KEY, Respondent, running_bot


async def test_the_closing_message_asks_and_the_choice_is_stored_with_a_sealed_chat(
    fake_bot_api: FakeBotApi, database_url: str, cycling: Script
) -> None:
    async with running_bot(fake_bot_api, database_url) as bot:
        person = Respondent(bot, chat_id=611, lang="fr")
        await person.consents()
        await person.completes(cycling)
        pseudonym = pseudonymise(611, KEY)
        closing = person.message_with("c|results")
        assert "pouvons-nous vous écrire à nouveau" in (closing.text or "")
        assert cycling.text(cycling.file.study.closing, "fr").split("{")[0].strip() in (
            closing.text or "")
        assert await bot.repository.contact_consent(pseudonym=pseudonym) is None

        await person.taps("c|results")

        consent = await bot.repository.contact_consent(pseudonym=pseudonym)
        assert consent is not None
        assert (consent.results, consent.follow_up) == (True, False)
        assert "Merci — c'est noté." in person.texts()[-1]
        [ref] = (await bot.repository.respondent_chat_refs(pseudonyms=[pseudonym])).values()
        assert open_ref(ref, ChatRefKey(KEY)) == 611


async def test_updates_shows_the_choice_and_no_drops_the_chat_reference(
    fake_bot_api: FakeBotApi, database_url: str, cycling: Script
) -> None:
    async with running_bot(fake_bot_api, database_url) as bot:
        person = Respondent(bot, chat_id=612)
        await person.consents()
        await person.completes(cycling)
        await person.taps("c|both")
        pseudonym = pseudonymise(612, KEY)

        await person.says("/updates")
        shown = person.message_with("c|none")
        assert "ask you again later" in (shown.text or "")
        assert "✓ Yes, both" in shown.button_labels
        await person.taps("c|none")

        consent = await bot.repository.contact_consent(pseudonym=pseudonym)
        assert consent is not None
        assert (consent.results, consent.follow_up) == (False, False)
        assert await bot.repository.respondent_chat_refs(pseudonyms=[pseudonym]) == {}

        await person.says("/privacy")
        assert "We won't write to you" in person.texts()[-1]
        assert "About your data" in person.texts()[-1]
        await person.taps("c|later")
        consent = await bot.repository.contact_consent(pseudonym=pseudonym)
        assert consent is not None
        assert (consent.results, consent.follow_up) == (False, True)


async def test_delete_erases_the_contact_choice(
    fake_bot_api: FakeBotApi, database_url: str, cycling: Script
) -> None:
    async with running_bot(fake_bot_api, database_url) as bot:
        person = Respondent(bot, chat_id=613)
        await person.consents()
        await person.completes(cycling)
        await person.taps("c|both")
        await person.says("/delete")
        await person.taps("d|yes")

        pseudonym = pseudonymise(613, KEY)
        assert await bot.repository.contact_consent(pseudonym=pseudonym) is None
        assert await bot.repository.get_respondent(pseudonym=pseudonym) is None
