"""Past respondents written in bulk, for tests and benchmarks of what happens after fieldwork.

Thousands of people in one transaction: each with a completed, classified interview and, if they
made one, a contact choice. Pseudonyms and sealed chat references come ready-made (storage knows
no keys).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert

from bot.vocabulary import Group, InterviewStatus
from storage.engine import build_engine
from storage.outreach import CONTACT_CONSENT
from storage.rows import INTERVIEW, RESPONDENT
from storage.sql import create_repository

_BATCH = 2000


@dataclass(frozen=True)
class PlantedRespondent:
    """Someone who completed an interview, and what they chose about hearing from us again."""

    pseudonym: str
    chat_ref: str | None
    language: str = "en"
    group: Group = Group.non_doer
    results: bool = True
    follow_up: bool = False
    chose: bool = True  # False: never answered "may we write to you again?"


async def plant_respondents(database_url: str, *, study_id: str, script_text: str,
                            people: Sequence[PlantedRespondent], now: datetime) -> None:
    """Store these people with completed interviews of the study (the schema must exist)."""
    repository = create_repository(database_url)
    try:
        version = await repository.register_script(study_id=study_id, title=study_id,
                                                   text=script_text, now=now)
    finally:
        await repository.close()
    engine = build_engine(database_url)
    try:
        async with engine.begin() as conn:
            for start in range(0, len(people), _BATCH):
                batch = people[start : start + _BATCH]
                await conn.execute(insert(RESPONDENT), [
                    {"pseudonym": p.pseudonym, "language": p.language, "source": "planted",
                     "consent_at": now, "created_at": now, "chat_ref": p.chat_ref}
                    for p in batch
                ])
                await conn.execute(insert(INTERVIEW), [
                    {"pseudonym": p.pseudonym, "study_id": study_id,
                     "script_version_id": version.id, "state": {}, "step": 1,
                     "status": InterviewStatus.completed.value, "group": p.group.value,
                     "language": p.language, "source": "planted", "started_at": now,
                     "updated_at": now, "completed_at": now}
                    for p in batch
                ])
                chosen = [p for p in batch if p.chose]
                if chosen:
                    await conn.execute(insert(CONTACT_CONSENT), [
                        {"pseudonym": p.pseudonym, "results": p.results,
                         "follow_up": p.follow_up, "updated_at": now}
                        for p in chosen
                    ])
    finally:
        await engine.dispose()
