"""CSV exports of a study's data: long (one row per answer), wide (one per interview), coded (themes).

Every export streams: the long one holds one answer at a time, the wide and coded ones one
interview's answers at a time (the repository gives answers ordered by interview).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Callable, Sequence
from enum import StrEnum
from typing import IO, TYPE_CHECKING

from bot.report.csv_cells import (
    METADATA,
    WideColumn,
    answer_cell,
    answer_text,
    cell,
    codebook_columns,
    csv_field,
    plain_answer,
    safe_field,
    timestamp,
    wide_columns,
)
from bot.report.missing import MISSING_CODES, AnswerStatus, missing_code, question_statuses
from bot.report.probes_asked import ProbesAsked
from bot.script import QuestionType, Script
from storage import InterviewRecord, Repository, StoredAnswer

if TYPE_CHECKING:
    from _csv import Writer as CsvWriter

LONG_HEADER = (
    "respondent", "interview", "status", "group", "question", "probe", "raw", "value",
    "answered_at", "script_version", "own_id", "probe_kind", "probe_key", "probe_asked",
)
CODED_METADATA = (
    "respondent", "interview", "status", "group", "language", "script_version", "own_id",
)  # fmt: skip
SHORT_HASH = 12  # characters of a script version's SHA-256 that name it
SKIPPED_CELL = str(MISSING_CODES[AnswerStatus.skipped])

DELIMITERS = (",", ";", "\t")
Progress = Callable[[int], None]
"""Called with how many more interviews were written, for a progress bar."""


class ExportFormat(StrEnum):
    """The shapes a study's data can be exported in."""

    long = "long"
    wide = "wide"
    coded = "coded"


async def export_csv(
    repository: Repository,
    script: Script,
    fmt: ExportFormat | str,
    out: IO[str],
    *,
    labels: bool = True,
    progress: Progress | None = None,
    delimiter: str = ",",
) -> int:
    """Write the study's data as CSV to `out`; returns the number of data rows written.

    `delimiter` is "," or ";" (what Excel expects where the decimal mark is a comma).
    """
    if delimiter not in DELIMITERS:
        raise ValueError(f"the delimiter must be one of {' '.join(DELIMITERS)}")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    tick = progress or (lambda _n: None)
    match ExportFormat(fmt):
        case ExportFormat.long:
            if delimiter != ",":
                return await _long_with(repository, script, writer, labels, tick)
            return await _long(repository, script, out, labels, tick)
        case ExportFormat.wide:
            return await _wide(repository, script, writer, labels, tick)
        case ExportFormat.coded:
            return await _coded(repository, script, writer, tick)


async def _long(
    repository: Repository, script: Script, out: IO[str], labels: bool, tick: Progress
) -> int:
    # The hot loop of the biggest export (a million answers is an ordinary study): the database
    # hands over each answer shaped for it (`LongAnswerRow`), each line is built as one string,
    # and what repeats (an interview's cells, a question's cell, a choice's cell) is worked out
    # once. `tests/exports` holds it to `csv.writer`'s exact output.
    out.write(_csv_line(LONG_HEADER))
    versions, languages = await interview_versions_languages(repository, script.study_id)
    own_ids = await interview_own_ids(repository, script.study_id)
    # Question id → (its cell, how to write its values).
    questions = {q.id: (csv_field(q.id), answer_cell(script, q, labels)) for q in script.questions}
    choices: dict[tuple[object, ...], str] = {}
    # (question, probe key, language) → the probe's three cells, each worked out once.
    asked_cells: dict[tuple[str, str | None, str | None], str] = {}
    probes = ProbesAsked(script)
    rows, interview, start, end, lang = 0, -1, "", "", None
    async for interviews, batch in repository.stream_long_batches(study_id=script.study_id):
        lines = []
        for iid, qid, probe, raw, value, at, asked in batch:
            if iid != interview:
                interview = iid
                pseudonym, group, status = interviews[iid]
                start = f"{csv_field(pseudonym)},{iid},{csv_field(status)},{csv_field(group or '')},"
                end = f",{versions.get(iid, '')},{safe_field(own_ids.get(iid, ''))}"
                lang = languages.get(iid)
                tick(1)
            known = questions.get(qid)
            if known is None:  # answered on an older version of the script
                known = questions[qid] = (csv_field(qid), plain_answer)
            question, form = known
            raw_cell = safe_field(raw) if raw else ""
            if value is None and form is plain_answer:
                value_cell = raw_cell  # an open answer's value is its text: format it once
            elif value == "null":
                value_cell = SKIPPED_CELL  # stored without a value: the respondent skipped it
            else:
                value_cell = _value_cell(choices, qid, form, raw, value)
            if probe:
                probe_cells = asked_cells.get((qid, asked, lang))
                if probe_cells is None:
                    found = probes.asked(qid, asked, lang)
                    probe_cells = asked_cells[(qid, asked, lang)] = (
                        f",{found.kind},{safe_field(found.key)},{safe_field(found.text)}\r\n"
                    )
            else:
                probe_cells = ",,,\r\n"
            # answered_at is "YYYY-MM-DD HH:MM:SS.ffffff" in UTC; the export shows the second.
            lines.append(f"{start}{question},{probe},{raw_cell},{value_cell},{at[:10]}T{at[11:19]}+00:00{end}{probe_cells}")
        out.write("".join(lines))
        rows += len(lines)
    return rows


