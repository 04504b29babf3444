"""SQLite timestamps: stored in one form however written, and read alike in whatever form."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.vocabulary import Group, InterviewStatus
from storage import AnswerRecord, ImportedInterview, create_repository, upgrade
from storage.sqlite_read import stored_utc, utc_text
from tests.storage.test_storage_contract import answer, begin

ZONES = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5))])
MOMENTS = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=ZONES | st.none()
)
# The forms a stored time can take: SQLAlchemy's; Python's sqlite3 adapter (str of a datetime);
# ISO 8601 with a "T"; and a few written by hand.
FORMS = st.sampled_from([
    lambda t: t.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if t.tzinfo else
    t.strftime("%Y-%m-%d %H:%M:%S.%f"),
    str,
    lambda t: t.isoformat(),
    lambda t: t.isoformat(" ", timespec="seconds"),
    lambda t: t.isoformat(timespec="milliseconds"),
])  # fmt: skip


def in_sql(stored: str) -> str:
    """`utc_text` evaluated by SQLite on one value, `stored_utc` registered as the read does."""
    conn = sqlite3.connect(":memory:")
    conn.create_function("stored_utc", 1, stored_utc, deterministic=True)
    try:
        (found,) = conn.execute(f"SELECT {utc_text('t')} FROM (SELECT ? AS t)", (stored,)).fetchone()
    finally:
        conn.close()
    return str(found)


@given(MOMENTS, FORMS)
def test_every_stored_form_reads_as_the_python_conversion_reads_it(moment: datetime, form: object) -> None:
    stored = form(moment)  # type: ignore[operator]
    assert in_sql(stored) == stored_utc(stored)


def test_the_forms_cut_in_sql_and_their_near_misses() -> None:
    for stored, expected in [
        ("2025-01-01 00:09:00.000000", "2025-01-01 00:09:00.000000"),
        ("2025-01-01 00:09:00+00:00", "2025-01-01 00:09:00.000000"),
        ("2025-01-01 00:09:00.000250+00:00", "2025-01-01 00:09:00.000250"),
        ("2025-01-01 02:09:00+02:00", "2025-01-01 00:09:00.000000"),  # not UTC: to Python
        ("2025-01-01T00:09:00+00:00", "2025-01-01 00:09:00.000000"),  # a "T": to Python
        ("2025-01-01 00:09:00.5+00:00", "2025-01-01 00:09:00.500000"),  # a short fraction
    ]:
        assert (in_sql(stored), stored_utc(stored)) == (expected, expected), stored


async def test_imported_interviews_store_times_as_the_bot_stores_them(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'times.db'}"
    await upgrade(url)
    repo = create_repository(url)
    now = datetime(2025, 3, 1, 9, 30, 0, 250, tzinfo=UTC)
    try:
        interview = await begin(repo, now)
        await answer(repo, interview, 0, now, AnswerRecord("q1", "by the bot"))
        version = await repo.register_script(study_id="paper", title="Paper", text="x", now=now)
        await repo.import_interviews(
            study_id="paper", script_version_id=version.id, now=now,
            interviews=[ImportedInterview(
                pseudonym="p1", status=InterviewStatus.completed, group=Group.doer,
                started_at=now - timedelta(minutes=9), completed_at=now,
                answers=[AnswerRecord("q1", "imported")],
            )],
        )  # fmt: skip
    finally:
        await repo.close()
    conn = sqlite3.connect(tmp_path / "times.db")
    try:
        stored = conn.execute(
            "SELECT i.study_id, i.started_at, i.completed_at, a.answered_at"
            " FROM answer AS a JOIN interview AS i ON i.id = a.interview_id ORDER BY i.id"
        ).fetchall()
    finally:
        conn.close()

    assert stored == [
        ("handwashing", "2025-03-01 09:30:00.000250", None, "2025-03-01 09:30:00.000250"),
        ("paper", "2025-03-01 09:21:00.000250", "2025-03-01 09:30:00.000250",
         "2025-03-01 09:30:00.000250"),
    ]  # fmt: skip
