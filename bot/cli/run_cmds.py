"""Commands that run the bot: run, sandbox."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
