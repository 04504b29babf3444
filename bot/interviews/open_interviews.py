"""Each respondent's open interview as this process last committed it, so most updates skip a read."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.vocabulary import OPEN_STATUSES, Group, InterviewStatus
from storage import InterviewRecord

# About 2 kB each: a few tens of MB at most, and the least recently used are dropped first.
DEFAULT_SIZE = 20_000


class OpenInterviews:
    """Open interview records by pseudonym; a bounded map, memory only.

    An entry can only be stale in a harmless way: every write compares the stored step, so a
    write based on a stale entry is refused, the entry is dropped and the caller reads again.
    """

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        """Keep at most `size` interviews."""
        self._size = size
        self._records: OrderedDict[str, InterviewRecord] = OrderedDict()

    def __contains__(self, pseudonym: object) -> bool:
        return pseudonym in self._records

    def get(self, pseudonym: str, study_id: str | None = None) -> InterviewRecord | None:
        """The respondent's open interview (in `study_id`, if given), if remembered."""
        record = self._records.get(pseudonym)
        if record is None or study_id not in (None, record.study_id):
            return None
        self._records.move_to_end(pseudonym)
        return record

    def remember(self, record: InterviewRecord) -> None:
        """Keep an open interview; a closed one is forgotten instead."""
        if record.status not in OPEN_STATUSES:
            self.forget(record.pseudonym)
            return
        self._records[record.pseudonym] = record
        self._records.move_to_end(record.pseudonym)
        if len(self._records) > self._size:
            self._records.popitem(last=False)

    def advanced(self, record: InterviewRecord, *, state: dict[str, Any],
                 status: InterviewStatus, group: Group | None, now: datetime) -> None:
        """Remember the record as a committed `advance` left it (step + 1)."""
        finished = status == InterviewStatus.completed
        self.remember(replace(
            record, state=state, step=record.step + 1, status=status, group=group,
            updated_at=now, completed_at=now if finished else record.completed_at,
        ))

    def forget(self, pseudonym: str) -> None:
        """Drop the respondent's entry (erased, or found stale)."""
        self._records.pop(pseudonym, None)

    def forget_interview(self, interview_id: int) -> None:
        """Drop the entry of this interview (a scan: only when a delivery failed or recovered)."""
        for pseudonym, record in list(self._records.items()):
            if record.id == interview_id:
                del self._records[pseudonym]
