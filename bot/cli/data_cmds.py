"""Commands over collected data: export, report, code."""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click

from bot.cli.common import empty_hint, progress, say, study_script, with_database
from bot.report.exports import ExportFormat
from bot.script import Script
from bot.settings import Settings, load_settings

if TYPE_CHECKING:
    from bot.analysis import Summary

FILE_FORMATS = ("spss", "xlsx")


@click.command("export")
@click.argument("study")
@click.option("--format", "fmt",
              type=click.Choice([f.value for f in ExportFormat] + list(FILE_FORMATS)),
              default=ExportFormat.long.value, show_default=True,
              help="long, wide or coded CSV; spss (.sav with labels and missing-value codes) or "
              "xlsx (with a data dictionary), which need -o.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: standard output).")
@click.option("--labels/--codes", default=True,
              help="Choices as their labels (default) or as their stored codes.")
@click.option("--bom", is_flag=True, help="Start with a byte-order mark so Excel reads UTF-8.")
@click.option("--delimiter", type=click.Choice([",", ";", "tab"]), default=",", show_default=True,
              help="Between CSV cells: ';' for Excel where the decimal mark is a comma.")
def export(study: str, fmt: str, output: Path | None, labels: bool, bom: bool,
           delimiter: str) -> None:
    """Export a study's answers: long (one row per answer), wide (one per interview) or coded
    (themes of open answers) CSV, or an SPSS or Excel file. Skipped, not asked and not reached
    are -97, -98 and -99 in every format."""
    from bot.report.exports import export_csv
    from storage import Repository

    settings = load_settings()
    script = study_script(settings, study)
    if fmt in FILE_FORMATS:
        if output is None:
            raise click.UsageError(f"--format {fmt} writes a file: give it with -o FILE.")
        _export_file(settings, script, fmt, output)
        return
    separator = "\t" if delimiter == "tab" else delimiter

    async def work(repository: Repository) -> int:
        total = await empty_hint(repository, settings, script.study_id)
        with _open(output, bom) as out, progress("Exporting interviews", total) as tick:
            return await export_csv(repository, script, fmt, out, labels=labels, progress=tick,
                                    delimiter=separator)

    rows = with_database(settings, work)
    say(f"{rows} rows written{f' to {output}' if output else ''}.")


def _export_file(settings: Settings, script: Script, fmt: str, output: Path) -> None:
    from bot.report.analyst import export_file
    from storage import Repository

    async def work(repository: Repository) -> int:
        total = await empty_hint(repository, settings, script.study_id)
        with progress("Exporting interviews", total) as tick:
            return await export_file(repository, script, fmt, output, progress=tick)

    count = with_database(settings, work)
    say(f"{count} interviews written to {output}.")


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


REPORT_FORMATS = ("html", "md", "json", "dbc", "dbc-md")


@click.command("report")
@click.argument("study")
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="html",
              show_default=True, help="html: one self-contained page; md: Markdown tables; "
              "json: every number; dbc / dbc-md: the Designing for Behavior Change sheet as CSV "
              "or Markdown.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="File to write, or - for standard output. Default: html goes to "
              "report-STUDY.html in the current folder (its path is printed); md and json go to "
              "standard output.")
def report(study: str, fmt: str, output: Path | None) -> None:
    """The marketer's report for a study: barriers, enablers, competing behaviours, segments,
    fieldwork health and method notes, from the answers in DATABASE_URL."""
    from bot.report.build import load_summary
    from bot.report.render_html import render_html
    from bot.report.render_json import render_json
    from bot.report.render_md import render_markdown
    from bot.report.waves import Waves, load_waves
    from bot.script import check_file
    from bot.script.loader import script_paths
    from storage import Repository

    settings = load_settings()
    script = study_script(settings, study)
    # Every script of the folder: its later waves, or the study it is a later wave of.
    scripts = [found for path in script_paths([settings.dialogs_dir])
               if (found := check_file(path)[0]) is not None]  # fmt: skip

    async def work(repository: Repository) -> tuple[Summary, Waves | None]:
        await empty_hint(repository, settings, script.study_id)
        with progress("Reading answers and computing the report", None):
            return (await load_summary(repository, script),
                    await load_waves(repository, script, scripts))

    summary, waves = with_database(settings, work)
    from bot.report.dbc import render_dbc_csv, render_dbc_markdown

    if fmt in ("dbc", "dbc-md"):
        text = (render_dbc_csv if fmt == "dbc" else render_dbc_markdown)(summary)
    else:
        text = {"html": render_html, "md": render_markdown, "json": render_json}[fmt](summary, waves)
    if output is None and fmt == "html":
        output = Path(f"report-{script.study_id}.html")
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"Report written to {output}")


