"""The SQL implementation of `Repository` for SQLite and PostgreSQL (SQLAlchemy Core)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import delete, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.vocabulary import OPEN_STATUSES, Group, InterviewStatus
from storage import bulk, rows
from storage.engine import WRITE_OPTION, build_engine, is_sqlite, normalise_url
from storage.errors import QuotaFull, translated
from storage.outreach import BROADCAST_RECIPIENT, CONTACT_CONSENT, OutreachQueries
from storage.records import (
    KEEP,
    AnswerRecord,
    CodebookKeywordRecord,
    ImportedInterview,
    InterviewRecord,
    Keep,
    QuotaPlace,
    RespondentRecord,
    ScriptVersionRecord,
)
from storage.repository import Repository
from storage.rows import (
    ANSWER,
    APPLIED_UPDATE,
    CODEBOOK_KEYWORD,
    CODING_OVERRIDE,
    INTERVIEW,
    REPLIED_UPDATE,
    RESPONDENT,
    SCRIPT_VERSION,
    STUDY,
)
from storage.sql_advance import AdvanceStatements, NoPlaceLeft, Unchanged, delete_answers
from storage.sql_study import StudyQueries, idle_statement
from storage.sqlite_thread import SqliteThread
from storage.turns import LocalTurns, PostgresTurns
from storage.waves import WaveQueries

_FINISHED = {InterviewStatus.completed, InterviewStatus.over_quota}
HEALTH_SECONDS = 2.0
SCRUB_ATTEMPTS = 3  # WAL checkpoints tried after an erasure
log = logging.getLogger(__name__)
T = TypeVar("T")


class SqlRepository(StudyQueries, OutreachQueries, WaveQueries, Repository):
    """`Repository` over an async SQLAlchemy engine."""

    def __init__(self, engine: AsyncEngine,
                 sqlite_threads: tuple[SqliteThread, SqliteThread] | None = None) -> None:
        """Wrap an engine made by `storage.engine.build_engine` (+ for SQLite: writer, reader)."""
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        self._sqlite_writer: SqliteThread | None = None
        self._sqlite_reader: SqliteThread | None = None
        if sqlite_threads is not None:
            self._sqlite_writer, self._sqlite_reader = sqlite_threads
        self._dialect_insert = sqlite.insert if is_sqlite(engine.url) else postgresql.insert
        self._is_postgres = not is_sqlite(engine.url)
        self._advance = AdvanceStatements(self._insert)
        self._turns: LocalTurns | PostgresTurns = (
            LocalTurns() if is_sqlite(engine.url) else PostgresTurns(engine)
        )

    def respondent_turn(self, *, pseudonym: str) -> AbstractAsyncContextManager[None]:
        """Hold the respondent's turn (see `Repository.respondent_turn`)."""
        return self._turns.turn(pseudonym)

    async def healthy(self) -> bool:
        """Whether the database answers `SELECT 1` within a couple of seconds."""
        try:
            await asyncio.wait_for(self._read(lambda conn: conn.execute(text("SELECT 1"))),
                                   HEALTH_SECONDS)
        except Exception:  # whatever the cause, the answer is "not healthy"
            return False
        return True

    async def _write(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in one short write transaction (BEGIN IMMEDIATE on SQLite).

        Transaction bodies are plain functions of a connection: no await, hence no network
        I/O, can ever happen while the write lock is held.
        """
        async with translated():
            if self._sqlite_writer is not None:
                return await self._sqlite_writer.run(work)
            turn = self._turn_connection()
            if turn is not None:
                # In a respondent's turn: a savepoint, so a refused transition undoes only itself.
                async with turn.begin_nested():
                    return await turn.run_sync(work)
            async with self._writer.begin() as conn:
                return await conn.run_sync(work)

    async def _read(self, work: Callable[[Connection], T]) -> T:
        """Run `work`, which only reads, in one hop (a thread of its own on SQLite)."""
        async with translated():
            if self._sqlite_reader is not None:
                return await self._sqlite_reader.run(work)
            turn = self._turn_connection()
            if turn is not None:
                return await turn.run_sync(work)
            async with self._engine.connect() as conn:
                return await conn.run_sync(work)

    def _turn_connection(self) -> AsyncConnection | None:
        """The transaction of the respondent's turn this task is in, if any (PostgreSQL)."""
        turns = self._turns
        return turns.current.get() if isinstance(turns, PostgresTurns) else None

    def _insert(self, table: Any) -> Any:
        """A dialect INSERT that understands ON CONFLICT."""
        return self._dialect_insert(table)

    async def close(self) -> None:
        """Release the database connections."""
        if self._sqlite_writer is not None and self._sqlite_reader is not None:
            self._sqlite_writer.close()
            self._sqlite_reader.close()
        await self._engine.dispose()

    # Scripts and respondents

    async def register_script(
        self, *, study_id: str, title: str, text: str, now: datetime
    ) -> ScriptVersionRecord:
        """Store a script text; the same text for the same study gives back the same version."""
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        def work(conn: Connection) -> Any:
            conn.execute(
                self._insert(STUDY)
                .values(id=study_id, title=title)
                .on_conflict_do_update(index_elements=[STUDY.c.id], set_={"title": title})
            )
            conn.execute(
                self._insert(SCRIPT_VERSION)
                .values(study_id=study_id, sha256=digest, text=text, created_at=now)
                .on_conflict_do_nothing(
                    index_elements=[SCRIPT_VERSION.c.study_id, SCRIPT_VERSION.c.sha256]
                )
            )
            row = (
                conn.execute(
                    select(SCRIPT_VERSION).where(
                        SCRIPT_VERSION.c.study_id == study_id, SCRIPT_VERSION.c.sha256 == digest
                    )
                )
            ).one()
            return row

        row = await self._write(work)
        return rows.script_version(row)

    async def get_script_version(self, *, version_id: int) -> ScriptVersionRecord | None:
        """The script text an interview was started on."""
        stmt = select(SCRIPT_VERSION).where(SCRIPT_VERSION.c.id == version_id)
        row = await self._read(lambda conn: conn.execute(stmt).one_or_none())
        return None if row is None else rows.script_version(row)

    async def get_respondent(self, *, pseudonym: str) -> RespondentRecord | None:
        """The respondent with this pseudonym, if any."""
        stmt = select(RESPONDENT).where(RESPONDENT.c.pseudonym == pseudonym)
        row = await self._read(lambda conn: conn.execute(stmt).one_or_none())
        return None if row is None else rows.respondent(row)

    async def get_or_create_respondent(
        self, *, pseudonym: str, language: str | None, source: str | None, now: datetime
    ) -> RespondentRecord:
        """The respondent with this pseudonym, created on first contact."""
        existing = await self.get_respondent(pseudonym=pseudonym)
        if existing is not None:
            return existing
        def work(conn: Connection) -> Any:
            conn.execute(
                self._insert(RESPONDENT)
                .values(pseudonym=pseudonym, language=language, source=source, created_at=now)
                .on_conflict_do_nothing(index_elements=[RESPONDENT.c.pseudonym])
            )
            row = (
                conn.execute(select(RESPONDENT).where(RESPONDENT.c.pseudonym == pseudonym))
            ).one()
            return row

        row = await self._write(work)
        return rows.respondent(row)

    async def update_respondent(
        self,
        *,
        pseudonym: str,
        language: str | Keep | None = KEEP,
        consent_at: datetime | Keep | None = KEEP,
        opted_out_at: datetime | Keep | None = KEEP,
        blocked_at: datetime | Keep | None = KEEP,
        chat_ref: str | Keep | None = KEEP,
    ) -> bool:
        """Change the given fields (None clears one); False if there is no such respondent."""
        changes = {
            name: value
            for name, value in (
                ("language", language),
                ("consent_at", consent_at),
                ("opted_out_at", opted_out_at),
                ("blocked_at", blocked_at),
                ("chat_ref", chat_ref),
            )
            if value is not KEEP
        }
        if not changes:
            return await self.get_respondent(pseudonym=pseudonym) is not None
        def work(conn: Connection) -> Any:
            result = conn.execute(
                update(RESPONDENT).where(RESPONDENT.c.pseudonym == pseudonym).values(changes)
            )
            return result

        result = await self._write(work)
        return bool(result.rowcount > 0)

    # Interviews

    async def start_interview(
        self,
        *,
        pseudonym: str,
        study_id: str,
        script_version_id: int,
        state: dict[str, Any],
        now: datetime,
        source: str | None = None,
        language: str | None = None,
        step: int = 0,
    ) -> InterviewRecord:
        """Begin an active interview for an existing respondent."""
        def work(conn: Connection) -> Any:
            row = (
                conn.execute(
                    INTERVIEW.insert()
                    .values(
                        pseudonym=pseudonym, study_id=study_id,
                        script_version_id=script_version_id, state=state, step=step,
                        status=InterviewStatus.active.value, source=source, language=language,
                        started_at=now, updated_at=now,
                    )
                    .returning(*INTERVIEW.c)
                )
            ).one()
            return row

        row = await self._write(work)
        return rows.interview(row)

    async def get_interview(self, *, interview_id: int) -> InterviewRecord | None:
        """One interview by id."""
        return await self._one_interview(INTERVIEW.c.id == interview_id)

    async def active_interview(self, *, pseudonym: str, study_id: str) -> InterviewRecord | None:
        """The newest active or paused interview of this respondent in this study."""
        return await self._one_interview(
            INTERVIEW.c.pseudonym == pseudonym,
            INTERVIEW.c.study_id == study_id,
            INTERVIEW.c.status.in_([status.value for status in OPEN_STATUSES]),
        )

    async def latest_interview(self, *, pseudonym: str, study_id: str) -> InterviewRecord | None:
        """The newest interview of this respondent in this study, whatever its status."""
        return await self._one_interview(
            INTERVIEW.c.pseudonym == pseudonym, INTERVIEW.c.study_id == study_id
        )

    async def _one_interview(self, *where: Any) -> InterviewRecord | None:
        """The newest interview matching `where`."""
        stmt = select(INTERVIEW).where(*where).order_by(INTERVIEW.c.id.desc()).limit(1)
        row = await self._read(lambda conn: conn.execute(stmt).one_or_none())
        return None if row is None else rows.interview(row)

    async def advance(
        self,
        *,
        interview_id: int,
        expected_step: int,
        new_state: dict[str, Any],
        status: InterviewStatus,
        group: Group | None,
        now: datetime,
        answers: Sequence[AnswerRecord] = (),
        update_id: int | None = None,
        clear_answers: bool = False,
        withdrawn: Sequence[str] = (),
        quota: QuotaPlace | None = None,
    ) -> bool:
        """Apply one transition if the interview is still at `expected_step` (see Repository)."""
        values: dict[str, Any] = {
            "state": new_state,
            "step": expected_step + 1,
            "status": InterviewStatus(status).value,
            "group": None if group is None else Group(group).value,
            "updated_at": now,
        }
        if status in _FINISHED:
            values["completed_at"] = now

        answer_rows = [rows.answer_row(interview_id, a, now, update_id) for a in answers]

        def work(conn: Connection) -> None:
            self._advance.run(
                conn, interview_id=interview_id, expected_step=expected_step, values=values,
                answers=answer_rows, update_id=update_id, clear_answers=clear_answers,
                withdrawn=withdrawn,
                quota=quota,
            )

        try:
            await self._write(work)
        except Unchanged:
            return False
        except NoPlaceLeft:
            raise QuotaFull(f"the {quota.group if quota else ''} quota is full") from None
        return True

    async def update_applied(self, *, interview_id: int, update_id: int) -> bool:
        """Whether `advance` already applied this Telegram update to this interview."""
        query = select(APPLIED_UPDATE.c.update_id).where(
            APPLIED_UPDATE.c.interview_id == interview_id,
            APPLIED_UPDATE.c.update_id == update_id,
        )

        def work(conn: Connection) -> bool:
            return conn.execute(query).first() is not None

        return await self._read(work)

    async def note_replied(self, *, update_id: int, now: datetime) -> None:
        """Record that the reply to this Telegram update went out."""
        stmt = self._insert(REPLIED_UPDATE).values(update_id=update_id, replied_at=now)
        stmt = stmt.on_conflict_do_nothing(index_elements=[REPLIED_UPDATE.c.update_id])
        await self._write(lambda conn: conn.execute(stmt))

    async def was_replied(self, *, update_id: int) -> bool:
        """Whether the reply to this Telegram update went out already."""
        query = select(REPLIED_UPDATE.c.update_id).where(REPLIED_UPDATE.c.update_id == update_id)
        return await self._read(lambda conn: conn.execute(query).first() is not None)

    async def forget_replied(self, *, before: datetime) -> int:
        """Forget replies noted before `before`; how many."""
        stmt = delete(REPLIED_UPDATE).where(REPLIED_UPDATE.c.replied_at < before)
        return await self._write(lambda conn: int(conn.execute(stmt).rowcount))

    async def clear_answers(self, *, interview_id: int) -> int:
        """Forget an interview's answers (the respondent restarted); returns how many."""
        def work(conn: Connection) -> int:
            return delete_answers(conn, ANSWER.c.interview_id == interview_id)

        return await self._write(work)

    async def erase_respondent(self, *, pseudonym: str) -> bool:
        """Delete the respondent and everything about them from every table (and the WAL)."""
        # Explicit deletes, child tables first, rather than trusting ON DELETE CASCADE: SQLite
        # only cascades when the foreign_keys pragma is on for that connection.
        interview_ids = select(INTERVIEW.c.id).where(INTERVIEW.c.pseudonym == pseudonym)
        answer_ids = select(ANSWER.c.id).where(ANSWER.c.interview_id.in_(interview_ids))
        def work(conn: Connection) -> Any:
            conn.execute(
                delete(CODING_OVERRIDE).where(CODING_OVERRIDE.c.answer_id.in_(answer_ids))
            )
            conn.execute(delete(ANSWER).where(ANSWER.c.interview_id.in_(interview_ids)))
            conn.execute(
                delete(APPLIED_UPDATE).where(APPLIED_UPDATE.c.interview_id.in_(interview_ids))
            )
            conn.execute(delete(INTERVIEW).where(INTERVIEW.c.pseudonym == pseudonym))
            conn.execute(
                delete(BROADCAST_RECIPIENT).where(BROADCAST_RECIPIENT.c.pseudonym == pseudonym)
            )
            conn.execute(delete(CONTACT_CONSENT).where(CONTACT_CONSENT.c.pseudonym == pseudonym))
            result = conn.execute(
                delete(RESPONDENT).where(RESPONDENT.c.pseudonym == pseudonym)
            )
            return result

        result = await self._write(work)
        if self._sqlite_writer is not None:
            await self._scrub_wal(self._sqlite_writer)
        return bool(result.rowcount > 0)

    @staticmethod
    async def _scrub_wal(writer: SqliteThread) -> None:
        """Checkpoint the WAL to zero bytes: until then it still holds the erased rows.

        (The deleted rows themselves were zeroed in place: `secure_delete` is on.) A reader of
        an older snapshot can hold the checkpoint back; it is tried a few times, and otherwise
        SQLite's next checkpoints overwrite the WAL soon enough.
        """
        for attempt in range(SCRUB_ATTEMPTS):
            if await writer.checkpoint():
                return
            await asyncio.sleep(0.5 * (attempt + 1))
        log.warning("erased data may stay in the SQLite WAL file until its next checkpoint")

    async def respondent_chat_refs(self, *, pseudonyms: Sequence[str]) -> dict[str, str]:
        """The stored chat reference of each of these respondents that has one, by pseudonym."""
        if not pseudonyms:
            return {}
        stmt = select(RESPONDENT.c.pseudonym, RESPONDENT.c.chat_ref).where(
            RESPONDENT.c.pseudonym.in_(list(pseudonyms)), RESPONDENT.c.chat_ref.is_not(None)
        )

        def work(conn: Connection) -> dict[str, str]:
            return {row.pseudonym: row.chat_ref for row in conn.execute(stmt)}

        return await self._read(work)

    async def claim_idle_interviews(
        self, *, idle_since: datetime, now: datetime, limit: int = 100
    ) -> list[InterviewRecord]:
        """Idle interviews, each marked reminded at `now` in the same transaction."""
        candidates = idle_statement(idle_since=idle_since, study_id=None, limit=limit)
        if not is_sqlite(self._engine.url):
            # Rows another worker is claiming right now are skipped, not waited for.
            candidates = candidates.with_for_update(of=INTERVIEW, skip_locked=True)

        def work(conn: Connection) -> list[Any]:
            found = list(conn.execute(candidates))
            ids = [row.id for row in found]
            if not ids:
                return []
            # The idle condition again: a row read before another writer committed must not
            # be claimed twice (SQLite's BEGIN IMMEDIATE already serialises this).
            claimed = conn.execute(
                update(INTERVIEW)
                .where(INTERVIEW.c.id.in_(ids),
                       or_(INTERVIEW.c.reminded_at.is_(None),
                           INTERVIEW.c.reminded_at < INTERVIEW.c.updated_at))
                .values(reminded_at=now)
                .returning(INTERVIEW.c.id)
            )
            mine = set(claimed.scalars())
            return [row for row in found if row.id in mine]

        found = await self._write(work)
        return [replace(rows.interview(row), reminded_at=now) for row in found]

    async def mark_reminded(self, *, interview_id: int, now: datetime) -> None:
        """Note that a reminder was sent, so the same idle spell is not reminded twice."""
        def work(conn: Connection) -> Any:
            conn.execute(
                update(INTERVIEW).where(INTERVIEW.c.id == interview_id).values(reminded_at=now)
            )

        await self._write(work)

    async def mark_undelivered(self, *, interview_id: int, step: int) -> bool:
        """Note that the reply showing the question at `step` could not be delivered."""
        def work(conn: Connection) -> bool:
            marked = conn.execute(
                update(INTERVIEW)
                .where(INTERVIEW.c.id == interview_id, INTERVIEW.c.step == step)
                .values(undelivered_step=step)
            )
            return bool(marked.rowcount)

        return await self._write(work)

    async def mark_delivered(self, *, interview_id: int, step: int) -> None:
        """The question at `step` was shown after all."""
        def work(conn: Connection) -> None:
            conn.execute(
                update(INTERVIEW)
                .where(INTERVIEW.c.id == interview_id, INTERVIEW.c.undelivered_step == step)
                .values(undelivered_step=None)
            )

        await self._write(work)

    async def set_coding_override(
        self, *, answer_id: int, themes: Sequence[str], coder: str, now: datetime,
        independent: bool = False,
    ) -> None:  # fmt: skip
        """Record a researcher's themes for an answer (the latest one wins)."""
        def work(conn: Connection) -> Any:
            conn.execute(
                CODING_OVERRIDE.insert().values(
                    answer_id=answer_id, themes=list(themes), coder=coder, created_at=now,
                    independent=independent,
                )
            )

        await self._write(work)

    async def add_codebook_keyword(
        self, *, study_id: str, question_id: str, theme_id: str, language: str, keyword: str,
        coder: str, now: datetime,
    ) -> bool:  # fmt: skip
        """Add a keyword to a theme of a question's codebook; False if it was there already."""
        stmt = self._insert(CODEBOOK_KEYWORD).values(
            study_id=study_id, question_id=question_id, theme_id=theme_id, language=language,
            keyword=keyword, coder=coder, created_at=now,
        ).on_conflict_do_nothing()  # fmt: skip

        def work(conn: Connection) -> bool:
            return bool(conn.execute(stmt).rowcount > 0)

        return await self._write(work)

    async def codebook_keywords(self, *, study_id: str) -> list[CodebookKeywordRecord]:
        """The keywords researchers added to the study's codebooks, oldest first."""
        stmt = (
            select(CODEBOOK_KEYWORD)
            .where(CODEBOOK_KEYWORD.c.study_id == study_id)
            .order_by(CODEBOOK_KEYWORD.c.created_at, CODEBOOK_KEYWORD.c.id)
        )

        def work(conn: Connection) -> list[CodebookKeywordRecord]:
            return [
                CodebookKeywordRecord(
                    question_id=r.question_id, theme_id=r.theme_id, language=r.language,
                    keyword=r.keyword, coder=r.coder, created_at=r.created_at,
                )
                for r in conn.execute(stmt)
            ]

        return await self._read(work)

    async def study_pseudonyms(self, *, study_id: str) -> set[str]:
        """The pseudonyms of everyone with an interview in the study."""
        stmt = select(INTERVIEW.c.pseudonym).where(INTERVIEW.c.study_id == study_id).distinct()
        return await self._read(lambda conn: set(conn.execute(stmt).scalars()))

    async def import_interviews(
        self,
        *,
        study_id: str,
        script_version_id: int,
        interviews: Iterable[ImportedInterview],
        now: datetime,
    ) -> list[int]:
        """Write finished interviews and their answers, all or nothing; returns their ids."""

        def work(conn: Connection) -> list[int]:
            return bulk.write_interviews(
                conn, insert=self._insert, study_id=study_id,
                script_version_id=script_version_id, interviews=interviews, now=now,
            )

        return await self._write(work)


def create_repository(database_url: str, **engine_options: Any) -> SqlRepository:
    """A repository for the URL (no connection is opened until first use)."""
    normalise_url(database_url)  # fail early, with a readable message, on a bad scheme
    engine = build_engine(database_url, **engine_options)
    if not is_sqlite(engine.url):
        return SqlRepository(engine)
    threads = (SqliteThread(database_url, write=True), SqliteThread(database_url, write=False))
    return SqlRepository(engine, threads)
