"""The JSON report read from a database: the planted findings come first, every number is there."""

from __future__ import annotations

import json
from typing import Any

from bot.analysis import Summary
from bot.report.build import load_summary
from bot.report.render_json import render_json
from bot.script import Script
from storage import Repository

ROW_KEYS = {
    "question", "theme", "doers_n", "doers_pct", "nondoers_n", "nondoers_pct", "difference_pp",
    "odds_ratio", "p_value", "test", "err", "significant",
}  # fmt: skip


def report(summary: Summary) -> dict[str, Any]:
    data = json.loads(render_json(summary))
    assert isinstance(data, dict)
    return data


def test_the_planted_barrier_ranks_first(summary: Summary) -> None:
    top = report(summary)["barriers"][0]
    assert (top["question"], top["theme"], top["label"]) == ("hard", "danger", "Traffic danger")
    assert top["nondoers_n"] > top["doers_n"]
    assert top["significant"] is True
    assert top["err"] < 1


def test_the_planted_competitor_ranks_first(summary: Summary) -> None:
    alternatives = report(summary)["competing"]["alternatives"]
    assert [a["key"] for a in alternatives] == ["car", "bus", "walk"]
    assert (alternatives[0]["count"], alternatives[0]["total"]) == (
        30,
        45,
    )  # every non-doer but i % 6 == 1 drives


def test_every_row_carries_its_numbers(summary: Summary) -> None:
    data = report(summary)
    for row in data["rows"] + data["barriers"] + data["enablers"]:
        assert row.keys() >= ROW_KEYS
    danger = next(r for r in data["rows"] if r["theme"] == "danger")
    assert danger["test"] in {"wald", "fisher"}
    assert danger["doers_pct"] == 100 * danger["doers_n"] / danger["doers_total"]


def test_header_and_fieldwork_come_from_the_database(summary: Summary) -> None:
    data = report(summary)
    assert data["format_version"] == 3
    header = data["header"]
    assert (header["study_id"], header["doers"], header["nondoers"]) == ("cycling", 45, 45)
    assert header["first_started"] == "2025-03-01T09:00:00+00:00"
    assert len(header["script_version"]) == 12
    fieldwork = data["fieldwork"]
    assert (fieldwork["starts"], fieldwork["screened_out"], fieldwork["declined"]) == (93, 1, 1)
    assert fieldwork["dropoff"] == [{"question": "days", "count": 1}]


async def test_a_researchers_coding_replaces_the_automatic_one(
    planted: Repository, script: Script
) -> None:
    answers = [a async for a in planted.stream_answers(study_id="cycling")
               if a.question_id == "hard" and a.group is not None and a.group.value == "non_doer"]  # fmt: skip
    before = (await load_summary(planted, script, with_emerging=False)).barriers[0]
    for answer in answers[:10]:
        await planted.set_coding_override(answer_id=answer.id, themes=["cost"], coder="ann",
                                          now=answer.answered_at)  # fmt: skip
    after = await load_summary(planted, script, with_emerging=False)
    cost = next(r for r in after.rows if r.theme == "cost")
    assert cost.nondoers_n == 10
    danger = next(r for r in after.rows if r.theme == "danger")
    assert danger.nondoers_n < before.nondoers_n


async def test_an_empty_study_is_a_report_not_a_crash(tmp_path: Any, script: Script) -> None:
    from tests.report.study import fresh_repository

    repository = await fresh_repository(tmp_path / "empty.db")
    try:
        data = report(await load_summary(repository, script))
    finally:
        await repository.close()
    assert (data["header"]["doers"], data["barriers"], data["fieldwork"]["starts"]) == (0, [], 0)
