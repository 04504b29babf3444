"""Records and JSON builders for the fake Telegram Bot API (users, chats, messages, calls)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


class ApiError(Exception):
    """A Bot API error answered as `{"ok": false, ...}` with an HTTP status."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> JSON:
        """The error body exactly as Telegram shapes it."""
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    """A 400 error with Telegram's "Bad Request: ..." wording."""
    return ApiError(400, f"Bad Request: {reason}")


@dataclass(frozen=True)
class FakeUser:
    """A Telegram account that talks to the bot."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"
    is_bot: bool = False

    def to_json(self) -> JSON:
        """The `User` object as Telegram sends it (absent optional fields are omitted)."""
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass(frozen=True)
class FakeChat:
    """A private chat (id = user id) or a group (negative id)."""

    id: int
    type: str
    title: str | None = None
    first_name: str | None = None
    username: str | None = None

    def to_json(self) -> JSON:
        """The `Chat` object as Telegram sends it."""
        data: JSON = {"id": self.id, "type": self.type}
        for key in ("title", "first_name", "username"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass(frozen=True)
class SentDocument:
    """A file the bot uploaded with sendDocument."""

    file_id: str
    filename: str | None
    content: bytes | None
    mime_type: str | None


@dataclass
class SentMessage:
    """A message the bot sent, with every later edit applied."""

    chat_id: int
    message_id: int
    text: str | None
    reply_markup: JSON | None
    date: int
    document: SentDocument | None = None
    caption: str | None = None
    edits: list[JSON] = field(default_factory=list)

    @property
    def button_data(self) -> list[str]:
        """All callback_data values of the inline keyboard, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [b["callback_data"] for row in rows for b in row if "callback_data" in b]

    @property
    def button_labels(self) -> list[str]:
        """The text of every inline button, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [b["text"] for row in rows for b in row]


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content: bytes
    content_type: str | None


@dataclass(frozen=True)
class BotCall:
    """One request the bot made, with decoded parameters and arrival time (perf_counter)."""

    method: str
    params: JSON
    at: float

    @property
    def chat_id(self) -> Any:
        """The chat the call targets, if any."""
        return self.params.get("chat_id")


@dataclass(frozen=True)
class WebhookDelivery:
    """One attempt to POST an update to the bot's webhook."""

    update_id: int
    status: int | None
    error: str | None


def now() -> int:
    """Unix time, as Telegram dates are."""
    return int(time.time())


def command_entities(text: str) -> list[JSON]:
    """The bot_command entity Telegram attaches to a message starting with '/'."""
    if not text.startswith("/"):
        return []
    length = len(text.split(maxsplit=1)[0])
    return [{"type": "bot_command", "offset": 0, "length": length}]


def sticker_json(file_seq: int, emoji: str) -> JSON:
    """A small static sticker."""
    return {
        "file_id": f"CAACAgIAAx-sticker-{file_seq}",
        "file_unique_id": f"AgADsticker{file_seq}",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": emoji,
    }


def photo_json(file_seq: int) -> list[JSON]:
    """The usual thumbnail + full-size pair of PhotoSize objects."""
    return [
        {
            "file_id": f"AgACAgIAAx-photo-{file_seq}-{size}",
            "file_unique_id": f"AQADphoto{file_seq}{size}",
            "width": size,
            "height": size,
            "file_size": size * 40,
        }
        for size in (90, 1280)
    ]


def voice_json(file_seq: int, duration: int) -> JSON:
    """A voice note in OGG/Opus."""
    return {
        "file_id": f"AwACAgIAAx-voice-{file_seq}",
        "file_unique_id": f"AgADvoice{file_seq}",
        "duration": duration,
        "mime_type": "audio/ogg",
        "file_size": duration * 2000,
    }
