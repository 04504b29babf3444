"""Every failure a person can cause or meet is one clear message: no traceback, a fix, exit 1.

Each case runs the real command in a child process, as a researcher would on a fresh clone, and
checks: no traceback, at most 6 lines, the setting or the fix named, a non-zero exit status, and
the bot token nowhere in the output.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy.engine import make_url

from bot.cli.errors import explain
from storage import StorageUnavailable
from tests.cli.conftest import STRONG_KEY, TOKEN, Perceptions, Ran
from tests.storage.conftest import POSTGRES_URL, ScratchDatabase, postgres_or_skip


def assert_one_clear_message(ran: Ran, *needles: str) -> None:
    """The shape every failure must have."""
    assert ran.status != 0, ran.output
    assert "Traceback" not in ran.output, ran.output
    assert len(ran.lines) <= 6, ran.output
    assert TOKEN not in ran.output
    assert TOKEN.split(":")[1] not in ran.output
    for needle in needles:
        assert needle in ran.output, f"{needle!r} missing from:\n{ran.output}"


def closed_port() -> int:
    """A localhost port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A localhost port another program is listening on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield int(other.getsockname()[1])


class _RefusingBotApi(BaseHTTPRequestHandler):
    """Answers every Bot API call as Telegram answers a revoked token."""

    def do_POST(self) -> None:
        body = b'{"ok":false,"error_code":401,"description":"Unauthorized"}'
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def log_message(self, *_args: object) -> None:
        """Quiet."""


@pytest.fixture
def refusing_bot_api() -> Iterator[str]:
    """The address of a Bot API server that refuses every token."""
    server = HTTPServer(("127.0.0.1", 0), _RefusingBotApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


REAL_BOT = {"TELEGRAM_BOT_TOKEN": TOKEN, "PSEUDONYM_KEY": STRONG_KEY}


# --- settings ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("setting", "value", "needle"),
    [
        ("SANDBOX_PORT", "abc", "SANDBOX_PORT='abc' should be a whole number"),
        ("TIMEZONE", "Europe/Pariss", "TIMEZONE='Europe/Pariss' is not a time zone"),
        ("QUIET_HOURS_START", "27", "QUIET_HOURS_START='27' should be at most 23"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL='LOUD' is not a log level"),
        ("RESEARCHER_IDS", "alice", "RESEARCHER_IDS='alice' should be Telegram user ids"),
        ("WEBHOOK_URL", "bot.example.org", "WEBHOOK_URL='bot.example.org' is not a web address"),
        ("DATABASE_URL", "mysql://db/x", "DATABASE_URL='mysql://db/x' is not a database URL"),
    ],
)
def test_a_bad_setting_is_named_with_what_is_right(
    perceptions: Perceptions, setting: str, value: str, needle: str
) -> None:
    ran = perceptions("export", "cycling_to_work", env={setting: value})
    assert_one_clear_message(ran, needle, ".env")


def test_a_malformed_token_is_refused_without_showing_it(perceptions: Perceptions) -> None:
    ran = perceptions("run", env={"TELEGRAM_BOT_TOKEN": "123 456:not a token, " + TOKEN})
    assert_one_clear_message(ran, "TELEGRAM_BOT_TOKEN does not look like a bot token", "@BotFather")


# --- the real bot ----------------------------------------------------------------------------

@pytest.mark.parametrize("key", [None, "change-me-before-fieldwork", "short-key"])
def test_the_real_bot_refuses_a_weak_pseudonym_key(perceptions: Perceptions, key: str | None) -> None:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN} | ({"PSEUDONYM_KEY": key} if key else {})
    ran = perceptions("run", env=env)
    assert_one_clear_message(ran, "PSEUDONYM_KEY", "perceptions keygen")


def test_telegram_out_of_reach(perceptions: Perceptions) -> None:
    api = f"http://127.0.0.1:{closed_port()}"
    ran = perceptions("run", env=REAL_BOT | {"TELEGRAM_API_URL": api})
    assert_one_clear_message(ran, "Cannot reach Telegram", "internet connection")


