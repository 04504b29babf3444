"""Learning from the review, over HTTP and in the sheet: groups, the queue, keywords, two coders."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.report.build import load_summary
from bot.report.view import build_view
from bot.review.coding_csv import apply_coding_csv, write_coding_csv
from bot.review.open_answers import open_answers
from bot.review.queue import RISK_UNCODED, review_queue
from bot.script import Script
from bot.settings import Settings
from bot.web.research import SAVE_HEADER, create_research_app
from storage import Repository
from tests.coding.review_study import (
    CROWDED,
    dialogs_with_study,
    review_script,
    store_review_study,
)
from tests.exports.recording import fresh_repository

SAVE = {SAVE_HEADER: "1"}
NOW = datetime(2025, 6, 1, tzinfo=UTC)
Client = TestClient[web.Request, web.Application]


@pytest.fixture
def bags() -> Script:
    """The bags study of `review_study`."""
    return review_script()


@pytest.fixture
async def store(tmp_path: Path, bags: Script) -> AsyncIterator[Repository]:
    """A SQLite database holding the bags study."""
    repository = await fresh_repository(tmp_path / "bags.db")
    await store_review_study(repository, bags)
    yield repository
    await repository.close()


@pytest.fixture
async def client(tmp_path: Path, store: Repository) -> AsyncIterator[Client]:
    """The research pages over the bags study."""
    settings = Settings(_env_file=None, dialogs_dir=dialogs_with_study(tmp_path / "dialogs"))
    async with TestClient(TestServer(create_research_app(settings, repository=store))) as client:
        yield client


async def crowded_ids(repository: Repository, script: Script) -> list[int]:
    """The ids of the eight "bus is too crowded" answers."""
    return [a.answer_id async for a in open_answers(repository, script) if "crowd" in a.text]


async def test_the_queue_puts_the_group_that_could_change_barrier_1_first(
    store: Repository, bags: Script
) -> None:
    summary = await load_summary(store, bags, with_emerging=False)
    assert [r.theme for r in summary.barriers] == ["forgetting"]
    assert summary.confidence is not None
    risks = summary.confidence.risks
    answers = [a async for a in open_answers(store, bags)]
    groups = review_queue(answers, risks=risks, headline_themes=["forgetting"])
    first = groups[0]
    assert (first.tier, first.size) == (RISK_UNCODED, 8)
    assert sorted(a.text for a in first.answers) == sorted(CROWDED)
    # "nothing" (a non-answer) is a group too, but it cannot hide a theme: not in the warning.
    assert risks[0].uncoded == 8


async def test_one_save_codes_a_whole_group_and_the_warning_goes(
    client: Client, store: Repository, bags: Script
) -> None:
    page = await (await client.get("/study/bags")).text()
    assert "×8" in page
    assert "8 uncoded answers to this question could change barrier #1" in page
    assert "could change the headline" in page

    ids = await crowded_ids(store, bags)
    saved = await client.post("/api/study/bags/coding", headers=SAVE,
                              json={"answer_ids": ids, "themes": ["carrying"], "coder": "Ana"})
    assert saved.status == 200, await saved.text()
    assert (await saved.json())["changed"] == 8

    answers = [a async for a in open_answers(store, bags) if a.answer_id in ids]
    assert {a.themes for a in answers} == {frozenset({"carrying"})}
    assert {a.override.coder for a in answers if a.override} == {"Ana"}
    view = build_view(await load_summary(store, bags, with_emerging=False))
    assert not any("could change" in w for w in view.warnings)
    assert [r.answer for r in view.barriers.rows] == ["Forgetting the bags"]
    page = await (await client.get("/study/bags")).text()
    assert "could change barrier" not in page

    # The reviewed group teaches the codebook a keyword, offered on the page.
    assert 'data-keyword="bus"' in page
    mixed = await client.post("/api/study/bags/coding", headers=SAVE,
                              json={"answer_ids": [ids[0], 10**9], "themes": [], "coder": "A"})
    assert mixed.status == 404


async def test_an_accepted_keyword_recodes_the_answers_and_the_agreement_follows(
    client: Client, store: Repository, bags: Script
) -> None:
    ids = await crowded_ids(store, bags)
    await client.post("/api/study/bags/coding", headers=SAVE,
                      json={"answer_ids": ids, "themes": ["carrying"], "coder": "Ana"})
    before = build_view(await load_summary(store, bags, with_emerging=False))
    rows = {a.theme: a for a in before.agreement}
    assert (rows["A hassle to carry"].reviewed, rows["A hassle to carry"].recall) == (8, "0.00")

    added = await client.post("/api/study/bags/keyword", headers=SAVE, json={
        "question": "hard", "theme": "carrying", "language": "en", "keyword": "bus",
        "coder": "Ana"})  # fmt: skip
    assert (await added.json())["added"] is True
    again = await client.post("/api/study/bags/keyword", headers=SAVE, json={
        "question": "hard", "theme": "carrying", "language": "en", "keyword": "bus",
        "coder": "Bo"})  # fmt: skip
    assert (await again.json())["added"] is False

    answers = [a async for a in open_answers(store, bags) if a.answer_id in ids]
    assert {a.automatic for a in answers} == {frozenset({"carrying"})}
    after = build_view(await load_summary(store, bags, with_emerging=False))
    rows = {a.theme: a for a in after.agreement}
    assert rows["A hassle to carry"].recall == "1.00"
    # Every reviewed answer carries the theme in both codings: chance explains it all, so κ is
    # undefined for the theme; pooled over both themes it is perfect.
    assert rows["A hassle to carry"].kappa == "—"
    assert rows["all themes"].kappa.startswith("1.00")


async def test_a_bad_keyword_request_says_what_to_fix(client: Client) -> None:
    async def refused(body: dict[str, object], headers: dict[str, str] = SAVE) -> str:
        response = await client.post("/api/study/bags/keyword", headers=headers, json=body)
        assert response.status in (400, 403)
        return str((await response.json())["error"])

    good = {"question": "hard", "theme": "carrying", "language": "en", "keyword": "bus",
            "coder": "Ana"}  # fmt: skip
    assert "Coder box" in await refused({**good, "coder": ""})
    assert "not a theme" in await refused({**good, "theme": "price"})
    assert "open question" in await refused({**good, "question": "days"})
    assert "not a language" in await refused({**good, "language": "de"})
    assert "1-200 characters" in await refused({**good, "keyword": "  "})
    assert "coding page" in await refused(good, headers={})


async def test_the_coding_sheet_has_one_row_per_group_and_applies_to_all(
    store: Repository, bags: Script
) -> None:
    out = io.StringIO(newline="")
    await write_coding_csv(store, bags, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    counts = {r["answer"]: int(r["count"]) for r in rows}
    assert counts["the bus is too crowded"] == 8
    assert counts["nothing"] == 16
    assert sum(counts.values()) == 40
    crowded = next(r for r in rows if r["answer"] == "the bus is too crowded")
    assert len(crowded["same_answers"].split()) == 7

    crowded["themes"] = "carrying"
    sheet = io.StringIO(newline="")
    writer = csv.DictWriter(sheet, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    changed = await apply_coding_csv(store, bags, sheet.getvalue().encode(), coder="Ana",
                                     now=NOW)  # fmt: skip
    assert changed == 8
    coded = {a.text: a.themes async for a in open_answers(store, bags) if "crowd" in a.text}
    assert set(coded.values()) == {frozenset({"carrying"})}


async def test_a_second_coders_sheet_is_kept_apart_and_compared_theme_by_theme(
    store: Repository, bags: Script
) -> None:
    out = io.StringIO(newline="")
    await write_coding_csv(store, bags, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    for row in rows:  # the second coder reads the crowded bus as carrying, the rest as is
        if row["answer"] == "the bus is too crowded":
            row["themes"] = "carrying"
    sheet = io.StringIO(newline="")
    writer = csv.DictWriter(sheet, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    stored = await apply_coding_csv(store, bags, sheet.getvalue().encode(), coder="Bo",
                                    now=NOW, independent=True)  # fmt: skip
    assert stored == 40

    # Nothing changed in force …
    assert [a.override async for a in open_answers(store, bags) if a.override] == []
    summary = await load_summary(store, bags, with_emerging=False)
    assert summary.confidence is not None
    intercoder = summary.confidence.intercoder
    assert intercoder is not None
    by_theme = {a.theme: a for a in intercoder.themes}
    # … and the two codings agree on forgetting, not on carrying (8 answers only Bo coded so).
    assert by_theme["forgetting"].kappa == pytest.approx(1.0)
    assert (by_theme["carrying"].both, by_theme["carrying"].second_only) == (0, 8)
    view = build_view(summary)
    assert {a.theme: a.kappa for a in view.intercoder}["Forgetting the bags"].startswith("1.00")


async def test_a_second_coders_sheet_uploaded_on_the_page_is_kept_apart(
    client: Client, store: Repository, bags: Script
) -> None:
    out = io.StringIO(newline="")
    await write_coding_csv(store, bags, out)
    sheet = out.getvalue().encode("utf-8")
    headers = {**SAVE, "X-Perceptions-Coder": "Bo%20L%C3%B3pez"}
    response = await client.post("/api/study/bags/second-coder", headers=headers, data=sheet)
    assert response.status == 200, await response.text()
    result = await response.json()
    assert (result["stored"], result["coder"], result["both"], result["kappa"]) == (
        40, "Bo López", 40, 1.0)
    assert [a.override async for a in open_answers(store, bags) if a.override] == []

    bad = await client.post("/api/study/bags/second-coder", headers=headers,
                            data=b"answer_id,themes\n1,price\n")
    assert bad.status == 400
    assert "Nothing was stored" in (await bad.json())["error"]
    nameless = await client.post("/api/study/bags/second-coder", headers=SAVE, data=sheet)
    assert "second coder's name" in (await nameless.json())["error"]
    forged = await client.post("/api/study/bags/second-coder", data=sheet)
    assert forged.status == 403
