"""The research pages over HTTP (aiohttp's test client): pages, saving an override, auth."""

from __future__ import annotations

import base64
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot.review.open_answers import open_answers
from bot.script import Script
from bot.settings import Settings
from bot.web.research import SAVE_HEADER, ResearchError, create_research_app
from storage import Repository
from tests.exports.recording import HERE

SAVE = {SAVE_HEADER: "1"}
Client = TestClient[web.Request, web.Application]


def research_settings(tmp_path: Path, **values: Any) -> Settings:
    """Settings whose dialogs folder holds the commute study."""
    dialogs = tmp_path / "dialogs"
    dialogs.mkdir(exist_ok=True)
    shutil.copy(HERE / "study.yaml", dialogs / "study.yaml")
    return Settings(_env_file=None, dialogs_dir=dialogs, **values)


@pytest.fixture
async def client(tmp_path: Path, repository: Repository) -> AsyncIterator[Client]:
    """The research pages on localhost without a password, over the recorded study."""
    app = create_research_app(research_settings(tmp_path), repository=repository)
    async with TestClient(TestServer(app)) as client:
        yield client


async def answer_id(repository: Repository, script: Script, text: str) -> int:
    """The id of the open answer that starts with `text`."""
    found = [a.answer_id async for a in open_answers(repository, script)
             if a.text.startswith(text)]
    return found[0]


async def test_the_studies_page_shows_fieldwork_against_the_quota(client: Client) -> None:
    page = await (await client.get("/")).text()
    assert 'href="/study/commute">Commute</a>' in page
    # 6 started, 3 completed (2 doers, 1 non-doer), the default quota is 45 of each.
    assert "<td>6</td><td>3</td><td>2 / 45" in page
    assert "1 / 45" in page


async def test_the_coding_page_lists_answers_with_probes_and_counts_uncoded(
    client: Client,
) -> None:
    page = await (await client.get("/study/commute")).text()
    assert "1 uncoded of 3" in page
    assert "when it is dry and sunny" in page
    # The probe's reply shows after what the bot asked.
    assert ('↳ <span class="muted">Could you give me an example of what makes it easier or '
            "harder for you?</span> when it is dry and sunny") in page
    assert 'value="weather" checked' in page
    assert "a" * 64 not in page  # no respondent identifier
    only = await (await client.get("/study/commute?q=easier&uncoded=1")).text()
    assert "my colleagues ride with me every day" in only
    assert "des pistes cyclables" not in only


async def test_respondent_text_is_escaped(
    client: Client, repository: Repository, script: Script
) -> None:
    from tests.exports.recording import record

    await record(repository, script, "g" * 64,
                 ["Gil", "30", "4", "<script>alert(1)</script> lanes", "2", "pre"], minute=6)
    page = await (await client.get("/study/commute")).text()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; lanes" in page


async def test_saving_an_override_keeps_who_and_when(
    client: Client, repository: Repository, script: Script
) -> None:
    target = await answer_id(repository, script, "my colleagues")
    response = await client.post("/api/study/commute/coding", headers=SAVE,
                                 json={"answer_id": target, "themes": ["lanes"], "coder": "Ana"})
    assert response.status == 200, await response.text()
    assert (await response.json())["saved"] is True
    stored = (await repository.coding_overrides(study_id="commute"))[target]
    assert (stored.themes, stored.coder) == (("lanes",), "Ana")
    page = await (await client.get("/study/commute")).text()
    assert "0 uncoded of 3" in page
    assert "Coded by Ana at" in page
    again = await client.post("/api/study/commute/coding", headers=SAVE,
                              json={"answer_id": target, "themes": ["lanes"], "coder": "Bo"})
    assert (await again.json())["saved"] is False  # already in force: nothing stored


