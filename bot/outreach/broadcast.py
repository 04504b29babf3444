"""Sending one message to every opted-in respondent: paced, resumable, never twice to anyone.

The sequence per recipient is: claim (a short write) → pace → send → settle (a short write).
A run that dies leaves at most the rows it had claimed but not settled; those are never sent
again ("in doubt"), because whether Telegram delivered them cannot be known.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from bot.interviews.chat_ref import ChatRefKey, open_ref
from bot.outreach.pace import Pace, Slot
from storage import (
    Audience,
    BroadcastRecord,
    ClaimedRecipient,
    RecipientStatus,
    Repository,
    Segment,
)

log = logging.getLogger(__name__)

TELEGRAM_RATE = 30.0  # messages a second per bot (Telegram's free broadcast limit)
CLAIM_BATCH = 2  # claimed a moment ahead: few rows in doubt if the run dies
MAX_IN_FLIGHT = 64
STALE_CLAIM = timedelta(minutes=10)  # an older claim belongs to a run that died


@dataclass(frozen=True)
class Retry:
    """Telegram asked to wait (429): the message was not sent and may be tried again."""

    after: float


SendResult = RecipientStatus | Retry
Send = Callable[[int, str], Awaitable[SendResult]]
# Adds the recipients due now to the broadcast with this id (idempotent); returns how many.
Enrol = Callable[[int], Awaitable[int]]


class BroadcastChanged(ValueError):
    """A broadcast was resumed with other texts or another segment than it began with."""


def changed(plan: Plan) -> BroadcastChanged:
    """The refusal to send `plan` under a name begun with other texts (says what to do)."""
    return BroadcastChanged(
        f"The broadcast {plan.name!r} of {plan.study_id} was begun with other texts, figures "
        "or segment. To send this version too, give it a new name; to finish the first one, "
        "send it with the texts and segment it was begun with."
    )


@dataclass(frozen=True)
class Plan:
    """What to send to whom: texts by language (figures already filled in) and the audience."""

    study_id: str
    name: str
    texts: Mapping[str, str]
    fallback: str  # the language of people whose own language has no text
    audience: Audience = Audience.RESULTS
    segment: Segment = field(default_factory=Segment)
    # What the texts were made from (the message file's templates), when figures were filled
    # in: a resumed run is the same broadcast even if the figures moved since.
    source: Mapping[str, str] | None = None

    def text_for(self, language: str | None) -> str:
        """The text in the recipient's language, else in the fallback language."""
        return self.texts.get(language or self.fallback) or self.texts[self.fallback]

    @property
    def sha256(self) -> str:
        """A fingerprint of the texts, audience and segment (a resumed run must match it)."""
        content = {
            "texts": dict(sorted((self.source or self.texts).items())),
            "fallback": self.fallback,
            "audience": self.audience.value,
            "segment": [self.segment.group.value if self.segment.group else None,
                        self.segment.language, self.segment.source],
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class BroadcastSummary:
    """How a run ended: every recipient's standing, and what this run did."""

    name: str
    tally: Mapping[RecipientStatus, int]
    enrolled: int  # recipients added by this run (people who opted in since an earlier run)
    sent_now: int
    seconds: float

    @property
    def total(self) -> int:
        """Everyone the broadcast was ever meant for."""
        return sum(self.tally.values())

    def count(self, status: RecipientStatus) -> int:
        """How many recipients stand at `status`."""
        return self.tally.get(status, 0)

    @property
    def in_doubt(self) -> int:
        """Sends that may or may not have arrived (a timeout, or a run that died mid-send)."""
        return self.count(RecipientStatus.IN_DOUBT) + self.count(RecipientStatus.CLAIMED)


Progress = Callable[[int, int], None]  # (settled, total)


def utc_now() -> datetime:
    """The default clock for stored times."""
    return datetime.now(UTC)


class Broadcaster:
    """Runs a `Plan`: enrols recipients, then claims, paces, sends and settles them."""

    def __init__(self, repository: Repository, pseudonym_key: str, send: Send, *,
                 rate: float = TELEGRAM_RATE, claim_batch: int = CLAIM_BATCH,
                 pace: Pace | None = None, clock: Callable[[], datetime] = utc_now) -> None:
        """`send(chat_id, text)` talks to Telegram; everything else is storage and pacing."""
        self._repository = repository
        self._key = ChatRefKey(pseudonym_key)
        self._send = send
        self._pace = pace or Pace(rate)
        self._batch = claim_batch
        self._clock = clock
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)

    async def start(self, plan: Plan) -> tuple[BroadcastRecord, Plan]:
        """The stored broadcast and the plan as first stored; refuses one begun otherwise."""
        record = await self._repository.open_broadcast(
            study_id=plan.study_id, name=plan.name, sha256=plan.sha256, texts=dict(plan.texts),
            fallback=plan.fallback, now=self._clock(),
        )
        if record.sha256 != plan.sha256:
            raise changed(plan)
        # The words first sent, even if the figures in them moved since.
        return record, replace(plan, texts=record.texts, fallback=record.fallback)

    async def run(self, plan: Plan, progress: Progress | None = None, *,
                  enrol: Enrol | None = None, not_in_study: str | None = None,
                  max_sends: int | None = None, current_texts: bool = False) -> BroadcastSummary:
        """Send the plan's message to every recipient not yet claimed; returns the summary.

        A wave's invitation or reminder enrols only those due its own way (`enrol`), passes
        over anyone who has begun the wave meanwhile (`not_in_study`), sends at most
        `max_sends` a run, and uses the script's current wording (`current_texts`) rather than
        the words first sent.
        """
        began = time.perf_counter()
        record, first = await self.start(plan)
        plan = plan if current_texts else first

        async def enrol_due() -> int:
            if enrol is not None:
                return await enrol(record.id)
            return await self._repository.enrol_recipients(
                broadcast_id=record.id, study_id=plan.study_id, audience=plan.audience,
                segment=plan.segment,
            )

        return await self._go(record, plan, progress, enrol_due, max_sends, began, not_in_study)

    async def resume(self, record: BroadcastRecord, audience: Audience,
                     progress: Progress | None = None) -> BroadcastSummary:
        """Go on sending a broadcast begun earlier to the recipients it has, in its first words.

        Nobody is enrolled (the segment it was begun with is not stored): this finishes what a
        stopped or crashed run left pending. Sending its plan again also adds people who opted
        in since.
        """
        plan = Plan(record.study_id, record.name, record.texts, record.fallback, audience)
        return await self._go(record, plan, progress, None, None, time.perf_counter())

    async def _go(self, record: BroadcastRecord, plan: Plan, progress: Progress | None,
                  enrol: Callable[[], Awaitable[int]] | None, max_sends: int | None,
                  began: float, not_in_study: str | None = None) -> BroadcastSummary:
        """Release the claims of a run that died, enrol, then send to everyone pending."""
        repo = self._repository
        now = self._clock()
        await repo.release_stale_claims(broadcast_id=record.id,
                                        claimed_before=now - STALE_CLAIM, now=now)
        enrolled = 0 if enrol is None else await enrol()
        tally = await repo.broadcast_tally(broadcast_id=record.id)
        total = sum(tally.values())
        counter = _Counter(total - tally.get(RecipientStatus.PENDING, 0), total, progress)
        counter.report()
        await self._send_all(record.id, plan, counter, max_sends, not_in_study)
        final = await repo.broadcast_tally(broadcast_id=record.id)
        counter.done = total - final.get(RecipientStatus.PENDING, 0)
        counter.report()
        return BroadcastSummary(plan.name, final, enrolled, counter.sent,
                                time.perf_counter() - began)

    async def _send_all(self, broadcast_id: int, plan: Plan, counter: _Counter,
                        max_sends: int | None, not_in_study: str | None) -> None:
        """Claim a few recipients ahead (in the background) and send to each at the pace."""
        # Claims run ahead of the sends by at most two batches: the pace never waits for the
        # database, and a run that dies leaves few claimed rows unsent.
        ahead: asyncio.Queue[ClaimedRecipient | None] = asyncio.Queue(maxsize=self._batch)
        unsent: dict[str, None] = {}  # claimed, and no send begun: given back if we stop
        # A claim commits even if we stop while it runs: kept, to give its rows back too.
        claiming: asyncio.Future[list[ClaimedRecipient]] | None = None

        async def claim() -> None:
            nonlocal claiming
            left = max_sends
            while left is None or left > 0:
                claiming = asyncio.ensure_future(self._repository.claim_recipients(
                    broadcast_id=broadcast_id, audience=plan.audience,
                    limit=self._batch if left is None else min(self._batch, left),
                    now=self._clock(), not_in_study=not_in_study,
                ))
                batch = await asyncio.shield(claiming)
                claiming = None
                if not batch:
                    break
                left = None if left is None else left - len(batch)
                unsent.update(dict.fromkeys(r.pseudonym for r in batch))
                for recipient in batch:
                    await ahead.put(recipient)
            await ahead.put(None)

        claimer = asyncio.create_task(claim())
        tasks: set[asyncio.Task[None]] = set()
        try:
            while (recipient := await ahead.get()) is not None:
                await self._in_flight.acquire()
                slot = await self._pace.acquire()
                task = asyncio.create_task(
                    self._deliver(broadcast_id, recipient, plan, counter, slot))
                unsent.pop(recipient.pseudonym, None)
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            await claimer  # re-raises a failed claim
            if tasks:
                await asyncio.gather(*tasks)
        finally:
            # Stopped (Ctrl-C, SIGTERM, an error): sends under way finish and are settled, and
            # claims whose send never began go back to pending, so the next run sends them.
            claimer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await claimer
            if claiming is not None:
                with contextlib.suppress(Exception):
                    unsent.update(dict.fromkeys(r.pseudonym for r in await claiming))
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
            if unsent:
                await self._repository.release_claims(broadcast_id=broadcast_id,
                                                      pseudonyms=list(unsent))

    async def _deliver(self, broadcast_id: int, recipient: ClaimedRecipient, plan: Plan,
                       counter: _Counter, slot: Slot) -> None:
        """Send to one claimed recipient and settle the row, whatever happens."""
        try:
            status = await self._send_once(recipient, plan, slot)
            await self._repository.settle_recipient(
                broadcast_id=broadcast_id, pseudonym=recipient.pseudonym, status=status,
                now=self._clock(),
            )
            counter.settled(status)
        finally:
            self._in_flight.release()

    async def _send_once(self, recipient: ClaimedRecipient, plan: Plan,
                         slot: Slot) -> RecipientStatus:
        chat_id = open_ref(recipient.chat_ref, self._key)
        if chat_id is None:  # sealed under an earlier key: nobody can reach them now
            self._pace.release(slot)
            return RecipientStatus.FAILED
        text = plan.text_for(recipient.language)
        while True:
            try:
                result = await self._send(chat_id, text)
            except Exception:
                # Not known to have failed before Telegram saw it: never risk a second copy.
                log.exception("a broadcast message could not be sent")
                return RecipientStatus.IN_DOUBT
            finally:
                self._pace.release(slot)
            if not isinstance(result, Retry):
                return result
            self._pace.hold(result.after)
            slot = await self._pace.acquire()


@dataclass
class _Counter:
    done: int
    total: int
    progress: Progress | None
    sent: int = 0

    def settled(self, status: RecipientStatus) -> None:
        self.done += 1
        if status == RecipientStatus.SENT:
            self.sent += 1
        self.report()

    def report(self) -> None:
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)
