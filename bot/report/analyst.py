"""Files for analysts: SPSS (.sav, via pyreadstat) and Excel (.xlsx, via openpyxl), one row per interview.

Both hold the wide layout with the same missing-value codes as the CSV (skipped -97, not asked -98,
not reached -99). The .sav declares them as missing values, labels every variable with its question
and every choice with its label; the .xlsx adds a data-dictionary sheet saying the same.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from bot.report.csv_cells import METADATA, WideColumn, unsafe_text, wide_columns
from bot.report.exports import Progress, interview_versions, interviews_with_answers, wide_cells
from bot.report.missing import MISSING_CODES, MISSING_LABELS
from bot.report.probes_asked import ProbesAsked
from bot.script import QuestionType, Script
from storage import InterviewRecord, Repository

Cell = str | int | float | None
MISSING_TEXTS = [str(code) for code in MISSING_CODES.values()]
META_LABELS = {
    "respondent": "Respondent (pseudonym)", "status": "Interview status", "group": "Doer or non-doer",
    "source": "Deep-link source", "language": "Interview language", "started_at": "Started (UTC)",
    "completed_at": "Completed (UTC)", "script_version": "Script version (SHA-256, first 12)",
    "own_id": "Respondent's own id (imported data)",
}  # fmt: skip


class FileFormat(StrEnum):
    """The analyst file formats."""

    spss = "spss"
    xlsx = "xlsx"


@dataclass(frozen=True)
class Variable:
    """One column: its name, its label, and how its values read."""

    name: str
    label: str
    kind: str  # "meta", "text", "number", "choice" or "picked" (an option of a multiple choice)
    values: dict[int | float, str] = field(default_factory=dict)  # value labels
    codes: dict[str, int] = field(default_factory=dict)  # stored choice value → its number
    measure: str = "nominal"

    @property
    def numeric(self) -> bool:
        """Whether the variable holds numbers (else text)."""
        return self.kind in ("number", "choice", "picked")


def _choice_codes(script: Script, column: WideColumn) -> tuple[dict[str, int], dict[int | float, str]]:
    question, lang = column.question, script.languages[0]
    if question.type == QuestionType.yes_no:
        codes = {"yes": 1, "no": 0}
    elif all(o.value.lstrip("-").isdigit() for o in question.options):
        codes = {o.value: int(o.value) for o in question.options}  # scales and numeric codes
    else:
        codes = {o.value: n for n, o in enumerate(question.options, 1)}
    labels: dict[int | float, str] = {
        codes[o.value]: script.text(o.label, lang) for o in question.options
    }
    return codes, labels


def variables(script: Script) -> list[Variable]:
    """The metadata columns, then one variable per wide column, labelled."""
    lang = script.languages[0]
    out = [Variable(name, META_LABELS[name], "meta") for name in METADATA]
    missing: dict[int | float, str] = dict(MISSING_LABELS.items())
    for column in wide_columns(script):
        question = column.question
        text = script.pipe(script.text(question.spec.text, lang), lang, {})
        short = script.text(question.spec.short, lang) if question.spec.short else ""
        label = short or text
        if column.asked:
            out.append(Variable(column.name, f"{label} (follow-up {column.probe}: what the bot "
                                "asked)", "text"))  # fmt: skip
        elif column.probe:
            out.append(Variable(column.name, f"{label} (follow-up {column.probe})", "text"))
        elif column.option is not None:
            option = next(o for o in question.options if o.value == column.option)
            out.append(Variable(column.name, f"{label}: {script.text(option.label, lang)}",
                                "picked", {0: "Not picked", 1: "Picked", **missing}))  # fmt: skip
        elif question.options:
            codes, labels = _choice_codes(script, column)
            measure = "ordinal" if question.type == QuestionType.scale else "nominal"
            out.append(Variable(column.name, label, "choice", {**labels, **missing}, codes, measure))
        elif question.type == QuestionType.number:
            out.append(Variable(column.name, label, "number", missing, measure="scale"))
        else:
            out.append(Variable(column.name, label, "text"))
    return out


def _typed(variable: Variable, value: Cell) -> Cell:
    """A cell as the variable holds it: choices as their numbers, missing codes in kind."""
    if variable.kind == "choice" and isinstance(value, str):
        return variable.codes.get(value, value)
    if variable.numeric:
        return value if isinstance(value, int | float) else None
    return "" if value is None else str(value)


async def analyst_rows(
    repository: Repository, script: Script, *, labels: bool, progress: Progress | None = None
) -> tuple[list[Variable], list[list[Cell]]]:
    """Every interview as a row of the variables (choices as codes, or as labels for Excel)."""
    found = variables(script)
    columns = wide_columns(script)
    versions = await interview_versions(repository, script.study_id)
    probes = ProbesAsked(script)
    rows: list[list[Cell]] = []
    async for interview, answers in interviews_with_answers(repository, script.study_id):
        cells = wide_cells(script, columns, interview.status.value, answers, labels,
                           language=interview.language, probes=probes)
        row = _meta(interview, versions.get(interview.id, ""))
        for variable, value in zip(found[len(METADATA):], cells, strict=True):
            # The CSV cells guard against formulas with a ' that a typed file does not need.
            plain = unsafe_text(value) if isinstance(value, str) else value
            row.append(plain if labels else _typed(variable, plain))
        rows.append(row)
        if progress:
            progress(1)
    return found, rows


def _meta(interview: InterviewRecord, version: str) -> list[Cell]:
    def when(value: Any) -> str:
        return "" if value is None else value.isoformat(timespec="seconds")

    return [interview.pseudonym, interview.status.value,
            interview.group.value if interview.group else "", interview.source or "",
            interview.language or "", when(interview.started_at), when(interview.completed_at),
            version, interview.own_id or ""]  # fmt: skip


def write_sav(script: Script, found: Sequence[Variable], rows: Sequence[Sequence[Cell]], path: Path
              ) -> None:  # fmt: skip
    """The rows as an SPSS .sav file with variable labels, value labels and missing values."""
    import pandas as pd
    import pyreadstat

    data = pd.DataFrame(
        {v.name: pd.Series([row[i] for row in rows],
                           dtype="float64" if v.numeric else "object")
         for i, v in enumerate(found)}
    )  # fmt: skip
    missing: dict[str, list[Any]] = {}
    for v in found:
        if v.numeric:
            missing[v.name] = list(MISSING_CODES.values())
        elif v.kind == "text":
            missing[v.name] = list(MISSING_TEXTS)
    title = script.text(script.file.study.title, script.languages[0])
    versions = sorted({str(row[METADATA.index("script_version")]) for row in rows} - {""})
    pyreadstat.write_sav(
        data, str(path), file_label=title[:64],
        column_labels={v.name: v.label[:256] for v in found},
        variable_value_labels={v.name: v.values for v in found if v.values},
        missing_ranges=missing,
        variable_measure={v.name: v.measure if v.kind != "meta" else "nominal" for v in found},
        # SPSS notes are lines of at most 80 characters.
        note=[f"perceptions: study {script.study_id}"[:80],
              f"script version {', '.join(versions) or '-'}"[:80],
              "missing: -97 skipped, -98 not asked, -99 not reached"],
    )  # fmt: skip


def _describe(variable: Variable) -> tuple[str, str, str]:
    kinds = {"meta": "text", "text": "text", "number": "number", "choice": "choice",
             "picked": "0/1"}  # fmt: skip
    values = "; ".join(f"{k} = {label}" for k, label in variable.values.items()
                       if k not in MISSING_LABELS)  # fmt: skip
    missing = ("" if variable.kind == "meta" else
               "; ".join(f"{code} = {label}" for code, label in MISSING_LABELS.items()))  # fmt: skip
    return kinds[variable.kind], values, missing


def write_xlsx(script: Script, found: Sequence[Variable], rows: Sequence[Sequence[Cell]], path: Path
               ) -> None:  # fmt: skip
    """The rows as an Excel workbook: a data sheet and a data-dictionary sheet."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    data = book.create_sheet("data")
    data.append([v.name for v in found])

    def cells(row: Sequence[Cell]) -> list[Any]:
        out: list[Any] = []
        for value in row:
            if isinstance(value, str) and value.startswith("="):
                text = WriteOnlyCell(data, value=value)
                text.data_type = "s"  # text, never a formula
                out.append(text)
            else:
                out.append(value)
        return out

    for row in rows:
        data.append(cells(row))
    dictionary = book.create_sheet("dictionary")
    dictionary.append(["variable", "label", "type", "values", "missing values"])
    for v in found:
        dictionary.append(cells([v.name, v.label, *_describe(v)]))
    about = book.create_sheet("study")
    lang = script.languages[0]
    versions = sorted({str(row[METADATA.index("script_version")]) for row in rows} - {""})
    for key, value in (("study", script.study_id),
                       ("title", script.text(script.file.study.title, lang)),
                       ("behaviour", script.text(script.file.study.behaviour, lang)),
                       ("script versions", ", ".join(versions)), ("interviews", len(rows))):  # fmt: skip
        about.append(cells([key, value]))
    book.save(str(path))


async def export_file(
    repository: Repository, script: Script, fmt: FileFormat | str, path: Path,
    *, progress: Progress | None = None,
) -> int:  # fmt: skip
    """Write an SPSS or Excel file of the study to `path`; returns the number of interviews."""
    kind = FileFormat(fmt)
    found, rows = await analyst_rows(repository, script, labels=kind == FileFormat.xlsx,
                                     progress=progress)  # fmt: skip
    write = write_sav if kind == FileFormat.spss else write_xlsx
    await asyncio.to_thread(write, script, found, rows, path)
    return len(rows)