async def _long_with(
    repository: Repository, script: Script, writer: CsvWriter, labels: bool, tick: Progress
) -> int:
    """The long export through `csv.writer`, for a delimiter other than a comma."""
    writer.writerow(LONG_HEADER)
    versions, languages = await interview_versions_languages(repository, script.study_id)
    own_ids = await interview_own_ids(repository, script.study_id)
    forms = {q.id: answer_cell(script, q, labels) for q in script.questions}
    probes = ProbesAsked(script)
    rows, interview = 0, -1
    async for answer in repository.stream_answers(study_id=script.study_id):
        if answer.interview_id != interview:
            interview = answer.interview_id
            tick(1)
        form = forms.get(answer.question_id, plain_answer)
        value = SKIPPED_CELL if answer.value is None and answer.probe == 0 else form(answer.value)
        asked = probes.asked(answer.question_id, answer.asked, languages.get(answer.interview_id))
        writer.writerow([
            cell(answer.pseudonym), answer.interview_id, answer.status.value,
            answer.group.value if answer.group else "", cell(answer.question_id), answer.probe,
            cell(answer.raw_text), value, timestamp(answer.answered_at),
            versions.get(answer.interview_id, ""), cell(own_ids.get(answer.interview_id)),
            asked.kind, cell(asked.key), cell(asked.text),
        ])  # fmt: skip
        rows += 1
    return rows


async def interview_own_ids(repository: Repository, study_id: str) -> dict[int, str]:
    """The respondent's own id (from the tool an interview was imported from), where there is one."""
    return {
        interview.id: interview.own_id
        async for interview in repository.stream_interviews(study_id=study_id)
        if interview.own_id
    }


async def interview_versions(repository: Repository, study_id: str) -> dict[int, str]:
    """Each interview's script version, as the short hash the report shows."""
    return (await interview_versions_languages(repository, study_id))[0]


async def interview_versions_languages(
    repository: Repository, study_id: str
) -> tuple[dict[int, str], dict[int, str | None]]:
    """Each interview's script version (as the short hash the report shows) and language."""
    hashes: dict[int, str] = {}
    out: dict[int, str] = {}
    languages: dict[int, str | None] = {}
    async for headers in repository.stream_interview_headers(study_id=study_id):
        for header in headers:
            known = hashes.get(header.script_version_id)
            if known is None:
                record = await repository.get_script_version(version_id=header.script_version_id)
                known = hashes[header.script_version_id] = (
                    record.sha256[:SHORT_HASH] if record else ""
                )
            out[header.id] = known
            languages[header.id] = header.language
    return out, languages


# Choice cells remembered per export: enough for every option and pick a study has, a bound
# for a script whose "choices" are in fact free text.
_CHOICES_KEPT = 10_000


def _value_cell(
    choices: dict[tuple[object, ...], str],
    qid: str,
    form: Callable[[object], str | int | float],
    raw: str | None,
    value: str | int | float | None,
) -> str:
    """The value cell of a `LongAnswerRow` that is not an open answer's own text."""
    # Numbers are never remembered: 1 and 1.0 are equal keys but may be written differently.
    if value.__class__ is not str and value is not None:
        return _written(form(value))
    key = (qid, value) if value is not None else (qid, None, raw)
    known = choices.get(key)
    if known is None:
        decoded = raw if value is None else json.loads(value)
        if form is plain_answer and decoded == raw:
            return safe_field(decoded) if decoded else ""  # open text JSON escaped differently
        known = _written(form(decoded))
        if form is not plain_answer and len(choices) < _CHOICES_KEPT:
            choices[key] = known
    return known


def _written(cell: str | int | float) -> str:
    """A cell as the CSV text `csv.writer` gives it."""
    return csv_field(cell) if cell.__class__ is str else str(cell)


