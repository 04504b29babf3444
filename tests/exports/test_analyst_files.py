"""SPSS and Excel files: labels, value labels, declared missing values, a data dictionary."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pyreadstat
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from bot.cli import cli
from bot.report.analyst import export_file
from bot.report.csv_cells import wide_header
from bot.script import Script
from storage import Repository
from tests.exports.recording import HERE, fresh_repository, record_study


async def test_the_sav_file_has_labels_and_missing_codes(
    repository: Repository, script: Script, tmp_path: Path
) -> None:
    await record_study(repository, script)
    path = tmp_path / "commute.sav"
    assert await export_file(repository, script, "spss", path) == 5
    data, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert list(data.columns) == wide_header(script)
    labels = meta.column_names_to_labels
    assert labels["days"] == "How many days did you cycle to work last week?"
    assert labels["instead__car"] == "What do you do instead?: Car"
    assert labels["easier__probe1"] == "What makes it easier to cycle to work? (follow-up 1)"
    stage = meta.variable_value_labels["stage"]
    assert stage[2] == "Thinking about it"
    assert (stage[-97], stage[-98], stage[-99]) == ("Skipped", "Not asked", "Not reached")
    for name in ("days", "stage", "instead__car", "easier"):
        declared = {r["lo"] for r in meta.missing_ranges[name]}
        assert {float(v) for v in declared} == {-97.0, -98.0, -99.0}
    by_status = {row["status"]: row for row in data.to_dict("records")}
    ana, non_doer = data.iloc[0], data.iloc[1]
    assert (ana["stage"], ana["instead__car"]) == (2, -98)  # a choice code; never asked
    assert non_doer["stage"] == -97  # skipped
    assert by_status["declined"]["easier"] == "-99"  # not reached, in a text variable
    assert ana["script_version"] == script.version_hash[:12]
    # Read as SPSS would: the declared codes are missing values, not numbers to average.
    plain, _ = pyreadstat.read_sav(str(path))
    assert math.isnan(plain.iloc[1]["stage"])
    assert math.isnan(plain.iloc[0]["instead__car"])


async def test_the_xlsx_file_has_a_data_dictionary(
    repository: Repository, script: Script, tmp_path: Path
) -> None:
    await record_study(repository, script)
    path = tmp_path / "commute.xlsx"
    assert await export_file(repository, script, "xlsx", path) == 5
    book = load_workbook(path)
    assert book.sheetnames == ["data", "dictionary", "study"]
    rows = list(book["data"].iter_rows(values_only=True))
    assert list(rows[0]) == wide_header(script)
    ana = dict(zip(rows[0], rows[1], strict=True))
    assert (ana["stage"], ana["instead__car"], ana["days"]) == ("Thinking about it", -98, 5)
    dictionary = {r[0]: r for r in book["dictionary"].iter_rows(min_row=2, values_only=True)}
    assert set(dictionary) == set(wide_header(script))
    _name, label, kind, values, missing = dictionary["stage"]
    assert (label, kind) == ("Which is closest to you?", "choice")
    assert "2 = Thinking about it" in values
    assert missing == "-97 = Skipped; -98 = Not asked; -99 = Not reached"
    study = dict(book["study"].iter_rows(values_only=True))
    assert study["script versions"] == script.version_hash[:12]


async def test_a_formula_typed_by_a_respondent_stays_text_in_excel(
    script: Script, tmp_path: Path
) -> None:
    from tests.exports.recording import record

    repository = await fresh_repository(tmp_path / "formula.db")
    try:
        await record(repository, script, "f" * 64, ["=HYPERLINK(\"x\")", "40", "1"])
        path = tmp_path / "formula.xlsx"
        await export_file(repository, script, "xlsx", path)
    finally:
        await repository.close()
    sheet = load_workbook(path)["data"]
    header = [c.value for c in sheet[1]]
    name = sheet.cell(row=2, column=header.index("name") + 1)
    assert (name.value, name.data_type) == ('=HYPERLINK("x")', "s")


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner whose settings point at a temporary database and dialogs folder."""
    dialogs = tmp_path / "dialogs"
    dialogs.mkdir()
    shutil.copy(HERE / "study.yaml", dialogs / "study.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("DIALOGS_DIR", str(dialogs))
    return CliRunner()


@pytest.fixture
async def stored(tmp_path: Path, script: Script) -> None:
    """The recorded study in the runner's database."""
    repository = await fresh_repository(tmp_path / "cli.db")
    await record_study(repository, script)
    await repository.close()


@pytest.mark.usefixtures("stored")
def test_export_spss_and_xlsx_from_the_command_line(runner: CliRunner, tmp_path: Path) -> None:
    for fmt, name in (("spss", "out.sav"), ("xlsx", "out.xlsx")):
        result = runner.invoke(cli, ["export", "commute", "--format", fmt, "-o", name])
        assert result.exit_code == 0, result.output
        assert f"5 interviews written to {name}." in result.output
    assert pyreadstat.read_sav(str(tmp_path / "out.sav"))[0].shape[0] == 5
    missing = runner.invoke(cli, ["export", "commute", "--format", "spss"])
    assert missing.exit_code == 2
    assert "-o FILE" in missing.output
    semicolon = runner.invoke(cli, ["export", "commute", "--format", "wide", "--delimiter", ";"])
    assert semicolon.exit_code == 0, semicolon.output
    assert semicolon.stdout.startswith("respondent;status;group;source;")


async def test_the_research_pages_offer_the_files(
    repository: Repository, script: Script, tmp_path: Path
) -> None:
    from aiohttp.test_utils import TestClient, TestServer

    from bot.web.research import create_research_app
    from tests.coding.test_research_api import research_settings

    await record_study(repository, script)
    app = create_research_app(research_settings(tmp_path), repository=repository)
    async with TestClient(TestServer(app)) as client:
        page = await (await client.get("/study/commute")).text()
        assert 'href="/study/commute/file/spss"' in page
        sav = await client.get("/study/commute/file/spss")
        assert sav.status == 200
        assert 'filename="commute.sav"' in sav.headers["Content-Disposition"]
        (tmp_path / "web.sav").write_bytes(await sav.read())
        assert pyreadstat.read_sav(str(tmp_path / "web.sav"))[0].shape[0] == 5
        xlsx = await client.get("/study/commute/file/xlsx")
        assert (await xlsx.read()).startswith(b"PK")  # a zip: the xlsx container
        assert (await client.get("/study/commute/file/sas")).status == 404
        dbc = await client.get("/study/commute/dbc.csv")
        assert (await dbc.text()).lstrip("\ufeff").startswith("behaviour,priority_group,")
