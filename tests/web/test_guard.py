"""The web pages against a hostile browser: security headers on every response, no POST from
another site's page, and a research password that can't be guessed at full speed."""

from __future__ import annotations

import base64
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot.report.templating import asset
from bot.settings import Settings
from bot.web.guard import LoginThrottle, client_of, content_security_policy, script_hash
from bot.web.research import create_research_app
from storage import upgrade

Client = TestClient[web.Request, web.Application]
PASSWORD = "correct horse battery staple"
HEADERS = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def basic(password: str) -> dict[str, str]:
    """An Authorization header for this password."""
    token = base64.b64encode(f"researcher:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def assert_guarded(response: web.StreamResponse | object, what: str) -> None:
    """The response carries every security header."""
    headers = response.headers  # type: ignore[attr-defined]
    for name, value in HEADERS.items():
        assert headers.get(name) == value, f"{what}: {name}"
    csp = headers.get("Content-Security-Policy", "")
    for directive in ("default-src 'none'", "frame-ancestors 'none'", "script-src 'self'",
                      "base-uri 'none'"):
        assert directive in csp, f"{what}: {directive}"
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0], what


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def research(tmp_path: Path, sandbox_settings: Settings,
                   clock: Clock) -> AsyncIterator[Client]:
    """The research pages with a password, served on a real port, their throttle on `clock`."""
    url = f"sqlite+aiosqlite:///{tmp_path}/research.db"
    await upgrade(url)
    settings = sandbox_settings.model_copy(update={
        "database_url": url, "research_password": SecretStr(PASSWORD)})
    app = create_research_app(settings, throttle=LoginThrottle(clock=clock))
    async with TestClient(TestServer(app)) as client:
        yield client


# ---- headers ---------------------------------------------------------------------------------


async def test_every_sandbox_response_carries_the_security_headers(
    sandbox_client: Client,
) -> None:
    responses = {
        "page": await sandbox_client.get("/"),
        "script": await sandbox_client.get("/static/sandbox.js"),
        "api": await sandbox_client.get("/api/scripts"),
        "api error": await sandbox_client.get("/api/messages?chat=nope"),
        "missing": await sandbox_client.get("/no/such/page"),
        "post": await sandbox_client.post("/api/respondents", json={"study_id": "mini"}),
    }
    assert [r.status for r in responses.values()] == [200, 200, 200, 400, 404, 200]
    for what, response in responses.items():
        assert_guarded(response, what)
        assert "style-src 'self';" in response.headers["Content-Security-Policy"]


async def test_every_research_response_carries_the_security_headers(research: Client) -> None:
    auth = basic(PASSWORD)
    responses = {
        "no password": await research.get("/"),
        "studies": await research.get("/", headers=auth),
        "styles": await research.get("/static/research.css", headers=auth),
        "coding": await research.get("/study/mini", headers=auth),
        "report": await research.get("/study/mini/report", headers=auth),
        "no such study": await research.get("/study/nope", headers=auth),
        "missing": await research.get("/no/such/page", headers=auth),
    }
    assert [r.status for r in responses.values()] == [401, 200, 200, 200, 200, 404, 404]
    for what, response in responses.items():
        assert_guarded(response, what)
    # Pages with respondents' answers stay out of caches (shared computers, proxies).
    assert responses["coding"].headers["Cache-Control"] == "no-store"
    assert responses["report"].headers["Cache-Control"] == "no-store"
    csv = await research.get("/study/mini/export/wide.csv", headers=auth)
    assert csv.status == 200
    assert csv.headers["Cache-Control"] == "no-store"
    assert "no-store" not in responses["styles"].headers.get("Cache-Control", "")


async def test_the_report_page_may_run_its_own_inline_script_and_no_other(
    research: Client,
) -> None:
    response = await research.get("/study/mini/report", headers=basic(PASSWORD))
    page = await response.text()
    csp = response.headers["Content-Security-Policy"]
    assert f"<script>{asset('report.js')}</script>" in page
    assert script_hash(asset("report.js")) in csp
    assert script_hash("alert(1)") not in csp


def test_a_policy_names_exactly_the_scripts_it_was_given() -> None:
    assert "sha256" not in content_security_policy()
    assert content_security_policy("a") != content_security_policy("b")
    # The hash browsers compute for <script>alert(1)</script> (CSP Level 2, base64 SHA-256).
    assert script_hash("alert(1)") == "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"


# ---- cross-site POSTs ------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    {"Sec-Fetch-Site": "same-site"},
    {"Sec-Fetch-Site": "cross-site", "Content-Type": "text/plain"},
], ids=["origin", "null-origin", "fetch-metadata", "same-site", "text-plain-form"])
async def test_the_sandbox_refuses_a_post_from_another_site(
    sandbox_client: Client, headers: dict[str, str]
) -> None:
    before = await (await sandbox_client.get("/api/respondents")).json()
    response = await sandbox_client.post(
        "/api/respondents", data='{"study_id": "mini"}',
        headers={"Content-Type": "application/json", **headers})

    assert response.status == 403
    assert "another web site" in (await response.json())["error"]
    assert await (await sandbox_client.get("/api/respondents")).json() == before


