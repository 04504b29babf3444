"""Meaning checks on a schema-valid script: everything that would stop, strand or mislead.

Each check names what a respondent, the database or the exports would otherwise run into; the
rules live by topic in `check_questions`, `check_texts` and `conditions_check`.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.script.check_questions import COLUMN_SEPARATOR, question_problems, unknown_determinant
from bot.script.check_texts import message_problems, text_problems
from bot.script.compiled import known_determinants
from bot.script.conditions_check import classification_problems, condition_problems
from bot.script.limits import MAX_PROBES
from bot.script.model import ScriptFile
from bot.script.parts import Found, undeclared
from bot.script.satisfy import groups_asked


def find_problems(file: ScriptFile) -> list[Found]:
    """Every meaning problem in the script (unknown references, impossible conditions, …)."""
    found: list[Found] = []
    found += _study_problems(file)
    found += question_problems(file)
    found += condition_problems(file)
    found += classification_problems(file)
    found += text_problems(file)
    found += message_problems(file)
    return found


def find_warnings(file: ScriptFile) -> list[Found]:
    """What works but deserves a look: a determinant question asked of one group only."""
    found: list[Found] = []
    for index, question in enumerate(file.questions):
        if question.determinant is None or question.when is None:
            continue
        groups = groups_asked(file, question)
        if len(groups) == 1:
            who = "doers" if groups[0] == "doer" else "non-doers"
            message = (
                f"warning: determinant question `{question.id}` is asked of {who} only, so doers "
                f"and non-doers cannot be compared on it; the report shows the {who}' "
                "percentages alone (ask everyone to compare them)"
            )
            found.append(Found(("questions", index, "when"), message))
    return found


def _study_problems(file: ScriptFile) -> Iterator[Found]:
    study = file.study
    if COLUMN_SEPARATOR in study.id:
        message = (
            f"study id `{study.id}` contains `__`, which /start links put between the study and "
            "the source; use a single `_`"
        )
        yield Found(("study", "id"), message)
    languages = study.languages
    for index, lang in enumerate(languages):
        if lang in languages[:index]:
            yield Found(("study", "languages", index), f"language `{lang}` is listed twice")
    for name in file.probing.by_determinant:
        if name not in known_determinants(file):
            yield Found(("probing", "by_determinant", name), unknown_determinant(name), True)
    for lang in file.probing.vague_answers:
        if lang not in languages:
            yield Found(("probing", "vague_answers", lang), undeclared(lang, languages), True)
    if file.probing.max_per_question > MAX_PROBES:
        message = f"at most {MAX_PROBES} probes a question (each is a column of the wide export)"
        yield Found(("probing", "max_per_question"), message)
