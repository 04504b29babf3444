"""When a gentle reminder may be sent: idle long enough, and not during quiet hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class ReminderPolicy:
    """One reminder after `after` of silence, never between quiet_start and quiet_end (local)."""

    after: timedelta = timedelta(hours=24)
    quiet_start: int = 21
    quiet_end: int = 9
    timezone: str = "UTC"

    def quiet(self, now: datetime) -> bool:
        """Whether `now` (timezone-aware) falls in the quiet hours of the study's time zone."""
        hour = now.astimezone(ZoneInfo(self.timezone)).hour
        if self.quiet_start == self.quiet_end:
            return False
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= hour < self.quiet_end
        return hour >= self.quiet_start or hour < self.quiet_end  # the quiet spell spans midnight
