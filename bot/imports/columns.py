"""What each header cell of an imported CSV means: our wide layout, KoboToolbox's or ODK's.

Recognised, in this order: our own metadata and answer columns (`q`, `q__option`, `q__probe1`,
and `q__probe1_asked`, which the replay works out again);
the metadata other tools add (`start`, `end`, `_uuid`, `_submission_time`… used; `today`,
`deviceid`, `_id`, `_index`, `__version__`, `_tags`… ignored); questions by XML name or by label in
any of the script's languages, behind group paths (`group_ab12/q1`, ODK Central's `grp-q1`); and
multiple-choice split columns (`q/option`, by choice name or label).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.imports.names import choice_value, question_id
from bot.imports.problems import CsvProblem
from bot.report.csv_cells import METADATA, wide_columns
from bot.script import CompiledQuestion, QuestionType, Script
from bot.script.normalize import fold

# Tool metadata worth keeping, by the field it fills; earlier names win when a file has several.
USED_METADATA: dict[str, str] = {
    "_uuid": "own_id", "meta/instanceID": "own_id", "instanceID": "own_id", "KEY": "own_id",
    "start": "started_at", "end": "completed_at",
    "_submission_time": "submitted_at", "SubmissionDate": "submitted_at",
}
IGNORED_METADATA = frozenset({
    "today", "deviceid", "username", "simserial", "subscriberid", "phonenumber", "audit",
    "audit_URL", "email", "__version__", "SubmitterID", "SubmitterName", "AttachmentsPresent",
    "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion",
    "instanceName",
})
IGNORED_PREFIXES = ("_", "meta/", "meta-", "formhub/", "formhub-")
# Columns only a KoboToolbox or ODK export has: in such a file, a column the script does not know
# (a calculation, a geopoint the conversion left out) is listed and ignored rather than refused.
TOOL_MARKS = frozenset({"_uuid", "_submission_time", "meta/instanceID", "KEY", "SubmissionDate",
                        "meta-instanceID"})
_PIPED = re.compile(r"\$\{(\w+)\}")


@dataclass(frozen=True)
class Column:
    """An answer column: a question's cell, one option of a multiple choice, or a probe."""

    index: int
    name: str
    question: CompiledQuestion
    option: str | None = None
    probe: int = 0


@dataclass
class Layout:
    """The meaning of a file's header: metadata fields, answer columns, and what is ignored."""

    header: list[str]
    meta: dict[str, list[int]] = field(default_factory=dict)  # field → column indexes, best first
    answers: list[Column] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # not in the script; ignored (tool exports)

    def add_meta(self, name: str, index: int) -> None:
        """Keep a metadata column for its field (ours first, then tools' in the order above)."""
        self.meta.setdefault(name, []).append(index)

    @property
    def width(self) -> int:
        """How many columns the header names."""
        return len(self.header)

    @property
    def answer_questions(self) -> set[str]:
        """The questions the file has answers for."""
        return {c.question.id for c in self.answers}


class _Names:
    """Every way a file may name the script's questions and options, looked up in one step."""

    def __init__(self, script: Script) -> None:
        self.script = script
        asked = [q for q in script.questions]
        self.by_id: dict[str, CompiledQuestion] = {}
        for q in asked:
            self.by_id[q.id] = q
            self.by_id.setdefault(question_id(q.id), q)
        labels: dict[str, CompiledQuestion | None] = {}
        for q in asked:
            for lang in script.languages:
                text = script.text(q.spec.text, lang)
                # The whole text, and its first line (a converted form adds its hint below).
                for key in {_label_key(text), _label_key(text.split("\n")[0])}:
                    labels[key] = None if labels.get(key, q) is not q else q  # None: ambiguous
        self.by_label = {k: q for k, q in labels.items() if q is not None}

    def question(self, name: str) -> CompiledQuestion | None:
        return self.by_id.get(name) or self.by_id.get(question_id(name)) or self.by_label.get(
            _label_key(name))

    def option(self, question: CompiledQuestion, name: str) -> str | None:
        folded = fold(name)
        for option in question.options:
            if name in (option.value, choice_value(option.value)) or choice_value(name) == option.value:
                return option.value
            if any(fold(self.script.text(option.label, lang)) == folded
                   for lang in self.script.languages):
                return option.value
        return None

    def suggestions(self) -> list[str]:
        return list(self.by_id)


