"""The import benchmark's quick mode still runs and prints its figures (so it cannot rot)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_import_benchmark_runs_in_quick_mode() -> None:
    done = subprocess.run([sys.executable, "-m", "bench.import", "--quick"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"1,000 rows of \d+ columns: [\d.]+ s wall \([\d,]+ rows/s\), .* peak memory "
                     r"\d+ MiB", done.stdout), done.stdout
