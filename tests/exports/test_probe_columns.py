"""Probes in the exports: the follow-up and the "What else?" each have their wide column."""

from __future__ import annotations

from bot.engine import Pick
from bot.script import Script, check_source
from storage import Repository
from tests.exports.recording import HERE, record
from tests.exports.test_exports import exported


def asking_what_else() -> Script:
    """The test study with "What else?" after a full answer to `easier`."""
    source = (HERE / "study.yaml").read_text(encoding="utf-8")
    old = "probe: {min_words: 3, max: 1}"
    assert old in source
    script, problems = check_source(
        source.replace(old, "probe: {min_words: 3, max: 1, what_else: true}").encode(), "s.yaml"
    )
    assert problems == []
    assert script is not None
    return script


async def test_the_what_else_answer_is_a_probe_column(repository: Repository) -> None:
    script = asking_what_else()
    # A short answer, its follow-up, then "What else?"; and a full answer with "What else?" only.
    await record(repository, script, "a" * 64,
                 ["Ana", "34", "5", "sun", "when it is dry and sunny", "a shower at work",
                  Pick("confident", "3"), Pick("stage", "con")])
    await record(repository, script, "b" * 64,
                 ["Bea", "40", "6", "separate bike lanes all the way", "nothing else",
                  Pick("confident", "2"), Pick("stage", "pre")], minute=1)
    rows = await exported(repository, script, "wide")
    assert [c for c in rows[0] if c.startswith("easier")] == [
        "easier", "easier__probe1", "easier__probe1_asked", "easier__probe2", "easier__probe2_asked",
    ]
    ana, bea = rows
    assert (ana["easier"], ana["easier__probe1"], ana["easier__probe2"]) == (
        "sun", "when it is dry and sunny", "a shower at work",
    )
    assert (bea["easier"], bea["easier__probe1"]) == (
        "separate bike lanes all the way", "nothing else",
    )
    long = await exported(repository, script, "long")
    probes = [(r["respondent"][0], r["probe"], r["raw"]) for r in long if r["question"] == "easier"]
    assert probes == [
        ("a", "0", "sun"), ("a", "1", "when it is dry and sunny"), ("a", "2", "a shower at work"),
        ("b", "0", "separate bike lanes all the way"), ("b", "1", "nothing else"),
    ]
