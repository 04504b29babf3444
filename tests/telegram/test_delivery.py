"""Nothing lost, nothing doubled: redelivered updates, double taps, flood waits, restarts, blocks."""

from bot.testing.fake_bot_api import FakeBotApi
from storage import pseudonymise
from tests.telegram.harness import KEY, Respondent, running_bot


async def test_a_redelivered_update_stores_one_answer_and_sends_nothing_twice(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with running_bot(fake_bot_api, database_url) as bot:
        person = Respondent(bot, chat_id=601)
        await person.consents()
        before = len(fake_bot_api.calls("sendMessage"))
        before_reply = bot.replies()
        update = fake_bot_api.user_sends_text(601, "34")
        await bot.settle(before_reply)
        sent_once = len(fake_bot_api.calls("sendMessage")) - before

        fake_bot_api.push_update(update)  # Telegram delivers the same update_id again
        await bot.drain()

        assert sent_once == 1
        assert len(fake_bot_api.calls("sendMessage")) - before == sent_once
        assert await bot.answers(601) == {("age", 0): 34}
        state = await bot.state(601)
        assert state is not None
        assert state["current"] == "work_place"


async def test_a_double_tap_records_one_answer_and_both_taps_are_acknowledged(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with running_bot(fake_bot_api, database_url) as bot:
        person = Respondent(bot, chat_id=602)
        await person.consents()
        await person.says("34")
        question = person.message_with("a|work_place|away")

        fake_bot_api.user_presses_button(602, question.message_id, "a|work_place|away")
        fake_bot_api.user_presses_button(602, question.message_id, "a|work_place|home")
        await fake_bot_api.wait_for(lambda: len(fake_bot_api.callback_answers) >= 2)
        await bot.drain()

        assert await bot.answers(602) == {("age", 0): 34, ("work_place", 0): "away"}
        marked = next(m for m in fake_bot_api.sent_messages(602)
                      if m.message_id == question.message_id)
        assert marked.text is not None
        assert marked.text.endswith("✓ At a workplace away from home")
        assert marked.button_data == []  # keyboard removed: nothing left to tap


async def test_a_flood_wait_is_retried_and_the_question_still_arrives(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with running_bot(fake_bot_api, database_url) as bot:
        person = Respondent(bot, chat_id=603)
        await person.consents()
        fake_bot_api.fail_with_flood_wait("sendMessage", times=1, retry_after=1)

        await person.says("34")
        await fake_bot_api.wait_for(
            lambda: "Where do you work" in (person.texts()[-1] or ""), timeout=5
        )

        failed = [c for c in fake_bot_api.calls("sendMessage", chat_id=603)
                  if "Where do you work" in c.params.get("text", "")]
        assert len(failed) == 2  # the 429 and the retry that was delivered
        assert person.texts().count(person.texts()[-1]) == 1


async def test_a_restarted_bot_continues_at_the_same_question(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with running_bot(fake_bot_api, database_url) as bot:
        person = Respondent(bot, chat_id=604)
        await person.consents()
        await person.says("34")
        asked = person.texts()[-1]

    async with running_bot(fake_bot_api, database_url) as bot:
        person.bot = bot
        await person.says("/start")
        assert person.texts()[-1] == asked
        await person.taps("a|work_place|away")
        assert await bot.answers(604) == {("age", 0): 34, ("work_place", 0): "away"}


async def test_a_respondent_who_blocked_the_bot_is_marked_and_others_are_still_served(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with running_bot(fake_bot_api, database_url) as bot:
        gone = Respondent(bot, chat_id=605)
        await gone.consents()
        fake_bot_api.block_chat(605)
        await gone.says("34")
        other = Respondent(bot, chat_id=606)
        await other.consents()

        respondent = await bot.repository.get_respondent(pseudonym=pseudonymise(605, KEY))
        assert respondent is not None
        assert respondent.blocked_at is not None
        assert await bot.answers(605) == {("age", 0): 34}  # committed before the reply failed
        assert "Shall we start?" not in other.texts()[-1]  # the other one is past consent
