"""Commands and odd messages: what respondents, strangers and researchers see, and what is kept."""

import csv
import io

from bot.testing.fake_bot_api import FakeBotApi
from storage import pseudonymise
from tests.telegram.harness import KEY, RESEARCHER, STUDY, Respondent, running_bot


async def test_the_command_menu_is_set_in_every_language_on_start(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with running_bot(fake_bot_api, database_url):
        menus = {c.params.get("language_code"): c.params["commands"]
                 for c in fake_bot_api.calls("setMyCommands")}
    assert set(menus) == {None, "en", "fr", "es"}
    french = {c["command"]: c["description"] for c in menus["fr"]}
    assert french["back"] == "la question précédente"
    assert list(french) == ["start", "back", "skip", "restart", "stop", "language", "privacy",
                            "updates", "delete", "help"]


async def test_declining_keeps_only_the_decline(fake_bot_api: FakeBotApi, database_url: str) -> None:
    async with running_bot(fake_bot_api, database_url) as bot:
        person = Respondent(bot, chat_id=701)
        await person.says("/start")
        await person.taps("a|_consent|no")
        interview = await bot.repository.latest_interview(pseudonym=pseudonymise(701, KEY),
                                                          study_id=STUDY)
        assert interview is not None
        assert interview.status == "declined"
        assert await bot.answers(701) == {}
        assert "Nothing you said has been kept" in person.texts()[-1]


async def test_a_sticker_gets_a_friendly_re_ask(fake_bot_api: FakeBotApi, database_url: str) -> None:
    async with running_bot(fake_bot_api, database_url) as bot:
        person = Respondent(bot, chat_id=702)
        await person.consents()
        before = bot.replies()
        fake_bot_api.user_sends_sticker(702)
        await bot.settle(before)
        assert person.texts()[-1].startswith("I can only read text messages here.")
        assert "How old are you? (in years)" in person.texts()[-1]
        assert await bot.answers(702) == {}


async def test_an_edited_message_keeps_the_first_answer(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with running_bot(fake_bot_api, database_url) as bot:
        person = Respondent(bot, chat_id=703)
        await person.consents()
        first = fake_bot_api.user_sends_text(703, "34")
        await bot.drain()
        before = bot.replies()
        fake_bot_api.user_edits_message(703, first["message"]["message_id"], "43")
        await bot.settle(before)
        assert "I keep the answer as first sent" in person.texts()[-1]
        assert await bot.answers(703) == {("age", 0): 34}


async def test_a_group_chat_gets_the_private_chat_notice_and_nothing_is_stored(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with running_bot(fake_bot_api, database_url) as bot:
        fake_bot_api.add_group(-900, "Cycling club")
        before = bot.replies()
        fake_bot_api.user_sends_command(-900, "start", user_id=704)
        await bot.settle(before)
        assert fake_bot_api.texts(-900)[-1] == (
            "Hello! I only hold interviews in private. Please write to me directly: tap my name, "
            "then “Send message”."
        )
        assert await bot.repository.get_respondent(pseudonym=pseudonymise(704, KEY)) is None


async def test_stop_pauses_and_the_next_message_resumes_at_the_same_question(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with running_bot(fake_bot_api, database_url) as bot:
        person = Respondent(bot, chat_id=705)
        await person.consents()
        await person.says("/stop")
        paused = await bot.repository.active_interview(pseudonym=pseudonymise(705, KEY),
                                                       study_id=STUDY)
        assert paused is not None
        assert paused.status == "paused"

        await person.says("hello again")
        assert person.texts()[-1].startswith("Welcome back! Let's continue where we left off.")
        assert "How old are you? (in years)" in person.texts()[-1]
        assert await bot.answers(705) == {}  # "hello again" was not taken as an age


async def test_language_picker_switches_the_interview_to_french(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with running_bot(fake_bot_api, database_url) as bot:
        person = Respondent(bot, chat_id=706)
        await person.consents()
        await person.says("/language")
        assert person.message_with("l|fr").text == "Which language would you like?"
        await person.taps("l|fr")
        assert person.texts()[-1].startswith("Langue changée.\n\nQuel âge avez-vous ? (en années)")
        await person.says("34")
        assert await bot.answers(706) == {("age", 0): 34}


async def test_privacy_names_the_study_contact(fake_bot_api: FakeBotApi, database_url: str) -> None:
    async with running_bot(fake_bot_api, database_url) as bot:
        person = Respondent(bot, chat_id=707)
        await person.says("/privacy")
        assert "cycling-study@example.org" in person.texts()[-1]


async def test_delete_erases_everything_after_confirmation(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with running_bot(fake_bot_api, database_url) as bot:
        person = Respondent(bot, chat_id=708)
        await person.consents()
        await person.says("34")
        await person.says("/delete")
        assert await bot.answers(708) == {("age", 0): 34}  # nothing goes before the tap
        await person.taps("d|yes")
        assert person.texts()[-1].startswith("Done — everything we held about you")
        assert await bot.repository.get_respondent(pseudonym=pseudonymise(708, KEY)) is None
        assert await bot.answers(708) == {}


async def test_export_from_a_stranger_reveals_nothing(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with running_bot(fake_bot_api, database_url) as bot:
        stranger = Respondent(bot, chat_id=709)
        await stranger.consents()
        await stranger.says("/export")
        await stranger.says("/stats")
        assert fake_bot_api.calls("sendDocument") == []
        assert "How old are you? (in years)" in stranger.texts()[-1]
        assert "started" not in " ".join(stranger.texts())


async def test_a_researcher_gets_stats_and_the_csv(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with running_bot(fake_bot_api, database_url) as bot:
        person = Respondent(bot, chat_id=710)
        await person.consents()
        await person.says("34")
        researcher = Respondent(bot, chat_id=RESEARCHER)
        await researcher.says("/stats")
        assert "started 1" in researcher.texts()[-1]
        assert "doers 0/" in researcher.texts()[-1]

        await researcher.says("/export")
        document = fake_bot_api.sent_messages(RESEARCHER)[-1].document
        assert document is not None
        assert document.content is not None
        rows = list(csv.DictReader(io.StringIO(document.content.decode("utf-8"))))
        assert [(r["question"], r["value"]) for r in rows] == [("age", "34")]
        assert rows[0]["respondent"] == pseudonymise(710, KEY)
        assert "710" not in document.content.decode("utf-8").replace(pseudonymise(710, KEY), "")
