"""Every study's script: the current version of each file, and old versions by id."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.script import Script, check_file, check_source
from bot.script.limits import valid_payload
from bot.script.loader import compile_stored, script_paths
from storage import Repository

log = logging.getLogger(__name__)

SOURCE_SEPARATOR = "__"  # deep links: /start <study>__<source>


@dataclass(frozen=True)
class StudyChoice:
    """Which study a /start opens, and where the respondent came from."""

    study_id: str
    source: str | None


class ScriptCatalog:
    """The scripts in the dialogs folder, each registered in storage as a version."""

    def __init__(
        self, repository: Repository, current: dict[str, tuple[Script, int]], default: str | None
    ) -> None:
        """Use `ScriptCatalog.load`; this takes already registered scripts."""
        if not current:
            raise ValueError("no valid interview script: add one to the dialogs folder")
        self._repository = repository
        self._current = current
        self._by_version: dict[int, Script] = {version: s for s, version in current.values()}
        self.default_study = default if default in current else next(iter(current))

    @classmethod
    async def load(
        cls, repository: Repository, dialogs_dir: Path, *, default_study: str | None, now: datetime
    ) -> ScriptCatalog:
        """Load and register every valid script of `dialogs_dir`; a broken one disables its study.

        Each study stands alone: a script that does not check, or that storage refuses, is logged
        with its reason and left out, and the others run. Only when none is left does it raise.
        """
        current: dict[str, tuple[Script, int]] = {}
        files: dict[str, Path] = {}
        failure: Exception | None = None
        for path in script_paths([dialogs_dir]):
            script, problems = check_file(path)
            if script is None:
                more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
                log.error("study disabled: %s does not check: %s%s", path,
                          "; ".join(map(str, problems[:3])), more)
                continue
            if script.study_id in files:
                log.error("study disabled: %s uses the study id %r of %s; give it its own `id`",
                          path, script.study_id, files[script.study_id])
                continue
            try:
                version = await repository.register_script(
                    study_id=script.study_id,
                    title=script.text(script.file.study.title, script.languages[0]),
                    text=script.source,
                    now=now,
                )
            except Exception as exc:  # a bug or a database problem: this study only, with its traceback
                log.exception("study disabled: %s could not be stored", path)
                failure = exc
                continue
            files[script.study_id] = path
            current[script.study_id] = (script, version.id)
        if not current and failure is not None:
            raise failure  # nothing could be stored: the database is the problem, say so
        if default_study and default_study not in current:
            log.warning("DEFAULT_STUDY %r has no valid script; using the first one", default_study)
        log.info("serving %d %s: %s", len(current), "study" if len(current) == 1 else "studies",
                 ", ".join(f"{study} ({files[study].name})" for study in current) or "none")
        return cls(repository, current, default_study)

    @property
    def study_ids(self) -> list[str]:
        """The studies that can be started, default first."""
        rest = [s for s in self._current if s != self.default_study]
        return [self.default_study, *rest]

    def current(self, study_id: str) -> tuple[Script, int]:
        """The script new interviews of the study start on, and its version id."""
        return self._current[study_id]

    def choose(self, payload: str | None) -> StudyChoice:
        """The study and source of a /start deep-link payload (unknown studies → the default).

        Telegram's links carry at most 64 letters, digits, _ and -; anything else (someone typing
        `/start` and a long text) starts the default study with no source rather than storing it.
        """
        if payload is not None and not valid_payload(payload):
            log.info("a /start payload that no link carries (%d characters) was ignored",
                     len(payload))
            payload = None
        study, _, source = (payload or "").partition(SOURCE_SEPARATOR)
        if study not in self._current:
            # A payload without a known study is just a source (e.g. /start poster).
            return StudyChoice(self.default_study, source or study or None)
        return StudyChoice(study, source or None)

    async def for_version(self, version_id: int) -> Script:
        """The exact script an interview started on (compiled once, then cached)."""
        cached = self._by_version.get(version_id)
        if cached is not None:
            return cached
        record = await self._repository.get_script_version(version_id=version_id)
        if record is None:
            raise LookupError(f"script version {version_id} is not in the database")
        script, problems = check_source(record.text.encode("utf-8"), f"<version {version_id}>")
        if script is None:
            # Checked when it was stored, refused by today's stricter checks: interviews begun on
            # it still finish on it.
            script = compile_stored(record.text)
            log.warning("script version %d runs as stored despite: %s", version_id, problems[:1])
        self._by_version[version_id] = script
        return script
