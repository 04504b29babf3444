"""The sandbox's view of fake chats: respondents, transcripts and scripts, as JSON for the page."""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bot.script import check_file
from bot.script.compiled import Script
from bot.script.loader import script_paths
from bot.testing.fake_bot_api import FakeBotApi
from bot.testing.fake_objects import JSON, SentMessage

# What the menu offers when the bot has not registered its commands (yet).
DEFAULT_COMMANDS = [
    {"command": c, "description": d}
    for c, d in [
        ("back", "Go back to the previous question"),
        ("skip", "Skip this question"),
        ("restart", "Start the interview again"),
        ("stop", "Stop the interview"),
        ("language", "Change the language"),
        ("privacy", "How your answers are used"),
        ("delete", "Delete everything you told us"),
        ("help", "What you can do"),
    ]
]
# Telegram allows only these characters in a /start deep-link parameter.
PAYLOAD_CHARS = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class Respondent:
    """A fake Telegram user the researcher plays; the chat id is the user id (a private chat)."""

    chat_id: int
    name: str
    study_id: str | None
    language: str | None
    source: str | None

    def to_json(self) -> JSON:
        """The respondent as the page shows it (the id is a made-up one, never a real person's)."""
        return asdict(self)


@dataclass(frozen=True)
class ScriptEntry:
    """One script of the dialogs folder, loaded or with the reason it cannot be used."""

    path: Path
    script: Script | None
    problem: str | None

    def to_json(self) -> JSON:
        """What the picker shows."""
        if self.script is None:
            return {"path": str(self.path), "study_id": None, "title": self.path.name,
                    "languages": [], "problem": self.problem}
        return {"path": str(self.path), "study_id": self.script.study_id,
                "title": self.script.text(self.script.file.study.title, self.script.languages[0]),
                "languages": self.script.languages, "problem": None}


def load_scripts(dialogs_dir: Path) -> list[ScriptEntry]:
    """Every script in the folder, checked; broken ones say what is wrong instead of failing."""
    if not dialogs_dir.is_dir():
        return []
    entries = []
    for path in script_paths([dialogs_dir]):
        script, problems = check_file(path)
        problem = None
        if script is None:
            first = str(problems[0]) if problems else "it could not be read"
            problem = f"{len(problems)} problem(s), first: {first} — run `perceptions check`."
        entries.append(ScriptEntry(path, script, problem))
    return entries


def start_text(study_id: str | None, source: str | None) -> str:
    """The /start message a deep link t.me/bot?start=<study>__<source> would send."""
    parts = [PAYLOAD_CHARS.sub("-", p) for p in (study_id, source) if p]
    payload = "__".join(parts)[:64]
    return f"/start {payload}".rstrip()


class Respondents:
    """The fake users created in this sandbox run, newest last."""

    def __init__(self, seed: int | None = None) -> None:
        self._by_chat: dict[int, Respondent] = {}
        # Random ids, not 1, 2, 3: the sandbox database outlives a run, and a reused id would
        # continue an old respondent's interview instead of starting a fresh one.
        self._random = random.Random(seed)

    def new(self, fake: FakeBotApi, *, study_id: str | None, language: str | None,
            source: str | None) -> Respondent:
        """Register a fresh fake user with the language their Telegram app would report."""
        chat_id = self._random.randrange(5_000_000_000, 6_000_000_000)
        while chat_id in self._by_chat:
            chat_id += 1
        name = f"Tester {len(self._by_chat) + 1}"
        fake.add_user(chat_id, name, language_code=language or None)
        respondent = Respondent(chat_id, name, study_id, language, source)
        self._by_chat[chat_id] = respondent
        return respondent

    def get(self, chat_id: int) -> Respondent | None:
        """The respondent of a chat this sandbox created, else None."""
        return self._by_chat.get(chat_id)

    def all(self) -> list[Respondent]:
        """Every respondent of this run, oldest first."""
        return list(self._by_chat.values())


def revision(fake: FakeBotApi) -> int:
    """A number that grows whenever the bot calls Telegram or a user sends something."""
    return len(fake.bot_calls) + sum(len(m) for m in fake.world.user_messages.values())


def transcript(fake: FakeBotApi, chat_id: int) -> list[JSON]:
    """Both sides of a chat in order (message ids are shared by bot and user), edits applied."""
    items = [_bot_item(m) for m in fake.sent_messages(chat_id)]
    for message_id, message in fake.world.user_messages.get(chat_id, {}).items():
        items.append({"id": message_id, "from": "user", "text": _user_text(message),
                      "buttons": [], "edited": "edit_date" in message})
    return sorted(items, key=lambda item: int(item["id"]))


def commands(fake: FakeBotApi, language: str | None) -> list[JSON]:
    """The command menu the bot registered for this language, else its default list."""
    registered = fake.world.commands
    for key in (f"default::{language or ''}", "default::", "all_private_chats::"):
        if registered.get(key):
            return list(registered[key])
    return DEFAULT_COMMANDS


def _bot_item(message: SentMessage) -> JSON:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    buttons = [[_button(b) for b in row] for row in rows]
    item: JSON = {"id": message.message_id, "from": "bot",
                  "text": message.text or message.caption or "", "buttons": buttons,
                  "edited": bool(message.edits)}
    if message.document is not None:
        item["document"] = message.document.filename or "file"
    return item


def _button(button: dict[str, Any]) -> JSON:
    return {"text": str(button.get("text", "")), "data": button.get("callback_data"),
            "url": button.get("url")}


def _user_text(message: JSON) -> str:
    if "text" in message:
        return str(message["text"])
    for kind in ("sticker", "photo", "voice", "location"):
        if kind in message:
            return f"[{kind}]"
    return "[message]"
