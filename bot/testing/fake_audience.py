"""Past respondents planted straight into storage, for broadcast tests and benchmarks.

Thousands of people in one transaction: interviews finished, contact choices made, chats sealed,
as if they had all talked to the bot (and the fake Telegram knows their chats).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert

from bot.interviews.chat_ref import ChatRefKey, seal
from storage import Group, InterviewStatus, create_repository, pseudonymise
from storage.engine import build_engine
from storage.outreach import CONTACT_CONSENT
from storage.rows import INTERVIEW, RESPONDENT

_BATCH = 2000


@dataclass(frozen=True)
class PastRespondent:
    """Someone who completed an interview, and what they chose about hearing from us again."""

    user_id: int
    language: str = "en"
    group: Group = Group.NON_DOER
    results: bool = True
    follow_up: bool = False
    chose: bool = True  # False: never answered "may we write to you again?"


async def plant(database_url: str, *, study_id: str, script_text: str, key: str,
                people: Sequence[PastRespondent], now: datetime) -> None:
    """Store these people with completed interviews of the study (the schema must exist)."""
    repository = create_repository(database_url)
    try:
        version = await repository.register_script(study_id=study_id, title=study_id,
                                                   text=script_text, now=now)
    finally:
        await repository.close()
    chat_key = ChatRefKey(key)
    engine = build_engine(database_url)
    try:
        async with engine.begin() as conn:
            for start in range(0, len(people), _BATCH):
                batch = people[start : start + _BATCH]
                names = [pseudonymise(p.user_id, key) for p in batch]
                await conn.execute(insert(RESPONDENT), [
                    {"pseudonym": name, "language": p.language, "source": "planted",
                     "consent_at": now, "created_at": now,
                     "chat_ref": seal(p.user_id, chat_key) if p.results or p.follow_up else None}
                    for name, p in zip(names, batch, strict=True)
                ])
                await conn.execute(insert(INTERVIEW), [
                    {"pseudonym": name, "study_id": study_id, "script_version_id": version.id,
                     "state": {}, "step": 1, "status": InterviewStatus.COMPLETED.value,
                     "group": p.group.value, "language": p.language, "source": "planted",
                     "started_at": now, "updated_at": now, "completed_at": now}
                    for name, p in zip(names, batch, strict=True)
                ])
                chosen = [(name, p) for name, p in zip(names, batch, strict=True) if p.chose]
                if chosen:
                    await conn.execute(insert(CONTACT_CONSENT), [
                        {"pseudonym": name, "results": p.results, "follow_up": p.follow_up,
                         "updated_at": now}
                        for name, p in chosen
                    ])
    finally:
        await engine.dispose()
