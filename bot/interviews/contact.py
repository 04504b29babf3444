"""Whether a respondent may be written to after their interview: results, a later wave, both."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bot.interviews.chat_ref import ChatRefKey, seal
from storage import ContactConsentRecord, Repository


class ContactChoice(StrEnum):
    """The four answers to "may we write to you again?" (one tap each)."""

    BOTH = "both"
    RESULTS = "results"  # what was done with the results, but no later interview
    LATER = "later"  # a later interview (a follow-up wave), but no results
    NONE = "none"

    @property
    def results(self) -> bool:
        """Whether they want to hear what was done with the results."""
        return self in (ContactChoice.BOTH, ContactChoice.RESULTS)

    @property
    def follow_up(self) -> bool:
        """Whether they may be invited to a later wave."""
        return self in (ContactChoice.BOTH, ContactChoice.LATER)

    @classmethod
    def of(cls, record: ContactConsentRecord | None) -> ContactChoice | None:
        """The choice a stored consent stands for (None: never chosen)."""
        if record is None:
            return None
        return {(True, True): cls.BOTH, (True, False): cls.RESULTS,
                (False, True): cls.LATER, (False, False): cls.NONE}[
            (record.results, record.follow_up)]


class ContactPreferences:
    """Stores the choice; keeps the encrypted chat reference only while someone may be written to."""

    def __init__(self, repository: Repository, pseudonym_key: str) -> None:
        """Storage and the key chat references are sealed under."""
        self._repository = repository
        self._key = ChatRefKey(pseudonym_key)

    async def current(self, pseudonym: str) -> ContactChoice | None:
        """What they chose last (None if they never did)."""
        return ContactChoice.of(await self._repository.contact_consent(pseudonym=pseudonym))

    async def choose(self, pseudonym: str, chat_id: int, choice: ContactChoice, *,
                     interview_open: bool, now: datetime) -> None:
        """Record the choice for a respondent who exists already.

        A yes keeps a sealed reference to the chat, so a broadcast or an invitation can reach
        them later; "no" drops it unless an open interview still needs it for a reminder.
        """
        await self._repository.set_contact_consent(
            pseudonym=pseudonym, results=choice.results, follow_up=choice.follow_up, now=now
        )
        if choice != ContactChoice.NONE:
            # Choosing to hear from us again also ends an earlier block of the bot.
            await self._repository.update_respondent(pseudonym=pseudonym, blocked_at=None,
                                                     chat_ref=seal(chat_id, self._key))
        elif not interview_open:
            await self._repository.update_respondent(pseudonym=pseudonym, chat_ref=None)
