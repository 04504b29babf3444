"""The `perceptions` command line: one small module per group of commands."""

from __future__ import annotations

import logging
from typing import Any

import click

from bot import __version__, redaction
from bot.cli import data_cmds, import_cmds, outreach_cmds, run_cmds, script_cmds, setup_cmds
from bot.cli.errors import explain

log = logging.getLogger("bot.cli")


class Perceptions(click.Group):
    """The command group: a known failure becomes a sentence and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; with --debug, failures keep their traceback."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            raise click.exceptions.Exit(130) from None
        except Exception as error:
            if ctx.meta.get("debug"):
                raise
            message = explain(error)
            if message is None:
                log.exception("unexpected error (a bug; please report it with this traceback)")
                raise click.exceptions.Exit(1) from None
            log.debug("the command failed", exc_info=True)
            raise click.ClickException(message) from None


@click.group(cls=Perceptions, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="perceptions")
@click.option("--debug", is_flag=True, help="Log everything, and show the traceback of a failure.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Conversational Barrier Analysis interviews on Telegram, and what they reveal."""
    ctx.meta["debug"] = debug
    if debug:
        logging.getLogger().setLevel(logging.DEBUG)


for module in (script_cmds, run_cmds, data_cmds, import_cmds, setup_cmds, outreach_cmds):
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    """Console-script entry point."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Every record, of every library, without respondents' ids, names and texts.
    redaction.install()
    # httpx logs request URLs at INFO, and Bot API URLs contain the bot token.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Migrations and the job scheduler narrate every step at INFO; only trouble is worth a line.
    for chatty in ("alembic", "apscheduler"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    cli(prog_name="perceptions")
