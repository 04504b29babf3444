"""Reading a wide CSV of answers collected elsewhere (paper, KoboToolbox) against a study's script.

The layout is the wide export's (`bot.report.csv_cells.wide_header`); choice cells may hold labels
(in any of the script's languages) or codes. Every problem is collected, each naming its row (as
a spreadsheet numbers it: the header is row 1) and column, so one round of fixes is enough.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import hmac
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.engine.answers import Invalid, check_selection, read_text
from bot.engine.state import Value
from bot.report.csv_cells import METADATA, SEPARATOR, WideColumn, unsafe_text, wide_columns
from bot.report.missing import MISSING_CELLS
from bot.script import CompiledQuestion, Script
from storage import InterviewStatus

_PSEUDONYM = re.compile(r"[0-9a-f]{64}")
_PICKED = {"1": True, "0": False, "yes": True, "no": False, "true": True, "false": False}
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
    """A file that cannot be imported; `problems` lists every reason."""

    def __init__(self, problems: list[CsvProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class CsvRow:
    """One data row, read and checked: metadata plus each question's parsed answer."""

    number: int
    respondent: str
    pseudonym: str
    status: InterviewStatus | None
    group: str
    source: str | None
    language: str
    started_at: datetime | None
    completed_at: datetime | None
    answers: dict[str, Value] = field(default_factory=dict)  # question id → parsed value
    raw: dict[str, str] = field(default_factory=dict)  # question id → the cell as typed
    probes: dict[tuple[str, int], str] = field(default_factory=dict)


def pseudonym_for(respondent: str, key: str) -> str:
    """Our pseudonyms (64 hex digits, e.g. from our own export) stay; other ids are keyed-hashed.

    The "import:" prefix keeps a paper respondent numbered 1042 apart from Telegram user 1042.
    """
    if _PSEUDONYM.fullmatch(respondent):
        return respondent
    if not key:
        raise ValueError("The pseudonym key is empty: set PSEUDONYM_KEY to a long random secret.")
    message = f"import:{respondent}".encode()
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def read_wide_csv(data: bytes, script: Script, *, key: str) -> list[CsvRow]:
    """Every row of a wide CSV, checked against the script; raises `CsvImportError` with all problems."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvImportError([CsvProblem(0, "", NOT_UTF8.format(line=data[: exc.start].count(b"\n") + 1))]) from None
    if not text.strip():
        raise CsvImportError([CsvProblem(0, "", "the file is empty; it needs a header row.")])
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","  # Excel in many locales
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = [name.strip() for name in records[0]]
    body = [(n, r) for n, r in enumerate(records[1:], start=2) if any(c.strip() for c in r)]
    columns = {c.name: c for c in wide_columns(script)}
    problems = _header_problems(header, columns, script)
    if not body:
        problems.append(CsvProblem(0, "", "the file has a header but no rows of answers."))
    if problems:
        raise CsvImportError(problems)
    rows: list[CsvRow] = []
    seen: dict[str, int] = {}
    for number, record in body:
        if len(record) > len(header):
            problems.append(CsvProblem(number, "", f"has {len(record)} cells but the header "
                                       f"names only {len(header)} columns."))
            continue
        cells = {name: unsafe_text(value.strip()) for name, value in zip(header, record, strict=False)}
        row = _row(number, cells, columns, script, key, problems)
        if row is None:
            continue
        if row.pseudonym in seen:
            problems.append(CsvProblem(number, "respondent", f"'{row.respondent}' is already "
                                       f"in row {seen[row.pseudonym]}; one row per respondent."))
        seen.setdefault(row.pseudonym, number)
        rows.append(row)
    if problems:
        raise CsvImportError(sorted(problems))
    return rows


def _header_problems(
    header: list[str], columns: dict[str, WideColumn], script: Script
) -> list[CsvProblem]:
    known = [*METADATA, *columns]
    problems = []
    for name in header:
        if header.count(name) > 1:
            problems.append(CsvProblem(1, name, "appears twice in the header."))
        elif name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" Did you mean `{close[0]}`?" if close else ""
            problems.append(CsvProblem(1, name, f"is not a question or metadata column of "
                                       f"study `{script.study_id}`.{hint}"))
    if "respondent" not in header:
        problems.append(CsvProblem(1, "respondent", "is missing; every row needs a respondent id."))
    return sorted(set(problems))


def _row(
    number: int,
    cells: dict[str, str],
    columns: dict[str, WideColumn],
    script: Script,
    key: str,
    problems: list[CsvProblem],
) -> CsvRow | None:
    before = len(problems)

    def bad(column: str, message: str) -> None:
        problems.append(CsvProblem(number, column, message))

    respondent = cells.get("respondent", "")
    if not respondent:
        bad("respondent", "is empty; every row needs a respondent id.")
    language = cells.get("language") or script.languages[0]
    if language not in script.languages:
        bad("language", f"'{language}' is not one of the study's languages "
            f"({', '.join(script.languages)}).")
        language = script.languages[0]
    status: InterviewStatus | None = None
    if cells.get("status"):
        try:
            status = InterviewStatus(cells["status"])
        except ValueError:
            bad("status", f"'{cells['status']}' is not a status; use one of "
                f"{', '.join(s.value for s in InterviewStatus)}, or leave it empty.")
    row = CsvRow(
        number=number,
        respondent=respondent,
        pseudonym=pseudonym_for(respondent, key) if respondent else "",
        status=status,
        group=cells.get("group", ""),
        source=cells.get("source") or None,
        language=language,
        started_at=_when(cells, "started_at", bad),
        completed_at=_when(cells, "completed_at", bad),
    )
    picks: dict[str, list[str]] = {}
    unreadable: set[str] = set()  # multiple choices with a bad cell: counting picks would mislead
    for name, value in cells.items():
        column = columns.get(name)
        if column is None or not value or value in MISSING_CELLS:
            continue  # no answer (our exports say why with a missing-value code)
        question = column.question
        if column.probe:
            row.probes[(question.id, column.probe)] = value
        elif column.option is not None:
            picked = _PICKED.get(value.lower())
            if picked is None:
                bad(name, f"'{value}' should be 1 (picked) or 0 (not picked).")
                unreadable.add(question.id)
            chosen = picks.setdefault(question.id, [])
            if picked:
                chosen.append(column.option)
        else:
            parsed = parse_cell(script, question, value, language)
            if isinstance(parsed, Invalid):
                bad(name, f"'{value}' {parsed.message}")
            else:
                row.answers[question.id], row.raw[question.id] = parsed, value
    for question_id, chosen in picks.items():
        if question_id in unreadable:
            continue
        question = script.by_id[question_id]
        selection = check_selection(script, question, chosen, language)
        if isinstance(selection, Invalid):
            bad(f"{question_id}{SEPARATOR}…", researcher_words(script, question, selection, language))
        else:
            values = selection if isinstance(selection, list) else []
            row.answers[question_id], row.raw[question_id] = values, ", ".join(values)
    return row if len(problems) == before else None


def _when(
    cells: dict[str, str], name: str, bad: Callable[[str, str], None]
) -> datetime | None:
    text = cells.get(name, "")
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        bad(name, f"'{text}' is not a date and time like 2024-05-01T09:30:00+00:00.")
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def parse_cell(script: Script, question: CompiledQuestion, value: str, lang: str) -> Value | Invalid:
    """A cell read as the bot reads a typed answer: in the row's language, then in the others."""
    first = read_text(script, question, value, lang)
    if not isinstance(first, Invalid) or not question.options:
        return first if not isinstance(first, Invalid) else _explained(script, question, first, lang)
    for other in script.languages:
        found = read_text(script, question, value, other)
        if not isinstance(found, Invalid):
            return found
    return _explained(script, question, first, lang)


