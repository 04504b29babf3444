"""The pass over answers, a batch at a time: columns and NumPy instead of Python work per answer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from itertools import chain, compress, repeat
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np
import numpy.typing as npt

from bot.analysis.answer_status import value_status
from bot.analysis.coding import Coder, latest_overrides
from bot.analysis.records import AnswerColumns, AnswerKey, AnswerValue, CodingOverride
from bot.analysis.tabulate import TOP2
from bot.analysis.tally import ANSWERED
from bot.analysis.texts import OpenText, TextCodes
from bot.script import CompiledQuestion, QuestionType, Script
from bot.script.model import CLOSED_TYPES
from bot.vocabulary import UNFINISHED

if TYPE_CHECKING:
    from bot.analysis.collect import Collected

T = TypeVar("T")
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

MERGED_ROWS = 50_000  # rows the pass takes at once: NumPy's per-call cost is then negligible
COLUMNS = tuple(f.name for f in fields(AnswerColumns))

# What the pass does with a question's answers.
OPEN, CLOSED, OTHER = 0, 1, 2
# The combination id of a closed answer that does not count: skipped (None). A multiple-choice
# answer that ticks nothing is an answer, though: it counts in the question's totals.
NOT_COUNTED = -1
# Saturation role of an interview: 1 finished before the last few, 2 among the last few.
BEFORE, RECENT = 1, 2

_combo, _blank, _uncoded = attrgetter("combo"), attrgetter("blank"), attrgetter("uncoded")
_filler = attrgetter("filler")


def closed_keys(question: CompiledQuestion, value: AnswerValue) -> tuple[str, ...]:
    """The option rows a closed answer ticks (a scale's top two points also tick the top-2 box)."""
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(dict.fromkeys(str(v) for v in value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    key = str(value)
    top = question.options[-2:] if len(question.options) >= 4 else ()
    if question.type == QuestionType.scale and key in (o.value for o in top):
        return (key, TOP2)
    return (key,)


def pick(items: Sequence[T], where: Ints) -> list[T]:
    """items[i] for every i in `where`, in one C-level call."""
    if len(where) == 0:
        return []
    if len(where) == 1:
        return [items[int(where[0])]]
    return list(itemgetter(*where.tolist())(items))


def merged(batches: Sequence[AnswerColumns]) -> AnswerColumns:
    """Several batches as one."""
    if len(batches) == 1:
        return batches[0]
    return AnswerColumns(*(
        list(chain.from_iterable(getattr(b, name) for b in batches)) for name in COLUMNS
    ))  # fmt: skip


class Sweep:
    """One pass over answer batches into a `Collected`; build once per analysis."""

    def __init__(
        self,
        script: Script,
        found: Collected,
        overrides: Iterable[CodingOverride],
        roles: dict[int, int],
        second: Iterable[CodingOverride] = (),
    ) -> None:
        self.found, self.tally = found, found.tally
        self.coder = Coder(script)
        self.overrides: dict[AnswerKey, CodingOverride] = latest_overrides(overrides)
        # A second coder's independent coding: compared with what is in force, never counted.
        self.second: dict[AnswerKey, CodingOverride] = latest_overrides(second)
        self.codes = TextCodes(self.coder, self.tally)
        self.script = script
        # Interviews and questions become small ints once; the last index of each is "unknown".
        records = list(found.interviews.values())
        self.person = {r.interview_id: n for n, r in enumerate(records)}
        self.nobody = len(records)
        self.position = np.array([found.positions.get(r.interview_id, -1) for r in records] + [-1])
        self.unfinished = np.array([r.status in UNFINISHED for r in records] + [False])
        self.role = np.array([roles.get(r.interview_id, 0) for r in records] + [0])
        self.group = np.array([r.group or "" for r in records] + [""], dtype=object)
        languages = sorted({r.language for r in records})
        self.languages = languages
        index = {lang: n for n, lang in enumerate(languages)}
        self.language = np.array([index[r.language] for r in records] + [0])
        self.question_ids = [q.id for q in script.questions]
        self.question = {q: n for n, q in enumerate(self.question_ids)}
        self.unknown = len(self.question_ids)
        self.kind = [
            OPEN if self.coder.is_codable(q.id) else CLOSED if q.type in CLOSED_TYPES else OTHER
            for q in script.questions
        ]
        # Per closed question: answer value → combination of keys it ticks (with "answered").
        self.closed: list[dict[Any, int]] = [{None: NOT_COUNTED} for _ in self.question_ids]
        self.closed_keys: dict[int, tuple[str, ...]] = {}
        self.answered = [self.tally.combo(q, (ANSWERED,)) for q in self.question_ids]
        self.segment = [bool(q.spec.segment) for q in script.questions]
        self.new_uncoded: list[tuple[int, str, list[str]]] = []

    def run(self, batches: Iterable[AnswerColumns]) -> None:
        """Every batch in turn, small ones merged (each batch costs some NumPy calls a question)."""
        waiting: list[AnswerColumns] = []
        size = 0
        for batch in batches:
            waiting.append(batch)
            size += len(batch)
            if size >= MERGED_ROWS:
                self.batch(merged(waiting))
                waiting, size = [], 0
        if size:
            self.batch(merged(waiting))

    def batch(self, batch: AnswerColumns) -> None:
        """One batch: small ints per row, then each question's rows together."""
        self.found.answers += len(batch)
        n = len(batch)
        interview_ids, question_ids, values = batch.interview_ids, batch.question_ids, batch.values
        person = np.fromiter(map(self.person.get, interview_ids, repeat(self.nobody)), np.int64, n)
        question = np.fromiter(
            map(self.question.get, question_ids, repeat(self.unknown)), np.int64, n
        )
        person[question == self.unknown] = self.nobody  # unknown question: skip the row
        question[person == self.nobody] = self.unknown  # orphan answer: skip the row too
        probe = np.fromiter(batch.probes, np.int64, n)
        stopped = np.flatnonzero(self.unfinished[person])
        if len(stopped):
            self._progress(stopped, interview_ids, question_ids, batch.answered_at)
        order = np.argsort(question, kind="stable")  # stable: stream order within a question
        ends = np.cumsum(np.bincount(question, minlength=self.unknown + 1))
        for q in range(self.unknown):
            start = ends[q - 1] if q else 0
            if start == ends[q] or self.kind[q] == OTHER:
                continue
            rows = order[start : ends[q]]
            if self.kind[q] == CLOSED:
                self._closed(q, rows, person, probe, values)
            else:
                self._open(q, rows, person, probe, values, batch.raws, interview_ids)
        # Questions whose first uncoded answers came in this batch, in the order they came.
        for _, question_id, texts in sorted(self.new_uncoded):
            self.found.uncoded[question_id] = texts
        self.new_uncoded.clear()

    def _progress(
        self, rows: Ints, interview_ids: Sequence[int], question_ids: Sequence[str],
        times: Sequence[Any],
    ) -> None:  # fmt: skip
        """Where unfinished interviews got to: their latest answer."""
        last_answer = self.found.last_answer
        for i in rows.tolist():
            interview_id, at = interview_ids[i], times[i]
            last = last_answer.get(interview_id)
            if last is None or at >= last[0]:
                last_answer[interview_id] = (at, question_ids[i])

    def _closed(
        self, q: int, rows: Ints, person: Ints, probe: Ints, values: Sequence[AnswerValue]
    ) -> None:
        """Counted interviews' main answers: one combination id per answer, looked up in C."""
        positions = self.position[person[rows]]
        rows = rows[(positions >= 0) & (probe[rows] == 0)]
        if not len(rows):
            return
        said = pick(values, rows)
        if list in set(map(type, said)):  # chosen options: a list, which cannot be a dict key
            said = [v if v.__class__ is not list else tuple(v) for v in said]  # type: ignore[misc]
        table = self.closed[q]
        combos = list(map(table.get, said))
        if None in combos:  # values not seen before
            combos = [table[v] if v in table else self._new_value(q, v) for v in said]
        ids = np.array(combos, dtype=np.int64)
        counted = ids != NOT_COUNTED
        positions = self.position[person[rows[counted]]]
        self.tally.said.extend(positions, ids[counted])
        if self.segment[q]:
            keys = self.closed_keys
            self.found.segments.setdefault(self.question_ids[q], {}).update(
                zip(positions.tolist(), map(keys.__getitem__, ids[counted].tolist()), strict=True)
            )

    def _new_value(self, q: int, value: Any) -> int:
        question = self.script.by_id[self.question_ids[q]]
        keys = closed_keys(question, value)
        counts = value_status(value).counts
        combo = self.tally.combo(question.id, (ANSWERED, *keys)) if counts else NOT_COUNTED
        self.closed[q][value] = combo
        self.closed_keys[combo] = keys
        return combo

    def _open(
        self, q: int, rows: Ints, person: Ints, probe: Ints, values: Sequence[AnswerValue],
        raws: Sequence[str | None], interview_ids: Sequence[int],
    ) -> None:  # fmt: skip
        """Code each distinct text once; then count, quote and keep uncoded ones by columns."""
        question_id, found = self.question_ids[q], self.found
        said = pick(values, rows)
        if set(map(type, said)) == {str}:  # the rule: open answers are their text
            texts = cast(list[str], said)
        else:
            texts = [
                v if isinstance(v, str) else r or ""
                for v, r in zip(said, pick(raws, rows), strict=True)
            ]
        who = person[rows]
        codes = self._codes(question_id, texts, self.language[who])
        if self.overrides:
            self._reviewed(question_id, codes, texts, rows, probe, interview_ids)
        if self.second:
            self._second(question_id, codes, rows, probe, interview_ids)
        combo = np.fromiter(map(_combo, codes), np.int64, len(codes))
        themed = combo >= 0
        uncoded = np.flatnonzero(np.fromiter(map(_uncoded, codes), np.bool_, len(codes)))
        if len(uncoded):
            found.uncoded_count[question_id] += len(uncoded)
            kept = found.uncoded.get(question_id)
            if kept is None:
                kept = []
                self.new_uncoded.append((int(rows[uncoded[0]]), question_id, kept))
            room = found.uncoded_kept - len(kept)
            if room > 0:
                kept.extend(pick(texts, uncoded[:room]))
                found.uncoded_languages.setdefault(question_id, []).extend(
                    pick(self.languages, self.language[who[uncoded[:room]]])
                )
        role = self.role[who]
        blank = np.fromiter(map(_blank, codes), np.bool_, len(codes))
        filler = np.fromiter(map(_filler, pick(codes, uncoded)), np.bool_, len(uncoded))
        self._coverage(question_id, blank, uncoded, filler, role)
        positions = self.position[who]
        if len(uncoded):
            # Counted interviews whose answer could hide a theme ("idk" cannot): the report's
            # warnings ask what they would change.
            at = positions[uncoded[~filler]]
            found.uncoded_at.setdefault(question_id, []).append(at[at >= 0])
        for i in np.flatnonzero(themed & (role == RECENT)).tolist():
            found.themes_recent.update(codes[i].pairs)
        for code in set(compress(codes, (themed & (role == BEFORE)).tolist())):
            if not code.before:
                found.themes_before.update(code.pairs)
                code.before = True
        positions = self.position[who]
        counted = positions >= 0

        found.themed_at.setdefault(question_id, []).append(positions[counted & themed])
        main = counted & (probe[rows] == 0) & ~blank
        self.tally.said.extend(positions[main], np.full(int(main.sum()), self.answered[q]))
        with_themes = counted & themed
        self.tally.said_once.extend(positions[with_themes], combo[with_themes])
        self._quotes(codes, np.flatnonzero(with_themes), self.group[who], positions)

    def _coverage(
        self, question_id: str, blank: Bools, uncoded: Ints, filler: Bools, role: Ints
    ) -> None:
        """How many answers there are to code and how many are not, overall and lately.

        Non-answers ("idk") among the uncoded are counted apart: no theme can hide in them.
        """
        found = self.found
        found.open_answers[question_id] += len(blank) - int(blank.sum())
        found.filler += int(filler.sum())
        recent = role == RECENT
        found.recent_open += int((recent & ~blank).sum())
        found.recent_uncoded += int(recent[uncoded].sum())
        found.recent_filler += int(recent[uncoded[filler]].sum())

    def _codes(self, question_id: str, texts: list[str], languages: Ints) -> list[OpenText]:
        """The coding of every text, from the cache where the text was seen before."""
        cache, code = self.codes.cache, self.codes.code
        if languages.min() == languages.max():
            language = self.languages[int(languages[0])]
            table = cache.setdefault((question_id, language), {})
            found = list(map(table.get, texts))
            if None not in found:
                return found  # type: ignore[return-value]
            return [
                c or table.get(t) or code(question_id, language, t)
                for t, c in zip(texts, found, strict=True)
            ]
        out = []
        for text, n in zip(texts, languages.tolist(), strict=True):
            language = self.languages[n]
            table = cache.setdefault((question_id, language), {})
            out.append(table.get(text) or code(question_id, language, text))
        return out

    def _reviewed(
        self, question_id: str, codes: list[OpenText], texts: list[str], rows: Ints,
        probe: Ints, interview_ids: Sequence[int],
    ) -> None:  # fmt: skip
        """Answers a researcher coded by hand take the researcher's themes."""
        for k, (i, p) in enumerate(zip(rows.tolist(), probe[rows].tolist(), strict=True)):
            override = self.overrides.get((interview_ids[i], question_id, p))
            if override is not None:
                automatic, reviewed = self.found.reviewed.setdefault(
                    (interview_ids[i], question_id), (set(), set())
                )
                automatic.update(codes[k].themes)
                reviewed.update(override.themes)
                codes[k] = self.codes.reviewed(
                    question_id, texts[k], override.themes, codes[k].language
                )

    def _second(
        self, question_id: str, codes: list[OpenText], rows: Ints, probe: Ints,
        interview_ids: Sequence[int],
    ) -> None:  # fmt: skip
        """Note the themes in force beside a second coder's, where they coded the answer."""
        for k, (i, p) in enumerate(zip(rows.tolist(), probe[rows].tolist(), strict=True)):
            second = self.second.get((interview_ids[i], question_id, p))
            if second is not None:
                first, other = self.found.second_coder.setdefault(
                    (interview_ids[i], question_id), (set(), set())
                )
                first.update(codes[k].themes)
                other.update(second.themes)

    def _quotes(
        self, codes: list[OpenText], rows: Ints, groups: npt.NDArray[Any], positions: Ints
    ) -> None:
        """Offer texts as quotes, in answer order, until every theme has its few."""
        chosen = rows.tolist()
        pending = {
            (c, g)
            for c, g in zip(pick(codes, rows), groups[rows].tolist(), strict=True)
            if g not in c.quoted
        }
        if not pending:
            return  # the common case once quotes are full: no Python work per answer
        for i in chosen:
            code, group = codes[i], groups[i]
            if group not in code.quoted:
                self.codes.quote(code, group, int(positions[i]))
