"""The coding sheet: open answers out to a spreadsheet, the coders' `themes` column back in."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from bot.review.coding_csv import CodingCsvError, apply_coding_csv, write_coding_csv
from bot.script import Script
from storage import Repository

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


async def sheet(repository: Repository, script: Script, *, uncoded_only: bool = False
                ) -> list[dict[str, str]]:
    """The coding sheet as `perceptions code --out` writes it, read back as rows."""
    out = io.StringIO(newline="")
    await write_coding_csv(repository, script, out, uncoded_only=uncoded_only)
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


def as_csv(rows: list[dict[str, str]]) -> bytes:
    """Rows written back as a coder's spreadsheet would save them (with Excel's BOM)."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


async def problems_of(repository: Repository, script: Script, data: bytes) -> list[str]:
    """What applying a sheet complains about (it must complain)."""
    with pytest.raises(CodingCsvError) as raised:
        await apply_coding_csv(repository, script, data, coder="Ana", now=NOW)
    return [str(p) for p in raised.value.problems]


async def test_one_row_per_open_answer_with_probes_and_current_themes(
    repository: Repository, script: Script
) -> None:
    rows = await sheet(repository, script)
    assert [(r["question"], r["answer"], r["automatic"], r["themes"]) for r in rows] == [
        # The probe's reply comes after what the bot asked: the coder reads it as a reply to that.
        ("easier", "sun\n↳ [Could you give me an example of what makes it easier or harder for "
         "you?] when it is dry and sunny", "weather", "weather"),
        ("easier", "des pistes cyclables partout en ville", "lanes", "lanes"),
        ("easier", "my colleagues ride with me every day", "", ""),
    ]
    assert {r["question_text"] for r in rows} == {"What makes it easier to cycle to work?"}
    assert {r["override"] for r in rows} == {""}
    # No respondent identifier leaves with the sheet; answers are named by their own id.
    assert "respondent" not in rows[0]


async def test_uncoded_lists_only_answers_without_a_theme(
    repository: Repository, script: Script
) -> None:
    rows = await sheet(repository, script, uncoded_only=True)
    assert [r["answer"] for r in rows] == ["my colleagues ride with me every day"]


async def test_applying_stores_only_changed_rows_and_keeps_who_and_when(
    repository: Repository, script: Script
) -> None:
    rows = await sheet(repository, script)
    rows[0]["themes"] = "lanes; weather"  # was weather
    rows[2]["themes"] = "LANES"  # was uncoded; ids are read case-insensitively
    assert await apply_coding_csv(repository, script, as_csv(rows), coder=" Ana ", now=NOW) == 2

    again = await sheet(repository, script)
    assert [(r["override"], r["override_by"], r["override_at"], r["themes"]) for r in again] == [
        ("lanes; weather", "Ana", "2024-06-01T12:00:00+00:00", "lanes; weather"),
        ("", "", "", "lanes"),
        ("lanes", "Ana", "2024-06-01T12:00:00+00:00", "lanes"),
    ]
    # The same sheet again changes nothing: every row already says what is in force.
    assert await apply_coding_csv(repository, script, as_csv(again), coder="Bo", now=NOW) == 0


async def test_a_cleared_cell_removes_the_automatic_themes(
    repository: Repository, script: Script
) -> None:
    rows = await sheet(repository, script)
    rows[0]["themes"] = ""
    assert await apply_coding_csv(repository, script, as_csv(rows), coder="Ana", now=NOW) == 1
    assert [r["themes"] for r in await sheet(repository, script)] == ["", "lanes", ""]


async def test_bad_rows_are_all_reported_and_nothing_is_stored(
    repository: Repository, script: Script
) -> None:
    rows = await sheet(repository, script)
    rows[0]["themes"] = "lanes; cost"
    rows[1]["answer_id"] = "99999"
    rows[2]["answer_id"] = "=1+1"
    assert await problems_of(repository, script, as_csv(rows)) == [
        "row 4, column `answer_id`: '=1+1' is not an answer id (a whole number from the "
        "exported file).",
    ]
    rows[2]["answer_id"] = rows[0]["answer_id"]
    assert await problems_of(repository, script, as_csv(rows)) == [
        f"row 4, column `answer_id`: answer {rows[0]['answer_id']} is already in row 2; keep "
        "one row per answer.",
    ]
    del rows[2]
    assert await problems_of(repository, script, as_csv(rows)) == [
        "row 2, column `themes`: 'cost' is not a theme of question `easier`; its themes are: "
        "lanes, weather.",
        "row 3, column `answer_id`: there is no open answer 99999 in study commute; export a "
        "fresh sheet with `perceptions code STUDY --out`.",
    ]
    assert await repository.coding_overrides(study_id=script.study_id) == {}


async def test_files_that_cannot_be_applied_say_why(
    repository: Repository, script: Script
) -> None:
    latin1 = "answer_id,themes\n1,météo\n".encode("latin-1")
    assert (await problems_of(repository, script, latin1))[0].startswith(
        "the file is not UTF-8 text (line 2 has a character saved in another encoding)"
    )
    assert await problems_of(repository, script, b"answer_id,coding\n1,lanes\n") == [
        "row 1: the column `themes` is missing; keep the header row of the file "
        "`perceptions code STUDY --out` wrote."
    ]
    assert await problems_of(repository, script, b"") == [
        "the file is empty; it needs a header row."
    ]
    assert await repository.coding_overrides(study_id=script.study_id) == {}


async def test_a_semicolon_separated_sheet_from_a_european_excel_is_read(
    repository: Repository, script: Script
) -> None:
    rows = await sheet(repository, script)
    data = f"answer_id;themes\n{rows[2]['answer_id']};weather\n".encode()
    assert await apply_coding_csv(repository, script, data, coder="Ana", now=NOW) == 1


async def test_risky_answer_text_is_neutralised(repository: Repository, script: Script) -> None:
    from tests.exports.recording import record

    await record(repository, script, "g" * 64,
                 ["Gil", "30", "4", "=HYPERLINK(\"http://evil\") lanes", "2", "pre"], minute=6)
    rows = await sheet(repository, script)
    assert rows[-1]["answer"] == "'=HYPERLINK(\"http://evil\") lanes"