def test_a_token_telegram_refuses(perceptions: Perceptions, refusing_bot_api: str) -> None:
    ran = perceptions("run", env=REAL_BOT | {"TELEGRAM_API_URL": refusing_bot_api})
    assert_one_clear_message(ran, "Telegram refused the bot token (TELEGRAM_BOT_TOKEN)",
                             "@BotFather")


def test_a_webhook_port_in_use(perceptions: Perceptions, busy_port: int) -> None:
    env = REAL_BOT | {"WEBHOOK_URL": "https://bot.example.org/hook", "WEBHOOK_SECRET": "s3cret",
                      "WEBHOOK_PORT": str(busy_port)}
    ran = perceptions("run", "--webhook", env=env)
    assert_one_clear_message(ran, f"Port {busy_port}", "already in use", "WEBHOOK_PORT")


def test_a_sandbox_port_in_use(perceptions: Perceptions, busy_port: int) -> None:
    ran = perceptions("sandbox", "--port", str(busy_port))
    assert_one_clear_message(ran, str(busy_port), "SANDBOX_PORT")


# --- files and studies -----------------------------------------------------------------------

def test_an_unknown_study(perceptions: Perceptions) -> None:
    ran = perceptions("report", "cycling")
    assert_one_clear_message(ran, "no valid script for study 'cycling'", "cycling_to_work")


def test_a_missing_file(perceptions: Perceptions) -> None:
    ran = perceptions("import", "cycling_to_work", "answers.csv")
    assert_one_clear_message(ran, "answers.csv", "does not exist")


def test_a_missing_dialogs_folder(perceptions: Perceptions) -> None:
    ran = perceptions("export", "cycling_to_work", env={"DIALOGS_DIR": "scripts"})
    assert_one_clear_message(ran, "scripts")


# --- databases -------------------------------------------------------------------------------

def test_database_server_down(perceptions: Perceptions) -> None:
    url = f"postgresql://postgres@127.0.0.1:{closed_port()}/perceptions"
    ran = perceptions("export", "cycling_to_work", env={"DATABASE_URL": url})
    assert_one_clear_message(ran, "Cannot reach the database server", "DATABASE_URL")


def test_database_host_unknown(perceptions: Perceptions) -> None:
    url = "postgresql://postgres@db.invalid/perceptions"
    ran = perceptions("import", "cycling_to_work", "/dev/null", env={"DATABASE_URL": url})
    assert_one_clear_message(ran, "unknown host name", "DATABASE_URL")


def test_an_sqlite_file_that_cannot_be_opened(perceptions: Perceptions) -> None:
    ran = perceptions("report", "cycling_to_work",
                      env={"DATABASE_URL": "sqlite:////proc/perceptions/answers.db"})
    assert_one_clear_message(ran, "/proc/perceptions/answers.db", "DATABASE_URL")


def _postgres(database: str) -> str:
    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


@pytest.mark.postgres
def test_a_misspelt_database_name(perceptions: Perceptions) -> None:
    postgres_or_skip()
    ran = perceptions("report", "cycling_to_work", env={"DATABASE_URL": _postgres("perceptoins")})
    assert_one_clear_message(ran, "`perceptoins` on", "createdb perceptoins", "DATABASE_URL")


@pytest.mark.postgres
def test_a_database_not_migrated_yet(perceptions: Perceptions) -> None:
    postgres_or_skip()
    with ScratchDatabase() as url:
        ran = perceptions("export", "cycling_to_work", env={"DATABASE_URL": url})
    assert_one_clear_message(ran, "has no tables yet", "perceptions db upgrade")


@pytest.mark.postgres
def test_db_upgrade_refuses_the_servers_own_database(perceptions: Perceptions) -> None:
    postgres_or_skip()
    ran = perceptions("db", "upgrade", env={"DATABASE_URL": _postgres("postgres")})
    assert_one_clear_message(ran, "server's own `postgres` database", "createdb perceptions")


def test_storage_unavailable_is_explained_even_when_its_cause_is_unknown() -> None:
    down = StorageUnavailable("the database is unavailable (InterfaceError)")
    down.__cause__ = RuntimeError("the driver's own words")
    message = explain(down)
    assert message is not None
    assert "unavailable right now" in message
    assert "driver" not in message
    assert explain(RuntimeError("a bug")) is None  # a bug stays a bug, with its traceback
