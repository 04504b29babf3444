"""A whole generated study: the planted barrier and competitor come out on top; fieldwork adds up."""

from __future__ import annotations

import json

from analysis_fakes import StudyBuilder, planted_study

from bot.analysis import analyse
from bot.analysis.tabulate import TOP2
from bot.script import Script


def test_the_planted_barrier_ranks_first(cycling: Script, planted: StudyBuilder) -> None:
    summary = analyse(cycling, planted.interviews, planted.answers)
    top = summary.barriers[0]
    assert (top.question, top.theme, top.label) == ("hard", "danger", "Traffic danger")
    assert top.determinant == "perceived_self_efficacy"
    assert top.nondoers_n > top.doers_n
    assert top.significant
    assert top.err is not None
    assert top.err < 1
    assert all(r.theme != "weather" for r in summary.barriers + summary.enablers)


def test_quotes_come_from_the_group_the_row_favours(cycling: Script, planted: StudyBuilder) -> None:
    danger = next(r for r in analyse(cycling, planted.interviews, planted.answers).rows
                  if r.theme == "danger")  # fmt: skip
    nondoer_texts = {a.raw for a in planted.answers if a.question_id == "hard"
                     and planted.interviews[a.interview_id - 1].group == "non_doer"}  # fmt: skip
    assert len(danger.quotes) == 2
    assert set(danger.quotes) <= nondoer_texts


def test_the_planted_competitor_ranks_first(cycling: Script, planted: StudyBuilder) -> None:
    competing = analyse(cycling, planted.interviews, planted.answers).competing
    first = competing.alternatives[0]
    assert (first.key, first.label, first.total) == ("car", "Drive", 45)
    assert first.count > competing.alternatives[1].count
    assert {i.key for i in competing.liking if i.count} == {"comfort", "speed"}
    benefits = next(c for c in competing.bcos if c.category == "benefits")
    assert {r.theme for r in benefits.target} == {"health", "money"}
    assert benefits.competitor == tuple(i for i in competing.liking if i.count)


def test_rows_cover_every_theme_and_option(cycling: Script, planted: StudyBuilder) -> None:
    """Screening, classification and competing questions give no rows; a scale gets a top-2 box;
    a yes/no question is one row (its "no" would only mirror its "yes")."""
    rows = analyse(cycling, planted.interviews, planted.answers).rows
    keys = {(r.question, r.theme) for r in rows}
    assert {("hard", "danger"), ("hard", "weather"), ("hard", "cost"), ("good", "money")} <= keys
    assert {("approve", "yes"), ("remember", "1"), ("remember", TOP2)} <= keys
    assert ("approve", "no") not in keys
    assert not {q for q, _ in keys} & {"age", "days", "instead", "like"}
    cost = next(r for r in rows if r.theme == "cost")
    assert (cost.doers_n, cost.nondoers_n, cost.sparse, cost.p_value) == (0, 0, True, 1.0)
    assert all(r.doers_total == 45 and r.nondoers_total == 45 for r in rows)


def test_determinant_grid(cycling: Script, planted: StudyBuilder) -> None:
    grid = {c.determinant: c for c in analyse(cycling, planted.interviews, planted.answers).grid}
    assert len(grid) == 12
    assert grid["perceived_self_efficacy"].questions == ("hard",)
    assert grid["perceived_self_efficacy"].barriers >= 1
    assert grid["policy"].questions == ()
    assert grid["policy"].rows == 0


def test_segments_by_stage_and_source(cycling: Script, planted: StudyBuilder) -> None:
    segments = analyse(cycling, planted.interviews, planted.answers).segments
    by = {(s.by, s.value): s for s in segments}
    assert set(by) == {
        ("stage", "pre"),
        ("stage", "act"),
        ("source", "poster"),
        ("source", "(none)"),
    }
    assert by[("stage", "pre")].doers == 0  # every doer says they are doing it
    assert by[("source", "poster")].doers + by[("source", "poster")].nondoers == 30
    assert by[("stage", "act")].label == "Doing it"


def test_fieldwork_counts(cycling: Script) -> None:
    study = planted_study()
    study.interview("screened_out", None, {"age": 15})
    study.interview("declined", None, {})
    study.interview("excluded", None, {"age": 40, "days": 1})
    study.interview("abandoned", None, {"age": 40, "days": 0, "stage": "pre"})
    study.interview("active", None, {"age": 40})
    study.interview("paused", None, {})
    health = analyse(cycling, study.interviews, study.answers).fieldwork
    assert (health.starts, health.completed, health.screened_out) == (96, 90, 1)
    assert (health.declined, health.excluded, health.unfinished) == (1, 1, 3)
    assert (health.doers, health.nondoers, health.quota_met) == (45, 45, True)
    assert health.median_minutes == 10
    assert [(d.question, d.count) for d in health.dropoff] == [(None, 1), ("age", 1), ("stage", 1)]


def test_uncoded_answers_are_counted(cycling: Script) -> None:
    study = StudyBuilder()
    study.interview("completed", "doer", {"days": 5, "hard": "traffic", "good": "fresh air"})
    study.interview("completed", "non_doer", {"days": 0, "hard": "kids"}, probes={"hard": "rain"})
    study.interview("abandoned", None, {"days": 0, "hard": "no idea"})
    health = analyse(cycling, study.interviews, study.answers).fieldwork
    assert health.uncoded == 3
    assert health.uncoded_by_question == {"good": 1, "hard": 2}


def test_a_theme_new_in_the_last_interviews_means_no_saturation_yet(cycling: Script) -> None:
    study = planted_study()
    study.interview("completed", "doer", {"days": 5, "hard": "too expensive"})
    health = analyse(cycling, study.interviews, study.answers).fieldwork
    assert health.recent_new_themes == (("hard", "cost"),)


def test_emerging_themes_suggest_the_missing_school_run(
    cycling: Script, planted: StudyBuilder
) -> None:
    emerging = analyse(cycling, planted.interviews, planted.answers).emerging
    about_kids = [t for t in emerging if any("kids" in e for e in t.examples)]
    assert about_kids
    assert all(t.question == "hard" and "kids" in " ".join(t.terms) for t in about_kids)
    assert all("kids" in e for t in about_kids for e in t.examples)


def test_small_studies_say_so(cycling: Script) -> None:
    study = planted_study()
    few = StudyBuilder(study.interviews[:10], [a for a in study.answers if a.interview_id <= 10])
    summary = analyse(cycling, few.interviews, few.answers)
    assert any(n.startswith("Small sample: 5 doers and 5 non-doers") for n in summary.method.notes)
    assert summary.emerging == ()


def test_answers_may_be_a_stream(cycling: Script, planted: StudyBuilder) -> None:
    streamed = analyse(cycling, iter(planted.interviews), (a for a in planted.answers))
    assert streamed == analyse(cycling, planted.interviews, planted.answers)


def test_to_jsonable_is_plain_json(cycling: Script, planted: StudyBuilder) -> None:
    summary = analyse(cycling, planted.interviews, planted.answers, script_version="abc123")
    data = json.loads(json.dumps(summary.to_jsonable(), allow_nan=False))
    assert data["header"]["script_version"] == "abc123"
    assert data["header"]["prevalence"] == 0.2
    assert data["barriers"][0]["theme"] == "danger"
    assert data["fieldwork"]["quota_met"] is True
    assert data["header"]["first_started"].startswith("2025-03-01T10:00")
