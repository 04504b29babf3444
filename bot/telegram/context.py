"""Typed callback context: handlers reach the service and texts through it, not raw dicts."""

from __future__ import annotations

from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.interviews import Incoming, InterviewService, Person, Request
from bot.outreach.waves import WaveInviter
from bot.telegram.texts import Texts, bot_texts


@dataclass
class BotData:
    """What every handler shares: filled in by `build_application`."""

    service: InterviewService | None = None
    texts: Texts = field(default_factory=bot_texts)
    researcher_ids: frozenset[int] = frozenset()
    invitations: WaveInviter | None = None  # follow-up waves' invitations (a repeating job)
    # Chats told that storage is down, so an outage costs each person one apology; a chat
    # leaves once a reply reaches it again. Memory only: nothing can be stored then anyway.
    apologised: set[int] = field(default_factory=set)


class InterviewContext(CallbackContext[ExtBot[None], dict[object, object], dict[object, object],
                                       BotData]):
    """CallbackContext with typed access to the interview service."""

    @property
    def service(self) -> InterviewService:
        """The application service (set at build time)."""
        service = self.bot_data.service
        if service is None:
            raise RuntimeError("build_application did not attach the interview service")
        return service

    @property
    def texts(self) -> Texts:
        """The bot's own texts."""
        return self.bot_data.texts


InterviewApplication = Application[
    ExtBot[None], InterviewContext, dict[object, object], dict[object, object], BotData, None
]


def person_of(update: Update) -> Person:
    """Who sent the update (raw id kept in memory only; the service pseudonymises it)."""
    user = update.effective_user
    if user is None:
        raise ValueError("an update without a sender")
    return Person(user.id, user.language_code)


def incoming(update: Update, request: Request) -> Incoming:
    """The typed event the service handles: who sent the update, what, and its update id."""
    return Incoming(person_of(update), request, update.update_id)
