"""The three CSV exports: headers, one row per answer / interview, themes, and formula safety."""

from __future__ import annotations

import csv
import io

from bot.report.csv_cells import RISKY_FIRST, cell, safe_text, unsafe_text, wide_header
from bot.report.exports import LONG_HEADER, export_csv
from bot.script import Script
from bot.vocabulary import InterviewStatus
from storage import AnswerRecord, ImportedInterview, Repository
from tests.exports.recording import START, record, record_study


async def exported(repository: Repository, script: Script, fmt: str, *, labels: bool = True) -> list[dict[str, str]]:
    """Export to memory and read it back with the csv module, as a spreadsheet user would."""
    out = io.StringIO(newline="")
    written = await export_csv(repository, script, fmt, out, labels=labels)
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert written == len(rows)
    return rows


async def test_long_has_one_row_per_stored_answer(repository: Repository, script: Script) -> None:
    await record_study(repository, script)
    out = io.StringIO(newline="")
    await export_csv(repository, script, "long", out)
    header, *rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert tuple(header) == LONG_HEADER
    # Ana 7 (with a probe), the non-doer 7 (one skipped), screened out 2, excluded 3; the
    # decliner none.
    assert len(rows) == 7 + 7 + 2 + 3
    probe = [r for r in rows if r[4] == "easier" and r[5] == "1"]
    version = script.version_hash[:12]  # the script version the interview ran on
    assert probe == [["a" * 64, "1", "completed", "doer", "easier", "1",
                      "when it is dry and sunny", "when it is dry and sunny",
                      "2024-05-01T09:00:06+00:00", version, "",
                      # What the bot asked: a dig after the short "sun", worded for the question's
                      # determinant (the built-in wording, as the script gives none).
                      "dig", "dig.perceived_self_efficacy",
                      "Could you give me an example of what makes it easier or harder for you?"]]
    # The skipped answer says so with its code, not an empty cell.
    assert [r[7] for r in rows if r[4] == "stage" and r[2] == "completed"].count("-97") == 1


async def test_long_writes_labels_or_codes(repository: Repository, script: Script) -> None:
    await record_study(repository, script)
    labels = await exported(repository, script, "long")
    codes = await exported(repository, script, "long", labels=False)
    pick = {(r["question"], r["respondent"][0]): r["value"] for r in labels}
    code = {(r["question"], r["respondent"][0]): r["value"] for r in codes}
    assert (pick[("stage", "a")], code[("stage", "a")]) == ("Thinking about it", "con")
    assert (pick[("instead", "b")], code[("instead", "b")]) == ("Car; Walk", "car; walk")


async def test_wide_has_one_row_per_interview(repository: Repository, script: Script) -> None:
    await record_study(repository, script)
    rows = await exported(repository, script, "wide")
    assert list(rows[0]) == wide_header(script)
    assert list(rows[0])[7:9] == ["script_version", "own_id"]
    assert list(rows[0])[9:] == [
        "name", "age", "days", "instead__car", "instead__bus", "instead__walk", "easier",
        "easier__probe1", "easier__probe1_asked", "confident", "stage",
    ]
    by_status = {r["status"]: r for r in rows}
    assert sorted(by_status) == ["completed", "declined", "excluded", "screened_out"]
    ana, non_doer = rows[0], rows[1]
    assert (ana["group"], ana["days"], ana["easier__probe1"], ana["stage"]) == (
        "doer", "5", "when it is dry and sunny", "Thinking about it",
    )
    # Picked 1, not picked 0; never asked (a doer): the "not asked" code.
    assert [non_doer[f"instead__{v}"] for v in ("car", "bus", "walk")] == ["1", "0", "1"]
    assert [ana[f"instead__{v}"] for v in ("car", "bus", "walk")] == ["-98", "-98", "-98"]
    # Skipped, not asked and not reached each have their code.
    assert (non_doer["stage"], by_status["declined"]["name"]) == ("-97", "-99")
    assert by_status["screened_out"]["easier"] == "-99"  # the interview ended before it
    assert ana["script_version"] == script.version_hash[:12]
    assert non_doer["language"] == "fr"
    assert non_doer["completed_at"] == "2024-05-01T09:01:10+00:00"


