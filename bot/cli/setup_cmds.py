"""Setting up: the database (`db upgrade`, `db scrub`), the pseudonym key (`keygen`), study links
(`links`)."""

from __future__ import annotations

import asyncio
import re
import secrets
from pathlib import Path

import click

from bot.cli.common import SYSTEM_DATABASES, say
from bot.cli.errors import DATABASE
from bot.settings import DEFAULT_PSEUDONYM_KEY, MIN_KEY_LENGTH, load_settings

ENV_FILE = Path(".env")
KEY_LINE = re.compile(r"^\s*PSEUDONYM_KEY\s*=(.*)$", re.M)


@click.group("db")
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@click.option("--into-system-database", is_flag=True,
              help="Allow creating the tables in the server's own `postgres` database.")
def db_upgrade(into_system_database: bool) -> None:
    """Create or migrate the database at DATABASE_URL to the current schema, and say what it did."""
    from storage import describe_url, schema_state, upgrade
    from storage.engine import is_sqlite, normalise_url

    settings = load_settings()
    url = normalise_url(settings.database_url)
    label = describe_url(settings.database_url)
    DATABASE.set(label)
    if not is_sqlite(url):
        before = asyncio.run(schema_state(settings.database_url))
        name = url.database or url.username or ""
        if before.current is None and name in SYSTEM_DATABASES and not into_system_database:
            raise click.ClickException(
                f"DATABASE_URL names the server's own `{name}` database, which holds no "
                "perceptions tables; they belong in a database of their own. Create one "
                "(`createdb perceptions`) and end DATABASE_URL with /perceptions."
            )
    state = asyncio.run(upgrade(settings.database_url))
    if state.current is None:
        click.echo(f"Created the perceptions tables in {label} (schema {state.head}).")
    elif state.current != state.head:
        click.echo(f"Migrated {label} from schema {state.current} to {state.head}.")
    else:
        click.echo(f"{label} is already up to date (schema {state.head}); nothing to do.")


@db.command("scrub")
def db_scrub() -> None:
    """Rewrite the database so that erased respondents leave no bytes in its files (SQLite:
    VACUUM; PostgreSQL: VACUUM FULL, which locks each table while it runs: pick a quiet hour)."""
    from storage import describe_url
    from storage.scrub import scrub

    settings = load_settings()
    label = describe_url(settings.database_url)
    DATABASE.set(label)
    asyncio.run(scrub(settings.database_url))
    click.echo(f"Rewrote {label}: rows deleted earlier left no bytes in its files.")


def new_key() -> str:
    """A fresh random pseudonym key (43 URL-safe characters, 256 bits)."""
    return secrets.token_urlsafe(32)


@click.command("keygen")
@click.option("--env-file", type=click.Path(dir_okay=False, path_type=Path), default=ENV_FILE,
              show_default=True, help="The settings file to write PSEUDONYM_KEY into.")
@click.option("--force", is_flag=True,
              help="Replace a key that is already set (pseudonyms made with it no longer match).")
def keygen(env_file: Path, force: bool) -> None:
    """Write a new random PSEUDONYM_KEY into .env (the key itself is never printed)."""
    text = env_file.read_text(encoding="utf-8") if env_file.exists() else ""
    found = KEY_LINE.search(text)
    current = found.group(1).strip().strip("'\"") if found else ""
    if current and current != DEFAULT_PSEUDONYM_KEY and len(current) >= MIN_KEY_LENGTH and not force:
        raise click.ClickException(
            f"{env_file} already has a PSEUDONYM_KEY. Changing it during a study turns returning "
            "respondents into new people; if you really mean to, run `perceptions keygen --force`."
        )
    line = f"PSEUDONYM_KEY={new_key()}"
    if found:
        text = text[: found.start()] + line + text[found.end():]
    else:
        text += ("" if not text or text.endswith("\n") else "\n") + line + "\n"
    env_file.write_text(text, encoding="utf-8")
    env_file.chmod(0o600)
    click.echo(f"Wrote a new PSEUDONYM_KEY into {env_file} (readable by you only). Keep a copy "
               "somewhere safe, outside the database: without it pseudonyms cannot be matched.")


@click.command("links")
@click.argument("study")
@click.option("--source", help="Where the link is shown (poster, flyer_market, radio…): kept with "
              "each interview started from it, so fieldwork can compare channels.")
@click.option("--bot", "username", metavar="USERNAME",
              help="The bot's @username (default: asked from Telegram with TELEGRAM_BOT_TOKEN).")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              default=Path("links"), show_default=True,
              help="Folder for the QR codes (PNG for print, SVG for design tools).")
def links(study: str, source: str | None, username: str | None, output: Path) -> None:
    """Print a study's link and write its QR code, for posters and flyers."""
    import segno

    from bot.cli import startup
    from bot.cli.common import study_script

    settings = load_settings()
    script = study_script(settings, study)
    if username is None:
        if settings.telegram_bot_token is None:
            raise click.ClickException("give the bot's name with --bot YOUR_BOT, or set "
                                       "TELEGRAM_BOT_TOKEN so Telegram can tell it.")
        username = asyncio.run(startup.telegram_username(settings))
    link = startup.deep_link(username.lstrip("@"), script.study_id, source)
    output.mkdir(parents=True, exist_ok=True)
    name = output / (f"{script.study_id}__{source}" if source else script.study_id)
    code = segno.make(link, error="m")
    code.save(f"{name}.png", scale=10, border=4)
    code.save(f"{name}.svg", scale=10, border=4, title=link)
    click.echo(link)
    say(f"QR code written to {name}.png and {name}.svg")


COMMANDS: list[click.Command] = [db, keygen, links]


