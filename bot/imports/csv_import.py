"""Reading a wide CSV of answers collected elsewhere (paper, KoboToolbox, ODK) against a script.

The file is streamed: rows are read, checked and handed on one at a time, so memory stays flat
however long the file. Header cells are read by `bot.imports.columns`; choice cells may hold
codes or labels in any of the script's languages, multiple choices one cell of space-separated
codes (KoboToolbox) or of labels, or one 0/1 column per option. Every problem names its row (as
a spreadsheet numbers it: the header is row 1) and column.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO

from bot.engine.answers import Invalid, check_selection, read_text
from bot.engine.state import Value
from bot.imports.columns import Layout
from bot.imports.problems import NOT_UTF8, CsvImportError, CsvProblem
from bot.report.csv_cells import SEPARATOR, unsafe_text
from bot.report.missing import MISSING_CELLS
from bot.script import CompiledQuestion, QuestionType, Script
from bot.vocabulary import InterviewStatus

_PSEUDONYM = re.compile(r"[0-9a-f]{64}")
_PICKED = {"1": True, "0": False, "yes": True, "no": False, "true": True, "false": False}
OWN_ID_MAX = 100
_CACHED = 50_000  # distinct cells remembered per study (closed questions have few)


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
    own_id: str | None = None
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


def records(stream: IO[bytes]) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header, then each non-empty data row with its number; raises `CsvImportError`.

    `;` or `,` is told from the header line (Excel writes `;` in many locales).
    """
    lines = _decoded(stream)
    first = next(lines, "")
    if not first.strip():
        raise CsvImportError([CsvProblem(0, "", "the file is empty; it needs a header row.")])
    delimiter = ";" if first.count(";") > first.count(",") else ","

    def rows() -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(_chain(first, lines), delimiter=delimiter)
        next(reader)
        for number, record in enumerate(reader, start=2):
            if any(cell.strip() for cell in record):
                yield number, record

    header = [name.strip() for name in next(csv.reader([first], delimiter=delimiter))]
    return header, rows()


