"""Reading one raw update: an Update, or an Unreadable that says only what may be logged."""

from __future__ import annotations

import logging

import pytest
from telegram import Bot, Update

from bot.telegram.intake import Unreadable, log_failure, read_update, scrubbed, update_kinds
from bot.testing.fake_objects import FakeUser
from bot.testing.fake_updates import UNPARSEABLE, inline_button_press, unknown_kind

BOT = Bot("123:ABC")
PERSON = FakeUser(731_904_522, "Zéphyrine", "Quatremère", "zephy_q")
CHAT = {"id": PERSON.id, "type": "private", "first_name": PERSON.first_name}


@pytest.mark.parametrize("variant", sorted(UNPARSEABLE))
def test_what_the_library_cannot_parse_is_unreadable_and_named_by_kind(variant: str) -> None:
    kind, content = UNPARSEABLE[variant](PERSON, CHAT, 5)
    read = read_update({"update_id": 42, kind: content}, BOT)
    assert isinstance(read, Unreadable)
    assert read.update_id == 42
    assert read.kinds == kind
    assert read.problem in {"TypeError", "KeyError", "ValueError"}
    # Nothing of the person's in what may be logged.
    assert "Zéphyrine" not in repr(read)
    assert str(PERSON.id) not in repr(read)


def test_kinds_newer_than_the_library_are_read_and_kept_aside() -> None:
    kind, content = unknown_kind(PERSON, CHAT)
    read = read_update({"update_id": 7, kind: content}, BOT)
    assert isinstance(read, Update)
    assert read.effective_message is None
    assert "postcard_message" in read.api_kwargs


def test_a_press_without_message_or_chat_is_read() -> None:
    kind, content = inline_button_press(PERSON, "99", "a|age|34")
    read = read_update({"update_id": 8, kind: content}, BOT)
    assert isinstance(read, Update)
    assert read.callback_query is not None
    assert read.effective_chat is None


@pytest.mark.parametrize(("data", "kinds"), [
    (None, "non-object (NoneType)"),
    ([1, 2], "non-object (list)"),
    ({}, "empty"),
    ({"update_id": "7", "message": {}}, "message"),
    ({"update_id": True, "message": {}}, "message"),  # a bool is no update id
    ({"message": {}, "Weird Key!": 1}, "message+?"),  # odd keys are not echoed into logs
])
def test_without_a_proper_update_id_nothing_can_be_confirmed(data: object, kinds: str) -> None:
    read = read_update(data, BOT)
    assert read == Unreadable(None, kinds, "no update_id")
    assert update_kinds(data) == kinds


def _fails_on(text: str) -> None:
    try:
        int(text)
    except ValueError as error:
        raise RuntimeError(f"could not read {text!r}") from error


def test_failure_logs_keep_the_frames_but_no_exception_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    typed = PERSON.first_name + " typed this"
    try:
        _fails_on(typed)
    except RuntimeError as error:
        text = scrubbed(error)
        with caplog.at_level(logging.ERROR):
            log_failure(logging.getLogger("test"), error, "update %s could not be processed", 9)

    assert "Zéphyrine" not in text
    assert "in _fails_on" in text  # where it happened is still there
    assert "ValueError (message withheld)" in text
    assert "RuntimeError (message withheld)" in text
    assert text.index("ValueError") < text.index("RuntimeError")  # the cause first, as Python
    [record] = caplog.records
    assert record.getMessage().startswith("update 9 could not be processed\nTraceback")
    assert record.exc_info is None
    assert "Zéphyrine" not in caplog.text
