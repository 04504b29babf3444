"""`perceptions code STUDY --out` and `--apply` from the command line (click's CliRunner)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner

from bot.cli import cli


def test_out_then_apply_prints_how_many_changed(
    runner: CliRunner, tmp_path: Path
) -> None:
    sheet = tmp_path / "coding.csv"
    written = runner.invoke(cli, ["code", "commute", "--out", str(sheet), "--bom"])
    assert written.stdout == (f"3 rows written to {sheet} (one per group of the same answer; "
                              "`count` says how many answers a row codes).\n")
    text = sheet.read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    rows[2]["themes"] = "lanes"
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    sheet.write_text(out.getvalue(), encoding="utf-8")

    applied = runner.invoke(cli, ["code", "commute", "--apply", str(sheet), "--coder", "Ana"])
    assert applied.stdout == "1 answer recoded by Ana.\n"
    uncoded = tmp_path / "uncoded.csv"
    runner.invoke(cli, ["code", "commute", "--out", str(uncoded), "--uncoded"])
    assert uncoded.read_text(encoding="utf-8").count("\n") == 1  # the header only


def test_a_bad_sheet_lists_its_problems_and_stores_nothing(
    runner: CliRunner, tmp_path: Path
) -> None:
    sheet = tmp_path / "bad.csv"
    sheet.write_text("answer_id,themes\n1,lanes\nx,cost\n", encoding="utf-8")
    result = runner.invoke(cli, ["code", "commute", "--apply", str(sheet), "--coder", "Ana"])
    assert result.exit_code == 1
    assert (f"{sheet}: row 3, column `answer_id`: 'x' is not an answer id (a whole number from "
            "the exported file).") in result.output
    assert "Error: no coding was stored: 1 problem to fix first." in result.output
    assert "Traceback" not in result.output


def test_apply_needs_a_coder_and_one_direction(runner: CliRunner, tmp_path: Path) -> None:
    sheet = tmp_path / "coding.csv"
    sheet.write_text("answer_id,themes\n", encoding="utf-8")
    nameless = runner.invoke(cli, ["code", "commute", "--apply", str(sheet)])
    assert nameless.exit_code == 2
    assert '--apply needs --coder "Your name"' in nameless.output
    neither = runner.invoke(cli, ["code", "commute"])
    assert "give either --out FILE.csv or --apply FILE.csv." in neither.output
