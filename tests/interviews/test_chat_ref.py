"""A sealed chat reference opens only under the key that made it, and hides the chat id."""

from __future__ import annotations

import pytest

from bot.interviews.chat_ref import ChatRefKey, open_ref, seal

KEY = ChatRefKey("test-pseudonym-key")
CHAT = -1_001_234_567_890  # a supergroup-style id: negative and long


def test_a_reference_opens_back_to_the_chat_id() -> None:
    assert open_ref(seal(CHAT, KEY), KEY) == CHAT
    assert open_ref(seal(42, KEY), KEY) == 42


def test_another_key_cannot_open_it() -> None:
    token = seal(CHAT, KEY)
    assert open_ref(token, ChatRefKey("another-key")) is None


def test_a_tampered_or_foreign_text_opens_to_nothing() -> None:
    token = seal(CHAT, KEY)
    flipped = token[:40] + ("A" if token[40] != "A" else "B") + token[41:]
    assert open_ref(flipped, KEY) is None
    assert open_ref("not a reference", KEY) is None
    assert open_ref("référence", KEY) is None


def test_the_reference_hides_the_id_and_never_repeats() -> None:
    first, second = seal(CHAT, KEY), seal(CHAT, KEY)
    assert str(abs(CHAT)) not in first
    assert first != second  # a fresh IV each time: equal chats do not look equal in the database


def test_an_empty_pseudonym_key_is_refused_with_a_sentence() -> None:
    with pytest.raises(ValueError, match="PSEUDONYM_KEY"):
        ChatRefKey("")
    assert "test-pseudonym-key" not in repr(KEY)
