"""Importing a wide CSV: every problem named by row and column, nothing stored unless all is well."""

from __future__ import annotations

import io

import pytest

from bot.imports.csv_import import pseudonym_for
from bot.imports.csv_replay import import_csv
from bot.imports.problems import CsvImportError
from bot.report.exports import export_csv
from bot.script import Script
from bot.vocabulary import InterviewStatus
from storage import Repository
from tests.exports.recording import START, fresh_repository, record_study

KEY = "test-key"
HEADER = "respondent,language,name,age,days,instead__car,instead__bus,instead__walk,easier,confident,stage"


async def problems_of(repository: Repository, script: Script, text: str | bytes) -> list[str]:
    """The problems an import reports; asserts that nothing was stored."""
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(CsvImportError) as caught:
        await import_csv(repository, script, data, key=KEY, now=START)
    counts = await repository.study_counts(study_id=script.study_id)
    assert counts.starts == 0, "a failed import stored something"
    return [str(p) for p in caught.value.problems]


async def test_a_good_file_is_replayed_like_the_bot(repository: Repository, script: Script) -> None:
    text = "\n".join([
        HEADER,
        "P-1,en,Ann,30,4,,,,bike lanes everywhere downtown,3,Thinking about it",
        "P-2,fr,Luc,40,0,1,1,0,des pistes partout en ville,1,Je n'y pense pas",
        "P-3,en,Kid,12,,,,,,,",
    ])
    result = await import_csv(repository, script, text.encode(), key=KEY, now=START)
    assert len(result.interview_ids) == 3
    assert result.notes == []
    counts = await repository.study_counts(study_id=script.study_id)
    assert (counts.doers, counts.non_doers, counts.screened_out) == (1, 1, 1)
    luc = await repository.latest_interview(pseudonym=pseudonym_for("P-2", KEY),
                                            study_id=script.study_id)
    assert luc is not None
    assert luc.state["answers"]["instead"] == ["car", "bus"]
    assert luc.state["answers"]["stage"] == "pre"  # a French label read as its code


async def test_every_kind_of_bad_cell_is_reported_at_once(
    repository: Repository, script: Script
) -> None:
    text = "\n".join([
        HEADER,
        "P-1,en,Ann,30,lots,,,,lanes,3,",
        "P-2,en,Bob,30,9,,,,lanes,3,",
        "P-3,en,Cy,30,0,2,0,0,lanes,7,maybe",
        "P-1,de,Dee,30,4,,,,lanes,3,",
        ",en,Eve,30,4,,,,lanes,3,",
    ])
    assert await problems_of(repository, script, text) == [
        "row 2, column `days`: 'lots' is not a number.",
        "row 3, column `days`: '9' is above the maximum of 7.",
        "row 4, column `confident`: '7' is not a point of the scale (1–3).",
        "row 4, column `instead__car`: '2' should be 1 (picked) or 0 (not picked).",
        "row 4, column `stage`: 'maybe' is not one of the choices (pre, con).",
        "row 5, column `language`: 'de' is not one of the study's languages (en, fr).",
        "row 6, column `respondent`: is empty; every row needs a respondent id.",
    ]


async def test_a_duplicate_respondent_is_refused(repository: Repository, script: Script) -> None:
    row = "P-1,en,Ann,30,4,,,,lanes are great here,3,"
    assert await problems_of(repository, script, f"{HEADER}\n{row}\n{row}") == [
        "row 3, column `respondent`: 'P-1' is already in row 2; one row per respondent."
    ]


async def test_importing_the_same_file_twice_is_refused(
    repository: Repository, script: Script
) -> None:
    data = f"{HEADER}\nP-1,en,Ann,30,4,,,,lanes are great here,3,".encode()
    await import_csv(repository, script, data, key=KEY, now=START)
    with pytest.raises(CsvImportError) as caught:
        await import_csv(repository, script, data, key=KEY, now=START)
    assert [str(p) for p in caught.value.problems] == [
        "row 2, column `respondent`: 'P-1' already has an interview in this study "
        "(was this file imported before?)."
    ]
    assert (await repository.study_counts(study_id=script.study_id)).starts == 1


async def test_unknown_and_missing_columns(repository: Repository, script: Script) -> None:
    assert await problems_of(repository, script, "name,dayz\nAnn,3") == [
        "row 1, column `dayz`: is not a question of study `commute` nor a metadata column we "
        "know. Did you mean `days`? If the column is not needed, leave it out with "
        "--ignore 'dayz'.",
        "row 1, column `respondent`: is missing; every row needs a respondent id (a "
        "`respondent` column, or KoboToolbox's `_uuid`).",
    ]


async def test_a_required_answer_the_script_asks_is_missing(
    repository: Repository, script: Script
) -> None:
    assert await problems_of(repository, script, f"{HEADER}\nP-1,en,Ann,30,,,,,,,") == [
        "row 2, column `days`: is empty, but the script asks this respondent this question "
        "and it needs an answer (or set `status` to abandoned)."
    ]


async def test_an_unfinished_row_is_imported_as_abandoned(
    repository: Repository, script: Script
) -> None:
    data = b"respondent,status,name,age\nP-1,active,Ann,30"
    await import_csv(repository, script, data, key=KEY, now=START)
    counts = await repository.study_counts(study_id=script.study_id)
    assert (counts.starts, counts.abandoned) == (1, 1)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "the file is empty; it needs a header row."),
        (b"respondent,name\n", "the file has a header but no rows of answers."),
        ("respondent,name\nP-1,Zoë".encode("cp1252"),
         "the file is not UTF-8 text (line 2 has a character saved in another encoding). "
         "Save it again as “CSV UTF-8” (Excel: File → Save As → CSV UTF-8; LibreOffice: character set Unicode "
         "(UTF-8))."),
    ],
    ids=["empty", "header-only", "not-utf8"],
)
async def test_files_that_cannot_be_read(
    repository: Repository, script: Script, data: bytes, problem: str
) -> None:
    assert await problems_of(repository, script, data) == [problem]


def test_our_pseudonyms_stay_and_other_ids_are_keyed() -> None:
    ours = "ab" * 32
    assert pseudonym_for(ours, KEY) == ours
    assert pseudonym_for("1042", KEY) != pseudonym_for("1042", "another key")
    assert len(pseudonym_for("1042", KEY)) == 64
    assert "1042" not in pseudonym_for("1042", KEY)


async def wide(repository: Repository, script: Script, labels: bool = True) -> str:
    out = io.StringIO(newline="")
    await export_csv(repository, script, "wide", out, labels=labels)
    return out.getvalue()


@pytest.mark.parametrize("labels", [True, False], ids=["labels", "codes"])
async def test_round_trip_export_import_export(
    repository: Repository, script: Script, tmp_path: object, labels: bool
) -> None:
    await record_study(repository, script)
    first = await wide(repository, script, labels)
    from pathlib import Path

    fresh = await fresh_repository(Path(str(tmp_path)) / "fresh.db")
    try:
        result = await import_csv(fresh, script, first.encode(), key=KEY, now=START)
        assert result.notes == []
        assert await wide(fresh, script, labels) == first
        statuses = [i.status async for i in fresh.stream_interviews(study_id=script.study_id)]
        assert InterviewStatus.declined in statuses
    finally:
        await fresh.close()
