"""Chat references: stored as given, read back per respondent, cleared on request (both backends)."""

from __future__ import annotations

from datetime import datetime

from storage import Repository


async def respondents(repo: Repository, now: datetime, *pseudonyms: str) -> None:
    """Create these respondents."""
    for pseudonym in pseudonyms:
        await repo.get_or_create_respondent(pseudonym=pseudonym, language="en", source=None,
                                            now=now)


async def test_chat_refs_are_read_back_only_for_respondents_that_have_one(
    repo: Repository, now: datetime
) -> None:
    await respondents(repo, now, "ana", "ben", "cy")
    assert await repo.update_respondent(pseudonym="ana", chat_ref="sealed-ana")
    assert await repo.update_respondent(pseudonym="ben", consent_at=now, chat_ref="sealed-ben")

    refs = await repo.respondent_chat_refs(pseudonyms=["ana", "cy", "nobody"])

    assert refs == {"ana": "sealed-ana"}  # cy has none, nobody does not exist
    assert await repo.respondent_chat_refs(pseudonyms=[]) == {}


async def test_other_updates_keep_the_chat_ref_and_none_clears_it(
    repo: Repository, now: datetime
) -> None:
    await respondents(repo, now, "ana")
    await repo.update_respondent(pseudonym="ana", chat_ref="sealed")

    await repo.update_respondent(pseudonym="ana", language="fr", blocked_at=now)
    assert await repo.respondent_chat_refs(pseudonyms=["ana"]) == {"ana": "sealed"}

    await repo.update_respondent(pseudonym="ana", chat_ref=None)
    assert await repo.respondent_chat_refs(pseudonyms=["ana"]) == {}
    assert not await repo.update_respondent(pseudonym="nobody", chat_ref="sealed")


async def test_a_full_length_reference_fits(repo: Repository, now: datetime) -> None:
    # A Fernet token for the longest Telegram chat id is 120 characters; the column holds 255.
    await respondents(repo, now, "ana")
    await repo.update_respondent(pseudonym="ana", chat_ref="x" * 255)
    assert await repo.respondent_chat_refs(pseudonyms=["ana"]) == {"ana": "x" * 255}
