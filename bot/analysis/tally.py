"""Who mentioned what: a compact interview × (question, theme or option) incidence built in one pass."""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from itertools import chain
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import sparse

from bot.vocabulary import Group

# Pseudo theme: the interview answered the question (the row's denominator).
ANSWERED = "__answered__"
QUOTES_KEPT = 16  # candidates per theme and group, from which the report picks the typical ones
QUOTE_MAX_CHARS = 280



class QuoteCandidate(NamedTuple):
    """A verbatim answer kept for a theme: its text, who said it, in which language, which group."""

    text: str
    position: int
    language: str
    group: str


Mask = npt.NDArray[np.bool_]
Counts = npt.NDArray[np.int64]
Ints = npt.NDArray[np.int64]
Incidence = tuple[sparse.csc_matrix, sparse.csr_matrix, sparse.csc_matrix]


class Mentions:
    """(interview position, combination) pairs, added a batch at a time and expanded in bulk."""

    def __init__(self) -> None:
        self._positions: list[Ints] = []
        self._combos: list[Ints] = []
        self.size = 0

    def add(self, position: int, combo: int) -> None:
        """Interview `position` mentioned every key of the combination."""
        self.extend(np.array([position], np.int64), np.array([combo], np.int64))

    def extend(self, positions: Ints, combos: Ints) -> None:
        """Each interview position mentioned every key of its combination."""
        if len(positions):
            self._positions.append(positions.astype(np.int64, copy=False))
            self._combos.append(combos.astype(np.int64, copy=False))
            self.size += len(positions)

    def arrays(self) -> tuple[Ints, Ints]:
        """Positions and combination ids, all in one array each."""
        if not self._positions:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(self._positions), np.concatenate(self._combos)


