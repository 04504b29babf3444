"""What is wrong with a file being imported: each problem names its row and column."""

from __future__ import annotations

from dataclasses import dataclass

NOT_UTF8 = (
    "the file is not UTF-8 text (line {line} has a character saved in another encoding). "
    "Save it again as "
    "“CSV UTF-8” (Excel: File → Save As → CSV UTF-8; LibreOffice: character set Unicode (UTF-8))."
)


@dataclass(frozen=True, order=True)
class CsvProblem:
    """One thing wrong with the file; row 0 means the file as a whole."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = [f"row {self.row}"] if self.row else []
        where += [f"column `{self.column}`"] if self.column else []
        return f"{', '.join(where)}: {self.message}" if where else self.message


class CsvImportError(ValueError):
    """A file that cannot be imported; `problems` lists the reasons (`total` counts them all,
    when there were too many to keep)."""

    def __init__(self, problems: list[CsvProblem], *, total: int | None = None) -> None:
        super().__init__("\n".join(str(p) for p in problems[:20]))
        self.problems = problems
        self.total = len(problems) if total is None else total
