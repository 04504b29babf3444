"""Meaning checks on a schema-valid script: everything that would stop, strand or mislead.

Each check names what a respondent, the database or the exports would otherwise run into; the
rules live by topic in `check_questions`, `check_texts` and `conditions_check`.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.script.check_questions import COLUMN_SEPARATOR, question_problems, unknown_determinant
from bot.script.check_texts import message_problems, text_problems
from bot.script.check_waves import wave_problems
from bot.script.compiled import builtin_probes, known_determinants
from bot.script.conditions_check import classification_problems, condition_problems
from bot.script.limits import MAX_PROBES
from bot.script.model import OverQuota, ScriptFile
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
    found += wave_problems(file)
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
    found += _what_else_warnings(file)
    return found


def _what_else_warnings(file: ScriptFile) -> Iterator[Found]:
    """ "What else?" is asked in the bundled languages only: say so for the others."""
    bundled = set(builtin_probes())
    missing = [lang for lang in file.study.languages if lang not in bundled]
    asks = file.probing.what_else or any(
        q.probe and q.probe.what_else for q in file.questions
    )
    if asks and missing:
        message = (
            f"warning: the bot has no \"What else?\" wording in `{'`, `'.join(missing)}`, so "
            "people answering in it are not asked it (the other probes still are)"
        )
        yield Found(("study", "languages"), message)


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
    yield from _fieldwork_problems(file)
    if file.probing.max_per_question > MAX_PROBES:
        message = f"at most {MAX_PROBES} probes a question (each is a column of the wide export)"
        yield Found(("probing", "max_per_question"), message)


def _fieldwork_problems(file: ScriptFile) -> Iterator[Found]:
    """Dates that leave no day to interview, and quota settings that can never apply."""
    study = file.study
    if study.opens is not None and study.closes is not None and study.closes < study.opens:
        message = (
            f"the study closes ({study.closes}) before it opens ({study.opens}); "
            "`closes:` is the last day of fieldwork"
        )
        yield Found(("study", "closes"), message)
    quota = study.quota
    if quota.over_quota is not None and file.classification is None:
        message = (
            f"`over_quota: {quota.over_quota}` needs a `classification:` (doers and non-doers) "
            "to know whose group is full; add one, or leave `over_quota` out"
        )
        yield Found(("study", "quota", "over_quota"), message)
    if quota.full_message is not None and quota.over_quota != OverQuota.close:
        message = (
            "`full_message` is said only with `over_quota: close`; without it nobody is stopped "
            "when a group is full"
        )
        yield Found(("study", "quota", "full_message"), message)
