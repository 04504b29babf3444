"""The words every layer shares about an interview: where it stands and which group it counts in.

The engine decides them, storage keeps them, analysis counts by them and exports write their
values, so one interview reads the same everywhere. The values are also what researchers see in
CSV exports and SPSS/R labels: change them only with a migration and a note in the README.
This module imports nothing of the project, so every layer (storage included) may use it.
"""

from __future__ import annotations

from enum import StrEnum


class InterviewStatus(StrEnum):
    """Where an interview stands."""

    active = "active"  # being answered (or waiting for the respondent's consent)
    paused = "paused"  # /stop: no reminders until the respondent writes again
    completed = "completed"  # reached the end of the script
    screened_out = "screened_out"  # an answer failed an `eligible_if`
    excluded = "excluded"  # neither doer nor non-doer, and the script excludes those
    declined = "declined"  # said no to the consent question
    abandoned = "abandoned"  # imported part-way from a file: it never resumes
    quota_full = "quota_full"  # classified into a group whose quota was full, and thanked there
    over_quota = "over_quota"  # completed after its group's quota was full: kept, counted apart

    @property
    def open(self) -> bool:
        """Whether the respondent may still answer (a paused interview resumes on any message)."""
        return self in OPEN_STATUSES

    @property
    def ended(self) -> bool:
        """Whether the interview is over (only a restart, as a new interview, continues it)."""
        return self not in OPEN_STATUSES

    @property
    def unfinished(self) -> bool:
        """Whether it stopped part-way (where it stopped is a drop-off point)."""
        return self in UNFINISHED


class Group(StrEnum):
    """The Barrier Analysis group a respondent was classified into."""

    doer = "doer"
    non_doer = "non_doer"


# Statuses in which the respondent may still send answers.
OPEN_STATUSES = frozenset({InterviewStatus.active, InterviewStatus.paused})
# Interviews that stopped part-way.
UNFINISHED = frozenset({InterviewStatus.active, InterviewStatus.paused, InterviewStatus.abandoned})
# Both groups in the order tables show them: doers first.
GROUPS = (Group.doer, Group.non_doer)
