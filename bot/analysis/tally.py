"""Who mentioned what: a compact interview × (question, theme or option) incidence built in one pass."""

from __future__ import annotations

from array import array
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from bot.analysis.records import DOER

# Pseudo theme: the interview answered the question (the row's denominator).
ANSWERED = "__answered__"
QUOTES_KEPT = 4
QUOTE_MAX_CHARS = 280

Mask = npt.NDArray[np.bool_]
Counts = npt.NDArray[np.int64]


class Tally:
    """Mentions of counted interviews (completed, doer or non-doer), counted per group on demand."""

    def __init__(self) -> None:
        self.columns: dict[tuple[str, str], int] = {}
        self._rows = array("q")
        self._cols = array("q")
        self._groups = array("b")  # 1 doer, 0 non-doer, per counted interview position
        self._quotes: dict[tuple[int, str], list[str]] = {}
        self._by_question: dict[str, dict[str, int]] = {}  # the same columns, for the hot loop

    @property
    def size(self) -> int:
        """How many interviews are counted."""
        return len(self._groups)

    def add_interview(self, group: str) -> int:
        """Register a counted interview; returns its position."""
        self._groups.append(1 if group == DOER else 0)
        return len(self._groups) - 1

    def column(self, question_id: str, key: str) -> int:
        """The column of a (question, theme or option) pair, created on first use."""
        found = self.columns.get((question_id, key))
        if found is None:
            found = self.columns[(question_id, key)] = len(self.columns)
        return found

    def mention(self, position: int, question_id: str, keys: Iterable[str]) -> None:
        """Interview `position` mentioned these keys (each once) in its answer to the question."""
        known = self._by_question.get(question_id)
        if known is None:
            known = self._by_question[question_id] = {}
        for key in keys:
            column = known.get(key)
            if column is None:
                column = known[key] = self.column(question_id, key)
            self._rows.append(position)
            self._cols.append(column)

    def quote(self, question_id: str, key: str, group: str, text: str) -> None:
        """Keep a few verbatim answers per theme and group (first ones, deterministic)."""
        kept = self._quotes.setdefault((self.column(question_id, key), group), [])
        if len(kept) >= QUOTES_KEPT:
            return  # the common case in a large study: skip tidying a text that is not kept
        text = " ".join(text.split())
        if 0 < len(text) <= QUOTE_MAX_CHARS and text not in kept:
            kept.append(text)

    def quotes(self, question_id: str, key: str, group: str) -> list[str]:
        """The verbatim answers kept for a theme and group."""
        column = self.columns.get((question_id, key))
        return [] if column is None else self._quotes.get((column, group), [])

    def groups(self) -> npt.NDArray[np.int8]:
        """1 for doers, 0 for non-doers, per interview position."""
        return np.frombuffer(self._groups, dtype=np.int8) if self._groups else np.zeros(0, np.int8)

    def counts(self, mask: Mask | None = None) -> tuple[Counts, Counts]:
        """Mentions per column among doers and among non-doers (optionally only where mask holds)."""
        size = len(self.columns)
        rows = np.frombuffer(self._rows, dtype=np.int64) if self._rows else np.zeros(0, np.int64)
        cols = np.frombuffer(self._cols, dtype=np.int64) if self._cols else np.zeros(0, np.int64)
        doer = self.groups() == 1
        keep_d, keep_n = doer, ~doer
        if mask is not None:
            keep_d, keep_n = keep_d & mask, keep_n & mask
        doers = np.bincount(cols[keep_d[rows]], minlength=size)
        nondoers = np.bincount(cols[keep_n[rows]], minlength=size)
        return doers.astype(np.int64), nondoers.astype(np.int64)
