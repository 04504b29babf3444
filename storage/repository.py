"""The storage interface every backend implements; callers use only this."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any

from bot.vocabulary import Group, InterviewStatus
from storage.outreach import (
    Audience,
    BroadcastRecord,
    ClaimedRecipient,
    ContactConsentRecord,
    RecipientStatus,
    Segment,
)
from storage.records import (
    KEEP,
    AnswerColumnBatch,
    AnswerRecord,
    AnswerRow,
    CodebookKeywordRecord,
    CodingOverrideRecord,
    ImportedInterview,
    InterviewHeader,
    InterviewRecord,
    Keep,
    LongAnswerBatch,
    QuotaPlace,
    RespondentRecord,
    ScriptVersionRecord,
    StoredAnswer,
    StudyCounts,
)
from storage.waves import WaveTally


class Repository(ABC):
    """Async persistence of studies, respondents, interviews and answers."""

    @abstractmethod
    def respondent_turn(self, *, pseudonym: str) -> AbstractAsyncContextManager[None]:
        """Hold the respondent's turn: no other task, in any process, holds it meanwhile.

        `async with repository.respondent_turn(pseudonym=p):` makes one update one sequence:
        read the interview, decide, write. Turns of one respondent run one after another, in
        the order they asked. On PostgreSQL the turn is one transaction (an advisory lock on the
        respondent) that every call of this repository from the same task joins, committed when
        the block ends and rolled back if it raises. SQLite serves one process: the turn is a
        lock in that process, and calls commit one by one.
        """

    @abstractmethod
    async def healthy(self) -> bool:
        """Whether the database answers a trivial query now (for health checks; never raises)."""

    @abstractmethod
    async def register_script(
        self, *, study_id: str, title: str, text: str, now: datetime
    ) -> ScriptVersionRecord:
        """Store a script text; the same text for the same study gives back the same version."""

    @abstractmethod
    async def get_script_version(self, *, version_id: int) -> ScriptVersionRecord | None:
        """The script text an interview was started on."""

    @abstractmethod
    async def get_or_create_respondent(
        self, *, pseudonym: str, language: str | None, source: str | None, now: datetime
    ) -> RespondentRecord:
        """The respondent with this pseudonym, created on first contact."""

    @abstractmethod
    async def get_respondent(self, *, pseudonym: str) -> RespondentRecord | None:
        """The respondent with this pseudonym, if any."""

    @abstractmethod
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
        """Change the given fields (None clears one); False if there is no such respondent.

        `chat_ref` is an opaque, already encrypted reference to the respondent's chat.
        """

    @abstractmethod
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

    @abstractmethod
    async def get_interview(self, *, interview_id: int) -> InterviewRecord | None:
        """One interview by id."""

    @abstractmethod
    async def active_interview(self, *, pseudonym: str, study_id: str) -> InterviewRecord | None:
        """The newest active or paused interview of this respondent in this study."""

    @abstractmethod
    async def latest_interview(self, *, pseudonym: str, study_id: str) -> InterviewRecord | None:
        """The newest interview of this respondent in this study, whatever its status."""

    @abstractmethod
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
        """Apply one transition if the interview is still at `expected_step`.

        In one short transaction: the step becomes `expected_step + 1`, the state, status and
        group are replaced, `clear_answers` first deletes every earlier answer of the interview
        (a restart), and each answer replaces any earlier one for its (question, probe); a main
        answer (probe 0) also deletes its question's earlier probe answers, which belonged to the
        answer it replaces. Every answer (probes too) to a question in `withdrawn` is deleted: the
        engine no longer counts it (a branch closed after /back changed the answer that opened
        it). Deleted answers take their coding overrides with them.
        Returns False and changes nothing when the step moved on (a stale or double tap) or
        `update_id` was already applied to this interview (a redelivered update).
        With `quota` (a completion), raises `QuotaFull` and changes nothing when the group
        already has `quota.target` completed interviews: checked in the same transaction.
        """

    @abstractmethod
    async def update_applied(self, *, interview_id: int, update_id: int) -> bool:
        """Whether `advance` already applied this Telegram update to this interview."""

    @abstractmethod
    async def note_replied(self, *, update_id: int, now: datetime) -> None:
        """Record that the reply to this Telegram update went out (a copy then gets none)."""

    @abstractmethod
    async def was_replied(self, *, update_id: int) -> bool:
        """Whether the reply to this Telegram update went out already."""

    @abstractmethod
    async def forget_replied(self, *, before: datetime) -> int:
        """Forget replies noted before `before` (Telegram resends nothing that old); how many."""

    @abstractmethod
    async def clear_answers(self, *, interview_id: int) -> int:
        """Forget an interview's answers (the respondent restarted); returns how many."""

    @abstractmethod
    async def erase_respondent(self, *, pseudonym: str) -> bool:
        """Delete the respondent and everything about them from every table."""

    @abstractmethod
    async def idle_interviews(
        self, *, idle_since: datetime, study_id: str | None = None, limit: int = 100
    ) -> list[InterviewRecord]:
        """Active interviews untouched since `idle_since`, not yet reminded since, oldest first.

        Respondents who opted out or blocked the bot are left out.
        """

    @abstractmethod
    async def claim_idle_interviews(
        self, *, idle_since: datetime, now: datetime, limit: int = 100
    ) -> list[InterviewRecord]:
        """`idle_interviews`, each marked reminded at `now` in the same transaction.

        Processes claiming at the same time get different interviews, so each idle spell is
        reminded once however many workers run the reminder job.
        """

    @abstractmethod
    async def respondent_chat_refs(self, *, pseudonyms: Sequence[str]) -> dict[str, str]:
        """The stored chat reference of each of these respondents that has one, by pseudonym."""

    @abstractmethod
    async def mark_reminded(self, *, interview_id: int, now: datetime) -> None:
        """Note that a reminder was sent, so the same idle spell is not reminded twice."""

    @abstractmethod
    async def mark_undelivered(self, *, interview_id: int, step: int) -> bool:
        """Note that the reply showing the question at `step` could not be delivered.

        Only while the interview is still at `step`; False if it moved on meanwhile.
        """

    @abstractmethod
    async def mark_delivered(self, *, interview_id: int, step: int) -> None:
        """The question at `step` was shown after all: clear the note `mark_undelivered` left."""

    @abstractmethod
    async def undelivered_interviews(self, *, limit: int = 100) -> list[InterviewRecord]:
        """Interviews whose current question could not be delivered, longest waiting first.

        Respondents who opted out or blocked the bot are left out.
        """

    @abstractmethod
    async def study_counts(self, *, study_id: str) -> StudyCounts:
        """How many interviews of the study started and how they ended."""

    @abstractmethod
    def stream_answers(self, *, study_id: str) -> AsyncIterator[StoredAnswer]:
        """Every answer of the study by interview, then in the order first recorded; streamed."""

    @abstractmethod
    def stream_answer_batches(
        self, *, study_id: str, batch_size: int = 5000
    ) -> AsyncIterator[list[AnswerRow]]:
        """`stream_answers` in lists of up to `batch_size` plain rows: the fast path for exports."""

    @abstractmethod
    def stream_long_batches(
        self, *, study_id: str, batch_size: int = 5000
    ) -> AsyncIterator[LongAnswerBatch]:
        """`stream_answers` as `LongAnswerRow` batches of up to `batch_size`: the long export's read."""

    @abstractmethod
    def stream_interviews(self, *, study_id: str) -> AsyncIterator[InterviewRecord]:
        """Every interview of the study in start order; streamed."""

    @abstractmethod
    def stream_interview_headers(
        self, *, study_id: str, batch_size: int = 50_000
    ) -> AsyncIterator[list[InterviewHeader]]:
        """Every interview of the study in start order, without its state, in lists."""

    @abstractmethod
    def stream_answer_columns(
        self, *, study_id: str, batch_size: int = 50_000
    ) -> AsyncIterator[AnswerColumnBatch]:
        """`stream_answers`' order in column batches of about `batch_size` answers: the report's read."""

    @abstractmethod
    async def set_coding_override(
        self, *, answer_id: int, themes: Sequence[str], coder: str, now: datetime,
        independent: bool = False,
    ) -> None:  # fmt: skip
        """Record a researcher's themes for an answer (the latest one wins).

        `independent`: a second coder's coding, kept apart to measure agreement; never in force.
        """

    @abstractmethod
    async def coding_overrides(
        self, *, study_id: str, independent: bool = False
    ) -> dict[int, CodingOverrideRecord]:
        """The latest override of each overridden answer in the study, by answer id.

        `independent`: the second coder's codings instead of those in force.
        """

    @abstractmethod
    async def add_codebook_keyword(
        self, *, study_id: str, question_id: str, theme_id: str, language: str, keyword: str,
        coder: str, now: datetime,
    ) -> bool:  # fmt: skip
        """Add a keyword to a theme of a question's codebook; False if it was there already."""

    @abstractmethod
    async def codebook_keywords(self, *, study_id: str) -> list[CodebookKeywordRecord]:
        """The keywords researchers added to the study's codebooks, oldest first."""

    @abstractmethod
    async def study_pseudonyms(self, *, study_id: str) -> set[str]:
        """The pseudonyms of everyone with an interview in the study (imports refuse them again)."""

    @abstractmethod
    async def import_interviews(
        self,
        *,
        study_id: str,
        script_version_id: int,
        interviews: Iterable[ImportedInterview],
        now: datetime,
    ) -> list[int]:
        """Write finished interviews and their answers, all or nothing; returns their ids.

        `interviews` is consumed inside one write transaction, a batch at a time, so it may be a
        generator streaming a large file; if it raises, nothing is stored and the error goes on.
        """

    # ---- writing to respondents after their interview ---------------------------------------

    @abstractmethod
    async def set_contact_consent(
        self, *, pseudonym: str, results: bool, follow_up: bool, now: datetime
    ) -> bool:
        """Record whether they want to hear of the results and be asked again later.

        Replaces any earlier choice; False if there is no such respondent.
        """

    @abstractmethod
    async def contact_consent(self, *, pseudonym: str) -> ContactConsentRecord | None:
        """The respondent's latest choice, or None if they never made one."""

    @abstractmethod
    async def open_broadcast(
        self, *, study_id: str, name: str, sha256: str, texts: dict[str, str], fallback: str,
        now: datetime,
    ) -> BroadcastRecord:
        """The broadcast of this study with this name, created on its first run.

        An existing one comes back as first stored: its fingerprint and texts win.
        """

    @abstractmethod
    async def find_broadcast(self, *, study_id: str, name: str) -> BroadcastRecord | None:
        """The broadcast of this study with this name, if a run began it."""

    @abstractmethod
    async def study_broadcasts(self, *, study_id: str) -> list[BroadcastRecord]:
        """Every broadcast of the study (wave invitations too), the newest first."""

    @abstractmethod
    async def enrol_recipients(
        self, *, broadcast_id: int, study_id: str, audience: Audience, segment: Segment,
        completed_before: datetime | None = None, not_in_study: str | None = None,
    ) -> int:
        """Add every reachable, consenting respondent of the study in the segment (idempotent).

        A wave takes only those who completed the study before `completed_before` and have no
        interview in `not_in_study` (the wave's own study). Returns how many were added; those
        enrolled already keep their row and status.
        """

    @abstractmethod
    async def count_candidates(
        self, *, study_id: str, audience: Audience, segment: Segment
    ) -> dict[str | None, int]:
        """How many respondents `enrol_recipients` would take now, by language."""

    @abstractmethod
    async def claim_recipients(
        self, *, broadcast_id: int, audience: Audience, limit: int, now: datetime,
        not_in_study: str | None = None,
    ) -> list[ClaimedRecipient]:
        """Take up to `limit` pending recipients for this run; nobody is ever claimed twice.

        Anyone who withdrew consent, blocked the bot, became unreachable or (for a wave) began
        `not_in_study` meanwhile is skipped instead.
        """

    @abstractmethod
    async def settle_recipient(
        self, *, broadcast_id: int, pseudonym: str, status: RecipientStatus, now: datetime
    ) -> None:
        """Record how a claimed send ended (blocked also marks the respondent blocked)."""

    @abstractmethod
    async def release_stale_claims(
        self, *, broadcast_id: int, claimed_before: datetime, now: datetime
    ) -> int:
        """Mark rows claimed before `claimed_before` (their run died) in doubt; never resent."""

    @abstractmethod
    async def release_claims(self, *, broadcast_id: int, pseudonyms: list[str]) -> int:
        """Give back claims whose send never began (a run stopping cleanly) to pending."""

    @abstractmethod
    async def broadcast_tally(self, *, broadcast_id: int) -> dict[RecipientStatus, int]:
        """How many recipients of the broadcast stand where."""

    @abstractmethod
    async def enrol_wave_reminders(
        self, *, broadcast_id: int, invitation_id: int, sent_after: datetime,
        sent_before: datetime, wave_study: str,
    ) -> int:
        """Add to a wave's reminder those invited between the times who have not begun it."""

    @abstractmethod
    async def wave_tally(self, *, study_id: str, wave_study: str, completed_before: datetime,
                         invitation_id: int | None, reminder_id: int | None) -> WaveTally:
        """How many are due to a wave now, and how many were invited, reminded, took part."""

    @abstractmethod
    async def close(self) -> None:
        """Release the database connections."""
