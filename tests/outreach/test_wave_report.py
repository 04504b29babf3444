"""The waves compared on a planted two-wave study: shares, transitions, the test of the change,
and what those who changed had said in wave 1 — in the comparison, the report and its JSON."""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from scipy.stats import binomtest

from bot.analysis.waves import mcnemar_exact_p, wilson_interval
from bot.cli import cli
from bot.outreach.waves import wave_name
from bot.report.build import load_summary
from bot.report.render_html import render_html
from bot.report.render_json import render_json
from bot.report.render_md import render_markdown, render_waves_markdown
from bot.report.waves import WAVE_BROADCAST, WaveComparison, compare_waves, load_waves
from bot.script import Script, load_script
from bot.script.model import Wave
from bot.vocabulary import Group, InterviewStatus
from storage import AnswerRecord, ImportedInterview, Repository
from tests.report.study import CYCLING, cycling, fresh_repository, write_study

HERE = Path(__file__).parent / "waves"
WAVE2 = HERE / "cycling-wave2.yaml"
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=90)
D, N = Group.doer, Group.non_doer
RAIN, TRAFFIC = "the rain, always the rain", "the traffic scares me"


def interview(person: int, group: Group, when: datetime, hard: str | None = None
              ) -> ImportedInterview:
    answers = [AnswerRecord("days", 4 if group == D else 0)]
    if hard is not None:
        answers.append(AnswerRecord("hard", hard, hard))
    return ImportedInterview(pseudonym=f"{person:064x}", status=InterviewStatus.completed,
                             group=group, started_at=when, completed_at=when, answers=answers,
                             language="en")


# Wave 1: 30 doers (people 0-29) and 40 non-doers (30-69).
#   Non-doers 30-41 became doers by wave 2: 10 of these 12 had blamed the rain, 2 the traffic.
#   Non-doers 42-65 stayed non-doers: 4 of these 24 had blamed the rain, 20 the traffic.
#   Non-doers 66-69 did not answer wave 2.
#   Doers 0-19 still cycle, 20-22 stopped, 23-29 did not answer wave 2.
# Someone new (99) answered wave 2 only.
WAVE_1 = [*(interview(p, D, T0, "I like it") for p in range(30)),
          *(interview(p, N, T0, RAIN) for p in range(30, 40)),
          *(interview(p, N, T0, TRAFFIC) for p in range(40, 42)),
          *(interview(p, N, T0, RAIN) for p in range(42, 46)),
          *(interview(p, N, T0, TRAFFIC) for p in range(46, 70))]
WAVE_2 = [*(interview(p, D, LATER) for p in range(20)),
          *(interview(p, N, LATER) for p in range(20, 23)),
          *(interview(p, D, LATER) for p in range(30, 42)),
          *(interview(p, N, LATER) for p in range(42, 66)),
          interview(99, D, LATER)]


def two_wave_dialogs(folder: Path) -> Path:
    """Wave 1's script declaring wave 2 (`waves.yaml`), and wave 2's own script."""
    folder.mkdir()
    (folder / "cycling.yaml").write_text(
        CYCLING.read_text(encoding="utf-8") + (HERE / "waves.yaml").read_text(encoding="utf-8"),
        encoding="utf-8")
    shutil.copy(WAVE2, folder)
    return folder


@dataclass
class Planted:
    repository: Repository
    first: Script  # declares wave 2
    second: Script
    dialogs: Path


@pytest.fixture
async def planted(tmp_path: Path) -> AsyncIterator[Planted]:
    """The planted two-wave study in SQLite, with its dialogs folder."""
    dialogs = two_wave_dialogs(tmp_path / "dialogs")
    first, second = load_script(dialogs / "cycling.yaml"), load_script(dialogs / WAVE2.name)
    repository = await fresh_repository(tmp_path / "waves.db")
    await write_study(repository, first, WAVE_1)
    await write_study(repository, second, WAVE_2)
    yield Planted(repository, first, second, dialogs)
    await repository.close()


async def comparison_of(planted: Planted) -> WaveComparison:
    found = await load_waves(planted.repository, planted.first, [planted.first, planted.second])
    assert found is not None
    return found


def test_mcnemar_exact_p_is_the_doubled_binomial_tail_of_those_who_moved() -> None:
    # 12 moved up and 3 down: under no change each of the 15 is a fair coin, and 3 or fewer
    # heads out of 15 has probability (C(15,0) + C(15,1) + C(15,2) + C(15,3)) / 2^15.
    tail = (1 + 15 + 105 + 455) / 2**15
    assert mcnemar_exact_p(12, 3) == pytest.approx(2 * tail)  # 0.0352
    assert mcnemar_exact_p(3, 12) == pytest.approx(2 * tail)
    assert mcnemar_exact_p(4, 4) == 1.0
    assert mcnemar_exact_p(0, 0) is None  # nobody moved: nothing to test