def _label_key(text: str) -> str:
    """A label as a header shows it: piping as written in XLSForm or ours, case and accents folded."""
    return fold(_PIPED.sub(r"{\1}", text)).strip(" :?.")


def read_header(
    header: list[str], script: Script, *, ignore: Iterable[str] = ()
) -> tuple[Layout, list[CsvProblem]]:
    """The layout of a header row, and every problem with it (all in one round)."""
    names = _Names(script)
    ours = {c.name: c for c in wide_columns(script)}
    skip = set(ignore)
    layout = Layout(header)
    problems: list[CsvProblem] = []
    tool_meta: list[tuple[int, str, int]] = []  # (rank, field, index)
    from_tool = not TOOL_MARKS.isdisjoint(header)
    for index, name in enumerate(header):
        if header.count(name) > 1 and header.index(name) != index:
            problems.append(CsvProblem(1, name, "appears twice in the header."))
        elif name in skip or not name:
            layout.ignored.append(name or f"(column {index + 1} without a name)")
        elif name in METADATA:
            layout.add_meta(name, index)
        elif name in ours and ours[name].asked:
            continue  # what the bot asked, ours like the metadata: the replay asks it again
        elif name in ours:
            wide = ours[name]
            layout.answers.append(Column(index, name, wide.question, wide.option, wide.probe))
        elif name in USED_METADATA:
            tool_meta.append((list(USED_METADATA).index(name), USED_METADATA[name], index))
        elif name in IGNORED_METADATA or name.startswith(IGNORED_PREFIXES):
            layout.ignored.append(name)
        else:
            found = _by_path(index, name, names)
            if found is None and from_tool:
                layout.unknown.append(name)
            elif found is None:
                problems.append(_unknown(name, names, script))
            elif found.question.type == QuestionType.info:
                layout.ignored.append(name)  # a note: never any data
            else:
                layout.answers.append(found)
    for _, name, index in sorted(tool_meta):
        layout.add_meta(name, index)
    problems += _clashes(layout)
    if "respondent" not in layout.meta and "own_id" not in layout.meta:
        problems.append(CsvProblem(1, "respondent", "is missing; every row needs a respondent id "
                                   "(a `respondent` column, or KoboToolbox's `_uuid`)."))
    return layout, sorted(set(problems))


def _by_path(index: int, name: str, names: _Names) -> Column | None:
    """A question or a split option behind a group path (`/`, or ODK Central's `-`)."""
    for separator in ("/", "-"):
        parts = name.split(separator)
        for start in range(len(parts)):  # the longest tail naming a question wins
            question = names.question(separator.join(parts[start:]))
            if question is not None:
                return Column(index, name, question)
        for cut in range(len(parts) - 1, 0, -1):  # `…/question/option`
            option_name = separator.join(parts[cut:])
            for start in range(cut):
                question = names.question(separator.join(parts[start:cut]))
                if question is None or question.type != QuestionType.multiple_choice:
                    continue
                option = names.option(question, option_name)
                if option is not None:
                    return Column(index, name, question, option=option)
    return None


def _unknown(name: str, names: _Names, script: Script) -> CsvProblem:
    tail = re.split(r"[/-]", name)[-1]
    close = difflib.get_close_matches(question_id(tail), names.suggestions(), n=1, cutoff=0.75)
    hint = f" Did you mean `{close[0]}`?" if close else ""
    return CsvProblem(1, name, f"is not a question of study `{script.study_id}` nor a metadata "
                      f"column we know.{hint} If the column is not needed, leave it out with "
                      f"--ignore '{name}'.")


def _clashes(layout: Layout) -> list[CsvProblem]:
    """Two columns for the same answer: which one to believe would be a guess."""
    seen: dict[tuple[str, str | None, int], str] = {}
    problems = []
    for column in layout.answers:
        key = (column.question.id, column.option, column.probe)
        if key in seen:
            problems.append(CsvProblem(1, column.name, f"holds the same answers as column "
                                       f"`{seen[key]}`; keep one of them."))
        seen.setdefault(key, column.name)
    return problems
