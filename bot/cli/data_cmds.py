"""Commands over collected data: db, import, export, report."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
