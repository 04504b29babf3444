"""A researcher's override wins over the codebook in the analysis, and says who coded and when."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.report.build import load_summary
from bot.review.open_answers import OpenAnswer, open_answers, save_coding
from bot.script import Script
from storage import Repository

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


async def mentions(repository: Repository, script: Script) -> dict[str, tuple[int, int]]:
    """(doers, non-doers) mentioning each theme of `easier`, as the report counts them."""
    summary = await load_summary(repository, script, with_emerging=False)
    return {r.theme: (r.doers_n, r.nondoers_n) for r in summary.rows if r.question == "easier"}


async def test_an_override_replaces_the_automatic_themes_in_the_analysis(
    repository: Repository, script: Script
) -> None:
    assert await mentions(repository, script) == {"lanes": (0, 1), "weather": (1, 0)}
    answers = {a.text: a async for a in open_answers(repository, script)}

    # "sun" + probe "when it is dry and sunny" said weather; the researcher reads it as lanes.
    sunny = answers["sun"]
    assert await save_coding(repository, sunny, ["lanes"], coder="Ana", now=NOW)
    assert await save_coding(repository, answers["my colleagues ride with me every day"],
                             ["lanes"], coder="Bo", now=NOW)

    assert await mentions(repository, script) == {"lanes": (2, 1), "weather": (0, 0)}
    stored = await repository.coding_overrides(study_id=script.study_id)
    main, probe = sunny.answer_ids
    assert (stored[main].themes, stored[main].coder, stored[main].created_at) == (
        ("lanes",), "Ana", NOW)
    # The probe follow-up is coded with the main answer: its own automatic theme no longer counts.
    assert (stored[probe].themes, stored[probe].coder) == ((), "Ana")


async def sunny_answer(repository: Repository, script: Script) -> OpenAnswer:
    """The doer's "sun" answer (with its probe), as it stands now."""
    async for answer in open_answers(repository, script):
        if answer.text == "sun":
            return answer
    raise AssertionError("the recorded study has a 'sun' answer")


async def test_the_latest_override_wins(repository: Repository, script: Script) -> None:
    answer = await sunny_answer(repository, script)
    await save_coding(repository, answer, ["lanes"], coder="Ana", now=NOW)
    answer = await sunny_answer(repository, script)
    assert answer.themes == {"lanes"}
    later = NOW.replace(hour=13)
    await save_coding(repository, answer, ["weather", "lanes"], coder="Bo", now=later)
    answer = await sunny_answer(repository, script)
    assert answer.override is not None
    assert (answer.themes, answer.override.coder, answer.override.created_at) == (
        frozenset({"lanes", "weather"}), "Bo", later)
    assert await mentions(repository, script) == {"lanes": (1, 1), "weather": (1, 0)}