def _decoded(stream: IO[bytes]) -> Iterator[str]:
    """The file's lines as text, the byte-order mark dropped; a line not in UTF-8 is a problem."""
    for number, raw in enumerate(stream, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise CsvImportError([CsvProblem(0, "", NOT_UTF8.format(line=number))]) from None
        yield line.removeprefix("\ufeff") if number == 1 else line


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


class RowReader:
    """Reads data rows against a layout, remembering how each distinct closed answer parses."""

    def __init__(self, script: Script, layout: Layout, *, key: str) -> None:
        self.script = script
        self.layout = layout
        self.key = key
        self._parsed: dict[tuple[str, str, str], Value | Invalid] = {}
        self._split = [c for c in layout.answers if c.option is not None]
        split = {c.question.id for c in self._split}
        # With both shapes of a multiple choice, the 0/1 columns are read: a label may contain
        # the very spaces or commas that separate picks in the one-cell shape.
        self._cells = [c for c in layout.answers if c.option is None and (
            c.probe or c.question.id not in split)]
        self._fallback = {c.question.id: c.index for c in layout.answers
                          if c.option is None and not c.probe and c.question.id in split}

    def read(self, number: int, record: list[str], bad: Callable[[CsvProblem], None]) -> CsvRow | None:
        """The row checked, or None after telling `bad` every problem it has."""
        failed = False

        def problem(column: str, message: str) -> None:
            nonlocal failed
            failed = True
            bad(CsvProblem(number, column, message))

        if len(record) > self.layout.width:
            problem("", f"has {len(record)} cells but the header names only "
                    f"{self.layout.width} columns.")
            return None
        cells = [cell.strip() for cell in record]
        for index, cell in enumerate(cells):
            if cell[:1] == "'":  # rare: only our own exports quote a cell a spreadsheet would run
                cells[index] = unsafe_text(cell)
        cells += [""] * (self.layout.width - len(cells))
        row = self._metadata(number, cells, problem)
        for column in self._cells:
            value = cells[column.index]
            if not value or value in MISSING_CELLS:
                continue  # no answer (our exports say why with a missing-value code)
            question = column.question
            if column.probe:
                row.probes[(question.id, column.probe)] = value
                continue
            parsed = self._parse(question, value, row.language)
            if isinstance(parsed, Invalid):
                problem(column.name, f"'{value}' {parsed.message}")
            else:
                row.answers[question.id], row.raw[question.id] = parsed, value
        self._picks(row, cells, problem)
        for question_id, index in self._fallback.items():
            if question_id not in row.answers and cells[index] and not failed:
                question = self.script.by_id[question_id]
                parsed = self._parse(question, cells[index], row.language)
                if isinstance(parsed, Invalid):
                    problem(self.layout.header[index], f"'{cells[index]}' {parsed.message}")
                else:
                    row.answers[question_id], row.raw[question_id] = parsed, cells[index]
        return None if failed else row

    def _metadata(self, number: int, cells: list[str], problem: Callable[[str, str], None]) -> CsvRow:
        script = self.script

        def first(name: str) -> str:
            return next((cells[i] for i in self.layout.meta.get(name, ()) if cells[i]), "")

        own = first("own_id").removeprefix("uuid:")
        respondent = first("respondent") or own
        if not respondent:
            problem("respondent", "is empty; every row needs a respondent id.")
        own_id = own or (respondent if respondent and not _PSEUDONYM.fullmatch(respondent) else "")
        if len(own_id) > OWN_ID_MAX:
            problem("respondent", f"is longer than {OWN_ID_MAX} characters.")
        language = first("language") or script.languages[0]
        if language not in script.languages:
            problem("language", f"'{language}' is not one of the study's languages "
                    f"({', '.join(script.languages)}).")
            language = script.languages[0]
        status: InterviewStatus | None = None
        if first("status"):
            try:
                status = InterviewStatus(first("status"))
            except ValueError:
                problem("status", f"'{first('status')}' is not a status; use one of "
                        f"{', '.join(s.value for s in InterviewStatus)}, or leave it empty.")
        return CsvRow(
            number=number,
            respondent=respondent,
            pseudonym=pseudonym_for(respondent, self.key) if respondent else "",
            status=status,
            group=first("group"),
            source=first("source") or None,
            language=language,
            started_at=_when(first("started_at"), "started_at", problem),
            completed_at=_when(first("completed_at") or first("submitted_at"), "completed_at",
                               problem),
            own_id=own_id or None,
        )

    def _parse(self, question: CompiledQuestion, value: str, lang: str) -> Value | Invalid:
        if question.type == QuestionType.text:
            return parse_cell(self.script, question, value, lang)
        key = (question.id, lang, value)
        found = self._parsed.get(key)
        if found is None:
            found = self._closed(question, value, lang)
            if len(self._parsed) < _CACHED:
                self._parsed[key] = found
        return found

    def _closed(self, question: CompiledQuestion, value: str, lang: str) -> Value | Invalid:
        if question.type == QuestionType.multiple_choice:
            # KoboToolbox and ODK write the picked choices' names separated by spaces.
            codes = value.split()
            names = {o.value for o in question.options}
            if len(codes) > 1 and all(code in names for code in codes):
                picked = check_selection(self.script, question, codes, lang)
                if isinstance(picked, Invalid):
                    return Invalid(researcher_words(self.script, question, picked, lang))
                return picked
        return parse_cell(self.script, question, value, lang)

    def _picks(self, row: CsvRow, cells: list[str], problem: Callable[[str, str], None]) -> None:
        """Multiple choices given as one 0/1 column per option (when no single cell has them)."""
        picks: dict[str, list[str]] = {}
        unreadable: set[str] = set()  # a bad cell: counting the picks would mislead
        for column in self._split:
            question, value = column.question, cells[column.index]
            if not value or value in MISSING_CELLS:
                continue
            picked = _PICKED.get(value.lower())
            if picked is None and column.option is not None:
                picked = True if self._names_option(question, value, column.option) else None
            if picked is None:
                problem(column.name, f"'{value}' should be 1 (picked) or 0 (not picked).")
                unreadable.add(question.id)
                continue
            chosen = picks.setdefault(question.id, [])
            if picked and column.option is not None:
                chosen.append(column.option)
        for question_id, chosen in picks.items():
            if question_id in unreadable:
                continue
            question = self.script.by_id[question_id]
            selection = check_selection(self.script, question, chosen, row.language)
            if isinstance(selection, Invalid):
                problem(f"{question_id}{SEPARATOR}…",
                        researcher_words(self.script, question, selection, row.language))
            else:
                values = selection if isinstance(selection, list) else []
                row.answers[question_id], row.raw[question_id] = values, ", ".join(values)

    def _names_option(self, question: CompiledQuestion, value: str, option: str) -> bool:
        """A split column holding the option's own name or label rather than 1."""
        return self._closed(question, value, self.script.languages[0]) in (option, [option])


def read_rows(
    rows: Iterable[tuple[int, list[str]]], reader: RowReader, bad: Callable[[CsvProblem], None]
) -> Iterator[CsvRow]:
    """Each good row; every problem goes to `bad`, including respondents that appear twice."""
    seen: dict[str, int] = {}
    for number, record in rows:
        row = reader.read(number, record, bad)
        if row is None:
            continue
        earlier = seen.setdefault(row.pseudonym, number)
        if earlier != number:
            bad(CsvProblem(number, "respondent", f"'{row.respondent}' is already in row "
                           f"{earlier}; one row per respondent."))
            continue
        yield row


def _when(text: str, name: str, problem: Callable[[str, str], None]) -> datetime | None:
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        problem(name, f"'{text}' is not a date and time like 2024-05-01T09:30:00+00:00.")
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
    "CsvRow",
    "RowReader",
    "parse_cell",
    "pseudonym_for",
    "read_rows",
    "records",
    "researcher_words",
]
