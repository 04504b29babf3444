"""Typed settings, read from the environment and `.env` only when asked for."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting of the bot; see `.env.example` for what each one means."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str | None = None
    database_url: str = "sqlite+aiosqlite:///./data/perceptions.db"
    pseudonym_key: SecretStr = SecretStr("change-me-before-fieldwork")
    dialogs_dir: Path = Path("dialogs")
    default_study: str | None = None
    researcher_ids: list[int] = Field(default_factory=list)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8080
    sandbox_host: str = "127.0.0.1"
    sandbox_port: int = 8081
    sandbox_database_url: str = "sqlite+aiosqlite:///./data/sandbox.db"
    research_host: str = "127.0.0.1"
    research_port: int = 8082
    research_password: SecretStr | None = None
    reminder_after_hours: float = 24.0
    quiet_hours_start: int = 21
    quiet_hours_end: int = 9
    timezone: str = "UTC"
    log_level: str = "INFO"


def load_settings(**overrides: object) -> Settings:
    """Read the settings now (never at import time)."""
    return Settings(**overrides)  # type: ignore[arg-type]
