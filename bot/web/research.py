"""The researchers' web pages: studies and fieldwork, coding open answers, downloads.

Saving is a same-origin JSON POST carrying a custom header: a form on another site can send
neither, and a script on another site cannot add the header without a CORS preflight we never
allow, so no CSRF token is needed.
"""

from __future__ import annotations

import asyncio
import errno
import io
import ipaddress
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.analysis.emerging import emerging_themes
from bot.compose import open_repository
from bot.report.exports import ExportFormat, export_csv
from bot.report.templating import asset
from bot.review.coding_csv import MAX_CODER, write_coding_csv
from bot.review.open_answers import (
    find_open_answers,
    open_answers,
    open_questions,
    save_coding,
    theme_ids,
)
from bot.script import Script
from bot.script.fieldwork import window_text
from bot.settings import Settings
from bot.web import guard
from bot.web.research_pages import (
    PAGE_SIZE,
    CodingView,
    QuestionCount,
    StudyRow,
    coding_page,
    message_page,
    studies_page,
)
from bot.web.sandbox_chat import load_scripts
from storage import Repository, StudyCounts

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static" / "research"
SAVE_HEADER = "X-Perceptions-Save"  # the custom header that makes a POST same-origin only

SETTINGS: web.AppKey[Settings] = web.AppKey("research_settings", Settings)
REPOSITORY: web.AppKey[Repository] = web.AppKey("research_repository", Repository)


class ResearchError(ValueError):
    """A mistake the researcher can fix, said in one sentence."""


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach a server bound to `host`."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def create_research_app(settings: Settings, *, repository: Repository | None = None,
                        throttle: guard.LoginThrottle | None = None) -> web.Application:
    """The researcher pages over DATABASE_URL (or the given repository); `throttle` limits
    wrong passwords per client address."""
    password = settings.research_password
    if not is_loopback(settings.research_host) and (
        password is None or not password.get_secret_value()
    ):
        raise ResearchError(
            f"The research pages would be reachable from other machines on "
            f"{settings.research_host}: set RESEARCH_PASSWORD in .env, or use "
            "RESEARCH_HOST=127.0.0.1."
        )
    app = web.Application(middlewares=[
        guard.same_origin_posts,
        guard.basic_auth(password.get_secret_value() if password else None,
                         throttle or guard.LoginThrottle()),
    ])
    # The report page is self-contained: its one inline script is allowed by its hash.
    guard.add_security_headers(app, asset("report.js"), private=True)
    app[SETTINGS] = settings
    app.cleanup_ctx.append(_lifecycle(settings, repository))
    app.router.add_get("/", _studies)
    app.router.add_static("/static/", STATIC_DIR)
    app.router.add_get("/study/{study}", _coding)
    app.router.add_post("/api/study/{study}/coding", _save)
    app.router.add_get("/study/{study}/coding.csv", _coding_csv)
    app.router.add_get("/study/{study}/export/{fmt}.csv", _export)
    app.router.add_get("/study/{study}/report", _report)
    app.router.add_get("/study/{study}/dbc.csv", _dbc)
    app.router.add_get("/study/{study}/file/{fmt}", _analyst_file)
    return app


def _lifecycle(settings: Settings, given: Repository | None
               ) -> Callable[[web.Application], AsyncIterator[None]]:
    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        repository = given or await open_repository(settings.database_url)
        app[REPOSITORY] = repository
        try:
            yield
        finally:
            if given is None:
                await repository.close()

    return lifecycle


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")


def _script(request: web.Request) -> Script:
    study = request.match_info["study"]
    for entry in load_scripts(request.app[SETTINGS].dialogs_dir):
        if entry.script is not None and entry.script.study_id == study:
            return entry.script
    raise web.HTTPNotFound(text=message_page(
        "No such study", f"There is no valid script for study '{study}' in the dialogs folder."
    ), content_type="text/html")


async def _studies(request: web.Request) -> web.Response:
    repository = request.app[REPOSITORY]
    rows = []
    for entry in load_scripts(request.app[SETTINGS].dialogs_dir):
        script = entry.script
        if script is None:
            rows.append(StudyRow(entry.path.name, None, entry.path.name, problem=entry.problem))
            continue
        study = script.file.study
        counts = await repository.study_counts(study_id=script.study_id)
        rows.append(StudyRow(
            entry.path.name, script.study_id,
            script.text(study.title, script.languages[0]),
            counts,
            (study.quota.doers, study.quota.non_doers),
            fieldwork=window_text(study, datetime.now(UTC).date()),
            over_quota=_over_quota(counts),
        ))
    return _html(studies_page(rows))


def _over_quota(counts: StudyCounts) -> str:
    """Who full groups turned away or kept apart, for the studies page."""
    said = []
    if counts.quota_full:
        said.append(f"{counts.quota_full} thanked, group full")
    if counts.over_quota:
        said.append(f"{counts.over_quota} kept over quota")
    return " · ".join(said)


async def _coding(request: web.Request) -> web.Response:
    script = _script(request)
    questions = open_questions(script)
    chosen = next((q for q in questions if q.id == request.query.get("q")),
                  questions[0] if questions else None)
    uncoded_only = request.query.get("uncoded") == "1"
    page = max(0, _int(request.query.get("page"), 1) - 1)
    tally = {q.id: [0, 0] for q in questions}
    shown, matching, uncoded_texts = [], 0, []
    async for answer in open_answers(request.app[REPOSITORY], script):
        tally[answer.question_id][0] += 1
        tally[answer.question_id][1] += answer.uncoded
        if chosen is None or answer.question_id != chosen.id:
            continue
        if answer.uncoded:
            uncoded_texts.append(" ".join(answer.texts))
        if uncoded_only and not answer.uncoded:
            continue
        if page * PAGE_SIZE <= matching < (page + 1) * PAGE_SIZE:
            shown.append(answer)
        matching += 1
    emerging = (await asyncio.to_thread(emerging_themes, chosen.id, uncoded_texts)
                if chosen is not None else [])
    return _html(coding_page(CodingView(
        script=script,
        counts=[QuestionCount(q, *tally[q.id]) for q in questions],
        question=chosen, answers=shown, matching=matching, page=page,
        uncoded_only=uncoded_only, emerging=emerging,
    )))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


