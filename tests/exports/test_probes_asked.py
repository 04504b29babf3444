"""What the bot asked before each follow-up answer, in every export: a "nothing else" after
"What else?" reads differently from one after "What makes it hard?"."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyreadstat
from openpyxl import load_workbook

from bot.engine import Pick
from bot.imports.csv_replay import import_csv
from bot.report.analyst import export_file
from bot.report.exports import export_csv
from bot.script import Script
from bot.vocabulary import InterviewStatus
from storage import AnswerRecord, ImportedInterview, Repository
from tests.exports.recording import START, fresh_repository, record
from tests.exports.test_exports import exported
from tests.exports.test_probe_columns import asking_what_else

# The built-in French wordings for `easier` (a self-efficacy question the script gives none for).
DIG_FR = ("Pourriez-vous me donner un exemple de ce qui vous rend la chose plus facile ou plus "
          "difficile ?")
ELSE_FR = "Et quoi d'autre vous facilite ou vous complique la chose ?"
DIG_EN = "Could you give me an example of what makes it easier or harder for you?"


async def interview_in_french(repository: Repository, script: Script) -> None:
    """Léa answers `easier` too shortly ("soleil"): the bot digs, then asks "What else?"."""
    await record(repository, script, "f" * 64,
                 ["Léa", "34", "5", "soleil", "quand il fait sec et beau", "rien d'autre",
                  Pick("confident", "3"), Pick("stage", "con")], language="fr")


async def test_the_long_export_says_which_probe_each_follow_up_answers(
    repository: Repository,
) -> None:
    script = asking_what_else()
    await interview_in_french(repository, script)

    rows = await exported(repository, script, "long")

    easier = [(r["probe"], r["raw"], r["probe_kind"], r["probe_key"], r["probe_asked"])
              for r in rows if r["question"] == "easier"]
    assert easier == [
        ("0", "soleil", "", "", ""),  # the answer itself: no probe
        ("1", "quand il fait sec et beau", "dig", "dig.perceived_self_efficacy", DIG_FR),
        ("2", "rien d'autre", "what_else", "what_else.perceived_self_efficacy", ELSE_FR),
    ]
    assert all(r["probe_asked"] == "" for r in rows if r["question"] != "easier")


async def test_the_wide_export_has_the_wording_next_to_each_probe(repository: Repository) -> None:
    script = asking_what_else()
    await interview_in_french(repository, script)
    # A full answer in English: no dig, only the "What else?", in English.
    await record(repository, script, "e" * 64,
                 ["Ed", "40", "6", "separate bike lanes all the way", "nothing else",
                  Pick("confident", "2"), Pick("stage", "pre")], minute=1)

    lea, ed = await exported(repository, script, "wide")

    assert (lea["easier__probe1"], lea["easier__probe1_asked"]) == (
        "quand il fait sec et beau", DIG_FR)
    assert (lea["easier__probe2"], lea["easier__probe2_asked"]) == ("rien d'autre", ELSE_FR)
    assert (ed["easier__probe1"], ed["easier__probe1_asked"]) == (
        "nothing else", "What else makes it easier or harder for you?")
    # No second probe for Ed: "not asked", in the wording's column too.
    assert (ed["easier__probe2"], ed["easier__probe2_asked"]) == ("-98", "-98")


async def test_answers_recorded_before_the_wording_was_kept_export_empty_cells(
    repository: Repository, script: Script
) -> None:
    version = await repository.register_script(
        study_id=script.study_id, title="Commute", text=script.source, now=START
    )
    await repository.import_interviews(
        study_id=script.study_id, script_version_id=version.id, now=START,
        interviews=[ImportedInterview(
            pseudonym="0" * 64, status=InterviewStatus.completed, group=None, started_at=START,
            completed_at=START, language="fr",
            answers=[AnswerRecord("easier", "soleil", "soleil"),
                     AnswerRecord("easier", "quand il fait beau", "quand il fait beau", probe=1)],
        )],
    )

    long = await exported(repository, script, "long")
    (wide,) = await exported(repository, script, "wide")

    assert [(r["probe"], r["probe_kind"], r["probe_key"], r["probe_asked"]) for r in long] == [
        ("0", "", "", ""), ("1", "", "", ""),
    ]
    assert (wide["easier__probe1"], wide["easier__probe1_asked"]) == ("quand il fait beau", "")


async def test_spss_and_excel_label_the_wording_columns(
    repository: Repository, tmp_path: Path
) -> None:
    script = asking_what_else()
    await interview_in_french(repository, script)

    await export_file(repository, script, "spss", tmp_path / "s.sav")
    await export_file(repository, script, "xlsx", tmp_path / "s.xlsx")

    data, meta = pyreadstat.read_sav(str(tmp_path / "s.sav"), user_missing=True)
    assert meta.column_names_to_labels["easier__probe2_asked"] == (
        "What makes it easier to cycle to work? (follow-up 2: what the bot asked)")
    assert (data.iloc[0]["easier__probe1_asked"], data.iloc[0]["easier__probe2_asked"]) == (
        DIG_FR, ELSE_FR)
    # Text variables declare the missing codes as text, the wording columns too.
    assert {r["lo"] for r in meta.missing_ranges["easier__probe1_asked"]} == {"-97", "-98", "-99"}
    book = load_workbook(tmp_path / "s.xlsx")
    header, lea = list(book["data"].iter_rows(values_only=True))
    assert lea[header.index("easier__probe2_asked")] == ELSE_FR
    dictionary = {row[0]: row for row in book["dictionary"].iter_rows(values_only=True)}
    assert dictionary["easier__probe1_asked"][1:3] == (
        "What makes it easier to cycle to work? (follow-up 1: what the bot asked)", "text")


async def test_an_imported_file_gets_the_wordings_the_bot_would_have_asked(
    repository: Repository, tmp_path: Path
) -> None:
    script = asking_what_else()
    header = "respondent,language,name,age,days,easier,easier__probe1,easier__probe2,confident,stage"
    # Three rows on one route: the first is replayed through the engine, the others reuse it.
    rows = [f"P-{n},fr,Léa,34,5,soleil,quand il fait sec,rien d'autre,3,con" for n in range(3)]
    # A full answer: the "What else?" only, in English.
    rows.append("P-9,en,Ed,40,6,separate bike lanes all the way,nothing else,,2,pre")
    result = await import_csv(repository, script, "\n".join([header, *rows]).encode(),
                              key="k", now=START)
    assert len(result.interview_ids) == 4

    long = await exported(repository, script, "long")

    asked = [(r["probe"], r["probe_kind"], r["probe_asked"]) for r in long if r["probe"] != "0"]
    assert asked == [*[("1", "dig", DIG_FR), ("2", "what_else", ELSE_FR)] * 3,
                     ("1", "what_else", "What else makes it easier or harder for you?")]
    # Our own wide export read back: its wording columns are worked out again, the same.
    wide = io.StringIO(newline="")
    await export_csv(repository, script, "wide", wide)
    fresh = await fresh_repository(tmp_path / "again.db")
    try:
        again = await import_csv(fresh, script, wide.getvalue().encode(), key="k", now=START)
        assert again.notes == []
        assert [r for r in csv.DictReader(io.StringIO(wide.getvalue()))] == await exported(
            fresh, script, "wide")
    finally:
        await fresh.close()
