"""Log redaction: what a respondent sent, and who they are, never reaches a log line.

Each test logs the way a library or our code would, through a handler formatting like the
bot's log file, with `bot.redaction` installed as `perceptions` installs it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Iterator

import pytest

from bot import redaction

TYPED = "my neighbour Olga Petrovna says the road is deadly"
USER_ID = 5_012_345_678
NAME = "Olga"
USERNAME = "olga_cycles"


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def logged() -> Iterator[_Lines]:
    """Every line logged during the test, with redaction installed (and removed after)."""
    undo = redaction.install()
    handler = _Lines()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        undo()


def fail_reading(text: str) -> None:
    """A bug that quotes its input, as int() does."""
    int(text)


def test_a_bug_quoting_what_someone_typed_keeps_its_traceback_but_not_the_text(
    logged: _Lines,
) -> None:
    redaction.remember([USER_ID, NAME, USERNAME, TYPED])
    try:
        fail_reading(TYPED)
    except ValueError:
        logging.getLogger("bot.telegram.errors").exception("error while handling update %s",
                                                           100_001)

    assert "error while handling update 100001" in logged.text
    assert "Traceback (most recent call last)" in logged.text
    assert "in fail_reading" in logged.text  # the frames show where the bug is
    assert "ValueError: invalid literal for int() with base 10: [withheld]" in logged.text
    assert TYPED not in logged.text


def test_values_of_the_update_being_handled_are_withheld_from_any_line(logged: _Lines) -> None:
    redaction.remember([USER_ID, NAME, USERNAME, TYPED])
    logging.getLogger("somewhere").warning("user %s (%s, @%s) said %r", USER_ID, NAME,
                                           USERNAME, TYPED)

    assert logged.lines == ["WARNING somewhere: user [withheld] ([withheld], @[withheld]) said "
                            "'[withheld]'"]


def test_short_values_are_withheld_only_as_whole_words(logged: _Lines) -> None:
    redaction.remember(["Al", 42])
    logging.getLogger("x").info("Al asked 42 times at 1420 for Alice")

    assert logged.lines == ["INFO x: [withheld] asked [withheld] times at 1420 for Alice"]


async def test_each_update_task_withholds_its_own_values(logged: _Lines) -> None:
    async def handle(name: str) -> None:
        redaction.remember([name])
        await asyncio.sleep(0.01)
        logging.getLogger("x").info("Anastasia and Bertha")

    redaction.remember([])
    await asyncio.gather(handle("Anastasia"), handle("Bertha"))

    assert sorted(line for line in logged.lines if " x: " in line) == [
        "INFO x: Anastasia and [withheld]", "INFO x: [withheld] and Bertha"]


def test_library_dumps_of_requests_and_updates_are_withheld(logged: _Lines) -> None:
    bot_log = logging.getLogger("telegram.Bot")
    bot_log.debug("Calling Bot API endpoint `%s` with parameters `%s`", "sendMessage",
                  {"chat_id": USER_ID, "text": "Thank you, Olga"})
    bot_log.debug("Call to Bot API endpoint `%s` finished with return value `%s`", "getUpdates",
                  [{"update_id": 1, "message": {"from": {"id": USER_ID, "first_name": NAME}}}])
    logging.getLogger("telegram.ext.Application").debug("Processing update %s", "Update(...)")

    assert logged.lines == [
        "DEBUG telegram.Bot: Calling Bot API endpoint `sendMessage` with parameters `[withheld]`",
        "DEBUG telegram.Bot: Call to Bot API endpoint `getUpdates` finished with return value "
        "`[withheld]`",
        "DEBUG telegram.ext.Application: Processing update [withheld]",
    ]


def test_personal_keys_in_any_dump_are_withheld_outside_an_update(logged: _Lines) -> None:
    redaction.remember([])
    logging.getLogger("x").info("got %s", {"update_id": 7, "message": {
        "chat": {"id": USER_ID, "first_name": NAME, "username": USERNAME}, "text": TYPED}})

    [line] = logged.lines
    assert "'update_id': 7" in line
    assert [s for s in (str(USER_ID), NAME, USERNAME, TYPED) if s in line] == []


def test_database_errors_lose_the_values_they_quote(logged: _Lines) -> None:
    redaction.remember([])
    errors = [
        RuntimeError('insert or update on table "interview" violates foreign key constraint\n'
                     "DETAIL:  Key (pseudonym)=(a1b2c3d4e5) is not present in table "
                     '"respondent".'),
        RuntimeError("invalid input for query argument $2: 'I cycle when it is dry, my "
                     "daughter...' (a str is expected)"),
        RuntimeError(f"Chat {USER_ID} not found"),
    ]
    for error in errors:
        try:
            raise error
        except RuntimeError:
            logging.getLogger("storage").exception("a statement failed")

    assert "a1b2c3d4e5" not in logged.text
    assert "Key (pseudonym)=([withheld]) is not present" in logged.text
    assert "daughter" not in logged.text
    assert str(USER_ID) not in logged.text
    assert logged.text.count("RuntimeError") == 3


def test_harmless_messages_stay_readable(logged: _Lines) -> None:
    redaction.remember([USER_ID, NAME])
    try:
        raise RuntimeError("(sqlite3.OperationalError) database is locked; can't write")
    except RuntimeError:
        logging.getLogger("storage").exception("storage unavailable for update %s", 100_002)

    assert "storage unavailable for update 100002" in logged.text
    assert "database is locked; can't write" in logged.text


def test_an_exception_chain_is_redacted_link_by_link(logged: _Lines) -> None:
    redaction.remember([TYPED])
    try:
        try:
            fail_reading(TYPED)
        except ValueError as error:
            raise KeyError(TYPED) from error
    except KeyError:
        logging.getLogger("x").exception("chained")

    assert "The above exception was the direct cause" in logged.text
    assert TYPED not in logged.text
    assert "Olga" not in logged.text


def test_installing_twice_redacts_once_and_undo_restores(logged: _Lines) -> None:
    undo_again = redaction.install()
    undo_again()  # a no-op: the first installation stays
    redaction.remember([NAME])
    logging.getLogger("x").info("hello %s", NAME)
    assert logged.lines == ["INFO x: hello [withheld]"]


def test_without_installation_nothing_is_rewritten() -> None:
    """The control: the other tests see redaction, not a handler that happens to drop text."""
    handler = _Lines()
    logger = logging.getLogger("plain")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        redaction.remember([NAME])
        logger.info("hello %s", NAME)
    finally:
        logger.removeHandler(handler)
    assert handler.lines == ["INFO plain: hello Olga"]


def test_a_bot_token_is_withheld_wherever_it_appears(logged: _Lines) -> None:
    token = "7123456789:AAHk3x-Q9v_ZpLmNoPqRsTuVwXyZ0123456"
    logging.getLogger("telegram.Bot").debug("Set Bot API URL: %s",
                                            f"https://api.telegram.org/bot{token}")
    try:
        raise ConnectionError(f"POST https://api.telegram.org/bot{token}/getMe failed")
    except ConnectionError:
        logging.getLogger("x").exception("no network")

    assert token not in logged.text
    assert "AAHk3x" not in logged.text
    assert "Set Bot API URL: https://api.telegram.org/bot[withheld]" in logged.text


def test_an_exception_logged_as_the_message_is_redacted_as_an_exception(logged: _Lines) -> None:
    redaction.remember([])
    logging.getLogger("x").error(ValueError(f"could not convert string to float: '{TYPED}'"))
    assert logged.lines == ["ERROR x: could not convert string to float: [withheld]"]


def test_the_sqlite_driver_s_debug_lines_keep_their_parameters_to_themselves(
    logged: _Lines,
) -> None:
    call = functools.partial(print, "INSERT INTO answer VALUES (?, ?)", (7, TYPED))
    logging.getLogger("aiosqlite").debug("executing %s", call)
    assert logged.lines == ["DEBUG aiosqlite: executing [withheld]"]
