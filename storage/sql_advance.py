"""One interview transition (`Repository.advance`) as SQL, its statements built once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, bindparam, delete, func, select, update
from sqlalchemy.engine import Connection

from bot.vocabulary import Group, InterviewStatus
from storage.records import QuotaPlace
from storage.rows import ANSWER, APPLIED_UPDATE, CODING_OVERRIDE, INTERVIEW, STUDY


class Unchanged(Exception):
    """Raised inside a write transaction to roll it back (stale step, replayed update)."""


class NoPlaceLeft(Exception):
    """Raised inside a write transaction to roll it back: the group's quota is full."""


def delete_answers(conn: Connection, *where: ColumnElement[bool]) -> int:
    """Delete the answers matching `where` and their coding overrides; returns how many."""
    # Overrides first and explicitly, rather than trusting ON DELETE CASCADE: SQLite only
    # cascades when the foreign_keys pragma is on for that connection.
    answer_ids = select(ANSWER.c.id).where(*where)
    conn.execute(delete(CODING_OVERRIDE).where(CODING_OVERRIDE.c.answer_id.in_(answer_ids)))
    return int(conn.execute(delete(ANSWER).where(*where)).rowcount)


class AdvanceStatements:
    """The statements of `advance`, built once per repository.

    Building a statement and its cache key costs more than SQLAlchemy's execution of an already
    compiled one, and `advance` runs once per respondent message.
    """

    def __init__(self, insert: Callable[[Any], Any]) -> None:
        """Build with the dialect's INSERT (it must understand ON CONFLICT)."""
        self.claim = insert(APPLIED_UPDATE).on_conflict_do_nothing()
        # Quota places: the study's row is locked (PostgreSQL; SQLite's writers are serialised
        # by BEGIN IMMEDIATE already), then the group's completed interviews are counted.
        study_of = (
            select(INTERVIEW.c.study_id)
            .where(INTERVIEW.c.id == bindparam("b_interview"))
            .scalar_subquery()
        )
        self.lock_study = select(STUDY.c.id).where(STUDY.c.id == study_of).with_for_update()
        self.kept = select(func.count()).where(
            INTERVIEW.c.study_id == study_of,
            INTERVIEW.c.group == bindparam("b_group"),
            INTERVIEW.c.status == InterviewStatus.completed.value,
            INTERVIEW.c.id != bindparam("b_interview"),
        )
        # Bind names differ from column names: those are reserved for the SET clause.
        self.move = update(INTERVIEW).where(
            INTERVIEW.c.id == bindparam("b_interview"), INTERVIEW.c.step == bindparam("b_step")
        )
        upsert = insert(ANSWER)
        self.upsert = upsert.on_conflict_do_update(
            index_elements=[ANSWER.c.interview_id, ANSWER.c.question_id, ANSWER.c.probe],
            set_={
                "raw_text": upsert.excluded.raw_text,
                "value": upsert.excluded.value,
                "answered_at": upsert.excluded.answered_at,
                "update_id": upsert.excluded.update_id,
                "probe_asked": upsert.excluded.probe_asked,
            },
        )
        # Their coding overrides go by the foreign key's ON DELETE CASCADE, one statement less
        # per answer: PostgreSQL always applies it, and every SQLite connection of ours turns
        # foreign_keys on (`tune_sqlite`); the contract tests check it on both.
        # A researcher's coding of a main answer that the respondent then changed (after /back)
        # describes words no longer stored: it goes. Re-giving the same text keeps it.
        changed_main = select(ANSWER.c.id).where(
            ANSWER.c.interview_id == bindparam("b_interview"),
            ANSWER.c.question_id == bindparam("b_question"),
            ANSWER.c.probe == 0,
            ANSWER.c.raw_text.is_distinct_from(bindparam("b_raw")),
        )
        self.drop_stale_coding = delete(CODING_OVERRIDE).where(
            CODING_OVERRIDE.c.answer_id.in_(changed_main)
        )
        # Every answer (main and probes) to a question whose answer no longer counts.
        self.drop_withdrawn = delete(ANSWER).where(
            ANSWER.c.interview_id == bindparam("b_interview"),
            ANSWER.c.question_id == bindparam("b_question"),
        )
        self.drop_probes = delete(ANSWER).where(
            ANSWER.c.interview_id == bindparam("b_interview"),
            ANSWER.c.question_id == bindparam("b_question"),
            ANSWER.c.probe > 0,
        )

    def run(
        self,
        conn: Connection,
        *,
        interview_id: int,
        expected_step: int,
        values: dict[str, Any],
        answers: Sequence[dict[str, Any]],
        update_id: int | None,
        clear_answers: bool,
        withdrawn: Sequence[str] = (),
        quota: QuotaPlace | None = None,
    ) -> None:
        """The transition's body; raises `Unchanged` (to roll back) if stale or replayed, and
        `NoPlaceLeft` if `quota` has no place left."""
        if quota is not None:
            conn.execute(self.lock_study, {"b_interview": interview_id})
            kept = conn.execute(
                self.kept, {"b_interview": interview_id, "b_group": Group(quota.group).value}
            ).scalar_one()
            if kept >= quota.target:
                raise NoPlaceLeft
        if update_id is not None:
            claimed = conn.execute(
                self.claim, {"interview_id": interview_id, "update_id": update_id}
            )
            if claimed.rowcount != 1:
                raise Unchanged
        moved = conn.execute(
            self.move, {"b_interview": interview_id, "b_step": expected_step, **values}
        )
        if moved.rowcount != 1:
            raise Unchanged
        if clear_answers:
            delete_answers(conn, ANSWER.c.interview_id == interview_id)
        else:
            # A new main answer makes the probe answers given to the one it replaces meaningless
            # (after /back); they go, or analysis would read them as this answer's follow-ups.
            mains = [{"b_interview": interview_id, "b_question": a["question_id"]}
                     for a in answers if a["probe"] == 0]
            if mains:
                conn.execute(self.drop_probes, mains)
                texts = [{"b_interview": interview_id, "b_question": a["question_id"],
                          "b_raw": a["raw_text"]} for a in answers if a["probe"] == 0]
                conn.execute(self.drop_stale_coding, texts)
            if withdrawn:
                conn.execute(self.drop_withdrawn, [{"b_interview": interview_id, "b_question": q}
                                                   for q in withdrawn])
        if answers:
            conn.execute(self.upsert, list(answers))
