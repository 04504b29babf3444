"""The bot's own respondent-facing texts (texts.yaml), per language with English as fallback."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

FALLBACK = "en"
# Command menu entries (setMyCommands); descriptions are short, so they stay with the code's list.
MENU = ("start", "back", "skip", "restart", "stop", "language", "privacy", "updates", "delete",
        "help")


class Texts:
    """Look up a text by key and language and fill its {placeholders}."""

    def __init__(self, table: dict[str, dict[str, str]]) -> None:
        """Wrap a {language: {key: text}} table; English must hold every key."""
        self._table = table

    @property
    def languages(self) -> list[str]:
        """The languages the bot speaks."""
        return list(self._table)

    def get(self, key: str, lang: str | None, **values: object) -> str:
        """The text in `lang`, else in English."""
        template = self._table.get(lang or FALLBACK, {}).get(key) or self._table[FALLBACK][key]
        return template.format(**values) if values else template

    def language_name(self, code: str) -> str:
        """A language's own name for the picker (the code itself when unknown)."""
        return self._table.get(code, {}).get("language_name", code)


@cache
def bot_texts() -> Texts:
    """The texts shipped in bot/telegram/texts.yaml (read once)."""
    raw = resources.files("bot.telegram").joinpath("texts.yaml").read_text(encoding="utf-8")
    return Texts(yaml.safe_load(raw))
