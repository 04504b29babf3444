"""Meaning checks on each question: its id, its choices, its type's rules and what can be recorded."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator

from bot.script.buttons import button_problems
from bot.script.compiled import CONDITION_VARIABLES, known_determinants
from bot.script.limits import MAX_MESSAGE, MAX_NUMBER, MAX_PROBES
from bot.script.model import Choice, Question, QuestionType, ScriptFile
from bot.script.normalize import fold, keyword_problem
from bot.script.parts import Found, Path, choices_of, scale_range, undeclared
from bot.script.patterns import pattern_problem

_Q = QuestionType
# Columns every export writes before the answers (bot/report/csv_cells.py, exports.py).
EXPORT_METADATA = (
    "respondent", "interview", "status", "started_at", "completed_at", "script_version", "own_id",
)
COLUMN_SEPARATOR = "__"  # wide and coded exports name columns `question__option`
_INTERVIEW_DATA = {
    "group": "doer / non-doer group",
    "language": "language",
    "source": "source (the /start link it came from)",
}


def question_problems(file: ScriptFile) -> Iterator[Found]:
    """Every problem of the questions, one question at a time."""
    for name, choices in file.choice_lists.items():
        yield from _values_and_labels(file, choices, ("choice_lists", name))
    seen: set[str] = set()
    for index, question in enumerate(file.questions):
        at: Path = ("questions", index)
        if question.id in seen:
            yield Found((*at, "id"), f"question id `{question.id}` is used twice")
        seen.add(question.id)
        reserved = _reserved(question.id)
        if reserved:
            yield Found((*at, "id"), reserved)
        yield from _choice_problems(file, question, at)
        yield from _type_rules(question, at)
        yield from _number_rules(question, at)
        yield from _text_rules(question, at)
        if question.determinant and question.determinant not in known_determinants(file):
            yield Found((*at, "determinant"), unknown_determinant(question.determinant))
        yield from _codebook_problems(file, question, at)


def _reserved(qid: str) -> str | None:
    if qid in CONDITION_VARIABLES:
        return (
            f"question id `{qid}` is reserved: conditions and exports use `{qid}` for the "
            f"interview's {_INTERVIEW_DATA[qid]}"
        )
    if qid in EXPORT_METADATA:
        return f"question id `{qid}` is reserved: the exports already have a column named `{qid}`"
    if qid in ("behaviour", "problem"):
        return f"question id `{qid}` is reserved: {{{qid}}} in a text means the study's {qid}"
    if keyword.iskeyword(qid):
        return f"question id `{qid}` is a word of the condition language; choose another id"
    if COLUMN_SEPARATOR in qid:
        return (
            f"question id `{qid}` contains `__`, which the exports put between a question and "
            "its options; use a single `_`"
        )
    return None


def _choice_problems(file: ScriptFile, question: Question, at: Path) -> Iterator[Found]:
    kind = question.type
    if kind not in (_Q.single_choice, _Q.multiple_choice):
        if question.choices is not None:
            yield Found((*at, "choices"), f"a {kind.value} question takes no `choices`", True)
        return
    if question.choices is None:
        yield Found(at, f"a {kind.value} question needs `choices`")
        return
    if isinstance(question.choices, str) and question.choices not in file.choice_lists:
        names = ", ".join(file.choice_lists) or "none defined"
        message = f"no choice list named `{question.choices}` under `choice_lists` ({names})"
        yield Found((*at, "choices"), message)
        return
    choices = choices_of(file, question)
    if not choices:
        message = (
            f"the choice list `{question.choices}` is empty; this question could never be answered"
            if isinstance(question.choices, str)
            else f"a {kind.value} question needs at least one choice"
        )
        yield Found((*at, "choices"), message)
        return
    if isinstance(question.choices, list):  # a named list is checked once, where it stands
        yield from _values_and_labels(file, choices, (*at, "choices"))
    yield from button_problems(file, question, choices, at)
    if kind == _Q.multiple_choice:
        yield from _pick_bounds(question, len(choices), at)


def _values_and_labels(file: ScriptFile, choices: list[Choice], where: Path) -> Iterator[Found]:
    values = [c.value for c in choices]
    for c_index, value in enumerate(values):
        path = (*where, c_index, "value")
        earlier = values[:c_index]
        if value in earlier:
            yield Found(path, f"choice value `{value}` is used twice")
        elif value.casefold() in [v.casefold() for v in earlier]:
            other = next(v for v in earlier if v.casefold() == value.casefold())
            message = (
                f"choice values `{other}` and `{value}` differ only in case; typed answers "
                "could not tell them apart"
            )
            yield Found(path, message)
        if value.startswith("_"):
            message = (
                f"choice value `{value}` is reserved: values starting with _ belong to the bot "
                "(e.g. its “Done” button)"
            )
            yield Found(path, message)
    yield from _same_labels(file, choices, where)


def _same_labels(file: ScriptFile, choices: list[Choice], where: Path) -> Iterator[Found]:
    for lang in file.study.languages:
        seen: set[str] = set()
        for c_index, choice in enumerate(choices):
            label = choice.label if isinstance(choice.label, str) else choice.label.get(lang, "")
            folded = fold(label)
            if folded and folded in seen:
                message = (
                    f"two choices read `{label}` ({lang}); respondents could not tell them apart"
                )
                yield Found((*where, c_index, "label"), message)
            seen.add(folded)


def _pick_bounds(question: Question, count: int, at: Path) -> Iterator[Found]:
    for bound, lowest in (("min", 0), ("max", 1)):
        limit = getattr(question, bound)
        if limit is None:
            continue
        if limit != int(limit):
            yield Found((*at, bound), f"`{bound}` counts picks, so it is a whole number")
        elif not lowest <= limit <= count:
            message = f"`{bound}` must be between {lowest} and the {count} choices"
            yield Found((*at, bound), message)


def _type_rules(question: Question, at: Path) -> Iterator[Found]:
    kind = question.type
    if kind == _Q.scale:
        low, high = scale_range(question)
        if low != int(low) or high != int(high) or not 0 < high - low <= 10:
            message = "a scale runs between two whole numbers at most 10 apart, e.g. min 1, max 5"
            yield Found(at, message)
    elif question.min is not None and question.max is not None and question.min > question.max:
        yield Found((*at, "min"), "`min` is larger than `max`")
    rule = question.validation
    if kind == _Q.number and rule and (rule.pattern or rule.min_length or rule.max_length):
        message = "a number question's `validation` takes only a `message`; use `min` and `max`"
        yield Found((*at, "validation"), message, True)
    if kind != _Q.text:
        for key in ("codebook", "validation", "probe"):
            if key == "validation" and kind == _Q.number:
                continue
            if getattr(question, key) not in (None, False):
                message = (
                    f"`{key}` belongs to an open (text) question; `{question.id}` is {kind.value}"
                )
                yield Found((*at, key), message, True)
    if kind not in (_Q.number, _Q.scale, _Q.multiple_choice):
        for key in ("min", "max"):
            if getattr(question, key) is not None:
                yield Found((*at, key), f"a {kind.value} question takes no `{key}`", True)
    if question.integer and kind != _Q.number:
        yield Found((*at, "integer"), f"a {kind.value} question takes no `integer`", True)
    if kind != _Q.scale:
        for key in ("min_label", "max_label"):
            if getattr(question, key) is not None:
                yield Found((*at, key), f"`{key}` belongs to a scale question", True)
    if kind == _Q.info:
        for key in ("eligible_if", "determinant", "competing"):
            if getattr(question, key) is not None:
                message = f"an info message takes no answer, so it has no `{key}`"
                yield Found((*at, key), message, True)
        if question.segment:
            message = "an info message takes no answer, so it cannot be a segment"
            yield Found((*at, "segment"), message, True)
    elif question.segment and kind not in (
        _Q.single_choice,
        _Q.multiple_choice,
        _Q.yes_no,
        _Q.scale,
    ):
        message = "a segment question needs a closed answer (choices, yes/no or scale)"
        yield Found((*at, "segment"), message, True)
    if question.competing and kind not in (_Q.text, _Q.single_choice, _Q.multiple_choice):
        message = "competing-behaviour questions are text or choice questions"
        yield Found((*at, "competing"), message, True)


def _number_rules(question: Question, at: Path) -> Iterator[Found]:
    if question.type not in (_Q.number, _Q.scale):
        return
    for bound in ("min", "max"):
        limit = getattr(question, bound)
        if limit is not None and abs(limit) > MAX_NUMBER:
            message = (
                f"`{bound}` is beyond what can be stored exactly; keep numbers between "
                f"-{MAX_NUMBER:,} and {MAX_NUMBER:,}"
            )
            yield Found((*at, bound), message)
            return
    low, high = question.min, question.max
    whole = question.type == _Q.number and question.integer
    if whole and low is not None and high is not None and low <= high and high // 1 < low:
        message = (
            "no whole number lies between `min` and `max`, so this `integer: true` question "
            "could never be answered"
        )
        yield Found((*at, "integer"), message)


def _text_rules(question: Question, at: Path) -> Iterator[Found]:
    rule = question.validation
    if question.type == _Q.text and rule is not None:
        low, high = rule.min_length, rule.max_length
        if low is not None and high is not None and low > high:
            yield Found((*at, "validation", "min_length"), "`min_length` is larger than `max_length`")
        elif low is not None and low > MAX_MESSAGE:
            message = (
                f"no Telegram message is longer than {MAX_MESSAGE:,} characters, so `min_length` "
                f"{low:,} could never be met"
            )
            yield Found((*at, "validation", "min_length"), message)
        if rule.pattern:
            try:
                re.compile(rule.pattern)
            except re.error as exc:
                message = f"the pattern is not a valid regular expression: {exc}"
                yield Found((*at, "validation", "pattern"), message)
            else:
                slow = pattern_problem(rule.pattern)
                if slow:
                    yield Found((*at, "validation", "pattern"), slow)
    probe = question.probe
    if probe and probe.max is not None and probe.max > MAX_PROBES:
        message = f"at most {MAX_PROBES} probes a question (each is a column of the wide export)"
        yield Found((*at, "probe", "max"), message)


def _codebook_problems(file: ScriptFile, question: Question, at: Path) -> Iterator[Found]:
    themes = question.codebook or []
    for t_index, theme in enumerate(themes):
        if theme.id in [t.id for t in themes[:t_index]]:
            yield Found((*at, "codebook", t_index, "id"), f"theme `{theme.id}` is used twice")
        for key, per_lang in (("keywords", theme.keywords), ("exclude", theme.exclude)):
            for lang, keywords in per_lang.items():
                if lang not in file.study.languages:
                    where = (*at, "codebook", t_index, key, lang)
                    yield Found(where, undeclared(lang, file.study.languages), True)
                for k_index, written in enumerate(keywords):
                    problem = keyword_problem(written)
                    if problem:
                        yield Found((*at, "codebook", t_index, key, lang, k_index), problem)
        for lang in file.study.languages:
            if not theme.keywords.get(lang):
                where = (*at, "codebook", t_index, "keywords")
                yield Found(where, f"theme `{theme.id}` has no keywords in `{lang}`")


def unknown_determinant(name: str) -> str:
    """The message for a determinant that is neither standard nor declared."""
    return (
        f"`{name}` is not a determinant; use one of the 12 Barrier Analysis determinants "
        "(e.g. perceived_self_efficacy) or declare it under `custom_determinants`"
    )
