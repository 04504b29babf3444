"""Turning checked CSV rows into interviews by replaying them through the interview engine.

Replaying (rather than copying the file's `status` and `group`) gives exactly what the bot would
have produced: the same questions skipped by `when`, the same screening, the same doer / non-doer
classification and the same stored state. The file is streamed into one write transaction; when
any row has a problem the transaction is rolled back, so nothing is stored unless all is well.
"""

from __future__ import annotations

import contextlib
import io
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import IO

from bot.engine import CONSENT, DONE, Command, Input, Pick, State, TextInput, begin, handle
from bot.engine.state import AnswerEvent
from bot.imports.columns import Layout, read_header
from bot.imports.csv_import import CsvRow, RowReader, read_rows, records
from bot.imports.problems import CsvImportError, CsvProblem
from bot.imports.replay_cache import RouteCache
from bot.imports.tally import ProblemLog, Remarks
from bot.script import QuestionType, Script
from bot.vocabulary import InterviewStatus
from storage import AnswerRecord, ImportedInterview, Repository

PROGRESS_EVERY = 500  # rows


@dataclass
class ImportResult:
    """What an import stored, and remarks worth reading (nothing in them blocked the import)."""

    interview_ids: list[int]
    remarks: Remarks = field(default_factory=Remarks)
    outcomes: Counter[str] = field(default_factory=Counter)  # "completed", "doer", …
    own_ids: int = 0
    layout: Layout | None = None

    @property
    def notes(self) -> list[str]:
        """The remarks, one line per kind."""
        return self.remarks.lines()


def replay(row: CsvRow, script: Script, now: datetime
           ) -> tuple[ImportedInterview, list[tuple[str, int]]]:
    """The interview the bot would have recorded for this row, and the (question, probe) of each
    answer the engine recorded; raises `CsvImportError`."""
    state = begin(script, language=row.language, source=row.source).state
    events: dict[tuple[str, int], AnswerEvent] = {}
    consent = "no" if row.status == InterviewStatus.declined else "yes"
    state = _step(script, state, Pick(CONSENT, consent), events)
    while state.status == InterviewStatus.active and state.current is not None:
        question = script.by_id[state.current]
        if state.probes:
            said = row.probes.get((question.id, state.probes))
            state = _step(script, state, TextInput(said) if said else Command("skip"), events)
            continue
        if question.id not in row.answers:
            if not question.spec.required:
                state = _step(script, state, Command("skip"), events)
                continue
            if row.status is not None and row.status.unfinished:  # stopped part-way: abandoned
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
    if state.status.open:
        state = replace(state, status=InterviewStatus.abandoned)
    status = state.status
    answers = [AnswerRecord(e.question_id, e.value, e.raw, e.probe, e.asked)
               for e in events.values()]
    for (question_id, probe), text in sorted(row.probes.items()):
        if (question_id, 0) in events and (question_id, probe) not in events:
            # Collected on paper though the bot would not have probed: still the respondent's words.
            answers.append(AnswerRecord(question_id, text, text, probe))
    started = row.started_at or now
    completed = row.completed_at or (started if status == InterviewStatus.completed else None)
    return ImportedInterview(
        pseudonym=row.pseudonym,
        status=status,
        group=state.group,
        started_at=started,
        completed_at=completed if status == InterviewStatus.completed else None,
        answers=answers,
        language=row.language,
        source=row.source,
        state=state.to_dict(),
        own_id=row.own_id,
    ), list(events)


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


def _remark(
    row: CsvRow, recorded: list[tuple[str, int]], interview: ImportedInterview, remarks: Remarks
) -> None:
    events = set(recorded)
    status = interview.status
    for question_id in row.answers:
        if (question_id, 0) not in events:
            remarks.add(f"left:{question_id}", row.number, f"column `{question_id}`: answers left "
                        "out, because the script would not ask those respondents that question")
    group = interview.group.value if interview.group else ""
    if row.group and row.group != group:
        remarks.add("group", row.number, "the file's `group` differs from what the script's "
                    "rules give; the rules win")
    if row.status and not row.status.unfinished and row.status != status:
        remarks.add("status", row.number, "the file's `status` differs from what replaying the "
                    "answers gives; the replay wins")


@contextlib.contextmanager
def _opened(source: bytes | Path) -> Iterator[IO[bytes]]:
    if isinstance(source, bytes):
        yield io.BytesIO(source)
        return
    with source.open("rb") as stream:
        yield stream


async def import_csv(
    repository: Repository,
    script: Script,
    source: bytes | Path,
    *,
    key: str,
    now: datetime,
    ignore: Iterable[str] = (),
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Check a wide CSV and store its interviews, all or nothing; raises `CsvImportError`.

    `progress` is told, every few hundred rows, how many more rows were read.
    """
    with _opened(source) as stream:
        header, rows = records(stream)
        layout, problems = read_header(header, script, ignore=ignore)
        first = next(rows, None)
        if first is None:
            problems.append(CsvProblem(0, "", "the file has a header but no rows of answers."))
        if problems:
            raise CsvImportError(problems)
        assert first is not None
        already = await repository.study_pseudonyms(study_id=script.study_id)
        result = ImportResult([], layout=layout)
        log = ProblemLog()
        reader = RowReader(script, layout, key=key)
        replayer = RouteCache(script, lambda row: replay(row, script, now), now)

        def interviews() -> Iterator[ImportedInterview]:
            done = 0
            for row in read_rows(_chain(first, rows), reader, log.add):
                done += 1
                if progress is not None and done % PROGRESS_EVERY == 0:
                    progress(PROGRESS_EVERY)
                if row.pseudonym in already:
                    log.add(CsvProblem(row.number, "respondent", f"'{row.respondent}' already "
                                       "has an interview in this study (was this file imported "
                                       "before?)."))
                    continue
                try:
                    interview, recorded = replayer(row)
                except CsvImportError as exc:
                    for problem in exc.problems:
                        log.add(problem)
                    continue
                _remark(row, recorded, interview, result.remarks)
                result.outcomes[interview.status.value] += 1
                if interview.group is not None:
                    result.outcomes[interview.group.value] += 1
                result.own_ids += interview.own_id is not None
                yield interview
            if log:
                raise CsvImportError(log.sorted(), total=log.total)

        title = script.text(script.file.study.title, script.languages[0])
        version = await repository.register_script(
            study_id=script.study_id, title=title, text=script.source, now=now
        )
        result.interview_ids = await repository.import_interviews(
            study_id=script.study_id, script_version_id=version.id, interviews=interviews(),
            now=now,
        )
    return result


def _chain(first: tuple[int, list[str]], rest: Iterator[tuple[int, list[str]]]
           ) -> Iterator[tuple[int, list[str]]]:
    yield first
    yield from rest
