"""Study figures piped into a broadcast, checked against the planted study's own answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.outreach.figures import fill, study_figures
from bot.outreach.message import MessageError
from bot.vocabulary import Group
from tests.report.study import cycling, fresh_repository, planted_interviews, write_study

TRAFFIC = ("the traffic scares me", "roads are unsafe", "too dangerous")


async def test_the_top_barrier_and_its_shares_match_the_planted_answers(tmp_path: Path) -> None:
    script = cycling()
    interviews = planted_interviews()
    repository = await fresh_repository(tmp_path / "planted.db")
    try:
        await write_study(repository, script, interviews)
        figures = await study_figures(repository, script, ["en", "fr"])
    finally:
        await repository.close()

    completed = [i for i in interviews if i.group is not None]
    named = {i.pseudonym for i in completed for a in i.answers
             if a.question_id == "hard" and any(t in str(a.value) for t in TRAFFIC)}
    non_doers = [i for i in completed if i.group == Group.non_doer]
    share = round(100 * len(named) / len(completed))
    non_doer_share = round(100 * sum(i.pseudonym in named for i in non_doers) / len(non_doers))
    assert figures["en"]["respondents"] == str(len(completed))
    assert figures["en"]["top_barrier"] == "Traffic danger"
    assert figures["en"]["top_barrier_share"] == f"{share}%"
    assert figures["en"]["top_barrier_non_doers_share"] == f"{non_doer_share}%"
    assert figures["fr"]["top_barrier"] == "Danger de la circulation"
    assert figures["fr"]["doers_share"] == "50\u00a0%"

    text = "{top_barrier_non_doers_share} of those who don't cycle named {top_barrier}."
    assert fill(text, figures["en"], where="m") == (
        f"{non_doer_share}% of those who don't cycle named Traffic danger.")


def test_a_figure_the_study_lacks_is_a_sentence_not_a_crash() -> None:
    with pytest.raises(MessageError, match=r"no \{top_enabler\} yet"):
        fill("{top_enabler}", {"respondents": "3"}, where="msg.yaml: text.en")
