"""Replaying many rows fast: rows that would walk the script the same way share one engine replay.

The engine's path through a script depends on an answer's value only where a condition reads it
(`when`, `eligible_if`, classification) and, for probed open questions, on whether the answer is
short or vague enough to probe. Rows alike in all of that (their *route*) get the same questions,
the same classification and the same status; only the values differ. So the first row of each
route is replayed through the engine, and later rows take its outcome with their own values put
in. A number compared only with constants counts by which side of each constant it falls, so
ages 34 and 52 share a route when the script only asks `age >= 18`.

Every `CHECK_EVERY`-th reuse is replayed in full too and must come out identical; if one ever
differs, the shortcut is switched off for the rest of the file.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any

from bot.engine import State
from bot.engine.engine import _fresh, _needs_probe
from bot.imports.csv_import import CsvRow
from bot.script import CompiledQuestion, ProbeWording, QuestionType, Script
from bot.script.expr import Condition
from bot.script.normalize import words
from bot.vocabulary import InterviewStatus
from storage import AnswerRecord, ImportedInterview

log = logging.getLogger(__name__)
CHECK_EVERY = 64
_ALNUM = re.compile(r"\w")
ROUTES_KEPT = 50_000
# Comparison operators as `bot.script.expr` names them.
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "Lt": lambda a, b: a < b, "LtE": lambda a, b: a <= b, "Gt": lambda a, b: a > b,
    "GtE": lambda a, b: a >= b, "Eq": lambda a, b: a == b, "NotEq": lambda a, b: a != b,
}

Replay = Callable[[CsvRow], tuple[ImportedInterview, list[tuple[str, int]]]]
# (question id, probe) → the key of the probe wording the engine asks there.
Asked = dict[tuple[str, int], str]


def _conditions(script: Script) -> list[Condition]:
    found = [c for q in script.questions for c in (q.when, q.eligible_if) if c is not None]
    return found + [c for rules in (script.doer, script.non_doer) for rule in rules for c in rule]


def _signatures(script: Script) -> dict[str, Callable[[Any], Hashable]]:
    """How each question read by a condition enters a route: by side of each constant, or whole."""
    uses: dict[str, list[tuple[str, Any]]] = {}
    whole: set[str] = set()
    for condition in _conditions(script):
        for name in condition.names:
            mentions = len(re.findall(rf"\b{re.escape(name)}\b", condition.source))
            compared = [(c.op, c.literal) for c in condition.comparisons if c.name == name]
            numeric = all(isinstance(lit, int | float) and not isinstance(lit, bool) and op in _OPS
                          for op, lit in compared)
            if len(compared) == mentions and numeric:
                uses.setdefault(name, []).extend(compared)
            else:
                whole.add(name)
    signatures: dict[str, Callable[[Any], Hashable]] = {}
    for name in {*uses, *whole}:
        question = script.by_id.get(name)
        if question is None:
            continue  # group, language, source: part of every route anyway
        if name in whole or question.type != QuestionType.number:
            signatures[name] = _whole
        else:
            signatures[name] = _sides(tuple(uses[name]))
    return signatures


def _whole(value: Any) -> Hashable:
    return tuple(value) if isinstance(value, list) else value


def _sides(compared: tuple[tuple[str, Any], ...]) -> Callable[[Any], Hashable]:
    def side(value: Any) -> Hashable:
        if not isinstance(value, int | float):
            return ("raw", value)
        return tuple(_OPS[op](value, literal) for op, literal in compared)

    return side


class RouteCache:
    """Replays rows, sharing the engine's work between rows of the same route."""

    def __init__(self, script: Script, full: Replay, now: datetime) -> None:
        self.script = script
        self.full = full
        self.now = now
        self.signatures = _signatures(script)
        self.asked = [q for q in script.questions if q.type != QuestionType.info]
        self.routes: dict[Hashable, tuple[ImportedInterview, list[tuple[str, int]], int]] = {}
        self.reused = 0
        self.enabled = True
        self.kinds = {q.id: q.type for q in script.questions}
        self.route_questions = [(q.id, self.signatures.get(q.id)) for q in self.asked]
        self._enough: dict[tuple[str, str], int] = {}
        # (question, dig or what_else, language, probes heard) → the wording the engine picks.
        self._wordings: dict[tuple[str, bool, str, tuple[str, ...]], str | None] = {}

    def __call__(self, row: CsvRow) -> tuple[ImportedInterview, list[tuple[str, int]]]:
        """The interview for this row, and the (question, probe) pairs the replay recorded."""
        if not self.enabled:
            return self.full(row)
        key = self._route(row)
        known = self.routes.get(key)
        if known is None:
            outcome = self.full(row)
            if len(self.routes) < ROUTES_KEPT:
                self.routes[key] = (*outcome, len(self._probes(row, outcome[0])[0]))
            return outcome
        self.reused += 1
        made = self._fill(row, *known)
        if self.reused % CHECK_EVERY == 0:
            truth = self.full(row)
            if truth[0] != made[0]:
                log.warning("row %d: the replay shortcut disagreed with the engine; replaying "
                            "every row in full from here on", row.number)
                self.enabled = False
                return truth
        return made

    def _route(self, row: CsvRow) -> Hashable:
        answers = row.answers
        parts: list[Hashable] = [row.language, row.source, row.status]
        for qid, signature in self.route_questions:
            if qid not in answers:
                parts.append(False)
            else:
                parts.append(signature(answers[qid]) if signature else True)
        return tuple(parts)

    def _probes(self, row: CsvRow, interview: ImportedInterview
                ) -> tuple[Asked, list[tuple[str, int]]]:
        """The probes the engine asks this row (each one a step, with its wording), and the probe
        answers it records, following the main answers the route recorded."""
        asked: Asked = {}
        recorded: list[tuple[str, int]] = []
        probed: tuple[str, ...] = ()  # as the engine's state keeps them: never the same twice
        lang = self.script.language(row.language)
        for record in interview.answers:
            if record.probe or record.value is None:
                continue
            question = self.script.by_id[record.question_id]
            rule, said = question.probe, self._raw(question.id, record.value, row)
            probe, asked_else = 0, False
            while rule is not None and not asked_else:
                if self._needs_probe(question, said, row.language):
                    if probe >= rule.max:
                        break
                elif rule.what_else:
                    asked_else = True  # "What else?" after a full answer, then the next question
                else:
                    break
                key = self._wording(question.id, asked_else, lang, probed,
                                    rule.what_else if asked_else else rule.dig)
                if key is None:
                    break  # every wording heard already: the engine moves on
                probed = (*probed, key)
                probe += 1
                asked[(question.id, probe)] = key
                said = row.probes.get((question.id, probe), "")
                if not said:
                    break  # skipped: the answer already given stays
                recorded.append((question.id, probe))
        return asked, recorded

    def _wording(self, question_id: str, what_else: bool, lang: str, probed: tuple[str, ...],
                 wordings: tuple[ProbeWording, ...]) -> str | None:
        """The engine's choice of wording, remembered: rows of a route hear the same probes."""
        key = (question_id, what_else, lang, probed)
        if key in self._wordings:
            return self._wordings[key]
        state = State(InterviewStatus.active, lang, probed=probed)
        found = self._wordings[key] = _fresh(self.script, wordings, state)
        if len(self._wordings) > ROUTES_KEPT:
            self._wordings.clear()
        return found

    def _needs_probe(self, question: CompiledQuestion, said: str, lang: str) -> bool:
        """The engine's decision, skipped for answers clearly too long to be short or vague.

        Each whitespace-separated token with a letter or digit holds at least one word, so an
        answer with more such tokens than `enough` has more words than the minimum, than 4 and
        than any vague phrase: the engine would not probe it.
        """
        key = (question.id, lang)
        enough = self._enough.get(key)
        if enough is None:
            rule = question.probe
            vague = [*self.script.words("vague_words", lang),
                     *self.script.file.probing.vague_answers.get(lang, [])]
            enough = max(4, rule.min_words if rule else 0, *(len(words(v)) for v in vague))
            self._enough[key] = enough
        if sum(1 for token in said.split() if _ALNUM.search(token)) > enough:
            return False
        return _needs_probe(self.script, question, said, lang)

    def _fill(self, row: CsvRow, template: ImportedInterview, recorded: list[tuple[str, int]],
              template_probes: int) -> tuple[ImportedInterview, list[tuple[str, int]]]:
        """The template's route with this row's values and probes, as the engine records them."""
        mains = [(r.question_id, 0) for r in template.answers if not r.probe and (
            r.question_id, 0) in recorded]
        answers = []
        for qid, _ in mains:
            value = row.answers.get(qid)
            answers.append(AnswerRecord(qid, value, self._raw(qid, value, row), 0))
        asked, probed = self._probes(row, ImportedInterview(
            row.pseudonym, template.status, None, self.now, None, answers))
        by_question: dict[str, list[tuple[str, int]]] = {}
        for qid, probe in probed:
            by_question.setdefault(qid, []).append((qid, probe))
        ordered: list[AnswerRecord] = []
        events: list[tuple[str, int]] = []
        for record in answers:
            ordered.append(record)
            events.append((record.question_id, 0))
            for qid, probe in by_question.get(record.question_id, []):
                text = row.probes[(qid, probe)]  # cells come stripped, as the engine keeps them
                ordered.append(AnswerRecord(qid, text, text, probe, asked[(qid, probe)]))
                events.append((qid, probe))
        for (qid, probe), text in sorted(row.probes.items()):
            if (qid, 0) in events and (qid, probe) not in events:
                ordered.append(AnswerRecord(qid, text, text, probe))  # on paper only
        state = dict(template.state)
        state["answers"] = {qid: row.answers.get(qid) for qid in template.state["answers"]}
        state["step"] = template.state["step"] - template_probes + len(asked)
        status = template.status
        started = row.started_at or self.now
        completed = row.completed_at or started
        return ImportedInterview(
            pseudonym=row.pseudonym, status=status, group=template.group, started_at=started,
            completed_at=completed if template.completed_at is not None else None,
            answers=ordered, language=row.language, source=row.source, state=state,
            own_id=row.own_id,
        ), events

    def _raw(self, qid: str, value: Any, row: CsvRow) -> str:
        """The answer's text as the engine records it for the input a replay gives."""
        if value is None:
            return ""
        kind = self.kinds[qid]
        if kind == QuestionType.multiple_choice:
            return ", ".join(value)
        if kind in (QuestionType.single_choice, QuestionType.yes_no, QuestionType.scale):
            return str(value)
        return row.raw[qid].strip()
