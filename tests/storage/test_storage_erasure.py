"""Right to erasure: after `erase_respondent` no table holds anything about the person."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Table, select

from bot.interviews.chat_ref import ChatRefKey, seal
from storage import (
    AnswerRecord,
    Audience,
    Group,
    InterviewStatus,
    Repository,
    Segment,
    pseudonymise,
)
from storage.engine import build_engine
from storage.models import metadata

KEY = "erasure-key"

MESSAGE: dict[str, Any] = {"texts": {"en": "We built lanes."}, "fallback": "en"}


async def interview_with_everything(repo: Repository, user_id: int, now: datetime) -> str:
    """A respondent with a chat reference, answers, probes, a coding override and applied updates.

    The pseudonym is also written into every free-text field they fill, so a leftover row of
    theirs anywhere shows up in a text scan.
    """
    pseudonym = pseudonymise(user_id, KEY)
    version = await repo.register_script(study_id="s", title="S", text="s", now=now)
    await repo.get_or_create_respondent(pseudonym=pseudonym, language="en", source="qr", now=now)
    await repo.update_respondent(pseudonym=pseudonym, consent_at=now,
                                 chat_ref=seal(user_id, ChatRefKey(KEY)))
    interview = await repo.start_interview(
        pseudonym=pseudonym, study_id="s", script_version_id=version.id,
        state={"step": 0, "note": pseudonym}, now=now,
    )
    await repo.advance(
        interview_id=interview.id, expected_step=0, new_state={"step": 1, "note": pseudonym},
        status=InterviewStatus.COMPLETED, group=Group.DOER, now=now, update_id=user_id,
        answers=[
            AnswerRecord("why", [pseudonym], f"I am {pseudonym}"),
            AnswerRecord("why", pseudonym, f"probe {pseudonym}", probe=1),
        ],
    )
    await repo.set_contact_consent(pseudonym=pseudonym, results=True, follow_up=True, now=now)
    broadcast = await repo.open_broadcast(
        study_id="s", name="results", sha256="x", **MESSAGE, now=now
    )
    await repo.enrol_recipients(broadcast_id=broadcast.id, study_id="s",
                                audience=Audience.RESULTS, segment=Segment())
    async for answer in repo.stream_answers(study_id="s"):
        if answer.pseudonym == pseudonym:
            await repo.set_coding_override(
                answer_id=answer.id, themes=[pseudonym], coder="ana", now=now
            )
    return pseudonym


def _is_textual(column_type: Any) -> bool:
    """Whether a column holds text or JSON (sqlmodel wraps VARCHAR in a TypeDecorator)."""
    kinds = (String, JSON)
    return isinstance(column_type, kinds) or isinstance(getattr(column_type, "impl", None), kinds)


async def rows_mentioning(database_url: str, needle: str) -> list[tuple[str, Any]]:
    """(table, row) of every row whose text or JSON columns contain `needle`."""
    found: list[tuple[str, Any]] = []
    engine = build_engine(database_url)
    try:
        async with engine.connect() as conn:
            for table in metadata.sorted_tables:
                textual = [column.name for column in table.columns if _is_textual(column.type)]
                for row in await conn.execute(select(table)):
                    if any(needle in str(row._mapping[name]) for name in textual):
                        found.append((table.name, tuple(row)))
    finally:
        await engine.dispose()
    return found


async def orphans(database_url: str) -> list[tuple[str, str]]:
    """(table, column) pairs whose foreign key points at a row that no longer exists."""
    missing: list[tuple[str, str]] = []
    engine = build_engine(database_url)
    try:
        async with engine.connect() as conn:
            for table in metadata.sorted_tables:
                for fk in table.foreign_keys:
                    target: Table = fk.column.table
                    dangling = select(fk.parent).where(
                        fk.parent.not_in(select(fk.column).select_from(target))
                    )
                    if (await conn.execute(dangling)).first() is not None:
                        missing.append((table.name, fk.parent.name))
    finally:
        await engine.dispose()
    return missing


async def test_erasure_leaves_no_row_about_the_respondent(
    repo: Repository, database_url: str, now: datetime
) -> None:
    erased = await interview_with_everything(repo, 111, now)
    kept = await interview_with_everything(repo, 222, now)
    [chat_ref] = (await repo.respondent_chat_refs(pseudonyms=[erased])).values()
    assert await rows_mentioning(database_url, erased)  # the scan does see their data
    assert await rows_mentioning(database_url, chat_ref)

    assert await repo.erase_respondent(pseudonym=erased)

    assert await rows_mentioning(database_url, erased) == []
    assert await rows_mentioning(database_url, chat_ref) == []  # the respondent row went with it
    assert list(await repo.respondent_chat_refs(pseudonyms=[erased, kept])) == [kept]
    assert await orphans(database_url) == []
    assert await repo.get_respondent(pseudonym=erased) is None
    assert {a.pseudonym async for a in repo.stream_answers(study_id="s")} == {kept}
    assert len(await repo.coding_overrides(study_id="s")) == 2
    assert not await repo.erase_respondent(pseudonym=erased)
