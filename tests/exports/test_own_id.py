"""The respondent's own id (from KoboToolbox, ODK, paper) travels through every export and back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyreadstat
from openpyxl import load_workbook

from bot.imports.csv_replay import import_csv
from bot.report.analyst import export_file
from bot.report.exports import export_csv
from bot.script import Script
from storage import Repository
from tests.exports.recording import START, fresh_repository

# A KoboToolbox-style file: its `_uuid` is the respondent's own id.
KOBO = (
    "_uuid,name,age,days,instead,easier,confident\n"
    "uuid:7f3a-01,Ann,30,4,,lanes all the way,2\n"
    "uuid:7f3a-02,Bob,41,0,car,=SUM(A1) if it is dry,1\n"
)


async def exported(repository: Repository, script: Script, fmt: str) -> list[dict[str, str]]:
    out = io.StringIO(newline="")
    await export_csv(repository, script, fmt, out)
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


async def test_own_ids_survive_export_and_import(
    repository: Repository, script: Script, tmp_path: Path
) -> None:
    await import_csv(repository, script, KOBO.encode(), key="k", now=START)
    wide = await exported(repository, script, "wide")
    assert [r["own_id"] for r in wide] == ["7f3a-01", "7f3a-02"]
    assert {r["own_id"] for r in await exported(repository, script, "coded")} == {
        "7f3a-01", "7f3a-02"
    }
    assert {r["own_id"] for r in await exported(repository, script, "long")} == {
        "7f3a-01", "7f3a-02"
    }
    # Our own wide export read back into a fresh database keeps them.
    out = io.StringIO(newline="")
    await export_csv(repository, script, "wide", out)
    copy = await fresh_repository(tmp_path / "copy.db")
    try:
        await import_csv(copy, script, out.getvalue().encode(), key="k", now=START)
        again = await exported(copy, script, "wide")
    finally:
        await copy.close()
    assert [r["own_id"] for r in again] == ["7f3a-01", "7f3a-02"]
    assert [r["easier"] for r in again] == [r["easier"] for r in wide]


async def test_own_ids_in_the_spss_and_excel_files(
    repository: Repository, script: Script, tmp_path: Path
) -> None:
    await import_csv(repository, script, KOBO.encode(), key="k", now=START)
    await export_file(repository, script, "spss", tmp_path / "s.sav")
    data, meta = pyreadstat.read_sav(str(tmp_path / "s.sav"))
    assert list(data["own_id"]) == ["7f3a-01", "7f3a-02"]
    assert meta.column_names_to_labels["own_id"] == "Respondent's own id (imported data)"
    await export_file(repository, script, "xlsx", tmp_path / "s.xlsx")
    rows = list(load_workbook(tmp_path / "s.xlsx")["data"].iter_rows(values_only=True))
    column = rows[0].index("own_id")
    assert [r[column] for r in rows[1:]] == ["7f3a-01", "7f3a-02"]
