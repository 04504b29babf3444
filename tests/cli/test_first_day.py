"""Safe defaults on a fresh clone: databases that set themselves up, a key made for you, a banner."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

from bot.testing.fake_bot_api import FakeBotApi
from tests.cli.conftest import ROOT, STRONG_KEY, TOKEN, Perceptions


def test_every_data_command_sets_up_its_sqlite_database_and_says_which(
    perceptions: Perceptions, workdir: Path
) -> None:
    for command in (["export", "cycling_to_work"], ["report", "cycling_to_work", "--format", "md"],
                    ["code", "cycling_to_work", "--out", "coding.csv"]):
        ran = perceptions(*command)
        assert ran.status == 0, ran.output
        assert "Database: SQLite file ./data/perceptions.db" in ran.stderr
        assert (workdir / "data" / "perceptions.db").exists()


def test_an_empty_report_says_where_the_sandbox_answers_are(perceptions: Perceptions) -> None:
    ran = perceptions("report", "cycling_to_work", "--format", "json")
    assert ran.status == 0, ran.output
    assert "No interviews of study cycling_to_work in SQLite file ./data/perceptions.db" in ran.stderr
    assert "./data/sandbox.db" in ran.stderr


def test_db_upgrade_says_what_it_did(perceptions: Perceptions) -> None:
    first, again = perceptions("db", "upgrade"), perceptions("db", "upgrade")
    assert first.status == again.status == 0
    assert re.fullmatch(r"Created the perceptions tables in SQLite file \./data/perceptions\.db "
                        r"\(schema \w+\)\.\n", first.stdout)
    assert "is already up to date" in again.stdout


def test_keygen_writes_a_strong_key_into_env_and_never_prints_it(
    perceptions: Perceptions, workdir: Path
) -> None:
    env_file = workdir / ".env"
    env_file.write_text("TELEGRAM_BOT_TOKEN=\nPSEUDONYM_KEY=change-me-before-fieldwork\nTIMEZONE=UTC\n")
    made = perceptions("keygen")
    assert made.status == 0, made.output
    text = env_file.read_text()
    key = re.search(r"^PSEUDONYM_KEY=(\S+)$", text, re.M)
    assert key is not None
    assert len(key.group(1)) >= 32
    assert key.group(1) not in made.output
    assert text.startswith("TELEGRAM_BOT_TOKEN=\n")
    assert text.endswith("TIMEZONE=UTC\n")
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"

    refused = perceptions("keygen")
    assert refused.status == 1
    assert "--force" in refused.output
    assert env_file.read_text() == text  # a key in use is never replaced silently


def test_log_level_is_honoured(perceptions: Perceptions) -> None:
    quiet = perceptions("export", "cycling_to_work")
    chatty = perceptions("export", "cycling_to_work", env={"LOG_LEVEL": "debug"})
    assert " DEBUG " not in quiet.stderr
    assert " DEBUG " in chatty.stderr


async def test_the_real_bot_starts_with_a_banner(fake_bot_api: FakeBotApi, workdir: Path) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "HOME": str(workdir),
           "TELEGRAM_BOT_TOKEN": TOKEN, "PSEUDONYM_KEY": STRONG_KEY,
           "TELEGRAM_API_URL": fake_bot_api.base_url, "DEFAULT_STUDY": "kerbside_recycling"}
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=workdir, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    assert bot.stdout is not None
    lines: list[str] = []
    try:
        async with asyncio.timeout(60):
            while not lines or not lines[-1].startswith("Press Ctrl-C"):
                line = (await bot.stdout.readline()).decode()
                assert line, "the bot stopped before printing its banner"
                lines.append(line.rstrip())
    finally:
        bot.send_signal(signal.SIGINT)
        _, errors = await bot.communicate()
    banner = "\n".join(lines)
    assert lines[0] == "Bot @perceptions_test_bot — polling Telegram for updates."
    assert "Database: SQLite file ./data/perceptions.db." in banner
    assert "  cycling_to_work — Getting to work by bike\n" in banner
    assert "kerbside_recycling — " in banner
    assert "(default: /start without a link)" in banner
    assert "https://t.me/perceptions_test_bot?start=cycling_to_work " in banner
    assert "https://t.me/perceptions_test_bot?start=cycling_to_work__poster" in banner
    assert TOKEN not in banner + errors.decode()
    assert bot.returncode in (0, 130), errors.decode()  # Ctrl-C before or after polling began
    assert "Traceback" not in errors.decode()


def test_links_prints_a_deep_link_and_writes_its_qr_code(
    perceptions: Perceptions, workdir: Path
) -> None:
    ran = perceptions("links", "cycling_to_work", "--source", "poster", "--bot", "@cycle_study_bot")
    assert ran.status == 0, ran.output
    assert ran.stdout == "https://t.me/cycle_study_bot?start=cycling_to_work__poster\n"
    png = workdir / "links" / "cycling_to_work__poster.png"
    svg = workdir / "links" / "cycling_to_work__poster.svg"
    assert png.read_bytes().startswith(b"\x89PNG")
    assert "https://t.me/cycle_study_bot?start=cycling_to_work__poster" in svg.read_text()


def test_a_link_source_telegram_would_refuse(perceptions: Perceptions) -> None:
    ran = perceptions("links", "cycling_to_work", "--source", "market day!", "--bot", "b")
    assert ran.status == 1
    assert "letters, digits, _ or -" in ran.output
