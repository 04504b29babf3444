"""Writing to a study's respondents from the research pages: "you said, we did" broadcasts.

The page previews a message (the dry run: texts with figures filled in, who gets which) and then
sends it as a background task of this server process, which the page polls for progress. The
plan is the `broadcast` command's (`bot.outreach.prepare`), so a message sent here and one sent
from the command line are the same broadcast if they share a name, and never reach anyone twice.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from bot.outreach import BroadcastChanged
from bot.outreach.figures import study_figures
from bot.outreach.message import (
    MAX_NAME,
    BroadcastMessage,
    MessageError,
    check_texts,
    parse_segment,
)
from bot.outreach.prepare import Prepared, audience, prepare
from bot.script import Script
from bot.settings import Settings
from bot.vocabulary import Group
from bot.web.broadcast_runs import RUNS, runs_lifecycle
from bot.web.broadcast_view import (
    WAVE_PREFIX,
    BroadcastView,
    OptedIn,
    broadcast_page,
    figures_now,
    past_broadcast,
    preview_json,
    status_json,
)
from bot.web.research_base import (
    REPOSITORY,
    SETTINGS,
    html_response,
    json_error,
    page_json,
    study_script,
)
from storage import Audience, RecipientStatus, Segment

log = logging.getLogger(__name__)

FROM_THE_PAGE = "Write to respondents from the study's page."
NO_TOKEN = ("Sending needs the bot's token: set TELEGRAM_BOT_TOKEN in the .env file of the "
            "research server and start `perceptions research` again. Preview works without it.")


def add_broadcast_routes(app: web.Application, settings: Settings) -> None:
    """The page, its preview/send/resume/stop calls and the progress it polls."""
    app.cleanup_ctx.append(runs_lifecycle(settings, REPOSITORY))
    app.router.add_get("/study/{study}/broadcast", _page)
    app.router.add_post("/api/study/{study}/broadcast/preview", _preview)
    app.router.add_post("/api/study/{study}/broadcast/send", _send)
    app.router.add_post("/api/study/{study}/broadcast/resume", _resume)
    app.router.add_post("/api/study/{study}/broadcast/stop", _stop)
    app.router.add_get("/api/study/{study}/broadcast/status", _status)


async def _page(request: web.Request) -> web.Response:
    """How many opted in, the form, and the study's broadcasts so far."""
    script = study_script(request)
    repository = request.app[REPOSITORY]
    study = script.study_id

    async def count(segment: Segment) -> dict[str | None, int]:
        return await repository.count_candidates(study_id=study, audience=Audience.RESULTS,
                                                 segment=segment)

    by_language = await count(Segment())
    doers = sum((await count(Segment(group=Group.doer))).values())
    non_doers = sum((await count(Segment(group=Group.non_doer))).values())
    first = script.languages[0]
    values = (await study_figures(repository, script, [first]))[first]
    runs = request.app[RUNS]
    running = {run.name for run in runs.running(study)}
    past = [past_broadcast(record, await repository.broadcast_tally(broadcast_id=record.id),
                           record.name in running)
            for record in await repository.study_broadcasts(study_id=study)]
    return html_response(broadcast_page(BroadcastView(
        study_id=study, title=script.text(script.file.study.title, first),
        languages=script.languages,
        opted_in=OptedIn(sorted(((lang or "", n) for lang, n in by_language.items()),
                                key=lambda item: -item[1]), doers, non_doers),
        figures=figures_now(values), past=past,
        can_send=request.app[SETTINGS].telegram_bot_token is not None,
        suggested_name=f"results-{datetime.now(UTC):%Y-%m-%d}",
    )))


async def _preview(request: web.Request) -> web.Response:
    """The dry run: the texts with their figures, who gets which, how many; nothing is sent."""
    script = study_script(request)
    prepared = await _prepared(request, script)
    if isinstance(prepared, web.Response):
        return prepared
    repository = request.app[REPOSITORY]
    plan = prepared.plan
    begun = sent = None
    if prepared.resumed:
        record = await repository.find_broadcast(study_id=plan.study_id, name=plan.name)
        if record is not None:
            begun = record.created_at
            tally = await repository.broadcast_tally(broadcast_id=record.id)
            sent = tally.get(RecipientStatus.SENT, 0)
    shares = await audience(repository, plan)
    return web.json_response({
        **preview_json(plan, shares, resumed=prepared.resumed, begun=begun, sent=sent or 0),
        "can_send": request.app[SETTINGS].telegram_bot_token is not None,
    })


async def _send(request: web.Request) -> web.Response:
    """Start sending the previewed message (a second click finds it running)."""
    script = study_script(request)
    prepared = await _prepared(request, script)
    if isinstance(prepared, web.Response):
        return prepared
    if request.app[SETTINGS].telegram_bot_token is None:
        return json_error(NO_TOKEN, 409)
    run, started = request.app[RUNS].send(prepared.plan)
    if not started:
        return json_error(f"“{run.name}” is being sent already (from this page or another "
                          "tab): its progress is shown below.", 409)
    log.info("Broadcast %r of study %s started from the research pages", run.name,
             script.study_id)
    return web.json_response({"started": True, "name": run.name}, status=202)


