"""Updates Telegram really sends that a bot rarely expects: ones its library can't parse, kinds it
never asked for, presses on inaccessible messages, channel posts, and texts that test Unicode.

Telegram's API grows faster than client libraries follow: a new required-looking field missing, a
field of a new shape, a whole new update kind. Each builder here returns the content of one such
update, made from a real chat and person (so a log that leaks it would show their name and text).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.testing.fake_objects import JSON, FakeUser, now, sticker_json

# ---- updates python-telegram-bot 22 cannot parse ----------------------------------------------------
# Each: (update kind, content) from the sender, the chat's JSON and a fresh message id.
Poison = Callable[[FakeUser, JSON, int], tuple[str, JSON]]


def _poll_answer_without_options(sender: FakeUser, chat: JSON, message_id: int) -> tuple[str, JSON]:
    # The shape of a future API: the library still requires `option_ids`.
    return "poll_answer", {"poll_id": f"{message_id}", "user": sender.to_json(),
                           "option_persistent_ids": ["a1"]}


def _entity_without_position(sender: FakeUser, chat: JSON, message_id: int) -> tuple[str, JSON]:
    # A new entity kind that carries no offset/length (MessageEntity requires both).
    return "message", {"message_id": message_id, "from": sender.to_json(), "chat": chat,
                       "date": now(), "text": f"Hello, I am {sender.first_name}",
                       "entities": [{"type": "date_time", "unix_time": now()}]}


def _sticker_of_a_new_format(sender: FakeUser, chat: JSON, message_id: int) -> tuple[str, JSON]:
    # A sticker format without the dimensions the library's Sticker requires.
    sticker = {k: v for k, v in sticker_json(message_id, "🫠").items()
               if k not in ("width", "height", "is_video")}
    return "message", {"message_id": message_id, "from": sender.to_json(), "chat": chat,
                       "date": now(), "sticker": sticker | {"format": "vector"}}


def _sender_without_name(sender: FakeUser, chat: JSON, message_id: int) -> tuple[str, JSON]:
    # An account kind whose `first_name` is absent (User requires it).
    person = {k: v for k, v in sender.to_json().items() if k != "first_name"}
    return "message", {"message_id": message_id, "from": person, "chat": chat, "date": now(),
                       "text": "Is anyone there?"}


def _date_as_text(sender: FakeUser, chat: JSON, message_id: int) -> tuple[str, JSON]:
    # A field that changed type.
    return "message", {"message_id": message_id, "from": sender.to_json(), "chat": chat,
                       "date": "2031-04-01T09:00:00Z", "text": "My answer is 42"}


def _callback_without_id(sender: FakeUser, chat: JSON, message_id: int) -> tuple[str, JSON]:
    return "callback_query", {"from": sender.to_json(), "chat_instance": "17",
                              "data": "a|age|34",
                              "message": {"chat": chat, "message_id": message_id, "date": 0}}


UNPARSEABLE: dict[str, Poison] = {
    "poll_answer_without_option_ids": _poll_answer_without_options,
    "entity_without_position": _entity_without_position,
    "sticker_of_a_new_format": _sticker_of_a_new_format,
    "sender_without_first_name": _sender_without_name,
    "date_as_text": _date_as_text,
    "callback_query_without_id": _callback_without_id,
}

# ---- kinds and shapes the library parses but the bot never asked for ---------------------------


def unknown_kind(sender: FakeUser, chat: JSON) -> tuple[str, JSON]:
    """An update kind newer than the library (it keeps it in `api_kwargs`)."""
    return "postcard_message", {"message_id": 1, "from": sender.to_json(), "chat": chat,
                             "date": now(), "text": "hello from the future"}


def channel_post(channel: JSON, text: str) -> tuple[str, JSON]:
    """A post in a channel the bot was added to: no sender at all."""
    return "channel_post", {"message_id": 1, "sender_chat": channel, "chat": channel,
                            "date": now(), "text": text}


def my_chat_member(sender: FakeUser, chat: JSON, bot: FakeUser, status: str) -> tuple[str, JSON]:
    """The bot's membership changed: "kicked" when a person blocks it, "member" when unblocked."""
    old = {"user": bot.to_json(), "status": "member"}
    new: JSON = {"user": bot.to_json(), "status": status}
    if status == "kicked":
        new["until_date"] = 0
    return "my_chat_member", {"chat": chat, "from": sender.to_json(), "date": now(),
                              "old_chat_member": old, "new_chat_member": new}


def message_reaction(sender: FakeUser, chat: JSON, message_id: int, emoji: str) -> tuple[str, JSON]:
    """A person reacted to a message with an emoji."""
    return "message_reaction", {"chat": chat, "message_id": message_id, "user": sender.to_json(),
                                "date": now(), "old_reaction": [],
                                "new_reaction": [{"type": "emoji", "emoji": emoji}]}


def inline_button_press(sender: FakeUser, query_id: str, data: str) -> tuple[str, JSON]:
    """A press on a button of an inline-mode message: no message and no chat at all."""
    return "callback_query", {"id": query_id, "from": sender.to_json(), "chat_instance": "-5",
                              "inline_message_id": "AgAAAnNhbXBsZQ", "data": data}


# ---- texts people really type -----------------------------------------------------------------------
# Each is a real answer to an open question; none is empty or whitespace only.
UNICODE_TEXTS: tuple[str, ...] = (
    "Les pistes cyclables sont trop étroites 🚲",
    "Слишком много машин на дороге",
    "الطريق خطير جداً في الصباح",  # Arabic, right to left
    "自転車置き場がない",
    "My kids 👨‍👩‍👧‍👦 need a lift to school",  # a ZWJ family emoji
    "e\u0301 combining accents and NFC é side by side",
    "zero\u200bwidth\u200cjoiners\u200dinside",
    "\u202eright-to-left override\u202c then normal",
    "Ｆｕｌｌ ｗｉｄｔｈ letters and ３ digits",
    "𝕗𝕒𝕟𝕔𝕪 𝔪𝔞𝔱𝔥 𝓵𝓮𝓽𝓽𝓮𝓻𝓼 outside the BMP",
    "<b>not html</b> & 'quotes' \"double\" `code` {braces} %s %(name)s",
    "=HYPERLINK(\"http://x\") looks like a formula",
    "Zalgo t̷̢̛e̵͚̓x̸̱̌t̶̤͝ with stacked marks",
    "tab\tand\nnew\nlines inside one answer",
    "🇫🇷🇩🇪🏳️‍🌈 flags only? no: flags and words",
)


def long_text(length: int = 4096) -> str:
    """A text as long as Telegram allows (4096 characters)."""
    unit = "Too many lorries on the ring road. "
    return (unit * (length // len(unit) + 1))[: length - 1] + "."
