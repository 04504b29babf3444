"""Settings come from the environment and `.env`, and `.env.example` documents every one of them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_env_example_lists_every_setting_and_nothing_else() -> None:
    listed = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M))
    assert listed == {name.upper() for name in Settings.model_fields}


def test_a_copied_env_example_with_empty_values_means_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text(), encoding="utf-8")

    settings = load_settings()

    assert settings.telegram_bot_token is None  # so `run` opens the sandbox
    assert settings.default_study is None
    assert settings.webhook_secret is None
    assert settings.database_url == "sqlite+aiosqlite:///./data/perceptions.db"


def test_the_environment_wins_and_secrets_stay_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:SECRET")
    monkeypatch.setenv("RESEARCHER_IDS", "[42, 43]")

    settings = load_settings()

    assert settings.researcher_ids == [42, 43]
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == "123:SECRET"
    assert "SECRET" not in repr(settings)
