"""`perceptions broadcast` as a researcher types it: dry runs, and the sentences mistakes get."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.audience import PastRespondent, plant
from storage import upgrade
from tests.cli.conftest import STRONG_KEY, TOKEN, Perceptions

STUDY = "cycling_to_work"


@pytest.fixture
def planted(workdir: Path) -> dict[str, str]:
    """A database with 5 English and 2 French people who want the results, 3 who do not."""
    url = f"sqlite+aiosqlite:///{workdir / 'study.db'}"
    people = [*(PastRespondent(i, "en") for i in range(1, 6)),
              *(PastRespondent(i, "fr") for i in range(6, 8)),
              *(PastRespondent(i, results=False) for i in range(8, 11)),
              PastRespondent(11, "de")]

    async def setup() -> None:
        await upgrade(url)
        script = (workdir / "dialogs" / "cycling-to-work.yaml").read_text(encoding="utf-8")
        await plant(url, study_id=STUDY, script_text=script, key=STRONG_KEY, people=people,
                    now=datetime(2026, 1, 1, tzinfo=UTC))

    asyncio.run(setup())
    return {"DATABASE_URL": url, "PSEUDONYM_KEY": STRONG_KEY}


def message(workdir: Path, text: str) -> str:
    path = workdir / "thanks.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_dry_run_shows_who_gets_which_text_with_the_figures(
    perceptions: Perceptions, workdir: Path, planted: dict[str, str]
) -> None:
    path = message(workdir, "text:\n  en: '{respondents} of you answered. Thank you!'\n"
                            "  fr: 'Vous êtes {respondents}. Merci !'\n")
    ran = perceptions("broadcast", STUDY, path, "--dry-run", env=planted)

    assert ran.status == 0, ran.output
    assert "would go to 8 people" in ran.output
    assert "en: 5 people" in ran.output
    assert "fr: 2 people" in ran.output
    assert "de: 1 person (no de text: they get en)" in ran.output
    assert "11 of you answered. Thank you!" in ran.output  # 11 completed interviews
    assert "Vous êtes 11. Merci !" in ran.output


def test_a_segment_on_the_command_line_narrows_the_dry_run(
    perceptions: Perceptions, workdir: Path, planted: dict[str, str]
) -> None:
    path = message(workdir, "text: {en: Thanks, fr: Merci}\n")
    ran = perceptions("broadcast", STUDY, path, "--dry-run", "--segment", "language=fr",
                      env=planted)
    assert "would go to 2 people" in ran.output


@pytest.mark.parametrize(("text", "args", "says"), [
    ("text: {en: '{top_barier}'}", ["--dry-run"], "unknown figure {top_barier}"),
    ("text: {en: hi}", ["--dry-run", "--segment", "age=3"], "group=…, language=… or source=…"),
    ("text: {en: '{top_barrier}'}", ["--dry-run"], "the study has no {top_barrier} yet"),
    ("text: {en: hi}", [], "TELEGRAM_BOT_TOKEN is not set"),
])
def test_mistakes_get_a_sentence_not_a_traceback(
    perceptions: Perceptions, workdir: Path, planted: dict[str, str], text: str,
    args: list[str], says: str,
) -> None:
    ran = perceptions("broadcast", STUDY, message(workdir, text), *args, env=planted)
    assert ran.status == 1
    assert says in ran.output
    assert "Traceback" not in ran.output
    assert TOKEN not in ran.output
