"""Turning checked CSV rows into interviews by replaying them through the interview engine.

Replaying (rather than copying the file's `status` and `group`) gives exactly what the bot would
have produced: the same questions skipped by `when`, the same screening, the same doer / non-doer
classification and the same stored state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.engine import CONSENT, DONE, Command, Input, Pick, State, Status, TextInput, begin, handle
from bot.engine.state import AnswerEvent
from bot.imports.csv_import import CsvRow, read_wide_csv
from bot.imports.problems import CsvImportError, CsvProblem
from bot.interviews.statuses import stored_status
from bot.script import QuestionType, Script
from storage import AnswerRecord, Group, ImportedInterview, InterviewStatus, Repository

# A row whose file status says it stopped part-way is imported as abandoned: it never resumes.
UNFINISHED = frozenset({InterviewStatus.ACTIVE, InterviewStatus.PAUSED, InterviewStatus.ABANDONED})


@dataclass(frozen=True)
class ImportResult:
    """What an import stored, and remarks worth reading (nothing in them blocked the import)."""

    interview_ids: list[int]
    notes: list[str]


def replay(row: CsvRow, script: Script, now: datetime) -> tuple[ImportedInterview, list[str]]:
    """The interview the bot would have recorded for this row; raises `CsvImportError`."""
    state = begin(script, language=row.language, source=row.source).state
    events: dict[tuple[str, int], AnswerEvent] = {}
    consent = "no" if row.status == InterviewStatus.DECLINED else "yes"
    state = _step(script, state, Pick(CONSENT, consent), events)
    while state.status == Status.active and state.current is not None:
        question = script.by_id[state.current]
        if state.probes:
            said = row.probes.get((question.id, state.probes))
            state = _step(script, state, TextInput(said) if said else Command("skip"), events)
            continue
        if question.id not in row.answers:
            if not question.spec.required:
                state = _step(script, state, Command("skip"), events)
                continue
            if row.status in UNFINISHED:
                break
            raise CsvImportError([CsvProblem(row.number, question.id, "is empty, but the script "
                                             "asks this respondent this question and it needs an "
                                             "answer (or set `status` to abandoned).")])
        before = state
        for event in _inputs(question.type, question.id, row):
            state = _step(script, state, event, events)
        if state.current == before.current and state.probes == before.probes:
            raise CsvImportError([CsvProblem(row.number, question.id, "the bot did not accept "
                                             f"'{row.raw[question.id]}' here.")])
    # Rows that stop before the end were abandoned on paper: the bot must never resume them.
    status = InterviewStatus.ABANDONED if not state.status.ended else stored_status(state.status)
    answers = [AnswerRecord(e.question_id, e.value, e.raw, e.probe) for e in events.values()]
    notes = _notes(row, script, events, status, state)
    for (question_id, probe), text in sorted(row.probes.items()):
        if (question_id, 0) in events and (question_id, probe) not in events:
            # Collected on paper though the bot would not have probed: still the respondent's words.
            answers.append(AnswerRecord(question_id, text, text, probe))
    started = row.started_at or now
    completed = row.completed_at or (started if status == InterviewStatus.COMPLETED else None)
    interview = ImportedInterview(
        pseudonym=row.pseudonym,
        status=status,
        group=Group(state.group) if state.group else None,
        started_at=started,
        completed_at=completed,
        answers=answers,
        language=row.language,
        source=row.source,
        state=state.to_dict(),
    )
    return interview, notes


def _step(
    script: Script, state: State, event: Input, events: dict[tuple[str, int], AnswerEvent]
) -> State:
    turn = handle(script, state, event)
    if turn.cleared:
        events.clear()
    for answer in turn.answers:
        events[(answer.question_id, answer.probe)] = answer
    return turn.state


def _inputs(kind: QuestionType, question_id: str, row: CsvRow) -> list[Input]:
    value = row.answers[question_id]
    if kind == QuestionType.multiple_choice:
        picked = value if isinstance(value, list) else []
        return [*(Pick(question_id, v) for v in picked), Pick(question_id, DONE)]
    if kind in (QuestionType.single_choice, QuestionType.yes_no, QuestionType.scale):
        return [Pick(question_id, str(value))]
    return [TextInput(row.raw[question_id])]


def _notes(
    row: CsvRow,
    script: Script,
    events: dict[tuple[str, int], AnswerEvent],
    status: InterviewStatus,
    state: State,
) -> list[str]:
    notes = [
        f"row {row.number}, column `{question_id}`: left out, because the script would not ask "
        "this respondent that question."
        for question_id in row.answers
        if (question_id, 0) not in events
    ]
    group = state.group or ""
    if row.group and row.group != group:
        notes.append(f"row {row.number}: the file says group `{row.group}`, the script's rules "
                     f"give `{group or 'none'}`; the rules win.")
    if row.status and row.status not in UNFINISHED and row.status != status:
        notes.append(f"row {row.number}: the file says status `{row.status.value}`, replaying the "
                     f"answers gives `{status.value}`; the replay wins.")
    return notes


async def import_csv(
    repository: Repository, script: Script, data: bytes, *, key: str, now: datetime
) -> ImportResult:
    """Check a wide CSV and store its interviews, all or nothing; raises `CsvImportError`."""
    rows = read_wide_csv(data, script, key=key)
    problems: list[CsvProblem] = []
    interviews: list[ImportedInterview] = []
    notes: list[str] = []
    for row in rows:
        try:
            interview, remarks = replay(row, script, now)
        except CsvImportError as exc:
            problems += exc.problems
            continue
        earlier = await repository.latest_interview(pseudonym=row.pseudonym, study_id=script.study_id)
        if earlier is not None:
            problems.append(CsvProblem(row.number, "respondent", f"'{row.respondent}' already has an "
                                       "interview in this study (was this file imported before?)."))
        interviews.append(interview)
        notes += remarks
    if problems:
        raise CsvImportError(sorted(problems))
    title = script.text(script.file.study.title, script.languages[0])
    version = await repository.register_script(
        study_id=script.study_id, title=title, text=script.source, now=now
    )
    ids = await repository.import_interviews(
        study_id=script.study_id, script_version_id=version.id, interviews=interviews, now=now
    )
    return ImportResult(ids, notes)