class Tally:
    """Mentions of counted interviews (completed, doer or non-doer), counted per group on demand."""

    # A closed answer ticks a few keys at once (answered, options, top-2 box): the pass records one
    # combination id per answer, and a sparse product spreads combinations over their columns.

    def __init__(self) -> None:
        self.columns: dict[tuple[str, str], int] = {}
        self.said = Mentions()  # counted each time (one main answer per question and interview)
        self.said_once = Mentions()  # counted once per interview (themes of main and probe answers)
        self._combos: dict[tuple[str, tuple[str, ...]], int] = {}
        self._combo_columns: list[tuple[int, ...]] = []
        self._groups = array("b")  # 1 doer, 0 non-doer, per counted interview position
        self._quotes: dict[tuple[int, str], list[str]] = {}
        # Who said each kept text, and in which language: (text, column, group) → (position, lang).
        self._quoted_by: dict[tuple[str, int, str], tuple[int, str]] = {}
        self._matrix: tuple[tuple[int, int, int, int], Incidence] | None = None
        self._unmasked: tuple[tuple[int, int, int, int], tuple[Counts, Counts]] | None = None

    @property
    def size(self) -> int:
        """How many interviews are counted."""
        return len(self._groups)

    def add_interview(self, group: str) -> int:
        """Register a counted interview; returns its position."""
        self._groups.append(1 if group == Group.doer else 0)
        return len(self._groups) - 1

    def column(self, question_id: str, key: str) -> int:
        """The column of a (question, theme or option) pair, created on first use."""
        found = self.columns.get((question_id, key))
        if found is None:
            found = self.columns[(question_id, key)] = len(self.columns)
        return found

    def combo(self, question_id: str, keys: Iterable[str]) -> int:
        """The id of a combination of keys of one question (each counted once), made on first use."""
        distinct = tuple(dict.fromkeys(keys))
        found = self._combos.get((question_id, distinct))
        if found is None:
            found = self._combos[(question_id, distinct)] = len(self._combo_columns)
            self._combo_columns.append(tuple(self.column(question_id, k) for k in distinct))
        return found

    def mention(self, position: int, question_id: str, keys: Iterable[str]) -> None:
        """Interview `position` mentioned these keys (each once) in its answer to the question."""
        self.said.add(position, self.combo(question_id, keys))

    def quote(
        self, question_id: str, key: str, group: str, text: str, position: int = -1,
        language: str = "",
    ) -> bool:  # fmt: skip
        """Keep a few verbatim answers per theme and group; False once no more are kept."""
        column = self.column(question_id, key)
        kept = self._quotes.setdefault((column, group), [])
        if len(kept) >= QUOTES_KEPT:
            return False  # the common case in a large study: skip tidying a text that is not kept
        text = " ".join(text.split())
        if 0 < len(text) <= QUOTE_MAX_CHARS and text not in kept:
            kept.append(text)
            self._quoted_by[(text, column, group)] = (position, language)
        return len(kept) < QUOTES_KEPT

    def quote_candidates(self, question_id: str, key: str, group: str) -> list[QuoteCandidate]:
        """The kept answers of a theme and group with who said them (position) and in which language."""
        column = self.columns.get((question_id, key))
        if column is None:
            return []
        return [
            QuoteCandidate(text, *self._quoted_by.get((text, column, group), (-1, "")), group)
            for text in self._quotes.get((column, group), [])
        ]

    def quotes(self, question_id: str, key: str, group: str) -> list[str]:
        """The verbatim answers kept for a theme and group."""
        column = self.columns.get((question_id, key))
        return [] if column is None else self._quotes.get((column, group), [])

    def groups(self) -> npt.NDArray[np.int8]:
        """1 for doers, 0 for non-doers, per interview position."""
        return np.frombuffer(self._groups, dtype=np.int8) if self._groups else np.zeros(0, np.int8)

    def counts(self, mask: Mask | None = None) -> tuple[Counts, Counts]:
        """Mentions per column among doers and among non-doers (optionally only where mask holds)."""
        state = self._state()
        if mask is None and self._unmasked is not None and self._unmasked[0] == state:
            return self._unmasked[1]
        doer = self.groups() == 1
        keep_d, keep_n = doer, ~doer
        if mask is not None:
            keep_d, keep_n = keep_d & mask, keep_n & mask
        by_group = np.stack([keep_d, keep_n], axis=1).astype(np.int64)  # positions × 2
        # Sparse products count both groups at once: combinations said, spread over their
        # columns, plus the themes counted once an interview.
        combos, spread, once = self._incidence()
        both = np.asarray(spread @ (combos @ by_group) + once @ by_group, dtype=np.int64)
        counts = (both[:, 0].copy(), both[:, 1].copy())
        if mask is None:
            self._unmasked = (state, counts)
        return counts

    def _state(self) -> tuple[int, int, int, int]:
        return (len(self._groups), len(self.columns), self.said.size, self.said_once.size)

    def _incidence(self) -> Incidence:
        """Combinations × positions, columns × combinations, columns × positions (built once)."""
        state = self._state()
        if self._matrix is not None and self._matrix[0] == state:
            return self._matrix[1]
        size, width, kinds = len(self._groups), len(self.columns), len(self._combo_columns)
        positions, combos = self.said.arrays()
        # Repeated (combination, position) pairs add up, as counting every mention did.
        said = sparse.csc_matrix(
            (np.ones(len(positions), np.int32), (combos, positions)), shape=(kinds, size)
        )
        lengths = np.fromiter(map(len, self._combo_columns), np.int64, kinds)
        flat = np.fromiter(chain.from_iterable(self._combo_columns), np.int64, int(lengths.sum()))
        spread = sparse.csr_matrix(
            (np.ones(len(flat), np.int32), (flat, np.repeat(np.arange(kinds), lengths))),
            shape=(width, kinds),
        )
        rows, cols = self._where_answered(*self._expand(self.said_once), positions, combos)
        once = sparse.csc_matrix((np.ones(len(rows), np.int32), (cols, rows)), shape=(width, size))
        # A theme said in the main answer and again in a probe counts once for the interview.
        once.sum_duplicates()
        once.data[:] = 1
        matrices = (said, spread, once)
        self._matrix = (state, matrices)
        return matrices

    def _where_answered(
        self, rows: Ints, cols: Ints, positions: Ints, combos: Ints
    ) -> tuple[Ints, Ints]:
        """Theme mentions (rows, cols) of interviews that answered the theme's question only.

        A theme is counted out of those who answered (the row's total), so a mention without
        an answer (a probe whose main answer is missing or blank) cannot make a > nD.
        """
        if not len(rows):
            return rows, cols
        question = {q: n for n, q in enumerate(dict.fromkeys(q for q, _ in self.columns))}
        of_column = np.zeros(len(self.columns), np.int32)
        answered = np.full(len(self.columns), -1, np.int32)
        for (question_id, key), column in self.columns.items():
            of_column[column] = question[question_id]
            if key == ANSWERED:
                answered[column] = question[question_id]
        # Only the questions with themes need a row of the bitmap; small ints keep it light.
        themed = np.unique(of_column[cols])
        slot = np.full(len(question), -1, np.int16)
        slot[themed] = np.arange(len(themed))
        # The bitmap row of the question each combination answers (-1: none or not themed).
        combo_slot = np.full(len(self._combo_columns), -1, np.int16)
        for combo, columns in enumerate(self._combo_columns):
            if columns and answered[columns[0]] >= 0:  # ANSWERED comes first when present
                combo_slot[combo] = slot[answered[columns[0]]]
        did = combo_slot[combos]
        keep = did >= 0
        bitmap = np.zeros((len(themed), self.size), np.bool_)
        bitmap[did[keep], positions[keep]] = True
        ok = bitmap[slot[of_column[cols]], rows]
        return rows[ok], cols[ok]

    def _expand(self, mentions: Mentions) -> tuple[Ints, Ints]:
        """(position, column) pairs from (position, combination) pairs."""
        positions, combos = mentions.arrays()
        lengths = np.fromiter((len(c) for c in self._combo_columns), np.int64)
        flat = np.fromiter((c for cs in self._combo_columns for c in cs), np.int64)
        starts = np.cumsum(lengths) - lengths
        repeat = lengths[combos] if len(combos) else np.zeros(0, np.int64)
        rows = np.repeat(positions, repeat)
        ends = np.cumsum(repeat)
        within = np.arange(len(rows), dtype=np.int64) - np.repeat(ends - repeat, repeat)
        cols = flat[np.repeat(starts[combos], repeat) + within] if len(rows) else rows
        return rows, cols
