"""The replay shortcut gives, row for row, exactly what replaying every row through the engine gives."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.imports.columns import read_header
from bot.imports.csv_import import CsvRow, RowReader, read_rows, records
from bot.imports.csv_replay import replay
from bot.imports.replay_cache import RouteCache
from bot.imports.tally import ProblemLog
from bot.script import load_script

ROOT = Path(__file__).resolve().parent.parent.parent
NOW = datetime(2024, 6, 1, tzinfo=UTC)
bench = importlib.import_module("bench.import")  # `import` is a keyword: the module by its name


def rows_of(path: Path, script_path: Path) -> list[CsvRow]:
    script = load_script(script_path)
    with path.open("rb") as stream:
        header, body = records(stream)
        layout, problems = read_header(header, script)
        assert problems == []
        return list(read_rows(body, RowReader(script, layout, key="k"), ProblemLog().add))


@pytest.mark.parametrize("script_path", [
    ROOT / "dialogs" / "cycling-to-work.yaml",
    ROOT / "dialogs" / "recycling-cbsm.yaml",
    ROOT / "tests" / "exports" / "study.yaml",
], ids=lambda p: p.stem)
def test_the_shortcut_agrees_with_the_engine_on_every_row(script_path: Path, tmp_path: Path) -> None:
    data = tmp_path / "answers.csv"
    bench.write_csv(data, 600, script_path=script_path, seed=11)
    script = load_script(script_path)
    rows = rows_of(data, script_path)
    assert len(rows) > 300
    cache = RouteCache(script, lambda row: replay(row, script, NOW), NOW)
    for row in rows:
        assert cache(row) == replay(row, script, NOW), f"row {row.number}"
    assert cache.enabled
    assert cache.reused > len(rows) // 2  # the shortcut was really taken
