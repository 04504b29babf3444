"""Rows as a marketer reads them: one row per yes/no question, and an honest multiple-testing family.

The tabulation gives a row for every option. Some of those rows say nothing new:
- the "no" of a yes/no question mirrors its "yes" (same test, opposite direction): it is dropped;
- the second option of any other two-option question mirrors the first: it stays in the full table,
  marked, but is neither ranked nor counted as a test;
- a row nobody gave (0 vs 0) or everybody gave cannot differ between the groups.
Counting such rows as tests inflates the false-discovery-rate adjustment (q) of the real ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.analysis.stats import q_values
from bot.analysis.tabulate import Row
from bot.script import QuestionType, Script

NOBODY = "nobody"  # nobody in either group gave this answer
EVERYONE = "everyone"  # everybody in both groups gave it
MIRROR = "mirror"  # the other side of a two-option question
NO = "no"  # the value of a yes/no question's mirror row
FAMILY_REASONS = {
    NOBODY: "rows nobody gave",
    EVERYONE: "rows everybody gave",
    MIRROR: "mirror rows (the other option of a two-option question)",
}


@dataclass(frozen=True)
class QuestionLabel:
    """How a question is named in the report: its `short:` label, else its text."""

    id: str
    label: str
    text: str
    type: str
    determinant: str | None


def question_labels(script: Script, lang: str) -> dict[str, QuestionLabel]:
    """Every question's report name, in script order."""
    out = {}
    for q in script.questions:
        text = script.pipe(script.text(q.spec.text, lang), lang, {})
        short = script.pipe(script.text(q.spec.short, lang), lang, {}) if q.spec.short else ""
        label = short or text
        out[q.id] = QuestionLabel(q.id, label, text, q.type.value, q.spec.determinant)
    return out


def shape_rows(script: Script, rows: Sequence[Row]) -> list[Row]:
    """Drop yes/no mirror rows, mark rows outside the family, and adjust q over the family only."""
    kept = [r for r in rows if not _is_yes_no_mirror(script, r)]
    marked = [replace(r, outside_family=_outside(script, r, kept)) for r in kept]
    family = [r.p_value if r.outside_family is None else None for r in marked]
    return [replace(r, q_value=q) for r, q in zip(marked, q_values(family), strict=True)]


def in_family(row: Row) -> bool:
    """Whether the row is one of the tests the report counts (and may rank)."""
    return row.outside_family is None and row.p_value is not None


def ranked_rows(rows: Sequence[Row]) -> list[Row]:
    """The rows that may enter the top lists."""
    return [r for r in rows if in_family(r)]


def _is_yes_no_mirror(script: Script, row: Row) -> bool:
    return row.kind == "option" and is_yes_no_mirror(script, row.question, row.theme)


def is_yes_no_mirror(script: Script, question_id: str, key: str) -> bool:
    """Whether (question, option) is the "no" of a yes/no question: a row the report leaves out."""
    question = script.by_id.get(question_id)
    return question is not None and question.type == QuestionType.yes_no and key == NO


def _outside(script: Script, row: Row, rows: Sequence[Row]) -> str | None:
    if row.doers_n == 0 and row.nondoers_n == 0:
        return NOBODY
    if row.doers_n == row.doers_total and row.nondoers_n == row.nondoers_total:
        return EVERYONE
    question = script.by_id.get(row.question)
    if question is None or question.type != QuestionType.single_choice or row.kind != "option":
        return None
    options = [r for r in rows if r.question == row.question and r.kind == "option"]
    if len(options) != 2 or options[0] is row:
        return None
    first = options[0]
    # Every answer picked one of the two: this row is the first one read backwards.
    complete = (
        first.doers_n + row.doers_n == row.doers_total
        and first.nondoers_n + row.nondoers_n == row.nondoers_total
    )
    return MIRROR if complete else None