async def test_a_save_without_the_custom_header_or_with_a_bad_theme_is_refused(
    client: Client, repository: Repository, script: Script
) -> None:
    target = await answer_id(repository, script, "my colleagues")
    body = {"answer_id": target, "themes": ["lanes"], "coder": "Ana"}
    # What a form on another site could send: no custom header, not JSON.
    forged = await client.post("/api/study/commute/coding", data={"answer_id": str(target)})
    assert forged.status == 403
    bad = await client.post("/api/study/commute/coding", headers=SAVE,
                            json={**body, "themes": ["cost"]})
    assert (await bad.json()) == {
        "error": "cost is not a theme of question easier; its themes are: lanes, weather."
    }
    nameless = await client.post("/api/study/commute/coding", headers=SAVE,
                                 json={**body, "coder": " "})
    assert nameless.status == 400
    assert await repository.coding_overrides(study_id="commute") == {}


async def test_downloads(client: Client) -> None:
    sheet = await client.get("/study/commute/coding.csv")
    assert sheet.headers["Content-Disposition"] == 'attachment; filename="coding-commute.csv"'
    assert (await sheet.read()).startswith(b"\xef\xbb\xbfanswer_id,question,")
    wide = await client.get("/study/commute/export/wide.csv")
    assert (await wide.text()).lstrip("\ufeff").startswith("respondent,status,group")
    report = await client.get("/study/commute/report")
    assert report.status == 200
    assert "<html" in (await report.text()).lower()
    assert (await client.get("/study/nosuch")).status == 404


def test_other_machines_may_reach_the_pages_only_with_a_password(tmp_path: Path) -> None:
    with pytest.raises(ResearchError, match="set RESEARCH_PASSWORD"):
        create_research_app(research_settings(tmp_path, research_host="0.0.0.0"))
    create_research_app(research_settings(tmp_path, research_host="0.0.0.0",
                                          research_password=SecretStr("s3cret")))


def basic(user: str, password: str) -> dict[str, str]:
    """The header a browser sends after asking for a user name and password."""
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.mark.parametrize("host", ["192.0.2.10", "127.0.0.1"])  # a password set is always asked
async def test_a_password_is_asked_for_and_checked(
    tmp_path: Path, repository: Repository, host: str
) -> None:
    settings = research_settings(tmp_path, research_host=host,
                                 research_password=SecretStr("s3cret"))
    app = create_research_app(settings, repository=repository)
    async with TestClient(TestServer(app)) as client:
        refused = await client.get("/")
        assert refused.status == 401
        assert refused.headers["WWW-Authenticate"].startswith("Basic ")
        assert (await client.get("/", headers=basic("ana", "wrong"))).status == 401
        assert (await client.get("/", headers=basic("ana", "s3cret"))).status == 200
        save = await client.post("/api/study/commute/coding", headers=SAVE, json={})
        assert save.status == 401


async def test_emerging_themes_are_suggested_from_the_uncoded_answers(
    client: Client, repository: Repository, script: Script
) -> None:
    from tests.exports.recording import record

    said = ["my colleagues ride with me", "colleagues ride together", "ride with colleagues daily",
            "a shower at the office", "the office shower helps", "showers at the office"]
    for n, text in enumerate(said):
        await record(repository, script, f"{n:064d}", ["Kim", "30", "4", text, "2", "pre"],
                     minute=10 + n)
    page = await (await client.get("/study/commute?q=easier")).text()
    assert "Possible new themes among the uncoded answers" in page
    assert "colleagues" in page.split("Possible new themes")[1].split("</details>")[0]


async def test_the_studies_page_shows_full_groups_and_closed_fieldwork(
    tmp_path: Path, repository: Repository,
) -> None:
    settings = research_settings(tmp_path)
    study = settings.dialogs_dir / "study.yaml"
    source = study.read_text(encoding="utf-8")
    assert "  contact: " in source
    study.write_text(source.replace(
        "  contact: ",
        "  quota: {doers: 2, non_doers: 3, over_quota: keep}\n  closes: 2024-05-31\n  contact: ",
        1,
    ), encoding="utf-8")
    async with TestClient(TestServer(create_research_app(settings, repository=repository))) as web_client:
        page = await (await web_client.get("/")).text()
    assert "2 / 2 <strong>full</strong>" in page  # the recorded study has 2 doers
    assert "1 / 3<div" in page
    assert "fieldwork closed (closed after 2024-05-31)" in page
