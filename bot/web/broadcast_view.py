"""The "Write to respondents" page and its answers as the page's script reads them.

Computing stays in `bot.outreach` (plans, figures, outcomes); this module only words it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.outreach import Plan
from bot.outreach.message import FIGURES
from bot.outreach.prepare import OUTCOMES, TextShare, outcomes
from bot.web.research_pages import render
from storage import BroadcastRecord, RecipientStatus

WAVE_PREFIX = "wave:"  # the bot's follow-up invitations (see bot.outreach.waves)
# The outcomes as the list of broadcasts heads its columns (the summary says them in full).
COLUMNS = (("sent", "sent"), ("blocked", "blocked or left"), ("failed", "failed"),
           ("in_doubt", "in doubt"), ("skipped", "withdrew"), ("pending", "still to send"))


@dataclass(frozen=True)
class OptedIn:
    """Who chose to hear about the results, and can still be reached."""

    by_language: Sequence[tuple[str, int]]
    doers: int
    non_doers: int

    @property
    def total(self) -> int:
        """Everyone, whatever their language."""
        return sum(count for _, count in self.by_language)


@dataclass(frozen=True)
class PastBroadcast:
    """One line of the study's broadcasts."""

    name: str
    begun: str
    wave: bool
    total: int
    outcomes: Mapping[str, int]
    running: bool

    @property
    def resumable(self) -> bool:
        """Stopped with people still to write to (the bot goes on with waves itself)."""
        return not self.wave and not self.running and self.outcomes["pending"] > 0


@dataclass(frozen=True)
class Figure:
    """A placeholder a text may use, what it means, and its value now (first language)."""

    name: str
    meaning: str
    now: str | None


@dataclass(frozen=True)
class BroadcastView:
    """Everything the page shows for one study."""

    study_id: str
    title: str
    languages: Sequence[str]
    opted_in: OptedIn
    figures: Sequence[Figure]
    past: Sequence[PastBroadcast]
    can_send: bool  # a bot token is set
    suggested_name: str


def when(moment: datetime) -> str:
    """A stored time as the page shows it, e.g. 2026-11-30 05:50 UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def past_broadcast(record: BroadcastRecord, tally: Mapping[RecipientStatus, int],
                   running: bool) -> PastBroadcast:
    """A stored broadcast as the list shows it."""
    return PastBroadcast(record.name, when(record.created_at),
                         record.name.startswith(WAVE_PREFIX), sum(tally.values()),
                         outcomes(tally), running)


def figures_now(values: Mapping[str, str]) -> list[Figure]:
    """Every figure a text may pipe in, with the study's value if it has one yet."""
    return [Figure(name, meaning, values.get(name)) for name, meaning in FIGURES.items()]


def broadcast_page(view: BroadcastView) -> str:
    """The counts, the message form, the preview and progress panels, and past broadcasts."""
    return render("broadcast.html", title=f"Write to respondents · {view.title}",
                  script="broadcast.js", view=view, columns=COLUMNS,
                  language_name=language_name)


def language_name(lang: str | None) -> str:
    """A language code as the page shows it (people whose language is not known: "unknown")."""
    return lang or "unknown"


def preview_json(plan: Plan, shares: Sequence[TextShare], *, resumed: bool,
                 begun: datetime | None, sent: int) -> dict[str, Any]:
    """The dry run: the texts as they will go out, and who gets which."""
    return {
        "name": plan.name,
        "texts": dict(plan.texts),
        "fallback": plan.fallback,
        "total": sum(share.count for share in shares),
        "shares": [{"language": language_name(s.language), "count": s.count, "gets": s.gets,
                    "own": s.own} for s in shares],
        "resumed": resumed,
        "begun": when(begun) if begun else None,
        "sent": sent,
    }


def status_json(name: str, tally: Mapping[RecipientStatus, int], *, running: bool,
                done: int | None, stopped: bool, error: str | None,
                sent_now: int | None) -> dict[str, Any]:
    """Where a broadcast stands, for the progress panel (polled while it runs)."""
    counts = outcomes(tally)
    total = sum(tally.values())
    under_way = tally.get(RecipientStatus.CLAIMED, 0) if running else 0
    counts["in_doubt"] -= under_way  # in flight, not in doubt, while the run goes on
    return {
        "name": name,
        "running": running,
        "stopped": stopped,
        "error": error,
        "total": total,
        "done": done if done is not None else total - counts["pending"] - under_way,
        "under_way": under_way,
        "outcomes": [{"key": key, "words": words, "count": counts[key]}
                     for key, words in OUTCOMES],
        "sent_now": sent_now,
        "resumable": not running and counts["pending"] > 0 and not name.startswith(WAVE_PREFIX),
    }
