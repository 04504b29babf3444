"""Bringing data in: `import` (wide CSV: ours, KoboToolbox, ODK) and `from-xlsform`."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import click

from bot.cli.common import plural, progress, say, study_script, with_database
from bot.settings import load_settings

SHOWN = 20  # problems printed one by one; the rest are counted by column


@click.command("import")
@click.argument("study")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False,
                                                                 path_type=Path))
@click.option("--ignore", multiple=True, metavar="COLUMN",
              help="Leave this column out (repeat for several), e.g. a calculation of your form.")
@click.option("--problems", "problems_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write every problem found to this CSV file (row, column, problem).")
def import_(study: str, csv_file: Path, ignore: tuple[str, ...], problems_file: Path | None) -> None:
    """Import answers collected elsewhere from a wide CSV: our own wide export, or a KoboToolbox
    or ODK export as it comes (`;` or `,`, names or labels as headers, group paths, multiple
    choices in one cell or split into 0/1 columns). Nothing is stored unless every row is valid."""
    from bot.imports.csv_replay import ImportResult, import_csv
    from bot.imports.problems import CsvImportError
    from storage import Repository

    settings = load_settings()
    script = study_script(settings, study)
    key = settings.pseudonym_key.get_secret_value()
    rows = _count_lines(csv_file) - 1

    async def work(repository: Repository) -> ImportResult:
        with progress(f"Importing {csv_file.name}", rows) as tick:
            return await import_csv(repository, script, csv_file, key=key, now=datetime.now(UTC),
                                    ignore=ignore, progress=tick)

    try:
        result = with_database(settings, work)
    except CsvImportError as exc:
        _report_problems(csv_file, exc, problems_file)
        raise click.ClickException(
            f"nothing was imported: {plural(exc.total, 'problem')} to fix first."
        ) from None
    for line in summary(result, script.study_id, csv_file):
        click.echo(line)


def summary(result: object, study_id: str, csv_file: Path) -> list[str]:
    """A screenful at most: what was stored, what was ignored, remarks grouped by kind."""
    from bot.imports.csv_replay import ImportResult

    assert isinstance(result, ImportResult)
    out = result.outcomes
    ended = [f"{out['completed']:,} completed ({plural(out['doer'], 'doer')}, "
             f"{plural(out['non_doer'], 'non-doer')})"]
    for status in ("screened_out", "excluded", "declined", "abandoned"):
        if out[status]:
            ended.append(f"{out[status]:,} {status.replace('_', ' ')}")
    lines = [f"Imported {plural(len(result.interview_ids), 'interview')} into study {study_id}: "
             + ", ".join(ended) + "."]
    if result.own_ids:
        lines.append(f"Each respondent's own id (e.g. KoboToolbox's _uuid) is kept with their "
                     f"interview ({result.own_ids:,}).")
    ignored = result.layout.ignored if result.layout else []
    if ignored:
        more = f" and {len(ignored) - 8} more" if len(ignored) > 8 else ""
        lines.append(f"Ignored columns: {', '.join(ignored[:8])}{more}.")
    unknown = result.layout.unknown if result.layout else []
    if unknown:
        lines.append(f"Not in the script, so left out: {', '.join(unknown[:8])}"
                     f"{f' and {len(unknown) - 8} more' if len(unknown) > 8 else ''}.")
    notes = result.notes
    if notes:
        lines.append("Remarks (nothing was refused):")
        lines += [f"  {note}" for note in notes[:6]]
    return lines


def _report_problems(csv_file: Path, error: object, problems_file: Path | None) -> None:
    from bot.imports.problems import CsvImportError

    assert isinstance(error, CsvImportError)
    for problem in error.problems[:SHOWN]:
        say(f"{csv_file}: {problem}")
    if error.total > SHOWN:
        by_column: dict[str, int] = {}
        for problem in error.problems:
            by_column[problem.column or "(whole row)"] = by_column.get(
                problem.column or "(whole row)", 0) + 1
        counts = ", ".join(f"`{c}` {n:,}" for c, n in
                           sorted(by_column.items(), key=lambda item: -item[1])[:6])
        say(f"… and {error.total - SHOWN:,} more. Problems by column: {counts}.")
        if problems_file is None:
            say("To see them all, run again with --problems problems.csv.")
    if problems_file is not None:
        with problems_file.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["row", "column", "problem"])
            writer.writerows([p.row, p.column, p.message] for p in error.problems)
        say(f"Every problem is listed in {problems_file}.")


def _count_lines(path: Path) -> int:
    """Lines in a file, counted in blocks (a good guess at its rows, for the progress bar)."""
    count = 0
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            count += block.count(b"\n")
    return count


@click.command("from-xlsform")
@click.argument("form", metavar="FORM.xlsx", type=click.Path(exists=True, dir_okay=False,
                                                              path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The script to write (default: DIALOGS_DIR/<form_id>.yaml).")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def from_xlsform(form: Path, output: Path | None, force: bool) -> None:
    """Convert an XLSForm (KoboToolbox, ODK) into an interview script that `check` accepts,
    listing by sheet and row whatever could not be converted."""
    from bot.imports.xlsform import XlsFormError, convert
    from bot.imports.xlsform_texts import render_yaml
    from bot.script import check_source

    try:
        conversion = convert(form)
    except XlsFormError as error:
        raise click.ClickException(f"{form} cannot be read as an XLSForm: {error}") from None
    study_id = conversion.script["study"]["id"]
    if output is None:
        output = load_settings().dialogs_dir / f"{study_id}.yaml"
    if output.exists() and not force:
        raise click.ClickException(f"{output} already exists: choose another name with -o, or "
                                   "replace it with --force.")
    skipped = [str(item) for item in conversion.skipped]
    text = render_yaml(conversion.script, form.name, skipped)
    script, problems = check_source(text.encode("utf-8"), str(output))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    if script is None:
        for problem in problems:
            say(str(problem))
        raise click.ClickException(f"{output} was written but needs fixing by hand (above).")
    asked = sum(1 for q in script.questions if q.type.value != "info")
    click.echo(f"Wrote {output}: study {study_id}, {plural(asked, 'question')}, languages "
               f"{', '.join(script.languages)}.")
    if skipped:
        click.echo(f"Not converted or changed ({len(skipped)}; also listed at the top of the file):")
        for line in skipped[:15]:
            click.echo(f"  {line}")
        if len(skipped) > 15:
            click.echo(f"  … and {len(skipped) - 15} more.")
    click.echo(f"Next: `perceptions try {output}`, then add the Barrier Analysis roles "
               "(dialogs/README.md, “After converting an XLSForm”).")


COMMANDS: list[click.Command] = [import_, from_xlsform]