def test_wilson_interval_matches_scipy_and_stays_inside_0_to_1() -> None:
    for k, n in ((30, 70), (0, 12), (12, 12), (1, 3)):
        low, high = binomtest(k, n).proportion_ci(method="wilson")
        assert wilson_interval(k, n) == pytest.approx((low, high))
    assert wilson_interval(0, 0) is None


def test_the_reports_broadcast_name_is_the_inviters() -> None:
    wave = Wave(study="cycling_wave2", after_days=90, invitation={"en": "Hi {link}"})
    assert WAVE_BROADCAST.format(study=wave.study) == wave_name(wave)


async def test_planted_shares_transitions_and_the_barriers_of_those_who_changed(
    planted: Planted,
) -> None:
    comparison = await comparison_of(planted)

    one, two = comparison.shares
    assert (one.classified, one.doers) == (70, 30)
    assert (two.classified, two.doers) == (60, 33)  # 20 still + 12 new doers + 1 newcomer
    [wave] = comparison.later
    assert wave.change.both == 59
    assert dict(wave.change.counts) == {(N, D): 12, (D, N): 3, (D, D): 20, (N, N): 24}
    assert wave.not_in_later == {D: 7, N: 4}
    assert wave.change.p_value == pytest.approx(mcnemar_exact_p(12, 3))
    assert wave.reach.answered == 60 + 0  # everyone who completed wave 2
    assert wave.reach.invited == 0  # no invitation went through the bot in this data set

    rows = {row.label: row for row in wave.rows}
    weather, danger = rows["Weather"], rows["Traffic danger"]
    assert (weather.doers_n, weather.doers_total, weather.nondoers_n, weather.nondoers_total
            ) == (10, 12, 4, 24)  # fmt: skip
    assert (danger.doers_n, danger.nondoers_n) == (2, 20)
    assert weather.significant
    assert weather.is_enabler  # the rain did not stop those who changed
    assert danger.significant
    assert danger.is_barrier  # the traffic held the others back
    # ERR is the plain relative risk of becoming a doer (prevalence = the 12 of 36 who did).
    assert weather.err == pytest.approx((10 / 14) / (2 / 22))


async def test_the_markdown_report_gains_waves_compared(planted: Planted) -> None:
    comparison = await comparison_of(planted)
    summary = await load_summary(planted.repository, planted.first, with_emerging=False)
    text = render_markdown(summary, comparison)

    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings.index("## Waves compared") == headings.index("## Segments") - 1
    assert "| Wave 1 | cycling | 30 | 70 | 43% | 32–55% |" in text
    assert "| Wave 2 | cycling\\_wave2 | 33 | 60 | 55% | 42–67% |" in text
    assert ("Of 36 non-doers in wave 1 who answered wave 2, 12 had become doers (33%); of 23 "
            "doers, 3 no longer were (13%). Among the 59 people in both waves the doer share "
            "went from 39% to 54%. 12 moved to doer and 3 away from it; McNemar's exact test, "
            "which compares these two counts, gives p = 0.035: a significant rise in the doer "
            "share") in text
    assert "| Non-doers | 12 (33%) | 24 (67%) | 36 | 4 |" in text
    assert "| Doers | 20 (87%) | 3 (13%) | 23 | 7 |" in text
    assert "11 of the 70 doers and non-doers of wave 1 (16%) did not complete wave 2" in text
    assert "Wave 2: no invitation sent by the bot, 60 answered." in text
    assert "| Weather | What makes it difficult to cycle to work? | Perceived self-efficacy | " \
           "10/12 | 83% | 4/24 | 17% | +67 pp |" in text
    # `perceptions waves` prints the same section on its own.
    alone = render_waves_markdown(comparison)
    assert alone.startswith("# Cycling to work: waves compared\n\n## Waves compared\n")
    assert "| Non-doers | 12 (33%) | 24 (67%) | 36 | 4 |" in alone


async def test_the_html_section_appears_only_when_the_script_declares_waves(
    planted: Planted,
) -> None:
    summary = await load_summary(planted.repository, planted.first, with_emerging=False)
    plain = render_html(summary)
    assert 'id="waves"' not in plain
    assert "Waves compared" not in plain
    assert await load_waves(planted.repository, cycling(), [planted.second]) is None  # no waves:

    page = render_html(summary, await comparison_of(planted))
    assert '<a href="#waves">Waves compared</a>' in page
    assert '<section id="waves">' in page
    assert page.count("<svg") == 5 + 1  # the report's five charts and the doer share per wave
    assert "Doer share per wave, with 95% intervals" in page
    assert "<td>Non-doers</td><td class=\"n\">12 (33%)</td>" in page


