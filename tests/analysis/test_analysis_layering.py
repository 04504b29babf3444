"""The analysis layer stays pure: importing it pulls in no Telegram, web, database or storage code."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("telegram", "aiohttp", "sqlalchemy", "sqlmodel", "storage")


def test_analysis_imports_nothing_that_talks_to_the_world() -> None:
    code = (
        "import sys, bot.analysis, bot.analysis.summary;"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({FORBIDDEN!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
