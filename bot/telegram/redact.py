"""Each update's personal values (ids, names, usernames, texts) withheld from every log line
written while it is handled: the first handler to see an update tells `bot.redaction`."""

from __future__ import annotations

from collections.abc import Iterator

from telegram import Update

from bot import redaction
from bot.telegram.context import InterviewContext

# Fields of an update (at any depth) that name or quote a person.
PERSONAL_FIELDS = frozenset({
    "id", "user_id", "chat_id", "first_name", "last_name", "username", "title", "text",
    "caption", "data", "query", "phone_number", "vcard", "address", "email", "bio",
    "description", "question", "invite_link", "name", "full_name",
})


def personal_values(data: object) -> Iterator[object]:
    """Every value of a personal field in an update's JSON (nested messages, users, chats…)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in PERSONAL_FIELDS and isinstance(value, str | int):
                yield value
            else:
                yield from personal_values(value)
    elif isinstance(data, list):
        for item in data:
            yield from personal_values(item)


async def withhold_personal_values(update: Update, _context: InterviewContext) -> None:
    """Handler of group -2 (before all others): this update's values leave no log line."""
    values = list(personal_values(update.to_dict()))
    user = update.effective_user
    if user is not None:
        values.append(user.full_name)  # as the library prints a user
    redaction.remember(values)