async def test_the_json_report_carries_every_number_of_the_comparison(planted: Planted) -> None:
    summary = await load_summary(planted.repository, planted.first, with_emerging=False)
    assert "waves" not in json.loads(render_json(summary))
    data = json.loads(render_json(summary, await comparison_of(planted)))["waves"]
    assert [(s["wave"], s["doers"], s["classified"]) for s in data["shares"]] == [
        (1, 30, 70), (2, 33, 60)]
    [later] = data["later"]
    moves = {(t["from"], t["to"]): t["people"] for t in later["transitions"]}
    assert moves == {("non_doer", "doer"): 12, ("doer", "non_doer"): 3, ("doer", "doer"): 20,
                     ("non_doer", "non_doer"): 24}
    assert math.isclose(later["mcnemar_exact_p"], 0.03515625)
    assert later["not_in_later"] == {"doer": 7, "non_doer": 4}
    weather = next(r for r in later["changers_vs_stayers"] if r["label"] == "Weather")
    assert (weather["changers"], weather["stayers"]) == (10, 4)


async def test_few_people_in_both_waves_is_said_and_no_change_is_called_significant(
    tmp_path: Path,
) -> None:
    # 10 people in both waves: 3 non-doers became doers, 1 doer stopped (p = 0.625).
    first = [*(interview(p, D, T0, "I like it") for p in range(4)),
             *(interview(p, N, T0, RAIN) for p in range(4, 10))]
    second = [*(interview(p, D, LATER) for p in (0, 1, 2, 4, 5, 6)),
              *(interview(p, N, LATER) for p in (3, 7, 8, 9))]
    repository = await fresh_repository(tmp_path / "few.db")
    try:
        await write_study(repository, cycling(), first)
        await write_study(repository, load_script(WAVE2), second)
        comparison = await compare_waves(repository, cycling(), [load_script(WAVE2)])
    finally:
        await repository.close()
    text = render_waves_markdown(comparison)
    assert "gives p = 0.625: not a significant change — a difference this size could be chance" \
        in text
    assert "significant rise" not in text
    assert "Only 10 people answered both waves" in text
    assert "Only 3 became doers and 3 stayed non-doers" in text


def test_the_cli_report_and_perceptions_waves_compare_the_waves(
    planted: Planted, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'waves.db'}")
    monkeypatch.setenv("DIALOGS_DIR", str(planted.dialogs))
    runner = CliRunner()
    report = runner.invoke(cli, ["report", "cycling", "--format", "md", "-o", "-"])
    assert report.exit_code == 0, report.output
    assert "## Waves compared" in report.stdout
    assert "| Non-doers | 12 (33%) | 24 (67%) | 36 | 4 |" in report.stdout
    waves = runner.invoke(cli, ["waves", "cycling"])
    assert waves.exit_code == 0, waves.output
    assert waves.stdout.startswith("# Cycling to work: waves compared\n")

    (planted.dialogs / WAVE2.name).unlink()  # wave 2's script taken away
    report = runner.invoke(cli, ["report", "cycling", "--format", "md", "-o", "-"])
    assert report.exit_code == 0, report.output
    assert ("No script in the dialogs folder has the study id of cycling\\_wave2: that wave "
            "is left out.") in report.stdout
    assert "### Wave 1 → wave 2" not in report.stdout


async def test_before_anyone_answers_wave_2_the_section_says_so(tmp_path: Path) -> None:
    repository = await fresh_repository(tmp_path / "early.db")
    try:
        await write_study(repository, cycling(), WAVE_1)
        comparison = await compare_waves(repository, cycling(), [load_script(WAVE2)])
    finally:
        await repository.close()
    text = render_waves_markdown(comparison)
    assert "| Wave 2 | cycling\\_wave2 | 0 | 0 | — | — |" in text
    assert "Nobody who was a doer or non-doer in wave 1 has completed wave 2 yet." in text
    assert "McNemar" not in text
    assert "| Non-doers | 0 | 0 | 0 | 40 |" in text


async def test_a_later_waves_own_report_points_back_to_the_first(planted: Planted) -> None:
    available = [planted.first, planted.second]
    found = await load_waves(planted.repository, planted.second, available)
    summary = await load_summary(planted.repository, planted.second, with_emerging=False)
    said = "This study is wave 2 of “Cycling to work” (cycling): that study"
    assert said in render_html(summary, found)
    assert said in render_markdown(summary, found)
    assert json.loads(render_json(summary, found))["wave_of"] == {"study_id": "cycling",
                                                                  "wave": 2}
    assert "Waves compared" not in render_html(summary, found)