def _explained(script: Script, question: CompiledQuestion, invalid: Invalid, lang: str) -> Invalid:
    return Invalid(researcher_words(script, question, invalid, lang))


def researcher_words(
    script: Script, question: CompiledQuestion, invalid: Invalid, lang: str
) -> str:
    """Turn the bot's message to a respondent into a sentence for the researcher."""
    spec = question.spec
    choices = ", ".join(o.value for o in question.options)
    phrases = {
        "not_a_number": "is not a number.",
        "not_integer": "is not a whole number.",
        "number_too_small": f"is below the minimum of {_plain(spec.min)}.",
        "number_too_large": f"is above the maximum of {_plain(spec.max)}.",
        "scale_range": "is not a point of the scale "
        f"({question.options[0].value if question.options else ''}–"
        f"{question.options[-1].value if question.options else ''}).",
        "choose_button": f"is not one of the choices ({choices}).",
        "choose_buttons": f"is not among the choices ({choices}).",
        "too_few_choices": "has too few choices picked.",
        "too_many_choices": f"has more than {_plain(spec.max)} choices picked.",
        "text_too_short": "is shorter than the question allows.",
        "text_too_long": "is longer than the question allows.",
        "invalid_answer": "does not match the question's validation pattern.",
        "required": "is empty but the question needs an answer.",
    }
    for key, phrase in phrases.items():
        if invalid.message.startswith(script.message(key, lang).split("{")[0]):
            return phrase
    return f"is not accepted: {invalid.message}"  # the researcher's own validation message


def _plain(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


__all__ = [
    "CsvImportError",
    "CsvProblem",
    "CsvRow",
    "parse_cell",
    "pseudonym_for",
    "read_wide_csv",
    "researcher_words",
]
