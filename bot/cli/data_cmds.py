"""Commands over collected data: db, import, export, report."""

from __future__ import annotations

import asyncio
import contextlib
import io
import sys
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TypeVar

import click

from bot.report.exports import ExportFormat, Progress
from bot.script import Script, find_script
from bot.settings import Settings, load_settings

T = TypeVar("T")


def _script(settings: Settings, study: str) -> Script:
    """The study's script from the dialogs folder, or a friendly error."""
    try:
        return find_script(settings.dialogs_dir, study)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None


def _with_repository(settings: Settings, work: Callable[..., Awaitable[T]]) -> T:
    """Run `work(repository)` against DATABASE_URL, closing the connections afterwards."""
    from storage import create_repository

    async def main() -> T:
        try:
            repository = create_repository(settings.database_url)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        try:
            return await work(repository)
        finally:
            await repository.close()

    return asyncio.run(main())


@contextlib.contextmanager
def _progress(total: int) -> Iterator[Progress | None]:
    """A progress bar on stderr when it is a terminal; silent otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress as Bar

    with Bar(transient=True) as bar:
        task = bar.add_task("Exporting interviews", total=total or None)
        yield lambda n: bar.advance(task, n)


@click.command("export")
@click.argument("study")
@click.option("--format", "fmt", type=click.Choice([f.value for f in ExportFormat]),
              default=ExportFormat.long.value, show_default=True, help="Shape of the CSV.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: standard output).")
@click.option("--labels/--codes", default=True,
              help="Choices as their labels (default) or as their stored codes.")
@click.option("--bom", is_flag=True, help="Start with a byte-order mark so Excel reads UTF-8.")
def export(study: str, fmt: str, output: Path | None, labels: bool, bom: bool) -> None:
    """Export a study's answers as CSV: long (one row per answer), wide (one per interview) or
    coded (themes of open answers)."""
    from bot.report.exports import export_csv
    from storage import Repository

    settings = load_settings()
    script = _script(settings, study)

    async def work(repository: Repository) -> int:
        total = (await repository.study_counts(study_id=script.study_id)).starts
        with _open(output, bom) as out, _progress(total) as tick:
            return await export_csv(repository, script, fmt, out, labels=labels, progress=tick)

    rows = _with_repository(settings, work)
    click.echo(f"{rows} rows written{f' to {output}' if output else ''}.", err=True)


@contextlib.contextmanager
def _open(output: Path | None, bom: bool) -> Iterator[IO[str]]:
    encoding = "utf-8-sig" if bom else "utf-8"
    if output is None:
        sys.stdout.flush()
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding=encoding, newline="")
        try:
            yield stream
        finally:
            stream.flush()
            stream.detach()  # leave standard output open for click's closing message
        return
    # newline="" because the csv module writes its own \r\n line ends.
    with output.open("w", encoding=encoding, newline="") as out:
        yield out


@click.command("import")
@click.argument("study")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False,
                                                                 path_type=Path))
def import_(study: str, csv_file: Path) -> None:
    """Import answers collected elsewhere from a wide CSV (the layout `export --format wide`
    writes); nothing is stored unless every row is valid."""
    from bot.report.csv_import import CsvImportError
    from bot.report.csv_replay import ImportResult, import_csv
    from storage import Repository

    settings = load_settings()
    script = _script(settings, study)
    data = csv_file.read_bytes()
    key = settings.pseudonym_key.get_secret_value()

    async def work(repository: Repository) -> ImportResult:
        return await import_csv(repository, script, data, key=key, now=datetime.now(UTC))

    try:
        result = _with_repository(settings, work)
    except CsvImportError as exc:
        for problem in exc.problems:
            click.echo(f"{csv_file}: {problem}", err=True)
        count = len(exc.problems)
        raise click.ClickException(
            f"nothing was imported: {count} problem{'s' if count != 1 else ''} to fix first."
        ) from None
    for note in result.notes:
        click.echo(f"{csv_file}: note: {note}", err=True)
    click.echo(f"Imported {len(result.interview_ids)} interviews into study {script.study_id}.")


@click.group("db")
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database at DATABASE_URL to the current schema."""
    from storage import upgrade

    settings = load_settings()
    try:
        asyncio.run(upgrade(settings.database_url))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("The database is up to date.")


COMMANDS: list[click.Command] = [db, export, import_]
