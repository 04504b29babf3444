"""The odd things respondents type are stored identically by SQLite and PostgreSQL.

Before: 400 nines were kept as infinity (PostgreSQL refused it, the respondent got an apology),
20-digit numbers changed on SQLite, NUL characters and /start payloads over 64 characters were
refused by PostgreSQL, and `⓵` raised. Now each is read, re-asked or left out by the engine and the
catalog, and both backends keep exactly what the engine decided.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from bot.engine import TextInput
from bot.interviews import InterviewService, Person, ScriptCatalog
from bot.script.limits import MAX_NUMBER, MAX_PAYLOAD, MAX_TITLE
from storage import Repository, pseudonymise
from storage.models import Interview, Respondent, Study
from tests.conftest import SCRIPTS

ROSA = Person(777, "fr")
KEY = "test-pseudonym-key"
TYPED = [  # what Rosa types, one message each, after consenting
    "⓵",  # mode: Car
    "٢",  # cars: the option labelled "2"
    "⓵ ٣",  # places: In town, On trails
    "oui",  # safe
    "٣",  # easy
    "9" * 400,  # distance: asked again (beyond what storage keeps exactly)
    "12345678901234567890",  # asked again
    f"{MAX_NUMBER} km",  # the largest number kept exactly
    "٧",  # days
    "parce que\0 il pleut \ud83d",  # why: the NUL goes, half a surrogate pair becomes �
]
STORED = [
    ("mode", "car", "⓵"),
    ("cars", "c2", "٢"),
    ("places", ["town", "trails"], "⓵ ٣"),
    ("safe", "yes", "oui"),
    ("easy", 3, "٣"),
    ("distance", MAX_NUMBER, f"{MAX_NUMBER} km"),
    ("days", 7, "٧"),
    ("why", "parce que il pleut \ufffd", "parce que il pleut \ufffd"),
]


def test_the_limits_the_checker_and_engine_use_are_the_columns_sizes() -> None:
    assert Study.__table__.c.title.type.length == MAX_TITLE  # type: ignore[attr-defined]
    assert Respondent.__table__.c.source.type.length == MAX_PAYLOAD  # type: ignore[attr-defined]
    assert Interview.__table__.c.source.type.length == MAX_PAYLOAD  # type: ignore[attr-defined]


async def test_odd_input_is_stored_alike_on_every_backend(
    repo: Repository, tmp_path: Path, now: datetime
) -> None:
    shutil.copy(SCRIPTS / "every_type.yaml", tmp_path / "every_type.yaml")
    catalog = await ScriptCatalog.load(repo, tmp_path, default_study=None, now=now)
    service = InterviewService(repo, catalog, KEY)

    # Typed by hand after /start: no deep link carries 100 characters.
    started = await service.start(ROSA, "p" * 100, 1)
    await service.answer(ROSA, TextInput("oui"), 2)
    replies = []
    for update_id, text in enumerate(TYPED, start=3):
        outcome = await service.answer(ROSA, TextInput(text), update_id)
        replies.append(outcome.messages[0].text.split("\n\n")[0])

    assert started.messages, "the interview began"
    too_large = f"Cela semble trop grand — donnez un nombre d'au plus {MAX_NUMBER}."
    assert replies[5] == replies[6] == too_large
    stored = [(a.question_id, a.value, a.raw_text)
              async for a in repo.stream_answers(study_id="every_type")]
    assert stored == STORED
    pseudonym = pseudonymise(ROSA.user_id, KEY)
    interview = await repo.latest_interview(pseudonym=pseudonym, study_id="every_type")
    assert interview is not None
    assert interview.source is None
    assert interview.state["answers"]["distance"] == MAX_NUMBER
