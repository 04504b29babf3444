"""Bringing data in: `import` (wide CSV, KoboToolbox, ODK)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from bot.cli.common import say, study_script, with_database
from bot.settings import load_settings


@click.command("import")
@click.argument("study")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False,
                                                                 path_type=Path))
def import_(study: str, csv_file: Path) -> None:
    """Import answers collected elsewhere from a wide CSV (the layout `export --format wide`
    writes); nothing is stored unless every row is valid."""
    from bot.imports.csv_replay import ImportResult, import_csv
    from bot.imports.problems import CsvImportError
    from storage import Repository

    settings = load_settings()
    script = study_script(settings, study)
    data = csv_file.read_bytes()
    key = settings.pseudonym_key.get_secret_value()

    async def work(repository: Repository) -> ImportResult:
        return await import_csv(repository, script, data, key=key, now=datetime.now(UTC))

    try:
        result = with_database(settings, work)
    except CsvImportError as exc:
        for problem in exc.problems:
            say(f"{csv_file}: {problem}")
        count = len(exc.problems)
        raise click.ClickException(
            f"nothing was imported: {count} problem{'s' if count != 1 else ''} to fix first."
        ) from None
    for note in result.notes:
        say(f"{csv_file}: note: {note}")
    click.echo(f"Imported {len(result.interview_ids)} interviews into study {script.study_id}.")


COMMANDS: list[click.Command] = [import_]
