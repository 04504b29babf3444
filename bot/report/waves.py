"""The waves report: doer share per wave, transitions, and wave-1 barriers of those who changed.

"Barriers named in wave 1 by those who changed versus those who did not" is the ordinary
doer / non-doer tabulation run on wave 1's non-doers, with those who became doers in the later
wave standing in for doers: every coded theme, share and test then comes from the same analysis
as the main report.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.analysis import analyse
from bot.analysis.tabulate import Row
from bot.analysis.waves import (
    DOER,
    NON_DOER,
    TRANSITIONS,
    WaveChange,
    WaveShare,
    changers_and_stayers,
    transitions,
    wave_share,
)
from bot.report.records import answer_record, interview_record
from bot.script import Script
from bot.vocabulary import Group, InterviewStatus
from storage import Repository

GROUP_WORDS = {DOER: "doer", NON_DOER: "non-doer"}


@dataclass(frozen=True)
class WaveComparison:
    """Everything the waves report shows."""

    title: str
    shares: tuple[WaveShare, ...]
    changes: tuple[WaveChange, ...]
    # Wave-1 themes and options, with "doers" = non-doers who became doers by wave 2 and
    # "non-doers" = those who did not; strongest difference first.
    changers_vs_stayers: tuple[Row, ...]


async def latest_groups(repository: Repository, study_id: str) -> dict[str, str]:
    """Each person's group in their latest completed, classified interview of the study."""
    groups: dict[str, str] = {}
    async for interview in repository.stream_interviews(study_id=study_id):
        if interview.status == InterviewStatus.completed and interview.group is not None:
            groups[interview.pseudonym] = interview.group.value  # start order: latest wins
    return groups


async def compare_waves(repository: Repository, first: Script, later: Sequence[Script], *,
                        lang: str | None = None) -> WaveComparison:
    """Compare a study (wave 1) with its later waves' studies, matched by pseudonym."""
    lang = lang or first.languages[0]
    waves = [first, *later]
    groups = [await latest_groups(repository, script.study_id) for script in waves]
    shares = tuple(wave_share(n, s.study_id, g)
                   for n, (s, g) in enumerate(zip(waves, groups, strict=True), start=1))
    changes = tuple(transitions(n, s.study_id, groups[0], g)
                    for n, (s, g) in enumerate(zip(later, groups[1:], strict=True), start=2))
    rows: tuple[Row, ...] = ()
    if later:
        changers, stayers = changers_and_stayers(groups[0], groups[1])
        if changers and stayers:
            rows = await _changers_vs_stayers(repository, first, changers, stayers, lang)
    return WaveComparison(first.text(first.file.study.title, lang), shares, changes, rows)


async def _changers_vs_stayers(repository: Repository, script: Script, changers: set[str],
                               stayers: set[str], lang: str) -> tuple[Row, ...]:
    """Wave 1's tabulation with changers as "doers" and stayers as "non-doers"."""
    default = script.languages[0]
    interviews, languages = [], {}
    async for stored in repository.stream_interviews(study_id=script.study_id):
        record = interview_record(stored, default)
        relabel = Group.doer if stored.pseudonym in changers else (
            Group.non_doer if stored.pseudonym in stayers else None)
        if stored.status != InterviewStatus.completed or relabel is None:
            record = replace(record, group=None)  # not counted
        else:
            record = replace(record, group=relabel)
        interviews.append(record)
        languages[record.interview_id] = record.language
    answers = [answer_record(a, languages.get(a.interview_id, default))
               async for a in repository.stream_answers(study_id=script.study_id)]
    summary = await asyncio.to_thread(analyse, script, interviews, answers, lang=lang,
                                      with_segments=False, with_emerging=False)
    named = [r for r in summary.rows if r.kind == "theme" and r.doers_n + r.nondoers_n > 0]
    named.sort(key=lambda r: (-abs(r.difference_pp or 0.0), r.p_value or 1.0))
    return tuple(named)


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.0f}% ({n}/{total})" if total else "–"


def render_waves_md(comparison: WaveComparison) -> str:
    """The comparison as Markdown tables."""
    lines = [f"# {comparison.title}: waves compared", "", "## Doers per wave", "",
             "| Wave | Study | Classified | Doers | Share |", "|---|---|---:|---:|---:|"]
    for share in comparison.shares:
        lines.append(f"| {share.number} | {share.study_id} | {share.classified} | {share.doers} "
                     f"| {_pct(share.doers, share.classified)} |")
    for change in comparison.changes:
        lines += ["", f"## Wave 1 → wave {change.number} ({change.both} people in both)", "",
                  "| Wave 1 | Wave " + str(change.number) + " | People |", "|---|---|---:|"]
        for before, after in TRANSITIONS:
            lines.append(f"| {GROUP_WORDS[before]} | {GROUP_WORDS[after]} "
                         f"| {change.counts[(before, after)]} |")
    if comparison.changers_vs_stayers:
        lines += ["", "## What wave-1 non-doers said, by whether they became doers", "",
                  "| Question | Theme | Became doers | Stayed non-doers | Difference | p |",
                  "|---|---|---:|---:|---:|---:|"]
        for row in comparison.changers_vs_stayers:
            p = "–" if row.p_value is None else f"{row.p_value:.3f}"
            diff = "–" if row.difference_pp is None else f"{row.difference_pp:+.0f} pp"
            lines.append(f"| {row.question} | {row.label} | {_pct(row.doers_n, row.doers_total)} "
                         f"| {_pct(row.nondoers_n, row.nondoers_total)} | {diff} | {p} |")
    return "\n".join(lines) + "\n"
