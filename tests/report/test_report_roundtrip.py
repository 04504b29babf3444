"""Export wide, import into a fresh database: the report is the same, number for number."""

from __future__ import annotations

import io
from pathlib import Path

from bot.imports.csv_replay import import_csv
from bot.report.build import load_summary
from bot.report.exports import export_csv
from bot.report.render_json import render_json
from bot.script import Script
from storage import Repository
from tests.report.study import T0, fresh_repository


async def test_the_report_survives_export_and_import(
    planted: Repository, script: Script, tmp_path: Path
) -> None:
    wide = io.StringIO()
    await export_csv(planted, script, "wide", wide, labels=False)
    copy = await fresh_repository(tmp_path / "copy.db")
    try:
        result = await import_csv(copy, script, wide.getvalue().encode(), key="k", now=T0)
        assert len(result.interview_ids) == 93
        again = render_json(await load_summary(copy, script))
    finally:
        await copy.close()
    assert again == render_json(await load_summary(planted, script))