async def test_wide_codes_option(repository: Repository, script: Script) -> None:
    await record_study(repository, script)
    rows = await exported(repository, script, "wide", labels=False)
    assert rows[0]["stage"] == "con"


async def test_coded_flags_each_theme(repository: Repository, script: Script) -> None:
    await record_study(repository, script)
    rows = await exported(repository, script, "coded")
    assert list(rows[0]) == [
        "respondent", "interview", "status", "group", "language", "script_version", "own_id",
        "easier__lanes", "easier__weather",
    ]
    flags = {r["respondent"][0]: (r["easier__lanes"], r["easier__weather"]) for r in rows}
    # "sun" + probe "dry and sunny" → weather; French "pistes" → lanes; the screened-out,
    # excluded and declined interviews ended before the question: "not reached".
    assert flags == {"a": ("0", "1"), "b": ("1", "0"), "c": ("-99", "-99"), "d": ("-99", "-99"),
                     "e": ("-99", "-99")}


async def test_coded_uses_a_researchers_override(repository: Repository, script: Script) -> None:
    await record_study(repository, script)
    answers = [a async for a in repository.stream_answers(study_id=script.study_id)]
    sunny = next(a for a in answers if a.question_id == "easier" and a.probe == 1)
    await repository.set_coding_override(
        answer_id=sunny.id, themes=["lanes"], coder="ra", now=sunny.answered_at
    )
    rows = await exported(repository, script, "coded")
    # The main answer "sun" still says weather; the overridden probe now says lanes only.
    assert (rows[0]["easier__lanes"], rows[0]["easier__weather"]) == ("1", "1")


async def test_every_risky_text_cell_is_neutralised(repository: Repository, script: Script) -> None:
    names = ["=1+1", "+1", "-1", "@SUM(A1)", "\tTab", "\rCR", "'=quoted"]
    for n, name in enumerate(names):
        await record(repository, script, f"{n:064x}", [name, "40", "1"], minute=n)
    for fmt in ("long", "wide"):
        rows = await exported(repository, script, fmt)
        cells = [r["raw"] for r in rows if r["question"] == "name"] if fmt == "long" else [
            r["name"] for r in rows
        ]
        # The bot strips typed answers, so tab and CR are removed before storage.
        assert cells == ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "Tab", "CR", "''=quoted"]


async def test_tab_cr_and_nul_stored_by_other_means_are_neutralised(
    repository: Repository, script: Script
) -> None:
    version = await repository.register_script(
        study_id=script.study_id, title="Commute", text=script.source, now=START
    )
    texts = ["\tx", "\rx", "\0x"]
    await repository.import_interviews(
        study_id=script.study_id, script_version_id=version.id, now=START,
        interviews=[
            ImportedInterview(
                pseudonym=f"{n:064x}", status=InterviewStatus.excluded, group=None,
                started_at=START, completed_at=None, source=text, answers=[AnswerRecord("name", text, text)],
            )
            for n, text in enumerate(texts)
        ],
    )
    wide = await exported(repository, script, "wide")
    assert [(r["source"], r["name"]) for r in wide] == [("'" + t, "'" + t) for t in texts]


def test_safe_text_prefixes_exactly_the_risky_first_characters() -> None:
    for first in sorted(RISKY_FIRST):
        assert safe_text(f"{first}x") == f"'{first}x"
    assert [safe_text(t) for t in ("x=1", "", "'plain", "3")] == ["x=1", "", "'plain", "3"]


def test_numbers_we_hold_as_numbers_stay_numbers() -> None:
    # A real negative number cannot run as a formula; text that looks like one is still text.
    assert (cell(-2), cell(-2.5), cell(3.0)) == (-2, -2.5, 3)
    assert cell("-2") == "'-2"


def test_unsafe_text_undoes_safe_text() -> None:
    for text in ("=x", "'=x", "''+x", "'plain", "-", "ok"):
        assert unsafe_text(safe_text(text)) == text
