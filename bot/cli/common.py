"""What every command over the database shares: the study's script, the database, progress."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TypeVar

import click

from bot.cli.errors import DATABASE
from bot.script import Script, find_script
from bot.settings import Settings
from storage import Repository

T = TypeVar("T")
SYSTEM_DATABASES = frozenset({"postgres", "template0", "template1"})


def say(message: str) -> None:
    """A line for the person at the terminal, on standard error (standard output may be data)."""
    click.echo(message, err=True)


def study_script(settings: Settings, study: str) -> Script:
    """The study's script from the dialogs folder, or a sentence listing the studies there."""
    try:
        return find_script(settings.dialogs_dir, study)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None


@contextlib.asynccontextmanager
async def open_database(url: str, *, announce: bool = True) -> AsyncIterator[Repository]:
    """The repository at `url`, said aloud; SQLite is created and migrated, PostgreSQL checked."""
    from bot.compose import open_repository
    from storage import describe_url, schema_state
    from storage.engine import is_sqlite, normalise_url

    label = describe_url(url)
    DATABASE.set(label)
    if announce:
        say(f"Database: {label}")
    if is_sqlite(normalise_url(url)):
        try:
            repository = await open_repository(url)  # a local file: it keeps itself current
        except OSError as error:  # its folder cannot be made
            raise click.ClickException(
                f"Cannot create {label} ({error.strerror or error}): set DATABASE_URL to a file "
                "in a folder you can write to."
            ) from None
    else:
        state = await schema_state(url)
        if not state.up_to_date:
            have = f"is at revision {state.current}" if state.current else "has no tables yet"
            raise click.ClickException(
                f"{label} {have}; this version needs {state.head}. "
                "Run `perceptions db upgrade` first."
            )
        repository = await open_repository(url)
    try:
        yield repository
    finally:
        await repository.close()


def with_database(
    settings: Settings, work: Callable[[Repository], Awaitable[T]], *, url: str | None = None
) -> T:
    """Run `work(repository)` on DATABASE_URL (or `url`) and close the connections afterwards."""

    from storage import describe_url

    target = url or settings.database_url
    DATABASE.set(describe_url(target))  # here, outside the event loop's copy of the context

    async def main() -> T:
        async with open_database(target) as repository:
            return await work(repository)

    return asyncio.run(main())


async def empty_hint(repository: Repository, settings: Settings, study_id: str) -> int:
    """How many interviews the study has here; with none, say where else they might be."""
    starts = (await repository.study_counts(study_id=study_id)).starts
    if starts == 0:
        hint = f"No interviews of study {study_id} in {DATABASE.get()} yet."
        if settings.database_url != settings.sandbox_database_url:
            from storage import describe_url

            hint += (f" (Answers given in the sandbox are kept apart, in "
                     f"{describe_url(settings.sandbox_database_url)}.)")
        say(hint)
    return starts


@contextlib.contextmanager
def progress(description: str, total: int | None) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on standard error when it is a terminal; nothing when piped."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress as Bar

    with Bar(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total or None)
        yield lambda n: bar.advance(task, n)


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 row`, `2 rows`, `1,234 rows`."""
    return f"{count:,} {word if count == 1 else (many or word + 's')}"
