"""The waves of a study compared: doer share per wave, transitions, and wave-1 answers of those
who changed.

"Barriers named in wave 1 by those who changed versus those who did not" is the ordinary
doer / non-doer tabulation run on wave 1's non-doers, with those who became doers in the later
wave standing in for doers: every coded theme, share and test then comes from the same analysis
as the main report. Its prevalence is the share who changed, so ERR is the plain relative risk
of becoming a doer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from bot.analysis import analyse
from bot.analysis.family import QuestionLabel
from bot.analysis.records import InterviewRecord
from bot.analysis.tabulate import DEFAULT_MIN_MENTIONS, Row
from bot.analysis.waves import (
    DOER,
    NON_DOER,
    WaveChange,
    WaveShare,
    changers_and_stayers,
    transitions,
    wave_share,
)
from bot.report.records import answer_record, interview_record
from bot.script import Script
from bot.vocabulary import GROUPS, Group, InterviewStatus
from storage import RecipientStatus, Repository

# The broadcast that carries a wave's invitations is named as in bot.outreach.waves.wave_name
# (the report may not import the outreach package, which imports the report; a test checks they
# agree).
WAVE_BROADCAST = "wave:{study}"
WAITING = (RecipientStatus.PENDING, RecipientStatus.CLAIMED)
UNDELIVERED = (RecipientStatus.BLOCKED, RecipientStatus.FAILED, RecipientStatus.SKIPPED)


@dataclass(frozen=True)
class Reach:
    """How far a later wave got: invitations by where they stand, and people who completed it."""

    invited: int = 0  # invitations Telegram accepted
    in_doubt: int = 0  # the send timed out: they may have arrived
    waiting: int = 0  # due, not sent yet
    undelivered: int = 0  # blocked the bot, refused, or withdrew before their turn
    answered: int = 0  # people who completed the wave (invited or not)


@dataclass(frozen=True)
class LaterWave:
    """Wave 1 against one later wave."""

    change: WaveChange
    reach: Reach
    # Wave-1 doers and non-doers who did not complete this wave, by their wave-1 group.
    not_in_later: Mapping[str, int]
    # Wave-1 answers with "doers" = non-doers who became doers in this wave and "non-doers" =
    # those who did not; strongest difference first. Empty unless both kinds of people exist.
    rows: tuple[Row, ...] = ()
    questions: Mapping[str, QuestionLabel] | None = None
    min_mentions: int = DEFAULT_MIN_MENTIONS
    tested: int = 0  # rows tested among `rows`, for the multiple-testing caveat


@dataclass(frozen=True)
class WaveComparison:
    """Everything the waves section shows."""

    title: str
    shares: tuple[WaveShare, ...]
    later: tuple[LaterWave, ...]
    missing: tuple[str, ...] = ()  # later waves declared whose script is not in the folder

    @property
    def changes(self) -> tuple[WaveChange, ...]:
        """Wave 1 against each later wave, among the people in both."""
        return tuple(wave.change for wave in self.later)


@dataclass(frozen=True)
class WaveOf:
    """A later wave's own study: the study it follows up, and its number there."""

    number: int
    study_id: str
    title: str


Waves = WaveComparison | WaveOf  # what a report says about waves, if anything


async def latest_groups(repository: Repository, study_id: str,
                        kept: list[tuple[str, InterviewRecord]] | None = None) -> dict[str, str]:
    """Each person's group ("" if unclassified) in their latest completed interview of the study;
    every interview is also added to `kept`, if given, for a second look without a second read."""
    groups: dict[str, str] = {}
    async for interview in repository.stream_interviews(study_id=study_id):
        if kept is not None:
            kept.append((interview.pseudonym, interview_record(interview, "")))
        if interview.status == InterviewStatus.completed:
            # start order: the latest wins
            groups[interview.pseudonym] = interview.group.value if interview.group else ""
    return groups


async def wave_reach(repository: Repository, study_id: str, wave_study: str,
                     answered: int | None = None) -> Reach:
    """Where the invitations to `wave_study` stand, and how many completed it."""
    if answered is None:
        answered = (await repository.study_counts(study_id=wave_study)).completed
    found = await repository.find_broadcast(study_id=study_id,
                                            name=WAVE_BROADCAST.format(study=wave_study))
    if found is None:
        return Reach(answered=answered)
    tally = await repository.broadcast_tally(broadcast_id=found.id)
    return Reach(tally.get(RecipientStatus.SENT, 0), tally.get(RecipientStatus.IN_DOUBT, 0),
                 sum(tally.get(s, 0) for s in WAITING), sum(tally.get(s, 0) for s in UNDELIVERED),
                 answered)  # fmt: skip


