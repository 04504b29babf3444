"""Commands that run the bot: run, sandbox."""

from __future__ import annotations

import click

from bot.settings import load_settings


@click.command("sandbox")
@click.option("--port", type=int, help="Port of the sandbox page (default: SANDBOX_PORT, 8081).")
@click.option("--database", "database_url", metavar="URL",
              help="Where sandbox answers go (default: SANDBOX_DATABASE_URL, ./data/sandbox.db).")
def sandbox(port: int | None, database_url: str | None) -> None:
    """Chat with your scripts in the browser, offline: the real bot against a fake Telegram."""
    from bot.web.sandbox import SandboxError, run_sandbox

    settings = load_settings(**({"sandbox_port": port} if port else {}))
    try:
        run_sandbox(settings, database_url=database_url, echo=click.echo)
    except SandboxError as error:
        raise click.ClickException(str(error)) from None


COMMANDS: list[click.Command] = [sandbox]
