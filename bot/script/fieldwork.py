"""When a study is in the field, from its `opens:` and `closes:` dates (UTC days, both included)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.script.model import Quota, Study


class Window(StrEnum):
    """Where a study stands against its fieldwork dates."""

    not_open_yet = "not_open_yet"
    open = "open"
    closed = "closed"


def fieldwork_window(study: Study, today: date) -> Window:
    """Whether new respondents may start on `today` (a UTC date)."""
    if study.opens is not None and today < study.opens:
        return Window.not_open_yet
    if study.closes is not None and today > study.closes:
        return Window.closed
    return Window.open


def window_text(study: Study, today: date) -> str:
    """The window in a few words for researchers, e.g. "open until 2026-03-31"."""
    window = fieldwork_window(study, today)
    if window == Window.not_open_yet:
        return f"not open yet (opens {study.opens})"
    if window == Window.closed:
        return f"closed (closed after {study.closes})"
    if study.closes is not None:
        return f"open until {study.closes}"
    return "open"


@dataclass(frozen=True)
class QuotaFill:
    """One group's place against its quota: `kept` completed interviews of `target`."""

    group: str
    kept: int
    target: int

    @property
    def full(self) -> bool:
        """Whether the group needs nobody more."""
        return self.kept >= self.target

    def __str__(self) -> str:
        return f"{self.kept}/{self.target}" + (" (full)" if self.full else "")


def quota_fills(quota: Quota, doers: int, non_doers: int) -> tuple[QuotaFill, QuotaFill]:
    """Doers and non-doers against the quota (completed interviews that count towards it)."""
    return QuotaFill("doer", doers, quota.doers), QuotaFill("non_doer", non_doers, quota.non_doers)


def full_groups(quota: Quota, doers: int, non_doers: int) -> frozenset[str]:
    """The groups whose quota is full, as the engine's `handle(full=…)` takes them."""
    return frozenset(fill.group for fill in quota_fills(quota, doers, non_doers) if fill.full)
