"""The researchers' web pages: studies and fieldwork, coding open answers, downloads.

Saving is a same-origin JSON POST carrying a custom header (see `bot.web.research_base`).
Writing to respondents has pages of its own (`bot.web.broadcast_pages`).
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
from urllib.parse import unquote

from aiohttp import web

from bot.analysis.confidence import HeadlineRisk
from bot.analysis.emerging import emerging_themes
from bot.compose import open_repository
from bot.report.build import load_summary
from bot.report.codebook import coding_script
from bot.report.exports import ExportFormat, export_csv
from bot.report.templating import asset
from bot.report.view_waves import reach_sentence
from bot.report.waves import load_waves, wave_reach
from bot.review.coding_csv import MAX_CODER, CodingCsvError, apply_coding_csv, write_coding_csv
from bot.review.open_answers import (
    OpenAnswer,
    find_open_answers,
    open_answers,
    open_questions,
    save_coding,
    theme_ids,
)
from bot.review.queue import keyword_suggestions, review_queue, with_theme_suggestions
from bot.script import Script
from bot.script.fieldwork import window_text
from bot.settings import Settings
from bot.web import guard
from bot.web.broadcast_pages import add_broadcast_routes
from bot.web.research_base import REPOSITORY, SAVE_HEADER, SETTINGS, page_json
from bot.web.research_base import html_response as _html
from bot.web.research_base import json_error as _error
from bot.web.research_base import study_script as _script
from bot.web.research_pages import (
    PAGE_SIZE,
    CodingView,
    QuestionCount,
    StudyRow,
    coding_page,
    studies_page,
)
from bot.web.sandbox_chat import load_scripts
from storage import Repository, StudyCounts

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static" / "research"
MAX_GROUP = 5000  # answers one save may code (a group of the same answer)
MAX_KEYWORD = 200  # the database keeps a keyword in at most this many characters
MAX_SHEET = 20 * 1024 * 1024  # bytes of a coding sheet uploaded on the page
CODER_HEADER = "X-Perceptions-Coder"  # the second coder's name, percent-encoded
SHOWN_PROBLEMS = 10
__all__ = ["REPOSITORY", "SAVE_HEADER", "SETTINGS", "ResearchError", "create_research_app",
           "run_research"]


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
    ], client_max_size=MAX_SHEET)  # a second coder's sheet, at most
    # The report page is self-contained: its one inline script is allowed by its hash.
    guard.add_security_headers(app, asset("report.js"), private=True)
    app[SETTINGS] = settings
    app.cleanup_ctx.append(_lifecycle(settings, repository))
    app.router.add_get("/", _studies)
    app.router.add_static("/static/", STATIC_DIR)
    app.router.add_get("/study/{study}", _coding)
    app.router.add_post("/api/study/{study}/coding", _save)
    app.router.add_post("/api/study/{study}/keyword", _keyword)
    app.router.add_post("/api/study/{study}/second-coder", _second_coder)
    app.router.add_get("/study/{study}/coding.csv", _coding_csv)
    app.router.add_get("/study/{study}/export/{fmt}.csv", _export)
    app.router.add_get("/study/{study}/report", _report)
    app.router.add_get("/study/{study}/dbc.csv", _dbc)
    app.router.add_get("/study/{study}/file/{fmt}", _analyst_file)
    add_broadcast_routes(app, settings)
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
            waves=await _wave_state(repository, script),
        ))
    return _html(studies_page(rows))


async def _wave_state(repository: Repository, script: Script) -> tuple[str, ...]:
    """One line per later wave: how many were invited and how many answered."""
    lines = []
    for number, wave in enumerate(script.file.waves, start=2):
        reach = await wave_reach(repository, script.study_id, wave.study)
        lines.append(reach_sentence(number, reach))
    return tuple(lines)


def _over_quota(counts: StudyCounts) -> str:
    """Who full groups turned away or kept apart, for the studies page."""
    said = []
    if counts.quota_full:
        said.append(f"{counts.quota_full} thanked, group full")
    if counts.over_quota:
        said.append(f"{counts.over_quota} kept over quota")
    return " · ".join(said)


async def _coding(request: web.Request) -> web.Response:
    """One question's answers in groups of the same answer, in review order, with suggestions."""
    repository = request.app[REPOSITORY]
    base = _script(request)
    script = await coding_script(repository, base)
    questions = open_questions(script)
    chosen = next((q for q in questions if q.id == request.query.get("q")),
                  questions[0] if questions else None)
    uncoded_only = request.query.get("uncoded") == "1"
    page = max(0, _int(request.query.get("page"), 1) - 1)
    tally = {q.id: [0, 0] for q in questions}
    mine: list[OpenAnswer] = []
    async for answer in open_answers(repository, base):
        tally[answer.question_id][0] += 1
        tally[answer.question_id][1] += answer.uncoded
        if chosen is not None and answer.question_id == chosen.id:
            mine.append(answer)
    risks: list[HeadlineRisk] = []
    at_risk: set[str] = set()
    headline: set[str] = set()
    summary = await load_summary(repository, base, with_emerging=False)
    if summary.confidence is not None:
        at_risk = {r.question for r in summary.confidence.risks}
        risks = [r for r in summary.confidence.risks if chosen and r.question == chosen.id]
    headline = {r.theme for r in (*summary.barriers, *summary.enablers)
                if chosen is not None and r.question == chosen.id}  # fmt: skip
    groups, keywords, emerging = [], [], []
    if chosen is not None:
        groups = review_queue(mine, risks=risks, headline_themes=headline)
        if uncoded_only:
            groups = [g for g in groups if g.uncoded]
        shown = groups[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        shown = await asyncio.to_thread(with_theme_suggestions, shown, mine)
        keywords = await asyncio.to_thread(keyword_suggestions, chosen, mine, script.languages)
        uncoded_texts = [" ".join(a.texts) for a in mine if a.uncoded]
        emerging = await asyncio.to_thread(emerging_themes, chosen.id, uncoded_texts)
    else:
        shown = []
    return _html(coding_page(CodingView(
        script=script,
        counts=[QuestionCount(q, tally[q.id][0], tally[q.id][1], q.id in at_risk)
                for q in questions],
        question=chosen, groups=shown, matching=len(groups), page=page,
        uncoded_only=uncoded_only, emerging=emerging, risks=risks, keywords=keywords,
        answers_shown=sum(g.size for g in shown),
    )))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


async def _save(request: web.Request) -> web.Response:
    """Store a researcher's themes for one answer (an override that keeps who and when)."""
    script = _script(request)
    signed = await _signed_body(request, "Save from the coding page.")
    if isinstance(signed, web.Response):
        return signed
    body, coder = signed
    themes = body.get("themes")
    ids = body.get("answer_ids", [body.get("answer_id")])
    if (not isinstance(ids, list) or not ids or len(ids) > MAX_GROUP
            or not all(isinstance(i, int) for i in ids) or not isinstance(themes, list)):
        return _error("Send answer_ids (a list of numbers) and themes (a list).")
    found = await find_open_answers(request.app[REPOSITORY], script, ids)
    missing = [str(i) for i in ids if i not in found]
    if missing:
        return _error(f"There is no open answer {', '.join(missing)} in this study.", 404)
    questions = {a.question_id for a in found.values()}
    if len(questions) > 1:
        return _error("The answers of one save must answer the same question.")
    question = questions.pop()
    valid = theme_ids(script.by_id[question])
    unknown = [str(t) for t in themes if t not in valid]
    if unknown:
        return _error(f"{', '.join(unknown)} is not a theme of question {question}; "
                      f"its themes are: {', '.join(valid) or 'none'}.")
    now = datetime.now(UTC)
    saved = 0
    for answer in found.values():
        saved += await save_coding(request.app[REPOSITORY], answer, [str(t) for t in themes],
                                   coder=coder, now=now)  # fmt: skip
    log.info("Coding saved for %d answer(s) of study %s (%d changed)", len(found),
             script.study_id, saved)  # fmt: skip
    return web.json_response({"saved": bool(saved), "changed": saved, "answers": len(found),
                              "themes": sorted(set(map(str, themes))),
                              "coder": coder, "at": now.isoformat(timespec="seconds")})


async def _keyword(request: web.Request) -> web.Response:
    """Add a suggested (or typed) keyword to a theme of a question's codebook."""
    script = _script(request)
    signed = await _signed_body(request, "Add keywords from the coding page.")
    if isinstance(signed, web.Response):
        return signed
    body, coder = signed
    question = script.by_id.get(str(body.get("question")))
    if question is None or question not in open_questions(script):
        return _error("Send the id of an open question of this study.")
    theme = str(body.get("theme"))
    if theme not in theme_ids(question):
        return _error(f"{theme} is not a theme of question {question.id}; its themes are: "
                      f"{', '.join(theme_ids(question)) or 'none'}.")  # fmt: skip
    keyword = " ".join(str(body.get("keyword") or "").split())
    language = str(body.get("language") or script.languages[0])
    if not keyword or len(keyword) > MAX_KEYWORD:
        return _error(f"A keyword is 1-{MAX_KEYWORD} characters.")
    if language not in script.languages:
        return _error(f"{language} is not a language of this study "
                      f"({', '.join(script.languages)}).")  # fmt: skip
    added = await request.app[REPOSITORY].add_codebook_keyword(
        study_id=script.study_id, question_id=question.id, theme_id=theme, language=language,
        keyword=keyword, coder=coder, now=datetime.now(UTC),
    )  # fmt: skip
    log.info("Keyword added to a codebook of study %s (new: %s)", script.study_id, added)
    return web.json_response({"added": added, "keyword": keyword, "theme": theme})


async def _second_coder(request: web.Request) -> web.Response:
    """Store a second coder's sheet apart (never in force) and say how well the coders agree."""
    if request.headers.get(SAVE_HEADER) != "1":
        return _error("Import the sheet from the coding page.", 403)
    script = _script(request)
    coder = unquote(request.headers.get(CODER_HEADER, "")).strip()
    if not coder or len(coder) > MAX_CODER:
        return _error(f"Type the second coder's name first (up to {MAX_CODER} characters).")
    repository = request.app[REPOSITORY]
    try:
        data = await request.read()
        stored = await apply_coding_csv(repository, script, data, coder=coder,
                                        now=datetime.now(UTC), independent=True)  # fmt: skip
    except web.HTTPRequestEntityTooLarge:
        return _error(f"The sheet is larger than {MAX_SHEET // (1024 * 1024)} MB.", 413)
    except CodingCsvError as exc:
        problems = [str(p) for p in exc.problems[:SHOWN_PROBLEMS]]
        more = exc.total - len(problems)
        return web.json_response({
            "error": "Nothing was stored: " + "; ".join(problems)
                     + (f"; and {more} more." if more > 0 else "."),
        }, status=400)  # fmt: skip
    summary = await load_summary(repository, script, with_emerging=False)
    found = summary.confidence.intercoder if summary.confidence else None
    kappa = found.overall.kappa if found else None
    log.info("A second coder's sheet was stored for study %s (%d answers)", script.study_id,
             stored)  # fmt: skip
    return web.json_response({
        "stored": stored, "coder": coder, "both": found.overall.answers if found else 0,
        "kappa": None if kappa is None else round(kappa, 2),
    })


async def _signed_body(request: web.Request, refusal: str
                       ) -> tuple[dict[str, Any], str] | web.Response:
    """A change sent by the coding page: its JSON object and the coder's name, or the refusal."""
    body = await page_json(request, refusal)
    if isinstance(body, web.Response):
        return body
    coder = str(body.get("coder") or "").strip()
    if not coder or len(coder) > MAX_CODER:
        return _error(f"Type your name in the Coder box first (up to {MAX_CODER} characters).")
    return body, coder


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


def _scripts(request: web.Request) -> list[Script]:
    return [e.script for e in load_scripts(request.app[SETTINGS].dialogs_dir)
            if e.script is not None]


async def _report(request: web.Request) -> web.Response:
    script = _script(request)
    from bot.report.render_html import render_html

    repository = request.app[REPOSITORY]
    summary = await load_summary(repository, script)
    waves = await load_waves(repository, script, _scripts(request))
    return _html(render_html(summary, waves))


async def _dbc(request: web.Request) -> web.Response:
    script = _script(request)
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
