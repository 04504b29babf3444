"""Past respondents by Telegram id, planted for broadcast and wave tests and benchmarks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.interviews.chat_ref import ChatRefKey, seal
from bot.vocabulary import Group
from storage import pseudonymise
from storage.planting import PlantedRespondent, plant_respondents


@dataclass(frozen=True)
class PastRespondent:
    """Someone who completed an interview, and what they chose about hearing from us again."""

    user_id: int
    language: str = "en"
    group: Group = Group.non_doer
    results: bool = True
    follow_up: bool = False
    chose: bool = True  # False: never answered "may we write to you again?"


async def plant(database_url: str, *, study_id: str, script_text: str, key: str,
                people: Sequence[PastRespondent], now: datetime) -> None:
    """Store them as the bot would have: pseudonymised, chats sealed only for a yes."""
    chat_key = ChatRefKey(key)
    await plant_respondents(database_url, study_id=study_id, script_text=script_text, now=now,
                            people=[PlantedRespondent(
                                pseudonymise(p.user_id, key),
                                seal(p.user_id, chat_key) if p.results or p.follow_up else None,
                                p.language, p.group, p.results, p.follow_up, p.chose)
                                for p in people])
