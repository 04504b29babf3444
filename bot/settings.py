"""Typed settings, read from the environment and `.env` only when asked for, checked on reading.

Every check names the setting and says what would be right, so a typo in `.env` is caught when a
command starts, not ten minutes later inside a reminder job.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Published in .env.example and in old copies of it: it protects nothing.
DEFAULT_PSEUDONYM_KEY = "change-me-before-fieldwork"
MIN_KEY_LENGTH = 32
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DATABASE_SCHEMES = ("sqlite", "sqlite+aiosqlite", "sqlite+pysqlite", "postgresql",
                    "postgresql+asyncpg", "postgres", "postgresql+psycopg", "postgresql+psycopg2")
Port = Annotated[int, Field(ge=1, le=65535)]
Hour = Annotated[int, Field(ge=0, le=23)]


class Settings(BaseSettings):
    """Every setting of the bot; see `.env.example` for what each one means."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str | None = None
    # Messages per second this process sends at most (Telegram allows a bot about 30 in all):
    # with several workers, give each its share; 0 = no limit (a local Bot API server).
    send_rate: float = Field(30.0, ge=0)
    database_url: str = "sqlite+aiosqlite:///./data/perceptions.db"
    pseudonym_key: SecretStr = SecretStr(DEFAULT_PSEUDONYM_KEY)
    dialogs_dir: Path = Path("dialogs")
    default_study: str | None = None
    researcher_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: Port = 8080
    # /health and /ready in polling mode (the webhook server always serves them); unset: none.
    health_host: str = "127.0.0.1"
    health_port: Port | None = None
    sandbox_host: str = "127.0.0.1"
    sandbox_port: Port = 8081
    sandbox_database_url: str = "sqlite+aiosqlite:///./data/sandbox.db"
    research_host: str = "127.0.0.1"
    research_port: Port = 8082
    research_password: SecretStr | None = None
    reminder_after_hours: float = Field(24.0, gt=0)
    reminder_check_seconds: float = Field(600.0, gt=0)
    quiet_hours_start: Hour = 21
    quiet_hours_end: Hour = 9
    timezone: str = "UTC"
    log_level: str = "INFO"

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        # Never echo the token itself: say only what it should look like.
        if value is not None and not re.fullmatch(r"\d+:[A-Za-z0-9_-]+", value.get_secret_value()):
            raise ValueError("does not look like a bot token (digits, a colon, then letters, "
                             "digits, _ or -); copy it again from @BotFather")
        return value

    @field_validator("database_url", "sandbox_database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme.lower() not in DATABASE_SCHEMES:
            raise ValueError("is not a database URL; use sqlite+aiosqlite:///./data/perceptions.db "
                             "or postgresql://user@host/dbname")
        return value

    @field_validator("telegram_api_url", "webhook_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("is not a web address like https://bot.example.org/telegram")
        return value

    @field_validator("researcher_ids", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        # Both `[123, 456]` and `123, 456` are accepted.
        items = [item for item in re.split(r"[\s,\[\]]+", value) if item]
        if not all(re.fullmatch(r"\d+", item) for item in items):
            raise ValueError("should be Telegram user ids (numbers), e.g. [123456789, 987654321]")
        return [int(item) for item in items]

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("is not a time zone; use a name like Europe/Paris, "
                             "America/Bogota or UTC") from None
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.upper() not in LOG_LEVELS:
            raise ValueError(f"is not a log level; use one of {', '.join(LOG_LEVELS)}")
        return value.upper()

    def weak_pseudonym_key(self) -> bool:
        """Whether PSEUDONYM_KEY is the published default or too short to keep pseudonyms safe."""
        key = self.pseudonym_key.get_secret_value()
        return key == DEFAULT_PSEUDONYM_KEY or len(key) < MIN_KEY_LENGTH


class SettingsError(ValueError):
    """Settings that cannot be used; `problems` says, setting by setting, what is wrong."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


SECRETS = frozenset({"telegram_bot_token", "pseudonym_key", "webhook_secret", "research_password"})
_PLAIN_MESSAGES = {
    "int_parsing": "should be a whole number",
    "float_parsing": "should be a number",
    "greater_than_equal": "should be at least {ge}",
    "less_than_equal": "should be at most {le}",
    "greater_than": "should be more than {gt}",
}


def describe(error: ValidationError) -> list[str]:
    """One line per wrong setting: its name, the value given (never a secret's) and what is right."""
    lines = []
    for item in error.errors():
        name = str(item["loc"][0]) if item["loc"] else "?"
        shown = "" if name in SECRETS else f"={item.get('input')!r}"
        message = item["msg"].removeprefix("Value error, ")
        plain = _PLAIN_MESSAGES.get(item["type"])
        if plain:
            message = plain.format(**(item.get("ctx") or {}))
        lines.append(f"{name.upper()}{shown} {message}")
    return lines


def load_settings(**overrides: object) -> Settings:
    """Read the settings now (never at import time); raises `SettingsError` naming each bad one."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise SettingsError(describe(error)) from None
    logging.getLogger().setLevel(settings.log_level)
    return settings
