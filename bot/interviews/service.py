"""The interview service: load the interview, run the engine, commit, then say what to send."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.engine import (
    CONSENT,
    DONE,
    Command,
    Input,
    Pick,
    State,
    Turn,
    begin,
    handle,
    prompt,
    set_language,
)
from bot.interviews.catalog import ScriptCatalog, StudyChoice
from bot.interviews.chats import Chats
from bot.interviews.contact import ContactChoice, ContactPreferences
from bot.interviews.incoming import (
    Begin,
    ChooseLanguage,
    Erase,
    Incoming,
    Pause,
    ShowCurrent,
)
from bot.interviews.outcome import Note, Outcome, Person, Reminder, Resend, StudyStats
from bot.interviews.quotas import outside_fieldwork, quota_place, with_quota
from bot.interviews.reminders import ReminderPolicy
from bot.script import Script
from bot.script.fieldwork import window_text
from bot.vocabulary import InterviewStatus
from storage import (
    AnswerRecord,
    InterviewRecord,
    QuotaFull,
    QuotaPlace,
    Repository,
    StorageUnavailable,
    pseudonymise,
)

log = logging.getLogger(__name__)

# A declined or abandoned interview is no reason to refuse a fresh /start.
_STARTABLE = frozenset({InterviewStatus.declined, InterviewStatus.abandoned})
# Telegram keeps an undelivered update 24 hours; a noted reply is kept twice that.
REPLIES_KEPT = timedelta(days=2)


def utc_now() -> datetime:
    """The default clock."""
    return datetime.now(UTC)


class InterviewService:
    """Everything a respondent can do, committed to storage before any reply is produced.

    Nothing here decides from memory: every update reads the interview inside the
    respondent's turn (`Repository.respondent_turn`), so any number of bot processes can share
    one database and each respondent's updates still run one at a time, in order.
    """

    def __init__(
        self,
        repository: Repository,
        catalog: ScriptCatalog,
        pseudonym_key: str,
        clock: Callable[[], datetime] = utc_now,
        reminders: ReminderPolicy | None = None,
    ) -> None:
        """Wire storage, scripts, the pseudonym key (kept outside the database) and a clock."""
        self.repository = repository
        self.catalog = catalog
        self._key = pseudonym_key
        self._clock = clock
        self.reminders = reminders or ReminderPolicy()
        # Where to send reminders: an address book, not a decision (storage says who is due).
        self._chats = Chats(repository, pseudonym_key)
        # Whether they may be written to after the interview (results, a later wave).
        self._contact = ContactPreferences(repository, pseudonym_key)

    # ---- respondents ---------------------------------------------------------------------------

    async def handle(self, incoming: Incoming) -> Outcome:
        """One update as one sequence: the respondent's turn, read, decide, commit, reply."""
        pseudonym = self._who(incoming.person)
        async with self.repository.respondent_turn(pseudonym=pseudonym):
            if incoming.update_id is not None and await self.repository.was_replied(
                update_id=incoming.update_id
            ):
                return Outcome("en", duplicate=True)  # answered already, maybe by another worker
            return await self._decide(incoming, pseudonym)

    def turn_of(self, person: Person) -> AbstractAsyncContextManager[None]:
        """The person's turn, for work outside an update (a job resending their question)."""
        return self.repository.respondent_turn(pseudonym=self._who(person))

    async def replied(self, update_id: int | None) -> None:
        """The reply to this update went out: a copy delivered later gets no second reply.

        Noted only after sending: a worker that dies between its commit and its reply leaves
        the copy to be answered (with the current question) by whichever worker gets it.
        """
        if update_id is None:
            return
        try:
            await self.repository.note_replied(update_id=update_id, now=self._clock())
        except StorageUnavailable:
            # The reply went out; failing the update now would only have it answered twice.
            log.warning("the reply to update %s could not be noted (storage unavailable)",
                        update_id)

    async def forget_old_replies(self) -> int:
        """Housekeeping: forget replies older than Telegram keeps updates (two days)."""
        return await self.repository.forget_replied(before=self._clock() - REPLIES_KEPT)

    async def _decide(self, incoming: Incoming, pseudonym: str) -> Outcome:
        person, request, update_id = incoming.person, incoming.input, incoming.update_id
        match request:
            case Begin(payload):
                return await self._start(person, pseudonym, payload, update_id)
            case Pause():
                return await self._pause(person, pseudonym, update_id)
            case ChooseLanguage(code):
                return await self._change_language(pseudonym, code, update_id)
            case ShowCurrent(note):
                return await self._current(person, pseudonym, note)
            case Erase():
                return await self._erase(person, pseudonym)
            case _:
                return await self._answer(person, pseudonym, request, update_id)

    async def start(self, person: Person, payload: str | None, update_id: int | None) -> Outcome:
        """/start: resume the open interview, or begin the study the deep link names."""
        return await self.handle(Incoming(person, Begin(payload), update_id))

    async def answer(self, person: Person, event: Input, update_id: int | None) -> Outcome:
        """A typed answer, a tapped button, /back, /skip, /restart or something unreadable."""
        return await self.handle(Incoming(person, event, update_id))

    async def current(self, person: Person, note: str, update_id: int | None) -> Outcome:
        """A note (e.g. "unknown command") and the current question again; nothing changes."""
        return await self.handle(Incoming(person, ShowCurrent(note), update_id))

    async def pause(self, person: Person, update_id: int | None) -> Outcome:
        """/stop: pause the interview (no reminders) until the respondent writes again."""
        return await self.handle(Incoming(person, Pause(), update_id))

    async def change_language(self, person: Person, code: str, update_id: int | None) -> Outcome:
        """Switch the respondent's language and re-ask the current question in it."""
        return await self.handle(Incoming(person, ChooseLanguage(code), update_id))

    async def erase(self, person: Person) -> Outcome:
        """Delete everything stored about the respondent (after they confirmed)."""
        return await self.handle(Incoming(person, Erase()))

    async def _start(self, person: Person, pseudonym: str, payload: str | None,
                     update_id: int | None) -> Outcome:
        choice = self.catalog.choose(payload) if payload else None
        record = await self._find_open(pseudonym, prefer=choice.study_id if choice else None)
        if record is not None and (choice is None or record.study_id == choice.study_id):
            return await self._resume(record, update_id)
        choice = choice or StudyChoice(await self._study_of(pseudonym), None)
        latest = await self.repository.latest_interview(pseudonym=pseudonym,
                                                        study_id=choice.study_id)
        if latest is not None and latest.status not in _STARTABLE and not payload:
            script = await self.catalog.for_version(latest.script_version_id)
            state = State.from_dict(latest.state)
            return _showing(latest, Outcome(state.language, messages=prompt(script, state)))
        return await self._begin(person, pseudonym, choice)

    async def _answer(self, person: Person, pseudonym: str, event: Input,
                      update_id: int | None) -> Outcome:
        record = await self._find_open(pseudonym)
        if record is None:
            return await self._without_open_interview(person, pseudonym, event)
        outcome = await self._answer_on(record, pseudonym, event, update_id)
        if outcome is None:
            # Moved on under us: only possible if something wrote outside a turn. Read again.
            record = await self._find_open(pseudonym)
            if record is None:
                return await self._without_open_interview(person, pseudonym, event)
            outcome = await self._answer_on(record, pseudonym, event, update_id)
        return outcome or Outcome(record.language or "en", duplicate=True)

    async def _answer_on(self, record: InterviewRecord, pseudonym: str, event: Input,
                         update_id: int | None) -> Outcome | None:
        """Run the event on this record; None if the record turned out to be stale."""
        if record.status == InterviewStatus.paused:
            return await self._resume(record, update_id)
        script = await self.catalog.for_version(record.script_version_id)
        state = State.from_dict(record.state)
        if record.question_unseen and _needs_the_question(state, event):
            # The reply showing this question never arrived: what they sent can't answer it.
            return _reshow(record, script, state)
        turn = await with_quota(self.repository, script, state, event,
                                handle(script, state, event))
        if not turn.changed:
            return await self._redelivered(record, update_id) or _unchanged(
                script, state, event, turn
            )
        try:
            committed = await self._commit(record, turn, update_id, quota=quota_place(script, turn))
        except QuotaFull:  # the last place went to someone else a moment ago
            turn = handle(script, state, event, full=frozenset({turn.state.group or ""}))
            committed = await self._commit(record, turn, update_id)
        if not committed:
            return await self._redelivered(record, update_id)
        await self._note_consent(pseudonym, state, turn)
        finished = turn.state.status == InterviewStatus.completed
        contact = await self._contact.current(pseudonym) if finished else None
        return Outcome(
            turn.state.language,
            messages=turn.messages,
            keyboard=turn.keyboard,
            chosen=_chosen_label(script, state, event) if turn.keyboard is None else None,
            interview_id=record.id,
            step=record.step + 1,
            finished=finished,
            contact=contact,
        )

    async def _redelivered(self, record: InterviewRecord, update_id: int | None) -> Outcome | None:
        """An update stored before a crash, delivered again: ask the current question again.

        The bot may have died between committing the answer and sending the next question; a
        silent bot would leave the respondent waiting forever. None if it is not a redelivery.
        """
        if update_id is None or not await self.repository.update_applied(
            interview_id=record.id, update_id=update_id
        ):
            return None
        fresh = await self.repository.get_interview(interview_id=record.id) or record
        script = await self.catalog.for_version(fresh.script_version_id)
        state = State.from_dict(fresh.state)
        return Outcome(state.language, messages=prompt(script, state), interview_id=fresh.id,
                       step=fresh.step, unseen=fresh.question_unseen)

    async def _current(self, person: Person, pseudonym: str, note: str) -> Outcome:
        record = await self._find_open(pseudonym)
        if record is None:
            return Outcome(await self._language(person, pseudonym),
                           notes=(Note(note), Note("help")))
        script = await self.catalog.for_version(record.script_version_id)
        state = State.from_dict(record.state)
        return _showing(record, Outcome(state.language, notes=(Note(note),),
                                        messages=prompt(script, state)))

    async def _pause(self, person: Person, pseudonym: str, update_id: int | None) -> Outcome:
        record = await self._find_open(pseudonym)
        if record is None:
            return Outcome(await self._language(person, pseudonym),
                           notes=(Note("nothing_to_pause"),))
        script = await self.catalog.for_version(record.script_version_id)
        state = State.from_dict(record.state)
        turn = handle(script, state, Command("pause"))
        if turn.changed:
            await self._commit(record, turn, update_id)
        return Outcome(state.language, notes=(Note("paused"),))

    async def _change_language(self, pseudonym: str, code: str, update_id: int | None) -> Outcome:
        await self.repository.update_respondent(pseudonym=pseudonym, language=code)
        record = await self._find_open(pseudonym)
        if record is None:
            return Outcome(code, notes=(Note("language_set"),))
        script = await self.catalog.for_version(record.script_version_id)
        turn = set_language(script, State.from_dict(record.state), code)
        if not await self._commit(record, turn, update_id):
            return Outcome(code, duplicate=True)
        return Outcome(turn.state.language, notes=(Note("language_set"),), messages=turn.messages)

    async def _erase(self, person: Person, pseudonym: str) -> Outcome:
        lang = await self._language(person, pseudonym)
        await self.repository.erase_respondent(pseudonym=pseudonym)
        self._chats.forget(pseudonym)
        return Outcome(lang, notes=(Note("deleted"),))

    async def languages(self, person: Person) -> tuple[str, list[str]]:
        """The respondent's language and those their study offers (for a picker)."""
        script = await self._script_of(self._who(person))
        return await self.language_of(person), script.languages

    async def privacy(self, person: Person) -> Outcome:
        """What is stored, by whom and why, with the study's contact."""
        script = await self._script_of(self._who(person))
        lang = await self.language_of(person)
        study = script.file.study
        values = {"title": script.text(study.title, lang), "contact": study.contact}
        return Outcome(lang, notes=(Note("privacy", values),))

    async def contact_choice(self, person: Person) -> ContactChoice | None:
        """Whether they may be written to after the interview, as they last chose."""
        return await self._contact.current(self._who(person))

    async def choose_contact(self, person: Person, choice: ContactChoice) -> Outcome:
        """Store their choice (from the end of an interview, /updates or /privacy)."""
        pseudonym = self._who(person)
        lang = await self.language_of(person)
        await self.repository.get_or_create_respondent(
            pseudonym=pseudonym, language=person.language_code, source=None, now=self._clock()
        )
        await self._contact.choose(
            pseudonym, person.user_id, choice,
            interview_open=await self._find_open(pseudonym) is not None, now=self._clock(),
        )
        return Outcome(lang, notes=(Note("contact_saved"), Note(f"contact_state_{choice.value}")))

    async def language_of(self, person: Person) -> str:
        """The language to speak to this person in, for texts outside an interview."""
        return await self._language(person, self._who(person))

    async def _language(self, person: Person, pseudonym: str) -> str:
        record = await self._find_open(pseudonym)
        if record is not None:
            return str(record.state.get("language") or record.language or "en")
        respondent = await self.repository.get_respondent(pseudonym=pseudonym)
        wanted = respondent.language if respondent and respondent.language else None
        script, _ = self.catalog.current(self.catalog.default_study)
        return script.language(wanted or person.language_code)

    async def blocked(self, person: Person) -> None:
        """The respondent blocked the bot: stop writing to them (until they come back)."""
        pseudonym = self._who(person)
        self._chats.forget(pseudonym)
        # No reminder can reach them, so the chat reference is of no more use.
        await self.repository.update_respondent(pseudonym=pseudonym, blocked_at=self._clock(),
                                                chat_ref=None)

    # ---- researchers ---------------------------------------------------------------------------

    async def stats(self) -> list[StudyStats]:
        """Starts, endings and doers / non-doers against the quota, per study."""
        figures = []
        for study_id in self.catalog.study_ids:
            script, _ = self.catalog.current(study_id)
            study = script.file.study
            counts = await self.repository.study_counts(study_id=study_id)
            title = script.text(study.title, script.languages[0])
            figures.append(StudyStats(study_id, title, counts, study.quota.doers,
                                      study.quota.non_doers,
                                      window_text(study, self._clock().date()),
                                      str(study.quota.over_quota or "")))
        return figures

    # ---- delivery ------------------------------------------------------------------------------

    async def undelivered(self, outcome: Outcome) -> None:
        """Telegram would not take the reply: its question is shown again before an answer."""
        if outcome.interview_id is None or outcome.step is None:
            return
        await self.repository.mark_undelivered(interview_id=outcome.interview_id,
                                               step=outcome.step)

    async def delivered(self, outcome: Outcome) -> None:
        """A question whose delivery had failed was shown after all."""
        if outcome.interview_id is None or outcome.step is None or not outcome.unseen:
            return
        await self.repository.mark_delivered(interview_id=outcome.interview_id,
                                             step=outcome.step)

    async def still_unseen(self, outcome: Outcome) -> bool:
        """Whether the question `outcome` shows again is still the one owed (nothing moved)."""
        if outcome.interview_id is None:
            return False
        record = await self.repository.get_interview(interview_id=outcome.interview_id)
        return record is not None and record.question_unseen and record.step == outcome.step

    async def to_resend(self) -> list[Resend]:
        """Questions whose delivery failed, for the chats this process can reach."""
        records = await self.repository.undelivered_interviews()
        chats = await self._chats.reachable([record.pseudonym for record in records])
        resend = []
        for record in records:
            chat_id = chats.get(record.pseudonym)
            if chat_id is not None:
                script = await self.catalog.for_version(record.script_version_id)
                resend.append(Resend(chat_id, _reshow(record, script,
                                                      State.from_dict(record.state))))
        return resend

    # ---- reminders -----------------------------------------------------------------------------

    async def due_reminders(self) -> list[Reminder]:
        """Reminders to send now (each interview idle spell gets one), claimed before sending.

        Every worker runs this job; the claim (a write in storage) gives each idle interview to
        one of them, so a reminder goes out once however many run, and any may die.
        """
        now = self._clock()
        if self.reminders.quiet(now):
            return []
        # Claimed even when we cannot reach the chat, so unreachable interviews do not fill
        # every batch; writing again starts a new idle spell anyway.
        idle = await self.repository.claim_idle_interviews(
            idle_since=now - self.reminders.after, now=now)
        chats = await self._chats.reachable([record.pseudonym for record in idle])
        due = []
        for record in idle:
            chat_id = chats.get(record.pseudonym)
            state = State.from_dict(record.state)
            if chat_id is None or state.status != InterviewStatus.active or state.asking_consent:
                continue
            script = await self.catalog.for_version(record.script_version_id)
            due.append(Reminder(chat_id, state.language, prompt(script, state)))
        return due

    # ---- internals -----------------------------------------------------------------------------

    def _who(self, person: Person) -> str:
        pseudonym = pseudonymise(person.user_id, self._key)
        self._chats.saw(pseudonym, person.user_id)
        return pseudonym

    async def _find_open(self, pseudonym: str, prefer: str | None = None) -> InterviewRecord | None:
        """The respondent's open interview, from storage: in `prefer` first, then in script order."""
        order = self.catalog.study_ids
        if prefer in order:
            order = [prefer, *(s for s in order if s != prefer)]
        for study_id in order:
            record = await self.repository.active_interview(pseudonym=pseudonym,
                                                            study_id=study_id)
            if record is not None:
                return record
        return None

    async def _study_of(self, pseudonym: str) -> str:
        """The study the respondent last took part in (the default study for a newcomer)."""
        latest: InterviewRecord | None = None
        for study_id in self.catalog.study_ids:
            record = await self.repository.latest_interview(pseudonym=pseudonym,
                                                            study_id=study_id)
            if record is not None and (latest is None or record.id > latest.id):
                latest = record
        return latest.study_id if latest is not None else self.catalog.default_study

    async def _script_of(self, pseudonym: str) -> Script:
        record = await self._find_open(pseudonym)
        if record is not None:
            return await self.catalog.for_version(record.script_version_id)
        return self.catalog.current(await self._study_of(pseudonym))[0]

    async def _begin(self, person: Person, pseudonym: str, choice: StudyChoice) -> Outcome:
        now = self._clock()
        script, version_id = self.catalog.current(choice.study_id)
        closed = await self._outside_fieldwork(person, pseudonym, script)
        if closed is not None:
            return closed
        respondent = await self.repository.get_or_create_respondent(
            pseudonym=pseudonym, language=person.language_code, source=choice.source, now=now
        )
        if respondent.opted_out_at or respondent.blocked_at:  # they came back
            await self.repository.update_respondent(pseudonym=pseudonym, opted_out_at=None,
                                                    blocked_at=None)
        turn = begin(script, language=respondent.language or person.language_code,
                     source=choice.source)
        started = await self.repository.start_interview(
            pseudonym=pseudonym, study_id=choice.study_id, script_version_id=version_id,
            state=turn.state.to_dict(), now=now, source=choice.source,
            language=turn.state.language, step=turn.state.step,
        )
        return Outcome(turn.state.language, messages=turn.messages, interview_id=started.id,
                       step=started.step)

    async def _without_open_interview(
        self, person: Person, pseudonym: str, event: Input
    ) -> Outcome:
        study_id = await self._study_of(pseudonym)
        latest = await self.repository.latest_interview(pseudonym=pseudonym, study_id=study_id)
        if latest is None or latest.status in _STARTABLE:
            return await self._begin(person, pseudonym, StudyChoice(study_id, None))
        script = await self.catalog.for_version(latest.script_version_id)
        state = State.from_dict(latest.state)
        if not (isinstance(event, Command) and event.name == "restart"):
            return _showing(latest, Outcome(state.language, messages=prompt(script, state)))
        # Answering again after the end is a new interview; the finished one stays as it was.
        closed = await self._outside_fieldwork(person, pseudonym, script)
        if closed is not None:
            return closed
        turn = handle(script, state, event)
        await self.repository.start_interview(
            pseudonym=pseudonym, study_id=study_id, script_version_id=latest.script_version_id,
            state=turn.state.to_dict(), now=self._clock(), source=state.source,
            language=turn.state.language, step=turn.state.step,
        )
        return Outcome(turn.state.language, messages=turn.messages)

    async def _outside_fieldwork(self, person: Person, pseudonym: str,
                                 script: Script) -> Outcome | None:
        """A friendly word, and nothing stored, before the study opens or after it closed."""
        study = script.file.study
        if study.opens is None and study.closes is None:
            return None
        respondent = await self.repository.get_respondent(pseudonym=pseudonym)
        wanted = respondent.language if respondent and respondent.language else None
        lang = script.language(wanted or person.language_code)
        said = outside_fieldwork(script, lang, self._clock().date())
        return Outcome(lang, messages=said) if said else None

    async def _resume(self, record: InterviewRecord, update_id: int | None) -> Outcome:
        script = await self.catalog.for_version(record.script_version_id)
        state = State.from_dict(record.state)
        if record.status != InterviewStatus.paused:
            return _showing(record, Outcome(state.language, messages=prompt(script, state)))
        turn = handle(script, state, Command("resume"))
        await self._commit(record, turn, update_id)
        return Outcome(turn.state.language, notes=(Note("resumed"),), messages=turn.messages)

    async def _commit(self, record: InterviewRecord, turn: Turn, update_id: int | None, *,
                      quota: QuotaPlace | None = None) -> bool:
        """Persist a turn with compare-and-set on the stored step; False if stale or replayed."""
        state, now = turn.state, self._clock()
        new_state, stored, group = state.to_dict(), state.status, state.group
        applied = await self.repository.advance(
            interview_id=record.id, expected_step=record.step, new_state=new_state,
            status=stored, group=group, now=now,
            answers=[AnswerRecord(a.question_id, a.value, a.raw or None, a.probe, a.asked)
                     for a in turn.answers],
            update_id=update_id, clear_answers=turn.cleared, withdrawn=turn.withdrawn,
            quota=quota,
        )
        return applied

    async def _note_consent(self, pseudonym: str, before: State, turn: Turn) -> None:
        if not before.asking_consent:
            return
        now = self._clock()
        if turn.state.status == InterviewStatus.declined:  # never remind someone who said no
            await self.repository.update_respondent(pseudonym=pseudonym, opted_out_at=now,
                                                    chat_ref=None)
        elif not turn.state.asking_consent:
            # Only now is the chat worth keeping (sealed): for one reminder after a restart.
            await self.repository.update_respondent(pseudonym=pseudonym, consent_at=now,
                                                    chat_ref=self._chats.sealed(pseudonym))


