"""How an engine status is stored."""

from __future__ import annotations

from bot.engine import Status
from storage import InterviewStatus

_STORED = {
    Status.consent: InterviewStatus.ACTIVE,
    Status.active: InterviewStatus.ACTIVE,
    Status.completed: InterviewStatus.COMPLETED,
    Status.screened_out: InterviewStatus.SCREENED_OUT,
    Status.excluded: InterviewStatus.EXCLUDED,
    Status.declined: InterviewStatus.DECLINED,
    Status.quota_full: InterviewStatus.QUOTA_FULL,
    Status.over_quota: InterviewStatus.OVER_QUOTA,
}


def stored_status(status: Status) -> InterviewStatus:
    """The storage status of an interview the engine left in `status`."""
    return _STORED[status]
