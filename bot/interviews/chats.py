"""Where respondents can be reached: chats seen by this process, else their sealed reference."""

from __future__ import annotations

from collections.abc import Sequence

from bot.interviews.chat_ref import ChatRefKey, open_ref, seal
from storage import Repository


class Chats:
    """Chat ids in memory, backed by encrypted references in storage that survive a restart."""

    def __init__(self, repository: Repository, pseudonym_key: str) -> None:
        """Derive the reference key from the pseudonym key; nothing is read yet."""
        self._repository = repository
        self._key = ChatRefKey(pseudonym_key)
        # A cache only: the raw id never leaves memory unencrypted.
        self._memory: dict[str, int] = {}

    def saw(self, pseudonym: str, chat_id: int) -> None:
        """The respondent just wrote from this chat."""
        self._memory[pseudonym] = chat_id

    def forget(self, pseudonym: str) -> None:
        """Stop knowing the respondent's chat (erased, or they blocked the bot)."""
        self._memory.pop(pseudonym, None)

    def sealed(self, pseudonym: str) -> str | None:
        """The encrypted reference to store for a respondent seen by this process."""
        chat_id = self._memory.get(pseudonym)
        return None if chat_id is None else seal(chat_id, self._key)

    async def reachable(self, pseudonyms: Sequence[str]) -> dict[str, int]:
        """The chat id of each respondent we can reach: memory first, then storage."""
        missing = [p for p in pseudonyms if p not in self._memory]
        if missing:
            for pseudonym, token in (
                await self._repository.respondent_chat_refs(pseudonyms=missing)
            ).items():
                chat_id = open_ref(token, self._key)
                # A reference sealed under an earlier key cannot be opened: that person is
                # reminded only once they write again.
                if chat_id is not None:
                    self._memory[pseudonym] = chat_id
        return {p: self._memory[p] for p in pseudonyms if p in self._memory}
