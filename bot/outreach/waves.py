"""Follow-up waves: when a wave is due, invite those who said they may be asked again, and
remind once those who have not begun it some days later.

Each wave's invitations are one broadcast ("wave:<study>") whose recipients are enrolled as they
become due, and its reminders another ("wave-reminder:<study>") whose recipients are taken from
the invitations that arrived. The claimed rows that keep a broadcast from sending twice thus keep
a person from being invited, or reminded, twice, however many bot processes run this job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.interviews.catalog import SOURCE_SEPARATOR, ScriptCatalog
from bot.interviews.reminders import ReminderPolicy
from bot.outreach.broadcast import Broadcaster, BroadcastSummary, Enrol, Plan, Send, utc_now
from bot.script import Script
from bot.script.model import Wave
from storage import Audience, Repository, Segment, WaveTally

log = logging.getLogger(__name__)

INVITATION_RATE = 10.0  # a second: the bot's own replies to respondents keep the rest
MAX_PER_TICK = 300  # invitations and reminders a run of the job; the next run goes on
# A reminder this much later than due is dropped rather than sent (the bot was stopped for long,
# or the invitation went out before reminders existed): it would come out of the blue.
LATE_REMINDER = timedelta(days=7)


def wave_name(wave: Wave) -> str:
    """The broadcast that carries a wave's invitations."""
    return f"wave:{wave.study}"


def reminder_name(wave: Wave) -> str:
    """The broadcast that carries a wave's reminders."""
    return f"wave-reminder:{wave.study}"


def start_payload(wave: Wave, number: int) -> str:
    """The /start parameter of the wave's link: its study, and where they came from."""
    return f"{wave.study}{SOURCE_SEPARATOR}wave{number}"


def invitation(script: Script, wave: Wave, lang: str, link: str) -> str:
    """The invitation in `lang`, with the link where the text asks for it (else at the end)."""
    return _with_link(script.text(wave.invitation, lang), link)


def reminder(script: Script, wave: Wave, lang: str, link: str) -> str:
    """The wave's reminder in `lang` (its own, else the bot's `wave_reminder`), with the link."""
    own = wave.reminder if wave.reminder is not False else None
    text = script.text(own, lang) if own is not None else script.message("wave_reminder", lang)
    return _with_link(text, link)


def _with_link(text: str, link: str) -> str:
    return text.replace("{link}", link) if "{link}" in text else f"{text}\n\n{link}"


@dataclass(frozen=True)
class DeclaredWave:
    """A wave as declared by its first study's script: wave 2, 3… in the order written."""

    study_id: str
    script: Script
    number: int
    wave: Wave


def declared_waves(catalog: ScriptCatalog) -> Iterator[DeclaredWave]:
    """Every wave the loaded scripts declare (current versions)."""
    for study_id in catalog.study_ids:
        script, _ = catalog.current(study_id)
        for number, wave in enumerate(script.file.waves, start=2):
            yield DeclaredWave(study_id, script, number, wave)


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
        """Invite, then remind, everyone due now (at most `max_per_tick` messages).

        Nothing during quiet hours: those due then are enrolled, and sent to, at the first run
        after the quiet spell (or after the bot was down).
        """
        now = self._clock()
        if self._policy.quiet(now):
            return []
        done: list[BroadcastSummary] = []
        left = self._max
        for declared in declared_waves(self._catalog):
            if declared.wave.study not in self._catalog.study_ids:
                self._warn_missing(declared.study_id, declared.wave)
                continue
            url = link(start_payload(declared.wave, declared.number))
            for plan, enrol in self._broadcasts(declared, url, now):
                if left <= 0:
                    return done
                broadcaster = Broadcaster(self._repository, self._key, send, rate=self._rate,
                                          clock=self._clock)
                summary = await broadcaster.run(plan, enrol=enrol,
                                                not_in_study=declared.wave.study,
                                                max_sends=left, current_texts=True)
                left -= summary.sent_now
                done.append(summary)
        return done

    async def progress(self) -> list[WaveProgress]:
        """Where every declared wave stands now (see `wave_progress`)."""
        return await wave_progress(self._repository, self._catalog, self._clock())

    def _broadcasts(self, declared: DeclaredWave, url: str,
                    now: datetime) -> Iterator[tuple[Plan, Enrol]]:
        """The wave's invitation, then (unless switched off) its reminder, with their enrolment."""
        study_id, script, wave = declared.study_id, declared.script, declared.wave
        repo = self._repository

        def plan(name: str, texts: dict[str, str], kind: str) -> Plan:
            return Plan(study_id, name, texts, script.languages[0], Audience.FOLLOW_UP,
                        source={kind: wave.study})

        async def invite(broadcast_id: int) -> int:
            return await repo.enrol_recipients(
                broadcast_id=broadcast_id, study_id=study_id, audience=Audience.FOLLOW_UP,
                segment=Segment(), completed_before=now - timedelta(days=wave.after_days),
                not_in_study=wave.study)

        yield (plan(wave_name(wave),
                    {lang: invitation(script, wave, lang, url) for lang in script.languages},
                    "wave"), invite)
        if wave.reminder is False:
            return

        async def remind(broadcast_id: int) -> int:
            invited = await repo.find_broadcast(study_id=study_id, name=wave_name(wave))
            if invited is None:
                return 0
            due = now - timedelta(days=wave.remind_after_days)
            return await repo.enrol_wave_reminders(
                broadcast_id=broadcast_id, invitation_id=invited.id,
                sent_after=due - LATE_REMINDER, sent_before=due, wave_study=wave.study)

        yield (plan(reminder_name(wave),
                    {lang: reminder(script, wave, lang, url) for lang in script.languages},
                    "wave-reminder"), remind)

    def _warn_missing(self, study_id: str, wave: Wave) -> None:
        if wave.study not in self._warned:
            self._warned.add(wave.study)
            log.warning("study %s declares a wave %s, but no script in the dialogs folder has "
                        "that study id: nobody is invited to it", study_id, wave.study)


@dataclass(frozen=True)
class WaveProgress:
    """Where one wave stands now, for the researcher."""

    study_id: str
    number: int
    wave: Wave
    tally: WaveTally


async def wave_progress(repository: Repository, catalog: ScriptCatalog,
                        now: datetime) -> list[WaveProgress]:
    """Every declared wave: due, invited, reminded, started, completed."""
    found: list[WaveProgress] = []
    for declared in declared_waves(catalog):
        wave = declared.wave
        invited = await repository.find_broadcast(study_id=declared.study_id,
                                                  name=wave_name(wave))
        reminded = await repository.find_broadcast(study_id=declared.study_id,
                                                   name=reminder_name(wave))
        tally = await repository.wave_tally(
            study_id=declared.study_id, wave_study=wave.study,
            completed_before=now - timedelta(days=wave.after_days),
            invitation_id=None if invited is None else invited.id,
            reminder_id=None if reminded is None else reminded.id,
        )
        found.append(WaveProgress(declared.study_id, declared.number, wave, tally))
    return found
