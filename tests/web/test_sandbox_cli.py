"""`perceptions sandbox` explains what stops it in one sentence and says where to go."""

from __future__ import annotations

import socket
from pathlib import Path

from click.testing import CliRunner
from pydantic import SecretStr

from bot.cli import cli
from bot.settings import Settings
from bot.web.sandbox import start_message

MINI = Path(__file__).parents[1] / "scripts" / "mini.yaml"


def sandbox(tmp_path: Path, *args: str, **env: str) -> tuple[int, str]:
    """Run the command with settings from the environment, as a researcher would."""
    defaults = {
        "DIALOGS_DIR": str(tmp_path / "dialogs"),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/fieldwork.db",
        "SANDBOX_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/sandbox.db",
        "TELEGRAM_BOT_TOKEN": "",
    }
    result = CliRunner().invoke(cli, ["sandbox", *args], env=defaults | env)
    return result.exit_code, result.output


def test_without_a_valid_script_it_says_to_add_one(tmp_path: Path) -> None:
    (tmp_path / "dialogs").mkdir()
    code, output = sandbox(tmp_path)
    assert code == 1
    assert f"There is no valid script in {tmp_path / 'dialogs'}: add one" in output
    assert "Traceback" not in output


def test_it_refuses_to_write_into_the_fieldwork_database(tmp_path: Path) -> None:
    # The same file under another spelling of the URL is still the same database.
    code, output = sandbox(tmp_path, SANDBOX_DATABASE_URL=f"sqlite:///{tmp_path}/./fieldwork.db")
    assert code == 1
    assert "The sandbox database is the fieldwork database" in output


def test_an_unsupported_database_url_gets_a_sentence(tmp_path: Path) -> None:
    code, output = sandbox(tmp_path, SANDBOX_DATABASE_URL="mysql://localhost/sandbox")
    assert code == 1
    assert "SANDBOX_DATABASE_URL='mysql://localhost/sandbox' is not a database URL" in output
    assert "Traceback" not in output


def test_a_busy_port_gets_a_sentence(tmp_path: Path) -> None:
    (tmp_path / "dialogs").mkdir()
    (tmp_path / "dialogs" / "mini.yaml").write_bytes(MINI.read_bytes())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, output = sandbox(tmp_path, "--port", str(port))
    assert code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in output
    assert "pick another port with --port" in output


def test_the_start_message_gives_the_url_and_why_it_is_offline() -> None:
    settings = Settings(_env_file=None, telegram_bot_token=None, sandbox_port=8099,  # type: ignore[call-arg]
                        pseudonym_key=SecretStr("k"))
    message = start_message(settings, "sqlite+aiosqlite:///./data/sandbox.db")
    assert message.splitlines() == [
        "No Telegram token is set (TELEGRAM_BOT_TOKEN), so the bot runs offline in the sandbox.",
        "Open http://127.0.0.1:8099 to chat with your scripts as a respondent would.",
        "Sandbox answers go to sqlite+aiosqlite:///./data/sandbox.db (never the fieldwork "
        "database). Press Ctrl-C to stop.",
    ]
    with_token = settings.model_copy(update={"telegram_bot_token": SecretStr("1:x")})
    assert "No Telegram token" not in start_message(with_token, "sqlite://")
