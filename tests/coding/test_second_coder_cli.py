"""`perceptions code STUDY --apply SHEET --coder NAME --second`: a second coder, κ per theme."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner

from bot.cli import cli


def test_a_second_coders_sheet_prints_kappa_per_theme_and_changes_nothing_in_force(
    runner: CliRunner, tmp_path: Path
) -> None:
    sheet = tmp_path / "coding.csv"
    runner.invoke(cli, ["code", "commute", "--out", str(sheet)])
    rows = list(csv.DictReader(io.StringIO(sheet.read_text(encoding="utf-8"), newline="")))
    for row in rows:  # Bo codes the colleagues' answer as lanes; the rest as the sheet says
        if row["answer"].startswith("my colleagues"):
            row["themes"] = "lanes"
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    second = tmp_path / "second.csv"
    second.write_text(out.getvalue(), encoding="utf-8")

    result = runner.invoke(cli, ["code", "commute", "--apply", str(second), "--coder", "Bo",
                                 "--second"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "3 answers coded by Bo as second coder (kept apart" in result.stdout
    assert "Inter-coder agreement (Cohen's κ" in result.stdout
    lines = {line.split("  ")[0].strip(): line for line in result.stdout.splitlines()}
    weather = next(v for k, v in lines.items() if k.endswith("/ Good weather"))
    lanes = next(v for k, v in lines.items() if k.endswith("/ Bike lanes"))
    assert weather.rstrip().endswith("1.00 (almost perfect)")
    # Lanes: both coders give it to one answer, only Bo to another, neither to the third.
    assert "0.40 (fair)" in lanes

    # The coding in force is untouched: the sheet out again still shows the colleagues uncoded.
    again = tmp_path / "again.csv"
    runner.invoke(cli, ["code", "commute", "--out", str(again), "--uncoded"])
    assert "my colleagues ride with me every day" in again.read_text(encoding="utf-8")
