"""Follow-up waves: when a wave is due, invite those who said they may be asked again.

Each wave's invitations are one broadcast ("wave:<study>") whose recipients are enrolled as they
become due, so the claimed rows that keep a broadcast from sending twice also keep a person from
being invited twice, however many bot processes run this job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.interviews.catalog import SOURCE_SEPARATOR, ScriptCatalog
from bot.interviews.reminders import ReminderPolicy
from bot.outreach.broadcast import Broadcaster, BroadcastSummary, Plan, Send, utc_now
from bot.script import Script
from bot.script.model import Wave
from storage import Audience, Repository

log = logging.getLogger(__name__)

INVITATION_RATE = 10.0  # a second: the bot's own replies to respondents keep the rest
MAX_PER_TICK = 300  # invitations a run of the job; the next run goes on


def wave_name(wave: Wave) -> str:
    """The broadcast that carries a wave's invitations."""
    return f"wave:{wave.study}"


def start_payload(wave: Wave, number: int) -> str:
    """The /start parameter of the wave's link: its study, and where they came from."""
    return f"{wave.study}{SOURCE_SEPARATOR}wave{number}"


def invitation(script: Script, wave: Wave, lang: str, link: str) -> str:
    """The invitation in `lang`, with the link where the text asks for it (else at the end)."""
    text = script.text(wave.invitation, lang)
    return text.replace("{link}", link) if "{link}" in text else f"{text}\n\n{link}"


class WaveInviter:
    """One run of the invitation job: every declared wave, outside quiet hours."""

    def __init__(self, repository: Repository, catalog: ScriptCatalog, pseudonym_key: str, *,
                 policy: ReminderPolicy | None = None,
                 clock: Callable[[], datetime] = utc_now,
                 rate: float = INVITATION_RATE, max_per_tick: int = MAX_PER_TICK) -> None:
        """Storage, the loaded scripts, the key chat references open with, and the rules."""
        self._repository = repository
        self._catalog = catalog
        self._key = pseudonym_key
        self._policy = policy or ReminderPolicy()
        self._clock = clock
        self._rate = rate
        self._max = max_per_tick
        self._warned: set[str] = set()

    async def tick(self, send: Send, link: Callable[[str], str]) -> list[BroadcastSummary]:
        """Invite everyone due now (at most `max_per_tick`); nothing during quiet hours."""
        now = self._clock()
        if self._policy.quiet(now):
            return []
        done: list[BroadcastSummary] = []
        left = self._max
        for study_id in self._catalog.study_ids:
            script, _ = self._catalog.current(study_id)
            for number, wave in enumerate(script.file.waves, start=2):
                if left <= 0:
                    return done
                if wave.study not in self._catalog.study_ids:
                    self._warn_missing(study_id, wave)
                    continue
                url = link(start_payload(wave, number))
                plan = Plan(
                    study_id, wave_name(wave),
                    {lang: invitation(script, wave, lang, url) for lang in script.languages},
                    script.languages[0], Audience.FOLLOW_UP, source={"wave": wave.study},
                )
                broadcaster = Broadcaster(self._repository, self._key, send, rate=self._rate,
                                          clock=self._clock)
                summary = await broadcaster.run(
                    plan, completed_before=now - timedelta(days=wave.after_days),
                    not_in_study=wave.study, max_sends=left, current_texts=True,
                )
                left -= summary.sent_now
                done.append(summary)
        return done

    def _warn_missing(self, study_id: str, wave: Wave) -> None:
        if wave.study not in self._warned:
            self._warned.add(wave.study)
            log.warning("study %s declares a wave %s, but no script in the dialogs folder has "
                        "that study id: nobody is invited to it", study_id, wave.study)
