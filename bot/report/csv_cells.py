"""CSV cells shared by export and import: formula neutralising, value text, the wide layout.

Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell starting with `=`, `+`, `-`,
`@`, tab, CR or NUL as a formula. Every *text* cell we write that starts with one of those gets a
leading `'`, which spreadsheets show as plain text. Values we hold as real numbers (an `int` or
`float` answer, an id, a count) are written bare: `-2` is then read as the number -2, which is what
it is, never as a formula. Text that merely looks numeric (a respondent typing "-2") is text and is
prefixed. To keep import the exact inverse, a text that already starts with `'` followed by a
risky character gets one more `'`, and import removes exactly one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.script import CompiledQuestion, QuestionType, Script

RISKY_FIRST = frozenset("=+-@\t\r\0")
SEPARATOR = "__"  # between a question id and an option value or `probe<n>` in wide columns
ASKED = "_asked"  # after `q__probe<n>`: the column of what the bot asked for that probe
LIST_JOIN = "; "  # several picks in one cell (long format)

METADATA = (
    "respondent", "status", "group", "source", "language", "started_at", "completed_at",
    "script_version", "own_id",
)  # fmt: skip


def safe_text(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    first = text[:1]
    if first == "'":  # lstrip copies the text: only pay for it when there is a quote to skip
        first = text.lstrip("'")[:1]
    return "'" + text if first in RISKY_FIRST else text


def unsafe_text(cell: str) -> str:
    """The text `safe_text` was given (import reads our own exports back)."""
    return cell[1:] if cell[:1] == "'" and cell.lstrip("'")[:1] in RISKY_FIRST else cell


def cell(value: object) -> str | int | float:
    """Any value as a cell: real numbers stay numbers, everything else is safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        return value if math.isfinite(value) else safe_text(str(value))
    if isinstance(value, datetime):
        return timestamp(value)
    return safe_text(str(value))


def timestamp(when: datetime | None) -> str:
    """ISO 8601 in UTC to the second, e.g. 2024-05-01T09:30:00+00:00."""
    if when is None:
        return ""
    aware = when if when.tzinfo else when.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(microsecond=0).isoformat()


def answer_text(script: Script, question: CompiledQuestion | None, value: object, labels: bool) -> str | int | float:
    """An answer's value as a cell: a choice's label (default language) or its code."""
    return answer_cell(script, question, labels)(value)


def answer_cell(
    script: Script, question: CompiledQuestion | None, labels: bool
) -> Callable[[object], str | int | float]:
    """`answer_text` for one question, its option names looked up once (exports call it a lot)."""
    if question is None or not question.options or question.type == QuestionType.scale:
        return plain_answer
    lang = script.languages[0]
    names = {o.value: (script.text(o.label, lang) if labels else o.value) for o in question.options}

    def choice(value: object) -> str | int | float:
        if value is None:
            return ""
        if isinstance(value, list):
            return safe_text(LIST_JOIN.join(names.get(str(v), str(v)) for v in value))
        return safe_text(names.get(str(value), str(value)))

    return choice


def plain_answer(value: object) -> str | int | float:
    """A value without options as a cell: a list joined, anything else as `cell` writes it."""
    if value.__class__ is str:  # the common case first
        return safe_text(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return safe_text(LIST_JOIN.join(str(v) for v in value))
    return cell(value)


def safe_field(text: str) -> str:
    """`csv_field(safe_text(text))` in one call: the long export calls it twice an answer."""
    first = text[:1]
    if first == "'":
        first = text.lstrip("'")[:1]
    if first in RISKY_FIRST:
        text = "'" + text
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text:
        return '"' + text + '"'
    return text


def csv_field(text: str) -> str:
    """A text as `csv.writer` (QUOTE_MINIMAL, `\r\n` line ends) writes it in a row."""
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text:
        return '"' + text + '"'
    return text


@dataclass(frozen=True)
class WideColumn:
    """One answer column of the wide layout: a question, one of its options, one of its probes,
    or (`asked`) what the bot asked for that probe."""

    name: str
    question: CompiledQuestion
    option: str | None = None
    probe: int = 0
    asked: bool = False


def wide_columns(script: Script) -> list[WideColumn]:
    """Answer columns in script order: `q`, or `q__<value>` per option of a multiple choice, then
    `q__probe1`, `q__probe1_asked`… for questions that probe."""
    columns: list[WideColumn] = []
    for question in script.questions:
        if question.type == QuestionType.info:
            continue
        if question.type == QuestionType.multiple_choice:
            columns += [
                WideColumn(f"{question.id}{SEPARATOR}{o.value}", question, option=o.value)
                for o in question.options
            ]
        else:
            columns.append(WideColumn(question.id, question))
        if question.probe is not None:
            for n in range(1, question.probe.columns + 1):
                name = f"{question.id}{SEPARATOR}probe{n}"
                columns += [WideColumn(name, question, probe=n),
                            WideColumn(f"{name}{ASKED}", question, probe=n, asked=True)]
    return columns


def wide_header(script: Script) -> list[str]:
    """The wide format's header row."""
    return [*METADATA, *(c.name for c in wide_columns(script))]


def codebook_columns(script: Script) -> list[tuple[str, str, str]]:
    """(column, question id, theme id) for every theme of every open question's codebook."""
    return [
        (f"{q.id}{SEPARATOR}{theme.id}", q.id, theme.id)
        for q in script.questions
        if q.type == QuestionType.text
        for theme in q.spec.codebook or ()
    ]


def row_of(values: Sequence[object]) -> list[str | int | float]:
    """Every value of a row as a safe cell."""
    return [cell(v) for v in values]