async def _resume(request: web.Request) -> web.Response:
    """Go on with a stopped or interrupted broadcast: those still pending, in its first words."""
    script = study_script(request)
    body = await page_json(request, FROM_THE_PAGE)
    if isinstance(body, web.Response):
        return body
    name = str(body.get("name") or "")
    record = await request.app[REPOSITORY].find_broadcast(study_id=script.study_id, name=name)
    if record is None:
        return json_error(f"Study {script.study_id} has no broadcast called “{name}”.", 404)
    if name.startswith(WAVE_PREFIX):
        return json_error("Wave invitations are sent by the running bot as people become "
                          "due; there is nothing to resume here.")
    if request.app[SETTINGS].telegram_bot_token is None:
        return json_error(NO_TOKEN, 409)
    _, started = request.app[RUNS].resume(record, Audience.RESULTS)
    if not started:
        return json_error(f"“{name}” is being sent already: its progress is shown below.", 409)
    return web.json_response({"started": True, "name": name}, status=202)


async def _stop(request: web.Request) -> web.Response:
    """Stop a broadcast this server is sending: nobody not yet sent to gets it until Resume."""
    script = study_script(request)
    body = await page_json(request, FROM_THE_PAGE)
    if isinstance(body, web.Response):
        return body
    stopped = request.app[RUNS].stop(script.study_id, str(body.get("name") or ""))
    return web.json_response({"stopped": stopped})


async def _status(request: web.Request) -> web.Response:
    """Where a broadcast stands (the database's tally, and this process's run if any)."""
    script = study_script(request)
    name = request.query.get("name", "")
    repository = request.app[REPOSITORY]
    run = request.app[RUNS].get(script.study_id, name)
    record = await repository.find_broadcast(study_id=script.study_id, name=name)
    if record is None and run is None:
        return json_error(f"Study {script.study_id} has no broadcast called “{name}”.", 404)
    tally = ({} if record is None
             else await repository.broadcast_tally(broadcast_id=record.id))
    running = run is not None and run.running
    return web.json_response(status_json(
        name, tally, running=running,
        done=run.done if run is not None and running else None,
        stopped=run is not None and run.stopped,
        error=None if run is None else run.error,
        sent_now=None if run is None or run.summary is None else run.summary.sent_now,
    ))


async def _prepared(request: web.Request, script: Script) -> Prepared | web.Response:
    """The plan of the message the page sent, or a refusal that says what to fix."""
    body = await page_json(request, FROM_THE_PAGE)
    if isinstance(body, web.Response):
        return body
    try:
        message = _message(body, script)
        return await prepare(request.app[REPOSITORY], script, message,
                             where=lambda lang: f"The {lang} text")
    except MessageError as error:
        return json_error(str(error))
    except BroadcastChanged:
        name = str(body.get("name") or "").strip()
        return json_error(
            f"The name “{name}” belongs to a broadcast begun with other texts or another "
            "segment. Give this message a new name; to finish that one, use Resume in the "
            "list of broadcasts below.")


def _message(body: dict[str, Any], script: Script) -> BroadcastMessage:
    """The page's form as a message; `MessageError` says what to fix."""
    name = " ".join(str(body.get("name") or "").split())
    if not name:
        raise MessageError("Give the broadcast a name, e.g. results-december: sending under "
                           "the same name again goes on where it stopped.")
    if len(name) > MAX_NAME:
        raise MessageError(f"The name is longer than {MAX_NAME} characters.")
    if name.startswith(WAVE_PREFIX):
        raise MessageError(f"Names beginning with “{WAVE_PREFIX}” are the bot's follow-up "
                           "invitations; choose another name.")
    texts = body.get("texts")
    if not isinstance(texts, dict):
        raise MessageError("Send the texts by language.")
    unknown = [str(lang) for lang in texts if lang not in script.languages]
    if unknown:
        raise MessageError(f"{', '.join(unknown)} is not a language of this study "
                           f"({', '.join(script.languages)}).")
    written = {lang: text for lang, text in texts.items()
               if not isinstance(text, str) or text.strip()}
    if not written:
        raise MessageError("Write the message in at least one language "
                           f"({', '.join(script.languages)}); people whose language has no "
                           "text get the first one written.")
    segment = body.get("segment") or {}
    if not isinstance(segment, dict):
        raise MessageError("Send the segment as group, language and source.")
    items = [f"{key}={value}" for key, value in segment.items() if str(value or "").strip()]
    return BroadcastMessage(name, check_texts(written, lambda lang: f"The {lang} text"),
                            parse_segment(items, Segment(), where="Segment"))
