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
from bot.testing.fake_updates import (
    UNPARSEABLE,
    channel_post,
    inline_button_press,
    message_reaction,
    my_chat_member,
    unknown_kind,
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

    def open_private_chat(self, user_id: int, language_code: str | None = "en") -> None:
        """A person who talked to the bot before (their private chat exists)."""
        self.add_user(user_id, f"User{user_id}", language_code=language_code)
        self.world.chat(user_id)

    def deactivate_account(self, chat_id: int) -> None:
        """The user deleted their Telegram account: sends to this chat answer 403 for good."""
        self.world.deactivated.add(chat_id)

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
                            user_id: int | None = None, check_button: bool = True,
                            inaccessible: bool = False) -> JSON:
        """A tap on an inline button of a bot message (check_button=False: a stale keyboard;
        inaccessible: a message too old for Telegram to include in the press)."""
        query = self.world.callback_query(chat_id, message_id, callback_data, user_id,
                                          check_button, inaccessible=inaccessible)
        return self._queue("callback_query", query)

    def user_presses_inline_button(self, user_id: int, callback_data: str) -> JSON:
        """A tap on a button of an inline-mode message: the press has no message and no chat."""
        query_id = str(4_000_000_000 + self.world.next_seq())
        self.world.open_queries[query_id] = user_id
        return self._queue(*inline_button_press(self.world.user(user_id), query_id,
                                                callback_data))

    def user_deletes_message(self, chat_id: int, message_id: int) -> None:
        """The user deleted a bot message: edits fail, its buttons arrive as inaccessible."""
        self.world.delete_message(chat_id, message_id)

    def user_blocks_bot(self, chat_id: int) -> JSON:
        """Blocked: sends answer 403, and a my_chat_member update (if the bot asked for them)."""
        self.block_chat(chat_id)
        return self._queue(*my_chat_member(self.world.user(chat_id),
                                           self.world.chat(chat_id).to_json(), self.world.bot,
                                           "kicked"))

    def user_reacts(self, chat_id: int, message_id: int, emoji: str = "👍", *,
                    user_id: int | None = None) -> JSON:
        """An emoji reaction to a message (Telegram sends these only when asked for)."""
        sender = self.world.sender(chat_id, user_id)
        return self._queue(*message_reaction(sender, self.world.chat(chat_id).to_json(),
                                             message_id, emoji))

    def channel_posts(self, channel_id: int, text: str) -> JSON:
        """A post in a channel the bot is in (ids ≤ -10¹²), with no sender."""
        channel = {"id": channel_id, "type": "channel", "title": f"Channel {-channel_id}"}
        return self._queue(*channel_post(channel, text))

    def user_sends_unknown_kind(self, chat_id: int, *, force: bool = False) -> JSON:
        """An update of a kind newer than the library (force: queued whatever the bot asked)."""
        kind, content = unknown_kind(self.world.user(chat_id), self.world.chat(chat_id).to_json())
        return self._odd(kind, content, force)

    def user_sends_unparseable(self, chat_id: int, variant: str, *, user_id: int | None = None,
                               force: bool = False) -> JSON:
        """An update the library can't parse (`fake_updates.UNPARSEABLE` names the variants).

        force=True queues it even if the bot did not ask for its kind: an update created before
        the bot narrowed `allowed_updates`, or by a Telegram that ignores it.
        """
        build = UNPARSEABLE[variant]
        sender = self.world.sender(chat_id, user_id)
        kind, content = build(sender, self.world.chat(chat_id).to_json(),
                              self.world.new_message_id(chat_id))
        return self._odd(kind, content, force)

    def user_sends(self, chat_id: int, content: JSON, *, user_id: int | None = None) -> JSON:
        """A message with any content fields (a dice, a contact, a poll, a forwarded text…)."""
        return self._queue("message", self.world.user_message(chat_id, user_id, content))

    def _odd(self, kind: str, content: JSON, force: bool) -> JSON:
        if not force:
            return self._queue(kind, content)
        return self.push_update({"update_id": self.world.next_update_id(), kind: content})

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
