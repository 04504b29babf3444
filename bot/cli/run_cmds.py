"""Commands that run the bot: run, sandbox; and the research pages."""

from __future__ import annotations

import asyncio

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


NO_TOKEN_HELP = """No Telegram token is set, and the offline sandbox is not available here.

To run the bot on Telegram:
  1. Open Telegram, talk to @BotFather, send /newbot and follow the steps.
  2. Put the token it gives you in .env:  TELEGRAM_BOT_TOKEN=123456:ABC...
  3. Run `perceptions run` again.

To try a script without Telegram, chat with it in the terminal:
  perceptions try dialogs/<your-script>.yaml"""


@click.command("run")
@click.option("--webhook", is_flag=True,
              help="Serve WEBHOOK_URL with our own web server instead of polling Telegram.")
def run(webhook: bool) -> None:
    """Run the interview bot on Telegram (polling by default); without a token, the sandbox."""
    settings = load_settings()
    if settings.telegram_bot_token is None:
        try:
            from bot.web.sandbox import SandboxError, run_sandbox
        except ImportError:
            click.echo(NO_TOKEN_HELP)
            return
        try:
            run_sandbox(settings, echo=click.echo)
        except SandboxError as error:
            raise click.ClickException(str(error)) from None
        return
    if webhook and (not settings.webhook_url or settings.webhook_secret is None):
        raise click.ClickException(
            "webhook mode needs WEBHOOK_URL (the public https address) and WEBHOOK_SECRET "
            "(1-256 characters of A-Z a-z 0-9 _ -) in .env or the environment"
        )
    from bot.cli import startup
    from bot.telegram.runner import run_bot
    from storage import AlreadyServed, single_process

    startup.require_strong_key(settings)
    try:
        # SQLite serves one bot process; PostgreSQL any number (no lock is taken for it).
        with single_process(settings.database_url):
            asyncio.run(startup.check_database(settings))
            if webhook:
                startup.require_free_port(settings.webhook_host, settings.webhook_port,
                                          "WEBHOOK_PORT")
            if settings.health_port is not None and not webhook:
                startup.require_free_port(settings.health_host, settings.health_port,
                                          "HEALTH_PORT")
            username = asyncio.run(startup.telegram_username(settings))
            click.echo("\n".join(startup.banner(settings, username, webhook=webhook)))
            asyncio.run(run_bot(settings, webhook=webhook))
    except AlreadyServed as error:
        raise click.ClickException(str(error)) from None
    except (ValueError, LookupError) as error:  # a bad database URL, no valid script…
        raise click.ClickException(str(error)) from None


@click.command("research")
@click.option("--host", help="Address to listen on (default: RESEARCH_HOST, 127.0.0.1); any other "
              "than this machine needs RESEARCH_PASSWORD.")
@click.option("--port", type=int, help="Port of the pages (default: RESEARCH_PORT, 8082).")
def research(host: str | None, port: int | None) -> None:
    """Review and code open answers in the browser: studies, fieldwork, coding, downloads."""
    from bot.web.research import ResearchError, run_research

    overrides: dict[str, object] = {}
    if host:
        overrides["research_host"] = host
    if port:
        overrides["research_port"] = port
    try:
        run_research(load_settings(**overrides), echo=click.echo)
    except ResearchError as error:
        raise click.ClickException(str(error)) from None


COMMANDS: list[click.Command] = [sandbox, run, research]
