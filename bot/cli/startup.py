"""Before the real bot starts: checks that fail early and clearly, then a banner saying what runs.

Checks: a strong PSEUDONYM_KEY, a database that is ready, Telegram accepting the token, a free
port for the webhook. The banner: the bot's username, the mode, the database, each study with
its deep links (`t.me/<bot>?start=<study>__<source>`).
"""

from __future__ import annotations

import errno
import socket
from dataclasses import dataclass
from pathlib import Path

import click

from bot.interviews.catalog import SOURCE_SEPARATOR
from bot.settings import Settings

WEAK_KEY = (
    "PSEUDONYM_KEY is the published default or shorter than 32 characters, so anyone could undo "
    "the pseudonyms.\nRun `perceptions keygen` (it writes a new key into .env), then start again."
)
PAYLOAD_MAX = 64  # Telegram's limit for a /start parameter
PAYLOAD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


@dataclass(frozen=True)
class Study:
    """A study the bot will run: its id and title."""

    id: str
    title: str


def require_strong_key(settings: Settings) -> None:
    """Refuse the published default or a short key: with it the pseudonyms can be reversed."""
    if settings.weak_pseudonym_key():
        raise click.ClickException(WEAK_KEY)


def studies(dialogs_dir: Path) -> list[Study]:
    """The studies whose scripts are valid (those the bot will run), in file order."""
    from bot.script import check_file
    from bot.script.loader import script_paths

    found = []
    for path in script_paths([dialogs_dir]):
        script, _ = check_file(path)
        if script is not None:
            title = script.text(script.file.study.title, script.languages[0])
            found.append(Study(script.study_id, title))
    return found


def deep_link(username: str, study_id: str, source: str | None = None) -> str:
    """The t.me link that opens this study (and records where the respondent came from)."""
    payload = f"{study_id}{SOURCE_SEPARATOR}{source}" if source else study_id
    if len(payload) > PAYLOAD_MAX or not set(payload) <= PAYLOAD_CHARS:
        raise click.ClickException(
            f"'{source}' cannot be a link source: use at most {PAYLOAD_MAX - len(study_id) - 2} "
            "letters, digits, _ or - (e.g. poster, flyer_market, radio-1)."
        )
    return f"https://t.me/{username}?start={payload}"


async def telegram_username(settings: Settings) -> str:
    """Ask Telegram who the bot is (getMe): a refused token or no connection fails here, early."""
    from telegram import Bot

    from bot.telegram.app import api_base_url

    assert settings.telegram_bot_token is not None
    api = settings.telegram_api_url
    base_url = api_base_url(api) if api else "https://api.telegram.org/bot"
    async with Bot(settings.telegram_bot_token.get_secret_value(), base_url=base_url) as bot:
        return bot.username


async def check_database(settings: Settings) -> None:
    """PostgreSQL must be migrated already (`perceptions db upgrade`); SQLite migrates itself."""
    from storage import describe_url, schema_state
    from storage.engine import is_sqlite, normalise_url

    if is_sqlite(normalise_url(settings.database_url)):
        return
    state = await schema_state(settings.database_url)
    if not state.up_to_date:
        raise click.ClickException(
            f"{describe_url(settings.database_url)} is not ready for this version (schema "
            f"{state.current or 'none'}, needs {state.head}). Run `perceptions db upgrade` first."
        )


def require_free_port(host: str, port: int, setting: str) -> None:
    """Fail now, naming the setting, if another program already listens on host:port."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
            raise click.ClickException(
                f"Port {port} on {host} is already in use ({setting}): stop the other program or "
                f"set {setting} to a free port."
            ) from None


def banner(settings: Settings, username: str, *, webhook: bool) -> list[str]:
    """What is running, where the answers go, and the link of each study."""
    from storage import describe_url

    mode = (f"webhook at {settings.webhook_url} (listening on {settings.webhook_host}:"
            f"{settings.webhook_port})" if webhook else "polling Telegram for updates")
    lines = [
        f"Bot @{username} — {mode}.",
        f"Database: {describe_url(settings.database_url)}.",
        "Studies (share a link; add __SOURCE to know where people came from):",
    ]
    found = studies(settings.dialogs_dir)
    default = settings.default_study if any(s.id == settings.default_study for s in found) else (
        found[0].id if found else None)
    for study in found:
        mark = " (default: /start without a link)" if study.id == default else ""
        lines.append(f"  {study.id} — {study.title}{mark}")
        lines.append(f"    {deep_link(username, study.id)}   e.g. "
                     f"{deep_link(username, study.id, 'poster')}")
    if not found:
        lines.append(f"  none: no valid script in {settings.dialogs_dir} "
                     "(`perceptions check` says why).")
    lines.append("Press Ctrl-C to stop.")
    return lines
