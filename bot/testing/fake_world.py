"""What the fake Telegram knows: chats, messages, pending updates, and the bot methods' effects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.testing.fake_objects import (
    JSON,
    ApiError,
    FakeChat,
    FakeUser,
    SentDocument,
    SentMessage,
    Upload,
    bad_request,
    now,
)
from bot.testing.fake_settings import BotSettings, WebhookConfig

MAX_TEXT = 4096
MAX_CALLBACK_DATA_BYTES = 64
BLOCKED = "Forbidden: bot was blocked by the user"
DEACTIVATED = "Forbidden: user is deactivated"
SUPERGROUPS = -1_000_000_000_000  # supergroup and channel ids are -100… in the Bot API


class TelegramWorld(BotSettings):
    """Telegram's side of the conversation, without any HTTP: method effects and update creation."""

    def __init__(self, bot_id: int) -> None:
        self.bot = FakeUser(bot_id, "Perceptions Test Bot", username="perceptions_test_bot",
                            language_code=None, is_bot=True)
        self.users: dict[int, FakeUser] = {}
        self.chats: dict[int, FakeChat] = {}
        self.blocked: set[int] = set()
        self.deactivated: set[int] = set()  # accounts deleted: sends answer 403 for good
        self.messages: dict[int, dict[int, SentMessage]] = {}
        self.user_messages: dict[int, dict[int, JSON]] = {}
        self.pending: list[JSON] = []
        self.filtered: list[JSON] = []  # updates never created: a kind the bot did not ask for
        self.webhook: WebhookConfig | None = None
        self.commands: dict[str, list[JSON]] = {}
        self.allowed_updates: list[str] | None = None
        self.callback_answers: list[JSON] = []
        self.open_queries: dict[str, int] = {}  # callback query id → chat id
        # Messages the user deleted: gone from the chat, inaccessible to button presses.
        self.deleted: set[tuple[int, int]] = set()
        # What each chat's user saw the bot do: messages, edits, answered button presses.
        self.reactions: dict[int, int] = {}
        self.files: dict[str, SentDocument] = {}
        self._next_update_id = 100_000
        self._next_message_id: dict[int, int] = {}
        self._seq = 0
        self.methods: dict[str, Callable[[JSON, dict[str, Upload]], Any]] = {
            "getme": lambda p, f: self.bot.to_json() | self._bot_capabilities(),
            "sendmessage": self.send_message,
            "editmessagetext": self.edit_message_text,
            "editmessagereplymarkup": self.edit_message_reply_markup,
            "answercallbackquery": self.answer_callback_query,
            "sendchataction": self.send_chat_action,
            "senddocument": self.send_document,
            "getfile": self.get_file,
            "setmycommands": self.set_my_commands,
            "getmycommands": lambda p, f: self.commands.get(self._scope_key(p), []),
            "deletemycommands": self.delete_my_commands,
            "setwebhook": self.set_webhook,
            "deletewebhook": self.delete_webhook,
            "getwebhookinfo": self.get_webhook_info,
            "close": lambda p, f: True,
            "logout": lambda p, f: True,
        }

    # ---- respondents -------------------------------------------------------------------------

    def user(self, user_id: int) -> FakeUser:
        """The registered user, or a plausible English-speaking one."""
        if user_id not in self.users:
            self.users[user_id] = FakeUser(user_id, f"User{user_id}")
        return self.users[user_id]

    def chat(self, chat_id: int) -> FakeChat:
        """The chat with that id, created on first use (negative ids are groups)."""
        if chat_id not in self.chats:
            if chat_id <= SUPERGROUPS:
                self.chats[chat_id] = FakeChat(chat_id, "supergroup", title=f"Forum {-chat_id}")
            elif chat_id < 0:
                self.chats[chat_id] = FakeChat(chat_id, "group", title=f"Group {-chat_id}")
            else:
                person = self.user(chat_id)
                self.chats[chat_id] = FakeChat(chat_id, "private", first_name=person.first_name,
                                               username=person.username)
        return self.chats[chat_id]

    def sender(self, chat_id: int, user_id: int | None) -> FakeUser:
        """Who speaks: the chat's owner in a private chat, the given member in a group."""
        if chat_id > 0:
            if user_id not in (None, chat_id):
                raise ValueError("in a private chat the sender is the chat's user")
            return self.user(chat_id)
        if user_id is None:
            raise ValueError("a group message needs user_id")
        return self.user(user_id)

    def new_message_id(self, chat_id: int) -> int:
        """Message ids grow per chat and are shared by the bot's and the user's messages."""
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    def next_seq(self) -> int:
        """A fresh number for file ids and callback query ids."""
        self._seq += 1
        return self._seq

    def user_message(self, chat_id: int, user_id: int | None, content: JSON) -> JSON:
        """A new incoming `Message` dict with the given content fields."""
        message: JSON = {
            "message_id": self.new_message_id(chat_id),
            "from": self.sender(chat_id, user_id).to_json(),
            "chat": self.chat(chat_id).to_json(),
            "date": now(),
        } | content
        self.user_messages.setdefault(chat_id, {})[message["message_id"]] = message
        return message

    def new_update(self, kind: str, payload: JSON) -> JSON:
        """Wrap a payload in an update with the next update_id and queue it if the bot wants it."""
        self._next_update_id += 1
        update = {"update_id": self._next_update_id, kind: payload}
        (self.pending if self.wants(kind) else self.filtered).append(update)
        return update

    def next_update_id(self) -> int:
        """An update id for a hand-made update (pushed with `push`)."""
        self._next_update_id += 1
        return self._next_update_id

    def push(self, update: JSON) -> JSON:
        """Queue a raw update as is (a duplicate keeps its update_id)."""
        self.pending.append(update)
        return update

    def callback_query(self, chat_id: int, message_id: int, data: str, user_id: int | None,
                       check_button: bool, *, inaccessible: bool = False) -> JSON:
        """A `CallbackQuery` for a press on a button of a bot message.

        A message the user deleted (or `inaccessible`: too old for Telegram to include) comes as
        an InaccessibleMessage: only its chat, its id and date 0.
        """
        stored = self.messages.get(chat_id, {}).get(message_id)
        if stored is None:
            raise ValueError(f"the bot sent no message {message_id} in chat {chat_id}")
        if check_button and data not in stored.button_data:
            raise ValueError(f"message {message_id} has no button {data!r}: {stored.button_data}")
        query_id = str(4_000_000_000 + self.next_seq())
        self.open_queries[query_id] = chat_id
        message = self.message_json(stored)
        if inaccessible or (chat_id, message_id) in self.deleted:
            message = {"chat": message["chat"], "message_id": message_id, "date": 0}
        return {
            "id": query_id,
            "from": self.sender(chat_id, user_id).to_json(),
            "message": message,
            "chat_instance": str(abs(chat_id) * 7 + 13),
            "data": data,
        }

    def delete_message(self, chat_id: int, message_id: int) -> None:
        """The user deleted a bot message from the chat (its buttons still reach the bot)."""
        self.deleted.add((chat_id, message_id))

    def reacted(self, chat_id: int) -> None:
        """The bot did something the chat's user sees."""
        self.reactions[chat_id] = self.reactions.get(chat_id, 0) + 1

    # ---- queue ---------------------------------------------------------------------------------

    def confirm(self, offset: int) -> None:
        """Forget updates below a positive offset; a negative offset keeps only the last -offset."""
        if offset < 0:
            del self.pending[: max(0, len(self.pending) + offset)]
        elif offset:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]

    def available(self, limit: int) -> list[JSON]:
        """The oldest pending updates, at most `limit` (1-100 like Telegram)."""
        return self.pending[: max(1, min(limit, 100))]

    # ---- bot methods ---------------------------------------------------------------------------

    def _bot_capabilities(self) -> JSON:
        return {"can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}

    def _target_chat(self, params: JSON) -> int:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            raise bad_request("chat not found")
        if chat_id not in self.chats:
            raise bad_request("chat not found")
        if chat_id in self.blocked:
            raise ApiError(403, BLOCKED)
        if chat_id in self.deactivated:
            raise ApiError(403, DEACTIVATED)
        return chat_id

    def _check_markup(self, markup: Any) -> JSON | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
                    raise bad_request("BUTTON_DATA_INVALID")
        return markup

    def _check_text(self, text: Any) -> str:
        if not isinstance(text, str) or not text.strip():
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT:
            raise bad_request("message is too long")
        return text

    def message_json(self, stored: SentMessage) -> JSON:
        """The `Message` object Telegram returns for a bot message."""
        data: JSON = {
            "message_id": stored.message_id,
            "from": self.bot.to_json(),
            "chat": self.chats[stored.chat_id].to_json(),
            "date": stored.date,
        }
        if stored.text is not None:
            data["text"] = stored.text
        if stored.edits:
            data["edit_date"] = stored.edits[-1]["date"]
        if stored.reply_markup is not None:
            data["reply_markup"] = stored.reply_markup
        if stored.document is not None:
            data["document"] = self._document_json(stored.document)
        if stored.caption is not None:
            data["caption"] = stored.caption
        return data

    def _document_json(self, document: SentDocument) -> JSON:
        data: JSON = {"file_id": document.file_id, "file_unique_id": document.file_id[-12:]}
        if document.filename:
            data["file_name"] = document.filename
        if document.mime_type:
            data["mime_type"] = document.mime_type
        if document.content is not None:
            data["file_size"] = len(document.content)
        return data

    def _store(self, stored: SentMessage) -> JSON:
        self.messages.setdefault(stored.chat_id, {})[stored.message_id] = stored
        self.reacted(stored.chat_id)
        return self.message_json(stored)

    def send_message(self, params: JSON, files: dict[str, Upload]) -> JSON:
        """sendMessage: store the message and return it."""
        chat_id = self._target_chat(params)
        text = self._check_text(params.get("text"))
        markup = self._check_markup(params.get("reply_markup"))
        return self._store(SentMessage(chat_id, self.new_message_id(chat_id), text, markup, now()))

    def _stored(self, params: JSON) -> SentMessage:
        if "inline_message_id" in params:
            raise bad_request("inline messages are not supported by the fake")
        chat_id = self._target_chat(params)
        message_id = params.get("message_id")
        stored = self.messages.get(chat_id, {}).get(message_id)  # type: ignore[arg-type]
        if stored is None or (chat_id, message_id) in self.deleted:
            raise bad_request("message to edit not found")
        return stored

    def _edit(self, stored: SentMessage, text: str | None, markup: JSON | None) -> JSON:
        if text == stored.text and markup == stored.reply_markup:
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        stored.edits.append({"text": text, "reply_markup": markup, "date": now()})
        stored.text, stored.reply_markup = text, markup
        self.reacted(stored.chat_id)
        return self.message_json(stored)

    def edit_message_text(self, params: JSON, files: dict[str, Upload]) -> JSON:
        """editMessageText: replace text (and markup, which is dropped when not given)."""
        stored = self._stored(params)
        if stored.text is None:
            raise bad_request("there is no text in the message to edit")
        text = self._check_text(params.get("text"))
        return self._edit(stored, text, self._check_markup(params.get("reply_markup")))

    def edit_message_reply_markup(self, params: JSON, files: dict[str, Upload]) -> JSON:
        """editMessageReplyMarkup: replace or remove the inline keyboard."""
        stored = self._stored(params)
        return self._edit(stored, stored.text, self._check_markup(params.get("reply_markup")))

    def answer_callback_query(self, params: JSON, files: dict[str, Upload]) -> bool:
        """answerCallbackQuery: each query can be answered once."""
        query_id = params.get("callback_query_id")
        if query_id not in self.open_queries:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self.reacted(self.open_queries.pop(query_id))
        self.callback_answers.append(params)
        return True

    def send_chat_action(self, params: JSON, files: dict[str, Upload]) -> bool:
        """sendChatAction: accepted for known chats."""
        self._target_chat(params)
        if not params.get("action"):
            raise bad_request("wrong parameter action in request")
        return True

    def send_document(self, params: JSON, files: dict[str, Upload]) -> JSON:
        """sendDocument: keep the uploaded bytes and filename (or a re-sent file_id)."""
        chat_id = self._target_chat(params)
        doc_ref = params.get("document")
        upload = files.get("document")
        if isinstance(doc_ref, str) and doc_ref.startswith("attach://"):
            upload = files.get(doc_ref.removeprefix("attach://"))
        if upload is not None:
            document = SentDocument(f"BQACAgIAAx-document-{self.next_seq():06d}", upload.filename,
                                    upload.content, upload.content_type)
            self.files[document.file_id] = document
        elif isinstance(doc_ref, str) and doc_ref in self.files:
            document = self.files[doc_ref]
        else:
            raise bad_request("wrong file identifier/HTTP URL specified")
        caption = params.get("caption")
        stored = SentMessage(chat_id, self.new_message_id(chat_id), None,
                             self._check_markup(params.get("reply_markup")), now(),
                             document=document, caption=caption)
        return self._store(stored)

    def get_file(self, params: JSON, files: dict[str, Upload]) -> JSON:
        """getFile: a path under base_file_url for a file the bot uploaded."""
        document = self.files.get(params.get("file_id", ""))
        if document is None:
            raise bad_request("invalid file_id")
        return {"file_id": document.file_id, "file_unique_id": document.file_id[-12:],
                "file_size": len(document.content or b""), "file_path": document.file_id}