def later_scripts(first: Script, available: Iterable[Script]) -> tuple[list[Script], list[str]]:
    """The scripts of the waves `first` declares, in order, and the waves whose script is missing."""
    by_study = {script.study_id: script for script in available}
    found = [by_study[w.study] for w in first.file.waves if w.study in by_study]
    return found, [w.study for w in first.file.waves if w.study not in by_study]


def wave_of(script: Script, available: Iterable[Script]) -> WaveOf | None:
    """The study that declares `script`'s study as one of its later waves, if any."""
    for first in available:
        for number, wave in enumerate(first.file.waves, start=2):
            if wave.study == script.study_id:
                lang = first.languages[0]
                return WaveOf(number, first.study_id, first.text(first.file.study.title, lang))
    return None


async def load_waves(repository: Repository, script: Script, available: Iterable[Script], *,
                     lang: str | None = None) -> Waves | None:
    """For a study that declares waves, the comparison; for a later wave, whose wave it is."""
    available = list(available)
    if not script.file.waves:
        return wave_of(script, available)
    later, missing = later_scripts(script, available)
    return await compare_waves(repository, script, later, lang=lang, missing=missing)


async def compare_waves(repository: Repository, first: Script, later: Sequence[Script], *,
                        lang: str | None = None, missing: Sequence[str] = ()) -> WaveComparison:
    """Compare a study (wave 1) with its later waves' studies, matched by pseudonym."""
    lang = lang or first.languages[0]
    declared = [w.study for w in first.file.waves]
    numbers = [declared.index(s.study_id) + 2 if s.study_id in declared else n
               for n, s in enumerate(later, start=2)]  # fmt: skip
    first_interviews: list[tuple[str, InterviewRecord]] = []
    groups = [await latest_groups(repository, first.study_id, first_interviews),
              *[await latest_groups(repository, script.study_id) for script in later]]
    shares = (wave_share(1, first.study_id, groups[0]),
              *(wave_share(n, s.study_id, g) for n, s, g in zip(numbers, later, groups[1:],
                                                                 strict=True)))  # fmt: skip
    waves = []
    for number, script, found in zip(numbers, later, groups[1:], strict=True):
        change = transitions(number, script.study_id, groups[0], found)
        gone = {g: sum(1 for p, was in groups[0].items() if was == g and found.get(p) not in GROUPS)
                for g in (DOER, NON_DOER)}  # fmt: skip
        reach = await wave_reach(repository, first.study_id, script.study_id, len(found))
        wave = LaterWave(change, reach, gone)
        changers, stayers = changers_and_stayers(groups[0], found)
        if changers and stayers:
            wave = await _changers_vs_stayers(repository, first, first_interviews, wave,
                                              changers, stayers, lang)  # fmt: skip
        waves.append(wave)
    return WaveComparison(first.text(first.file.study.title, lang), shares, tuple(waves),
                          tuple(missing))  # fmt: skip


async def _changers_vs_stayers(repository: Repository, script: Script,
                               first_interviews: list[tuple[str, InterviewRecord]],
                               wave: LaterWave, changers: set[str], stayers: set[str],
                               lang: str) -> LaterWave:  # fmt: skip
    """Wave 1's tabulation with changers as "doers" and stayers as "non-doers"."""
    default = script.languages[0]
    interviews, languages = [], {}
    for pseudonym, record in first_interviews:
        relabel = Group.doer if pseudonym in changers else (
            Group.non_doer if pseudonym in stayers else None)
        if record.status != InterviewStatus.completed:
            relabel = None  # not counted
        record = replace(record, group=relabel, language=record.language or default)
        interviews.append(record)
        languages[record.interview_id] = record.language
    answers = [answer_record(a, languages.get(a.interview_id, default))
               async for a in repository.stream_answers(study_id=script.study_id)]
    share = len(changers) / (len(changers) + len(stayers))
    summary = await asyncio.to_thread(analyse, script, interviews, answers, lang=lang,
                                      prevalence=share, with_segments=False, with_emerging=False)
    # Questions asked of one group only cannot compare two kinds of wave-1 non-doers here.
    named = [r for r in summary.rows if r.kind in ("theme", "option") and r.comparable
             and r.doers_n + r.nondoers_n > 0]  # fmt: skip
    named.sort(key=lambda r: (not r.significant, -abs(r.difference_pp or 0.0), r.p_value or 1.0))
    return replace(wave, rows=tuple(named), questions=summary.questions,
                   min_mentions=summary.method.min_mentions, tested=summary.method.rows_tested)
