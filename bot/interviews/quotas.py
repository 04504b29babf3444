"""Quotas and fieldwork dates, decided from what storage holds at the moment of the decision."""

from __future__ import annotations

from datetime import date

from bot.engine import Input, Message, State, Turn, handle
from bot.script import Script
from bot.script.fieldwork import Window, fieldwork_window, full_groups
from bot.vocabulary import Group, InterviewStatus
from storage import QuotaPlace, Repository


async def with_quota(
    repository: Repository, script: Script, before: State, event: Input, turn: Turn
) -> Turn:
    """`turn`, decided again with the groups now full when it classifies or completes someone.

    The count is read from storage at this moment (not remembered), so every process running
    the bot sees the same quota; the engine stays pure and is simply told which groups are full.
    """
    group = turn.state.group
    if group is None or turn.state.over_quota or script.file.study.quota.over_quota is None:
        return turn
    classifies = before.group is None
    completes = turn.state.status == InterviewStatus.completed
    if not (classifies or completes):
        return turn
    counts = await repository.study_counts(study_id=script.study_id)
    full = full_groups(script.file.study.quota, counts.doers, counts.non_doers)
    return handle(script, before, event, full=full) if group in full else turn


def quota_place(script: Script, turn: Turn) -> QuotaPlace | None:
    """The quota place a completing turn takes (checked again as it is stored), if any."""
    group = turn.state.group
    quota = script.file.study.quota
    if turn.state.status != InterviewStatus.completed or group is None or quota.over_quota is None:
        return None
    return QuotaPlace(Group(group), quota.doers if group == Group.doer else quota.non_doers)


def outside_fieldwork(script: Script, language: str, today: date) -> tuple[Message, ...]:
    """What to tell someone who wants to start before the study opens or after it closed."""
    study = script.file.study
    window = fieldwork_window(study, today)
    if window == Window.not_open_yet:
        return (Message(script.message("not_open_yet", language, date=study.opens)),)
    if window == Window.closed:
        return (Message(script.message("study_closed", language, contact=study.contact)),)
    return ()
