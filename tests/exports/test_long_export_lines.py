"""The long export builds its lines by hand for speed: they must be exactly what `csv.writer` writes."""

from __future__ import annotations

import csv
import io

import pytest

from bot.report.csv_cells import answer_text, csv_field, safe_field, safe_text, timestamp
from bot.report.exports import LONG_HEADER, export_csv
from bot.report.probes_asked import ProbesAsked
from bot.script import Script
from bot.vocabulary import Group, InterviewStatus
from storage import AnswerRecord, AnswerValue, ImportedInterview, Repository
from tests.exports.recording import START, record_study

AWKWARD_TEXTS = [
    "plain", "", "a, b", 'say "hi"', "two\nlines", "cr\rhere", "=1+1", "'=quoted", "''+x",
    "-2", "@SUM(A1)", "\tx", "\0x", " spaced ", "héllo, wörld", "'", "''",
]


async def by_csv_writer(repository: Repository, script: Script, labels: bool) -> str:
    """The long export written the plain way: one `StoredAnswer`, one `csv.writer` row."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LONG_HEADER)
    languages = {i.id: i.language async for i in repository.stream_interviews(study_id=script.study_id)}
    probes = ProbesAsked(script)
    async for a in repository.stream_answers(study_id=script.study_id):
        skipped = a.value is None and a.probe == 0
        asked = probes.asked(a.question_id, a.asked, languages[a.interview_id])
        writer.writerow((
            a.pseudonym, a.interview_id, a.status.value, a.group.value if a.group else "",
            a.question_id, a.probe, safe_text(a.raw_text or ""),
            -97 if skipped else answer_text(script, script.by_id.get(a.question_id), a.value, labels),
            timestamp(a.answered_at), script.version_hash[:12], "",  # no own id: recorded here
            asked.kind, safe_text(asked.key), safe_text(asked.text),
        ))
    return out.getvalue()


async def exported(
    repository: Repository, script: Script, labels: bool, delimiter: str = ","
) -> str:
    """What `export_csv` writes."""
    out = io.StringIO(newline="")
    await export_csv(repository, script, "long", out, labels=labels, delimiter=delimiter)
    return out.getvalue()


@pytest.mark.parametrize("text", AWKWARD_TEXTS)
def test_a_text_field_is_quoted_as_csv_writer_quotes_it(text: str) -> None:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerow([text, safe_text(text), 1])

    assert f"{csv_field(text)},{safe_field(text)},1\r\n" == out.getvalue()


@pytest.mark.parametrize("labels", [True, False])
async def test_long_export_matches_csv_writer_on_recorded_interviews(
    repository: Repository, script: Script, labels: bool
) -> None:
    await record_study(repository, script)

    assert await exported(repository, script, labels) == await by_csv_writer(
        repository, script, labels
    )


async def test_long_export_matches_csv_writer_on_awkward_values(
    repository: Repository, script: Script
) -> None:
    version = await repository.register_script(
        study_id=script.study_id, title="Commute", text=script.source, now=START
    )
    # Every kind of value a question may hold, including ones no script question would give
    # (an unknown question, a label missing from the script), with awkward texts as raw input.
    values: list[AnswerValue] = [
        *AWKWARD_TEXTS, 3, -2, 2.5, 1.0, float("inf"), None, ["car", "walk"], ["x, y", 'q"'],
        "car", "nope",
    ]
    answers = [
        AnswerRecord(question, value, raw)
        for n, value in enumerate(values)
        for question, raw in (
            ("name", value if isinstance(value, str) else None),
            ("instead", AWKWARD_TEXTS[n % len(AWKWARD_TEXTS)]),
            ("stage", None),
            ("gone", "raw"),
        )
    ]
    # Follow-ups: wordings the script has, one it no longer has (an awkward key), and one
    # recorded before the probe asked was kept.
    answers += [
        AnswerRecord("easier", text, text, 1, asked)
        for text, asked in (("a, b", "dig.perceived_self_efficacy"), ("=x", "=gone, \"key\""),
                            ("old", None), ("more", "more.1"))
    ]
    await repository.import_interviews(
        study_id=script.study_id, script_version_id=version.id, now=START,
        interviews=[
            ImportedInterview(
                pseudonym=f"{n:064x}", status=InterviewStatus.completed, group=Group.non_doer,
                started_at=START, completed_at=START, answers=[answer],
            )
            for n, answer in enumerate(answers)
        ],
    )

    for labels in (True, False):
        assert await exported(repository, script, labels) == await by_csv_writer(
            repository, script, labels
        )


async def test_a_semicolon_export_says_the_same(repository: Repository, script: Script) -> None:
    await record_study(repository, script)
    comma = list(csv.reader(io.StringIO(await exported(repository, script, True))))
    semicolon = await exported(repository, script, True, delimiter=";")
    assert list(csv.reader(io.StringIO(semicolon), delimiter=";")) == comma
    assert semicolon.startswith("respondent;interview;status;")
