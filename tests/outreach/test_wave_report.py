"""The waves report on a planted two-wave study: shares, transitions, and what changers had said."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.report.waves import compare_waves, render_waves_md
from bot.script import load_script
from bot.vocabulary import Group, InterviewStatus
from storage import AnswerRecord, ImportedInterview
from tests.report.study import cycling, fresh_repository, write_study

WAVE2 = Path(__file__).parent / "waves" / "cycling-wave2.yaml"
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
D, N = Group.doer, Group.non_doer


def interview(person: int, group: Group, when: datetime, hard: str | None = None
              ) -> ImportedInterview:
    answers = [AnswerRecord("days", 4 if group == D else 0)]
    if hard is not None:
        answers.append(AnswerRecord("hard", hard, hard))
    return ImportedInterview(pseudonym=f"{person:064x}", status=InterviewStatus.completed,
                             group=group, started_at=when, completed_at=when, answers=answers,
                             language="en")


# Wave 1: 20 doers (0-19) and 20 non-doers (20-39). Non-doers 20-27 blamed the rain and became
# doers by wave 2; 28-37 blamed traffic and stayed non-doers; 38-39 did not take part again.
# Of the doers, 0-9 still cycle, 10-11 stopped, 12-19 did not take part again.
WAVE_1 = [*(interview(p, D, T0, "I like it") for p in range(20)),
          *(interview(p, N, T0, "the rain, always the rain") for p in range(20, 28)),
          *(interview(p, N, T0, "the traffic scares me") for p in range(28, 40))]
LATER = T0 + timedelta(days=90)
WAVE_2 = [*(interview(p, D, LATER) for p in range(10)),
          *(interview(p, N, LATER) for p in (10, 11)),
          *(interview(p, D, LATER) for p in range(20, 28)),
          *(interview(p, N, LATER) for p in range(28, 38)),
          interview(99, D, LATER)]  # someone new in wave 2 only


async def test_transitions_and_the_barriers_of_those_who_changed(tmp_path: Path) -> None:
    first, second = cycling(), load_script(WAVE2)
    repository = await fresh_repository(tmp_path / "waves.db")
    try:
        await write_study(repository, first, WAVE_1)
        await write_study(repository, second, WAVE_2)
        comparison = await compare_waves(repository, first, [second])
    finally:
        await repository.close()

    one, two = comparison.shares
    assert (one.classified, one.doers) == (40, 20)
    assert (two.classified, two.doers) == (31, 19)
    [change] = comparison.changes
    assert change.both == 30
    assert dict(change.counts) == {("non_doer", "doer"): 8, ("doer", "non_doer"): 2,
                                   ("doer", "doer"): 10, ("non_doer", "non_doer"): 10}
    rows = {row.label: row for row in comparison.changers_vs_stayers}
    weather, danger = rows["Weather"], rows["Traffic danger"]
    assert (weather.doers_n, weather.doers_total, weather.nondoers_n) == (8, 8, 0)
    assert (danger.doers_n, danger.nondoers_n, danger.nondoers_total) == (0, 10, 10)

    text = render_waves_md(comparison)
    assert "| non-doer | doer | 8 |" in text
    assert "| 2 | cycling_wave2 | 31 | 19 | 61% (19/31) |" in text
    assert "| hard | Weather | 100% (8/8) | 0% (0/10) |" in text