def _needs_the_question(state: State, event: Input) -> bool:
    """Whether the input would answer or skip the current question, and might not have seen it.

    A tap on the question's own button shows it was seen; /back and /restart are about others.
    """
    if isinstance(event, Command):
        return event.name == "skip"
    current = CONSENT if state.asking_consent else state.current
    return not (isinstance(event, Pick) and event.question_id == current)


def _showing(record: InterviewRecord, outcome: Outcome) -> Outcome:
    """`outcome` as showing the record's current question (owed, if its delivery had failed)."""
    return replace(outcome, interview_id=record.id, step=record.step,
                   unseen=record.question_unseen)


def _reshow(record: InterviewRecord, script: Script, state: State) -> Outcome:
    """The current question again, for someone its earlier delivery never reached."""
    return Outcome(state.language, notes=(Note("resent"),), messages=prompt(script, state),
                   interview_id=record.id, step=record.step, unseen=True)


def _unchanged(script: Script, state: State, event: Input, turn: Turn) -> Outcome:
    """What to say about an input that changed nothing: its re-ask, or where the interview is."""
    if (turn.messages or not isinstance(event, Pick) or state.status != InterviewStatus.active
            or state.asking_consent):
        return Outcome(state.language, messages=turn.messages)
    previous = state.history[-1] if state.history else None
    again = (previous == event.question_id and str(state.answers.get(previous)) == event.value)
    if again or (event.question_id == CONSENT and event.value == "yes" and state.consented):
        # The same button once more (a double tap): the answer stands, its next question is
        # right below it already.
        return Outcome(state.language, duplicate=True)
    # A button left on a question answered already (often by typing): say so, show the current.
    return Outcome(state.language, notes=(Note("already_answered"),),
                   messages=prompt(script, state))


def _chosen_label(script: Script, state: State, event: Input) -> str | None:
    """How the accepted tap reads, to mark it on the question message."""
    if not isinstance(event, Pick):
        return None
    if event.question_id == CONSENT:
        return script.message("consent_yes" if event.value == "yes" else "consent_no",
                              state.language)
    if event.value == DONE:
        return script.answer_label(event.question_id, list(state.selected), state.language)
    return script.answer_label(event.question_id, event.value, state.language)
