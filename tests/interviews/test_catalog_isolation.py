"""One bad script disables its own study, with a logged reason; every other study keeps running."""

from __future__ import annotations

import logging
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.interviews import ScriptCatalog, StudyChoice
from storage import Repository
from tests.conftest import SCRIPTS

NOW = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
NESTED_NOTS = "not " * 1000 + "name == 'x'"


def _broken_copy(folder: Path, name: str, old: str, new: str) -> None:
    """mini.yaml with one change, saved as `name`."""
    text = (SCRIPTS / "mini.yaml").read_text(encoding="utf-8")
    assert old in text
    (folder / name).write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def dialogs(tmp_path: Path) -> Path:
    """A dialogs folder: one good study, and three scripts that each broke the bot before.

    Files load in name order, so the good `handwash.yaml` comes before its copycat.
    """
    folder = tmp_path / "dialogs"
    folder.mkdir()
    shutil.copy(SCRIPTS / "handwash.yaml", folder / "handwash.yaml")
    _broken_copy(folder, "a_nested.yaml", '    eligible_if: "age >= 18"',
                 f'    eligible_if: "{NESTED_NOTS}"')
    _broken_copy(folder, "b_title.yaml", "  title: Mini", "  title: " + "T" * 301)
    # Checks clean on its own, but claims the id of a study already loaded.
    _broken_copy(folder, "z_same_id.yaml", "  id: mini", "  id: handwash")
    return folder


async def test_broken_scripts_disable_only_their_own_study(
    repository: Repository, dialogs: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="bot.interviews.catalog"):
        catalog = await ScriptCatalog.load(repository, dialogs, default_study=None, now=NOW)

    assert catalog.study_ids == ["handwash"]
    lines = [r.getMessage() for r in caplog.records]
    assert any(
        "a_nested.yaml does not check" in line
        and "the condition is 4,011 characters long" in line
        for line in lines
    ), lines
    assert any(
        "b_title.yaml does not check" in line
        and "the title is 301 characters; keep it to at most 300" in line
        for line in lines
    ), lines
    assert any("z_same_id.yaml uses the study id 'handwash'" in line for line in lines), lines
    assert lines[-1] == "serving 1 study: handwash (handwash.yaml)"


class RefusingRepository:
    """The real repository, except that storing one study's script fails (as PostgreSQL may)."""

    def __init__(self, real: Repository, refuse: str) -> None:
        self.real = real
        self.refuse = refuse

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    async def register_script(self, **kwargs: Any) -> Any:
        if kwargs["study_id"] == self.refuse:
            raise RuntimeError("value too long for type character varying(300)")
        return await self.real.register_script(**kwargs)


async def test_a_study_storage_refuses_is_disabled_and_the_others_run(
    repository: Repository, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("mini.yaml", "handwash.yaml"):
        shutil.copy(SCRIPTS / name, tmp_path / name)
    refusing = RefusingRepository(repository, "mini")

    with caplog.at_level(logging.ERROR, logger="bot.interviews.catalog"):
        catalog = await ScriptCatalog.load(
            refusing, tmp_path, default_study="mini", now=NOW  # type: ignore[arg-type]
        )

    assert catalog.study_ids == ["handwash"]
    assert catalog.default_study == "handwash"
    refused = [r for r in caplog.records if "mini.yaml could not be stored" in r.getMessage()]
    assert len(refused) == 1
    assert refused[0].exc_info is not None, "a storage failure is logged with its traceback"


async def test_when_storage_refuses_every_study_its_error_is_raised(
    repository: Repository, tmp_path: Path
) -> None:
    shutil.copy(SCRIPTS / "mini.yaml", tmp_path / "mini.yaml")
    refusing = RefusingRepository(repository, "mini")
    with pytest.raises(RuntimeError, match="character varying"):
        await ScriptCatalog.load(
            refusing, tmp_path, default_study=None, now=NOW  # type: ignore[arg-type]
        )


async def test_no_valid_script_at_all_says_so(repository: Repository, tmp_path: Path) -> None:
    _broken_copy(tmp_path, "mini.yaml", "  title: Mini", "  title: " + "T" * 301)
    with pytest.raises(ValueError, match="no valid interview script"):
        await ScriptCatalog.load(repository, tmp_path, default_study=None, now=NOW)


@pytest.mark.parametrize(
    ("payload", "choice"),
    [
        (None, StudyChoice("mini", None)),
        ("handwash", StudyChoice("handwash", None)),
        ("handwash__poster", StudyChoice("handwash", "poster")),
        ("poster", StudyChoice("mini", "poster")),
        ("x" * 64, StudyChoice("mini", "x" * 64)),
        # Typed by hand after /start: no link carries these, so they are not stored as sources.
        ("x" * 65, StudyChoice("mini", None)),
        ("handwash__" + "x" * 60, StudyChoice("mini", None)),
        ("affiche_été", StudyChoice("mini", None)),
        ("a\0b", StudyChoice("mini", None)),
    ],
)
async def test_a_start_payload_no_link_carries_starts_the_default_study_without_a_source(
    repository: Repository, tmp_path: Path, payload: str | None, choice: StudyChoice
) -> None:
    for name in ("mini.yaml", "handwash.yaml"):
        shutil.copy(SCRIPTS / name, tmp_path / name)
    catalog = await ScriptCatalog.load(repository, tmp_path, default_study="mini", now=NOW)
    assert catalog.choose(payload) == choice


async def test_an_interview_keeps_a_version_todays_checks_refuse(
    repository: Repository, tmp_path: Path
) -> None:
    """A script stored before a check existed (here: a question id `source`) still runs."""
    shutil.copy(SCRIPTS / "mini.yaml", tmp_path / "mini.yaml")
    catalog = await ScriptCatalog.load(repository, tmp_path, default_study=None, now=NOW)
    old_text = (SCRIPTS / "mini.yaml").read_text(encoding="utf-8").replace(
        "  - id: name\n", "  - id: source\n"
    ).replace("{name}", "{source}")
    old = await repository.register_script(study_id="mini", title="Mini", text=old_text, now=NOW)

    script = await catalog.for_version(old.id)

    assert script.questions[0].id == "source"
