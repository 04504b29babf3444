"""The `perceptions` command line: one small module per group of commands."""

from __future__ import annotations

import logging

import click

from bot import __version__
from bot.cli import data_cmds, run_cmds, script_cmds


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="perceptions")
def cli() -> None:
    """Conversational Barrier Analysis interviews on Telegram, and what they reveal."""


for module in (script_cmds, run_cmds, data_cmds):
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    """Console-script entry point."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs request URLs at INFO, and Bot API URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Migrations and the job scheduler narrate every step at INFO; only trouble is worth a line.
    for chatty in ("alembic", "apscheduler"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    cli(prog_name="perceptions")
