"""What an import found, kept short: problems by row and column (all counted, the first kept),
and remarks grouped by kind and column so a large file gives a screenful, not a thousand notes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.imports.problems import CsvProblem

KEPT = 10_000  # problems kept in full; beyond that only counted
EXAMPLES = 5  # rows named per remark


@dataclass
class ProblemLog:
    """Every problem counted; the first `KEPT` kept in full, to print or write out."""

    kept: list[CsvProblem] = field(default_factory=list)
    total: int = 0
    by_column: Counter[str] = field(default_factory=Counter)

    def add(self, problem: CsvProblem) -> None:
        """Note one problem."""
        self.total += 1
        self.by_column[problem.column] += 1
        if len(self.kept) < KEPT:
            self.kept.append(problem)

    def __bool__(self) -> bool:
        return self.total > 0

    def sorted(self) -> list[CsvProblem]:
        """The kept problems by row, then column."""
        return sorted(self.kept)


@dataclass
class Remark:
    """One kind of remark on one column: how many rows, and the first few."""

    text: str
    rows: list[int] = field(default_factory=list)
    count: int = 0

    def add(self, row: int) -> None:
        self.count += 1
        if len(self.rows) < EXAMPLES:
            self.rows.append(row)

    def __str__(self) -> str:
        where = ", ".join(str(r) for r in self.rows) + (", …" if self.count > len(self.rows) else "")
        return f"{self.text} ({self.count:,} row{'s' if self.count != 1 else ''}: {where})"


@dataclass
class Remarks:
    """Remarks that did not stop the import, grouped by what they say."""

    groups: dict[str, Remark] = field(default_factory=dict)

    def add(self, key: str, row: int, text: str) -> None:
        """Count `row` under the remark `key` (its text is taken the first time)."""
        self.groups.setdefault(key, Remark(text)).add(row)

    def lines(self) -> list[str]:
        """One line per kind of remark, the most frequent first."""
        return [str(r) for r in sorted(self.groups.values(), key=lambda r: -r.count)]
