"""The report says how full each group is, whether fieldwork is open, and who was kept apart."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.analysis import InterviewRecord, analyse
from bot.report.view import build_view
from bot.report.view_more import fieldwork_view
from bot.script import Script, check_source

TOTALS = Path(__file__).parent.parent / "analysis" / "totals.yaml"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def enforced() -> Script:
    """The reusable-bag study with a quota of 2 per group kept over quota, in March 2026."""
    source = TOTALS.read_text(encoding="utf-8").replace(
        "  contact: team@example.org\n",
        "  contact: team@example.org\n  quota: {doers: 3, non_doers: 2, over_quota: keep}\n"
        "  opens: 2026-03-01\n  closes: 2026-03-31\n",
    )
    script, problems = check_source(source.encode(), "totals.yaml")
    assert problems == []
    assert script is not None
    return script


def interviews(*statuses: tuple[str, str]) -> list[InterviewRecord]:
    return [
        InterviewRecord(n, status, group, None, "en", T0 + timedelta(hours=n),
                        T0 + timedelta(hours=n, minutes=9))
        for n, (status, group) in enumerate(statuses, 1)
    ]


def test_facts_show_quota_and_fieldwork_state() -> None:
    summary = analyse(enforced(), interviews(
        ("completed", "doer"), ("completed", "non_doer"), ("completed", "non_doer"),
        ("over_quota", "non_doer"),
    ), today=date(2026, 3, 20))
    facts = {fact.key: fact for fact in build_view(summary).facts}
    assert (facts["Doers"].value, facts["Doers"].sub) == ("1", "quota 3")
    assert (facts["Non-doers"].value, facts["Non-doers"].sub) == ("2", "quota 2 · full")
    # The one kept over quota is in the fieldwork figures, not in the comparison.
    assert facts["Fieldwork"].sub == (
        "4 starts · planned 2026-03-01 – 2026-03-31, open until 2026-03-31 · 1 kept over quota"
    )
    assert summary.header.nondoers == 2
    tiles = {label: (value, sub) for label, value, sub in fieldwork_view(summary).tiles}
    assert tiles["Over quota"] == ("1", "kept, left out of the comparison")
    assert "Group full" not in tiles


def test_a_closed_study_says_so() -> None:
    summary = analyse(enforced(), interviews(("completed", "doer")), today=date(2026, 4, 2))
    facts = {fact.key: fact for fact in build_view(summary).facts}
    assert "closed (closed after 2026-03-31)" in facts["Fieldwork"].sub


def test_without_dates_the_report_says_nothing_about_them() -> None:
    script, problems = check_source(TOTALS.read_bytes(), "totals.yaml")
    assert problems == []
    assert script is not None
    summary = analyse(script, interviews(("completed", "doer")), today=date(2026, 4, 2))
    facts = {fact.key: fact for fact in build_view(summary).facts}
    assert facts["Fieldwork"].sub == "1 starts"
