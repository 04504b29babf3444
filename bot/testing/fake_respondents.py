"""Test-side actions of people talking to the bot: each one queues a realistic update."""

from __future__ import annotations

from bot.testing.fake_objects import (
    JSON,
    FakeChat,
    FakeUser,
    command_entities,
    now,
    photo_json,
    sticker_json,
    voice_json,
)
from bot.testing.fake_world import TelegramWorld


class RespondentActions:
    """Mixin for FakeBotApi: chat ids > 0 are private chats, < 0 are groups (pass user_id)."""

    world: TelegramWorld

    def _changed(self) -> None:
        """Wake long polls and waiters; the server overrides this."""

    def _queue(self, kind: str, payload: JSON) -> JSON:
        update = self.world.new_update(kind, payload)
        self._changed()
        return update

    def add_user(self, user_id: int, first_name: str, *, last_name: str | None = None,
                 username: str | None = None, language_code: str | None = "en") -> FakeUser:
        """Register a person with a name and language before they write."""
        person = FakeUser(user_id, first_name, last_name, username, language_code)
        self.world.users[user_id] = person
        return person

    def add_group(self, chat_id: int, title: str) -> None:
        """Register a group chat (negative id) with a title."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        self.world.chats[chat_id] = FakeChat(chat_id, "group", title=title)

    def block_chat(self, chat_id: int) -> None:
        """The user blocked the bot: sends to this chat answer 403."""
        self.world.blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        """The user unblocked the bot."""
        self.world.blocked.discard(chat_id)

    def user_sends_text(self, chat_id: int, text: str, *, user_id: int | None = None) -> JSON:
        """A text message; commands get their bot_command entity."""
        content: JSON = {"text": text}
        entities = command_entities(text)
        if entities:
            content["entities"] = entities
        return self._queue("message", self.world.user_message(chat_id, user_id, content))

    def user_sends_command(self, chat_id: int, command: str, args: str = "", *,
                           user_id: int | None = None) -> JSON:
        """`/command args` (groups address the bot as /command@botname)."""
        name = command.lstrip("/")
        if chat_id < 0:
            name = f"{name}@{self.world.bot.username}"
        return self.user_sends_text(chat_id, f"/{name} {args}".rstrip(), user_id=user_id)

    def user_presses_button(self, chat_id: int, message_id: int, callback_data: str, *,
                            user_id: int | None = None, check_button: bool = True) -> JSON:
        """A tap on an inline button of a bot message (check_button=False: a stale keyboard)."""
        query = self.world.callback_query(chat_id, message_id, callback_data, user_id,
                                          check_button)
        return self._queue("callback_query", query)

    def user_sends_sticker(self, chat_id: int, emoji: str = "👍", *,
                           user_id: int | None = None) -> JSON:
        """A sticker."""
        content = {"sticker": sticker_json(self.world.next_seq(), emoji)}
        return self._queue("message", self.world.user_message(chat_id, user_id, content))

    def user_sends_photo(self, chat_id: int, caption: str | None = None, *,
                         user_id: int | None = None) -> JSON:
        """A photo, optionally captioned."""
        content: JSON = {"photo": photo_json(self.world.next_seq())}
        if caption is not None:
            content["caption"] = caption
        return self._queue("message", self.world.user_message(chat_id, user_id, content))

    def user_sends_voice(self, chat_id: int, duration: int = 3, *,
                         user_id: int | None = None) -> JSON:
        """A voice note of `duration` seconds."""
        content = {"voice": voice_json(self.world.next_seq(), duration)}
        return self._queue("message", self.world.user_message(chat_id, user_id, content))

    def user_sends_location(self, chat_id: int, latitude: float, longitude: float, *,
                            user_id: int | None = None) -> JSON:
        """A shared location."""
        content = {"location": {"latitude": latitude, "longitude": longitude}}
        return self._queue("message", self.world.user_message(chat_id, user_id, content))

    def user_edits_message(self, chat_id: int, message_id: int, new_text: str) -> JSON:
        """An `edited_message` update for a text the user sent earlier."""
        original = self.world.user_messages.get(chat_id, {}).get(message_id)
        if original is None:
            raise ValueError(f"the user sent no message {message_id} in chat {chat_id}")
        edited = original | {"text": new_text, "edit_date": now()}
        edited.pop("entities", None)
        entities = command_entities(new_text)
        if entities:
            edited["entities"] = entities
        self.world.user_messages[chat_id][message_id] = edited
        return self._queue("edited_message", edited)

    def push_update(self, update: JSON) -> JSON:
        """Queue a raw update as given, e.g. a duplicate of an earlier one."""
        self.world.push(update)
        self._changed()
        return update