@pytest.mark.parametrize("same", [
    {"Sec-Fetch-Site": "same-origin"},
    {"Origin": "http://SELF"},
    {"Origin": "https://SELF"},  # behind a proxy that ends TLS
    {},  # no browser at all (curl, scripts)
], ids=["fetch-metadata", "origin", "origin-through-tls-proxy", "no-browser"])
async def test_the_sandbox_accepts_a_post_from_its_own_page(
    sandbox_client: Client, same: dict[str, str]
) -> None:
    host = f"{sandbox_client.host}:{sandbox_client.port}"
    headers = {k: v.replace("SELF", host) for k, v in same.items()}
    response = await sandbox_client.post("/api/respondents", json={"study_id": "mini"},
                                         headers=headers)
    assert response.status == 200


async def test_the_research_pages_refuse_a_post_from_another_site(research: Client) -> None:
    response = await research.post("/api/study/mini/coding", json={}, headers={
        **basic(PASSWORD), "X-Perceptions-Save": "1", "Origin": "https://evil.example"})
    assert response.status == 403


# ---- login throttle --------------------------------------------------------------------------


async def test_wrong_passwords_lock_the_address_out_for_longer_each_time(
    research: Client, clock: Clock
) -> None:
    statuses = [(await research.get("/", headers=basic(f"guess {n}"))).status
                for n in range(6)]
    assert statuses == [401] * 6  # five free guesses; the sixth locks the address for 1 s

    refused = await research.get("/", headers=basic(PASSWORD))  # even the right one waits
    assert refused.status == 429
    assert refused.headers["Retry-After"] == "1"
    page = await refused.text()
    assert "Too many wrong passwords" in page
    assert "Please wait 1 seconds" in page
    assert_guarded(refused, "429")

    clock.now += 1.0
    assert (await research.get("/", headers=basic("guess 6"))).status == 401
    assert (await research.get("/", headers=basic(PASSWORD))).headers["Retry-After"] == "2"
    clock.now += 2.0
    assert (await research.get("/", headers=basic(PASSWORD))).status == 200
    # The right password forgave the address: the next typo is free again.
    assert (await research.get("/", headers=basic("typo"))).status == 401
    assert (await research.get("/", headers=basic(PASSWORD))).status == 200


async def test_asking_without_a_password_costs_nothing(research: Client) -> None:
    statuses = [(await research.get("/")).status for _ in range(20)]
    assert statuses == [401] * 20
    assert (await research.get("/", headers=basic(PASSWORD))).status == 200


def test_lockouts_double_up_to_the_longest_and_are_forgotten_later() -> None:
    clock = Clock()
    throttle = LoginThrottle(free=2, longest=8.0, forget_after=60.0, clock=clock)
    waits = []
    for _ in range(8):
        throttle.failed("10.0.0.1")
        waits.append(throttle.retry_after("10.0.0.1"))
        clock.now += waits[-1]
    assert waits == [0, 0, 1, 2, 4, 8, 8, 8]
    assert throttle.retry_after("10.0.0.2") == 0  # another address is not affected
    clock.now += 61
    throttle.failed("10.0.0.1")
    assert throttle.retry_after("10.0.0.1") == 0  # an hour later, a typo is free again


def test_a_flood_of_addresses_keeps_memory_bounded() -> None:
    throttle = LoginThrottle(max_addresses=100, clock=Clock())
    for n in range(1000):
        throttle.failed(f"10.0.{n // 256}.{n % 256}")
    assert len(throttle._by_address) <= 100


async def test_guessing_at_full_speed_gets_a_handful_of_tries(tmp_path: Path,
                                                             sandbox_settings: Settings) -> None:
    """On the real clock: of the guesses one address makes in 2 s, only the first few are
    checked (before the throttle the issue measured 6,511 checked guesses a second)."""
    url = f"sqlite+aiosqlite:///{tmp_path}/research.db"
    await upgrade(url)
    settings = sandbox_settings.model_copy(update={
        "database_url": url, "research_password": SecretStr(PASSWORD)})
    async with TestClient(TestServer(create_research_app(settings))) as client:
        checked = refused = 0
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            status = (await client.get("/", headers=basic("wrong"))).status
            checked += status == 401
            refused += status == 429
    assert refused > checked
    assert checked <= 8  # 5 free, then 1 s and 2 s lockouts


@pytest.mark.parametrize(("remote", "client"), [
    ("203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
    ("2001:db8:1:2::1", "2001:db8:1:2::/64"),  # the same household, another address
    ("::ffff:203.0.113.7", "203.0.113.7"),
    ("fe80::1%eth0", "fe80::/64"),
    (None, "?"),
])
def test_the_throttle_counts_an_ipv6_household_as_one_client(remote: str | None,
                                                             client: str) -> None:
    assert client_of(remote) == client