def _csv_line(cells: Sequence[object]) -> str:
    """One row as `csv.writer` writes it."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()


async def interviews_with_answers(
    repository: Repository, study_id: str
) -> AsyncIterator[tuple[InterviewRecord, list[StoredAnswer]]]:
    """Each interview of the study with its answers, streamed (both lists are in id order)."""
    answers = aiter(repository.stream_answers(study_id=study_id))
    pending: StoredAnswer | None = None
    async for interview in repository.stream_interviews(study_id=study_id):
        own: list[StoredAnswer] = []
        while True:
            if pending is None:
                pending = await anext(answers, None)
            if pending is None or pending.interview_id > interview.id:
                break
            if pending.interview_id == interview.id:
                own.append(pending)
            pending = None
        yield interview, own


def _metadata(interview: InterviewRecord, version: str) -> list[str | int | float]:
    return [
        cell(interview.pseudonym), interview.status.value,
        interview.group.value if interview.group else "", cell(interview.source),
        cell(interview.language), timestamp(interview.started_at),
        timestamp(interview.completed_at), version, cell(interview.own_id),
    ]


async def _wide(
    repository: Repository, script: Script, writer: CsvWriter, labels: bool, tick: Progress
) -> int:
    columns = wide_columns(script)
    writer.writerow([*METADATA, *(c.name for c in columns)])
    versions = await interview_versions(repository, script.study_id)
    probes = ProbesAsked(script)
    rows = 0
    async for interview, answers in interviews_with_answers(repository, script.study_id):
        row = _metadata(interview, versions.get(interview.id, ""))
        row += wide_cells(script, columns, interview.status.value, answers, labels,
                          language=interview.language, probes=probes)
        writer.writerow(row)
        rows += 1
        tick(1)
    return rows


def wide_cells(
    script: Script, columns: Sequence[WideColumn], status: str, answers: Sequence[StoredAnswer],
    labels: bool, *, language: str | None = None, probes: ProbesAsked | None = None,
) -> list[str | int | float]:  # fmt: skip
    """One interview's answer cells in the wide layout, a missing-value code where none was given.

    A probe's `_asked` cell holds the wording asked, in the interview's `language`, and the same
    missing-value code as the probe's answer when there is none.
    """
    given = {(a.question_id, a.probe): a.value for a in answers}
    keys = {(a.question_id, a.probe): a.asked for a in answers if a.probe}
    probes = probes or ProbesAsked(script)
    statuses = question_statuses(
        script, status, {q: v for (q, probe), v in given.items() if probe == 0}
    )
    row: list[str | int | float] = []
    for column in columns:
        question_id = column.question.id
        key = (question_id, column.probe)
        if key not in given:
            main = statuses[question_id]
            missing = missing_code(main) if not column.probe or main != AnswerStatus.answered else None
            # A probe not asked after an answer: the answer was full enough.
            row.append(missing if missing is not None else MISSING_CODES[AnswerStatus.not_asked])
            continue
        value = given[key]
        if value is None or (not column.probe and statuses[question_id] == AnswerStatus.skipped):
            row.append(MISSING_CODES[AnswerStatus.skipped])  # /skip, or a blank text
        elif column.asked:
            row.append(cell(probes.asked(question_id, keys[key], language).text))
        elif column.option is not None:
            row.append(int(column.option in value) if isinstance(value, list) else "")
        elif column.probe:
            row.append(cell(value))
        else:
            row.append(answer_text(script, column.question, value, labels))
    return row


async def _coded(repository: Repository, script: Script, writer: CsvWriter, tick: Progress) -> int:
    # Imported here: `bot.analysis` brings SciPy, a second of start-up every other export and
    # every `perceptions` command that imports this module would pay for nothing.
    from bot.analysis.coding import Coder
    from bot.report.codebook import coding_script

    themes = codebook_columns(script)
    writer.writerow([*CODED_METADATA, *(name for name, _, _ in themes)])
    coder = Coder(await coding_script(repository, script))
    overrides = await repository.coding_overrides(study_id=script.study_id)
    open_ids = {q.id for q in script.questions if q.type == QuestionType.text}
    versions = await interview_versions(repository, script.study_id)
    rows = 0
    async for interview, answers in interviews_with_answers(repository, script.study_id):
        statuses = question_statuses(script, interview.status.value,
                                     {a.question_id: a.value for a in answers if a.probe == 0})  # fmt: skip
        lang = interview.language or script.languages[0]
        found: dict[str, set[str]] = {}
        for a in answers:
            if a.question_id not in open_ids or a.value is None:
                continue
            override = overrides.get(a.id)
            text = a.value if isinstance(a.value, str) else (a.raw_text or "")
            mentioned = (
                override.themes if override else coder.automatic(a.question_id, text, lang)
            )
            found.setdefault(a.question_id, set()).update(mentioned)
        row = [cell(interview.pseudonym), interview.id, interview.status.value,
               interview.group.value if interview.group else "", cell(interview.language),
               versions.get(interview.id, ""), cell(interview.own_id)]  # fmt: skip
        # A missing-value code (not 0) when the question has no answer: "no theme" and "no
        # answer" differ, and so do skipped, not asked and not reached.
        row += [
            int(theme in found[question]) if question in found
            else MISSING_CODES.get(statuses[question], MISSING_CODES[AnswerStatus.skipped])
            for _, question, theme in themes
        ]  # fmt: skip
        writer.writerow(row)
        rows += 1
        tick(1)
    return rows