async def _save(request: web.Request) -> web.Response:
    """Store a researcher's themes for one answer (an override that keeps who and when)."""
    if request.headers.get(SAVE_HEADER) != "1" or request.content_type != "application/json":
        return _error("Save from the coding page.", 403)
    script = _script(request)
    try:
        body = await request.json()
    except ValueError:
        return _error("The request body must be JSON.")
    if not isinstance(body, dict):
        return _error("The request body must be a JSON object.")
    coder = str(body.get("coder") or "").strip()
    if not coder or len(coder) > MAX_CODER:
        return _error(f"Type your name in the Coder box first (up to {MAX_CODER} characters).")
    themes = body.get("themes")
    answer_id = body.get("answer_id")
    if not isinstance(answer_id, int) or not isinstance(themes, list):
        return _error("Send an answer_id (a number) and themes (a list).")
    answer = (await find_open_answers(request.app[REPOSITORY], script, [answer_id])
              ).get(answer_id)
    if answer is None:
        return _error(f"There is no open answer {answer_id} in this study.", 404)
    valid = theme_ids(script.by_id[answer.question_id])
    unknown = [str(t) for t in themes if t not in valid]
    if unknown:
        return _error(f"{', '.join(unknown)} is not a theme of question {answer.question_id}; "
                      f"its themes are: {', '.join(valid) or 'none'}.")
    now = datetime.now(UTC)
    saved = await save_coding(request.app[REPOSITORY], answer, [str(t) for t in themes],
                              coder=coder, now=now)
    log.info("Coding saved for an answer of study %s (changed: %s)", script.study_id, saved)
    return web.json_response({"saved": saved, "themes": sorted(set(map(str, themes))),
                              "coder": coder, "at": now.isoformat(timespec="seconds")})


def _error(text: str, status: int = 400) -> web.Response:
    return web.json_response({"error": text}, status=status)


async def _csv(request: web.Request, name: str, write: Callable[[io.StringIO], Any]) -> web.Response:
    out = io.StringIO(newline="")
    out.write("\ufeff")  # so Excel reads UTF-8
    await write(out)
    return web.Response(body=out.getvalue().encode("utf-8"), content_type="text/csv",
                        charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


async def _coding_csv(request: web.Request) -> web.Response:
    script = _script(request)
    return await _csv(request, f"coding-{script.study_id}.csv",
                      lambda out: write_coding_csv(request.app[REPOSITORY], script, out))


async def _export(request: web.Request) -> web.Response:
    script = _script(request)
    fmt = request.match_info["fmt"]
    if fmt not in {f.value for f in ExportFormat}:
        raise web.HTTPNotFound(text=f"There is no {fmt} export.")
    return await _csv(request, f"{script.study_id}-{fmt}.csv",
                      lambda out: export_csv(request.app[REPOSITORY], script, fmt, out))


async def _report(request: web.Request) -> web.Response:
    script = _script(request)
    from bot.report.build import load_summary
    from bot.report.render_html import render_html

    summary = await load_summary(request.app[REPOSITORY], script)
    return _html(render_html(summary))


async def _dbc(request: web.Request) -> web.Response:
    script = _script(request)
    from bot.report.build import load_summary
    from bot.report.dbc import write_dbc_csv

    summary = await load_summary(request.app[REPOSITORY], script, with_emerging=False)

    async def write(out: io.StringIO) -> None:
        write_dbc_csv(summary, out)

    return await _csv(request, f"dbc-{script.study_id}.csv", write)


async def _analyst_file(request: web.Request) -> web.Response:
    """The study as an SPSS or Excel file, built in a temporary folder and sent whole."""
    import tempfile

    from bot.report.analyst import FileFormat, export_file

    script = _script(request)
    fmt = request.match_info["fmt"]
    if fmt not in {f.value for f in FileFormat}:
        raise web.HTTPNotFound(text=f"There is no {fmt} file; try spss or xlsx.")
    suffix, kind = FILE_TYPES[fmt]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{script.study_id}{suffix}"
        await export_file(request.app[REPOSITORY], script, fmt, path)
        body = await asyncio.to_thread(path.read_bytes)
    return web.Response(body=body, content_type=kind, headers={
        "Content-Disposition": f'attachment; filename="{script.study_id}{suffix}"'})


FILE_TYPES = {
    "spss": (".sav", "application/x-spss-sav"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def run_research(settings: Settings, *, echo: Callable[[str], None] = print) -> None:
    """Serve the research pages on research_host:research_port until Ctrl-C (blocking)."""
    app = create_research_app(settings)
    host, port = settings.research_host, settings.research_port
    message = (f"Open http://{host}:{port} to see fieldwork and code open answers of the "
               f"studies in {settings.dialogs_dir}. Press Ctrl-C to stop.")
    try:
        web.run_app(app, host=host, port=port, print=lambda _: echo(message), access_log=None,
                    shutdown_timeout=1.0)
    except OSError as error:
        if error.errno not in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
            raise
        raise ResearchError(f"The research pages cannot listen on {host}:{port} "
                            f"({error.strerror}): pick another port with --port or "
                            "RESEARCH_PORT.") from None