@click.command("code")
@click.argument("study")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the coding sheet (one row per group of the same answer) to this CSV file.")
@click.option("--uncoded", is_flag=True, help="With --out: only answers no theme matched.")
@click.option("--bom", is_flag=True, help="With --out: start with a byte-order mark for Excel.")
@click.option("--apply", "apply_", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Store the `themes` column of an edited coding sheet as overrides.")
@click.option("--coder", help="With --apply: who coded the sheet (kept with each override).")
@click.option("--second", is_flag=True,
              help="With --apply: a second coder's sheet, kept apart (never in force) and "
                   "compared with the coding in force: prints Cohen's κ per theme.")
def code(study: str, out: Path | None, uncoded: bool, bom: bool, apply_: Path | None,
         coder: str | None, second: bool) -> None:
    """Code open answers in a spreadsheet: --out writes a coding sheet, --apply stores the themes
    coders changed in it (nothing is stored unless every row is valid); --apply --second stores a
    second coder's sheet to measure inter-coder agreement."""
    from bot.report.build import load_summary
    from bot.review.coding_csv import CodingCsvError, apply_coding_csv, write_coding_csv
    from storage import Repository

    if (out is None) == (apply_ is None):
        raise click.UsageError("give either --out FILE.csv or --apply FILE.csv.")
    settings = load_settings()
    script = study_script(settings, study)
    if out is not None:
        async def export_sheet(repository: Repository) -> int:
            with _open(out, bom) as stream, progress("Coding open answers", None):
                return await write_coding_csv(repository, script, stream, uncoded_only=uncoded)

        rows = with_database(settings, export_sheet)
        click.echo(f"{rows} row{'s' if rows != 1 else ''} written to {out} (one per group of "
                   "the same answer; `count` says how many answers a row codes).")
        return
    if apply_ is None or not coder:
        raise click.UsageError('--apply needs --coder "Your name" (kept with each override).')
    data = apply_.read_bytes()

    async def apply_sheet(repository: Repository) -> tuple[int, list[str]]:
        with progress("Checking and storing the coding", None):
            stored = await apply_coding_csv(repository, script, data, coder=coder,
                                            now=datetime.now(UTC), independent=second)
        if not second:
            return stored, []
        with progress("Comparing the two coders", None):
            summary = await load_summary(repository, script, with_emerging=False)
        return stored, intercoder_lines(summary)

    try:
        changed, lines = with_database(settings, apply_sheet)
    except CodingCsvError as exc:
        for problem in exc.problems:
            click.echo(f"{apply_}: {problem}", err=True)
        count = len(exc.problems)
        raise click.ClickException(
            f"no coding was stored: {count} problem{'s' if count != 1 else ''} to fix first."
        ) from None
    if second:
        click.echo(f"{changed} answer{'s' if changed != 1 else ''} coded by {coder.strip()} "
                   "as second coder (kept apart: the coding in force is unchanged).")
        for line in lines:
            click.echo(line)
        return
    click.echo(f"{changed} answer{'s' if changed != 1 else ''} recoded by {coder.strip()}.")


def intercoder_lines(summary: Summary) -> list[str]:
    """Cohen's κ per theme between the second coder and the coding in force, as printed lines."""
    from bot.report.view import agreement_views

    found = summary.confidence.intercoder if summary.confidence else None
    rows = agreement_views(summary, found)
    if not rows:
        return ["No answer of the sheet is coded by both coders yet."]
    width = max(len(f"{r.question} / {r.theme}") for r in rows)
    lines = ["Inter-coder agreement (Cohen's κ; second coder against the coding in force):",
             f"{'question / theme':<{width}}  {'both coded':>10}  κ"]  # fmt: skip
    lines += [f"{r.question + ' / ' + r.theme:<{width}}  {r.reviewed:>10}  {r.kappa}" for r in rows]
    return lines


COMMANDS: list[click.Command] = [export, report, code]
