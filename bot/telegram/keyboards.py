"""Inline keyboards and their callback data (≤ 64 bytes, carrying the question id)."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.engine import Message

ANSWER, LANGUAGE, DELETE, CONTACT = "a", "l", "d", "c"
SEPARATOR = "|"
CHECK = "✓"
_MAX_DATA_BYTES = 64
_SHORT_LABEL = 4  # labels this short (scale numbers) share a row


@dataclass(frozen=True)
class Tap:
    """A decoded button press: its kind and the parts after it."""

    kind: str
    parts: tuple[str, ...]


def encode(kind: str, *parts: str) -> str:
    """callback_data for a button; script ids and values are short enough by the checker."""
    data = SEPARATOR.join((kind, *parts))
    if len(data.encode("utf-8")) > _MAX_DATA_BYTES:
        raise ValueError(f"callback data over {_MAX_DATA_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Tap:
    """The kind and parts of callback_data (an empty kind for anything foreign)."""
    kind, *parts = (data or "").split(SEPARATOR)
    return Tap(kind, tuple(parts))


def question_keyboard(message: Message) -> InlineKeyboardMarkup | None:
    """The buttons of a question: one per row, short ones (scales) side by side."""
    if not message.buttons or message.question_id is None:
        return None
    qid = message.question_id
    buttons = [
        InlineKeyboardButton(
            f"{CHECK} {b.label}" if b.value in message.selected else b.label,
            callback_data=encode(ANSWER, qid, b.value),
        )
        for b in message.buttons
    ]
    if all(len(b.label) <= _SHORT_LABEL for b in message.buttons):
        return InlineKeyboardMarkup([buttons[i : i + 5] for i in range(0, len(buttons), 5)])
    return InlineKeyboardMarkup([[button] for button in buttons])


def language_keyboard(choices: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """One button per (code, name)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(name, callback_data=encode(LANGUAGE, code))] for code, name in choices]
    )


def delete_keyboard(yes: str, no: str) -> InlineKeyboardMarkup:
    """Confirm or cancel erasure."""
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(yes, callback_data=encode(DELETE, "yes"))],
        [InlineKeyboardButton(no, callback_data=encode(DELETE, "no"))],
    ])


def contact_keyboard(choices: list[tuple[str, str]], current: str | None) -> InlineKeyboardMarkup:
    """One button per (choice, label) of "may we write to you again?"; the current one ticked."""
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(f"{CHECK} {label}" if choice == current else label,
                              callback_data=encode(CONTACT, choice))]
        for choice, label in choices
    ])
