"""The offline sandbox: the real bot against a fake Telegram, chatted with from a web page."""

from __future__ import annotations

import contextlib
import errno
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.compose import open_repository
from bot.settings import Settings
from bot.testing.fake_bot_api import FakeBotApi
from bot.testing.fake_objects import JSON
from bot.web import guard
from bot.web.sandbox_chat import (
    Respondent,
    Respondents,
    ScriptEntry,
    commands,
    load_scripts,
    revision,
    start_text,
    transcript,
)
from storage import Repository, pseudonymise
from storage.sandbox_file import check_sandbox_database, mark_as_sandbox

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static" / "sandbox"
MAX_WAIT_SECONDS = 25.0  # a long poll answers before common proxies give up on it

# Runs the bot against the fake for as long as the context is open, storing into the repository.
BotRunner = Callable[[Settings, FakeBotApi, Repository], AbstractAsyncContextManager[Any]]


SANDBOX: web.AppKey[Sandbox] = web.AppKey("sandbox")
BOT_SETTINGS: web.AppKey[Settings] = web.AppKey("bot_settings", Settings)


class SandboxError(ValueError):
    """A mistake the researcher can fix, said in one sentence."""


@dataclass
class Sandbox:
    """Everything one sandbox run holds: the fake Telegram, the bot, the database, the testers."""

    settings: Settings
    fake: FakeBotApi
    repository: Repository
    scripts: list[ScriptEntry]
    respondents: Respondents = field(default_factory=Respondents)

    def script(self, study_id: str | None) -> ScriptEntry | None:
        """The loaded script of a study, if the dialogs folder has a valid one."""
        return next((e for e in self.scripts if e.script and e.script.study_id == study_id), None)

    def respondent(self, chat_id: int) -> Respondent:
        """A respondent of this run, or a friendly error."""
        found = self.respondents.get(chat_id)
        if found is None:
            raise SandboxError("That chat is not from this sandbox run: start a new respondent.")
        return found

    async def interview(self, chat_id: int) -> JSON:
        """The respondent's latest interview and answers, read back from the sandbox database."""
        person = self.respondent(chat_id)
        result: JSON = {"study_id": person.study_id, "status": None, "group": None,
                        "answers": []}
        if person.study_id is None:
            return result
        pseudonym = pseudonymise(chat_id, self.settings.pseudonym_key.get_secret_value())
        record = await self.repository.latest_interview(pseudonym=pseudonym,
                                                        study_id=person.study_id)
        if record is None:
            return result
        result.update(status=record.status.value, language=record.language,
                      group=record.group.value if record.group else None)
        entry = self.script(person.study_id)
        language = record.language or (entry.script.languages[0] if entry and entry.script
                                       else "en")
        async for answer in self.repository.stream_answers(study_id=person.study_id):
            if answer.interview_id != record.id:
                continue
            label = None
            if entry and entry.script and answer.question_id in entry.script.by_id:
                label = entry.script.answer_label(answer.question_id, answer.value, language)
            result["answers"].append({
                "question_id": answer.question_id, "probe": answer.probe,
                "value": answer.value, "raw_text": answer.raw_text, "label": label,
            })
        return result


def sandbox_settings(settings: Settings, database_url: str | None = None) -> Settings:
    """The settings the sandboxed bot runs with: the sandbox database, never the fieldwork one."""
    url = database_url or settings.sandbox_database_url
    try:
        check_sandbox_database(url, settings.database_url)
    except ValueError as error:  # not the sandbox's own file, or an unsupported scheme
        raise SandboxError(str(error)) from None
    return settings.model_copy(update={"database_url": url})


def create_sandbox_app(settings: Settings, *, bot_runner: BotRunner | None = None,
                       database_url: str | None = None) -> web.Application:
    """The sandbox web app; starting it starts the fake Telegram and the bot, stopping stops them."""
    bot_settings = sandbox_settings(settings, database_url)
    app = web.Application(middlewares=[guard.same_origin_posts])
    guard.add_security_headers(app, inline_styles=False)  # its page styles from a file only
    app[BOT_SETTINGS] = bot_settings
    app.cleanup_ctx.append(_lifecycle(bot_settings, bot_runner or run_real_bot))
    _routes(app)
    return app


def _lifecycle(settings: Settings, bot_runner: BotRunner
               ) -> Callable[[web.Application], AsyncIterator[None]]:
    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        mark_as_sandbox(settings.database_url)
        # The sandbox's own database (checked above): nobody else shares it.
        repository = await open_repository(settings.database_url, migrate=True)
        try:
            async with FakeBotApi() as fake, bot_runner(settings, fake, repository):
                app[SANDBOX] = Sandbox(settings, fake, repository,
                                         load_scripts(settings.dialogs_dir))
                yield
        finally:
            await repository.close()

    return lifecycle


@contextlib.asynccontextmanager
async def run_real_bot(settings: Settings, fake: FakeBotApi,
                       repository: Repository) -> AsyncIterator[None]:
    """The production bot, polling the fake Telegram."""
    from bot.web.sandbox_bot import polling_real_bot

    async with polling_real_bot(settings, fake, repository):
        yield


# ---- HTTP ------------------------------------------------------------------------------------


def _routes(app: web.Application) -> None:
    app.router.add_get("/", _index)
    app.router.add_static("/static/", STATIC_DIR, append_version=True)
    app.router.add_get("/api/scripts", _scripts)
    app.router.add_get("/api/respondents", _list_respondents)
    app.router.add_post("/api/respondents", _new_respondent)
    app.router.add_get("/api/messages", _messages)
    app.router.add_post("/api/send", _send)
    app.router.add_post("/api/press", _press)
    app.router.add_get("/api/commands", _commands)
    app.router.add_get("/api/interview", _interview)
    app.middlewares.append(_friendly_errors)


@web.middleware
async def _friendly_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        response: web.StreamResponse = await handler(request)
        return response
    except SandboxError as error:
        return web.json_response({"error": str(error)}, status=400)


def _sandbox(request: web.Request) -> Sandbox:
    return request.app[SANDBOX]


async def _body(request: web.Request) -> JSON:
    try:
        body = await request.json()
    except ValueError:
        raise SandboxError("The request body must be JSON.") from None
    if not isinstance(body, dict):
        raise SandboxError("The request body must be a JSON object.")
    return body


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SandboxError(f"'{name}' must be a whole number.") from None


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


async def _index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "index.html")


async def _scripts(request: web.Request) -> web.Response:
    return web.json_response([e.to_json() for e in _sandbox(request).scripts])


async def _list_respondents(request: web.Request) -> web.Response:
    return web.json_response([r.to_json() for r in _sandbox(request).respondents.all()])


async def _new_respondent(request: web.Request) -> web.Response:
    """A fresh fake user opens the bot through a deep link of the chosen study and source."""
    sandbox, body = _sandbox(request), await _body(request)
    study_id, source = _text(body.get("study_id")), _text(body.get("source"))
    if study_id is not None:
        entry = sandbox.script(study_id)
        if entry is None:
            raise SandboxError(f"There is no valid script for study '{study_id}' in "
                               f"{sandbox.settings.dialogs_dir}.")
    person = sandbox.respondents.new(sandbox.fake, study_id=study_id, source=source,
                                     language=_text(body.get("language")))
    sandbox.fake.user_sends_text(person.chat_id, start_text(study_id, source))
    return web.json_response(person.to_json())


async def _messages(request: web.Request) -> web.Response:
    """The chat; with `since`, waits up to `wait` seconds for something newer (a long poll)."""
    sandbox = _sandbox(request)
    chat_id = _int(request.query.get("chat"), "chat")
    sandbox.respondent(chat_id)
    since = _int(request.query.get("since", "-1"), "since")
    wait = min(float(request.query.get("wait", "0") or 0), MAX_WAIT_SECONDS)
    if wait > 0:
        with contextlib.suppress(TimeoutError):
            await sandbox.fake.wait_for(lambda: revision(sandbox.fake) != since, wait)
    pending = any(_update_chat(u) == chat_id for u in sandbox.fake.pending_updates)
    return web.json_response({"revision": revision(sandbox.fake), "pending": pending,
                              "messages": transcript(sandbox.fake, chat_id)})


async def _send(request: web.Request) -> web.Response:
    sandbox, body = _sandbox(request), await _body(request)
    chat_id = _int(body.get("chat"), "chat")
    sandbox.respondent(chat_id)
    text = str(body.get("text") or "").strip()
    if not text:
        raise SandboxError("Type a message first.")
    update = sandbox.fake.user_sends_text(chat_id, text)
    return web.json_response({"update_id": update["update_id"]})


async def _press(request: web.Request) -> web.Response:
    sandbox, body = _sandbox(request), await _body(request)
    chat_id = _int(body.get("chat"), "chat")
    sandbox.respondent(chat_id)
    try:
        update = sandbox.fake.user_presses_button(chat_id, _int(body.get("message_id"), "message_id"),
                                                  str(body.get("data")))
    except ValueError:
        raise SandboxError("That button is no longer there.") from None
    return web.json_response({"update_id": update["update_id"]})


async def _commands(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    person = sandbox.respondent(_int(request.query.get("chat"), "chat"))
    return web.json_response(commands(sandbox.fake, person.language))


async def _interview(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    return web.json_response(await sandbox.interview(_int(request.query.get("chat"), "chat")))


def _update_chat(update: JSON) -> int | None:
    payload = update.get("message") or update.get("edited_message") or {}
    if "chat" in payload:
        return int(payload["chat"]["id"])
    query = update.get("callback_query") or {}
    return int(query["from"]["id"]) if "from" in query else None


# ---- command line ----------------------------------------------------------------------------


def start_message(settings: Settings, database_url: str) -> str:
    """What the terminal says once the sandbox listens."""
    lines = []
    token = settings.telegram_bot_token
    if token is None or not token.get_secret_value():
        lines.append("No Telegram token is set (TELEGRAM_BOT_TOKEN), so the bot runs offline "
                     "in the sandbox.")
    lines.append(f"Open http://{settings.sandbox_host}:{settings.sandbox_port} to chat with "
                 "your scripts as a respondent would.")
    lines.append(f"Sandbox answers go to {database_url} (never the fieldwork database). "
                 "Press Ctrl-C to stop.")
    return "\n".join(lines)


def run_sandbox(settings: Settings, *, database_url: str | None = None,
                echo: Callable[[str], None] = print) -> None:
    """Serve the sandbox on sandbox_host:sandbox_port until Ctrl-C (blocking)."""
    app = create_sandbox_app(settings, database_url=database_url)
    if not any(entry.script for entry in load_scripts(settings.dialogs_dir)):
        raise SandboxError(f"There is no valid script in {settings.dialogs_dir}: add one "
                           "(`perceptions check` says what is wrong with the others).")
    message = start_message(settings, app[BOT_SETTINGS].database_url)
    try:
        web.run_app(app, host=settings.sandbox_host, port=settings.sandbox_port,
                    print=lambda _: echo(message), access_log=None,
                    shutdown_timeout=1.0)  # open long polls must not hold Ctrl-C up
    except OSError as error:
        if error.errno not in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
            raise
        raise SandboxError(f"The sandbox cannot listen on {settings.sandbox_host}:"
                           f"{settings.sandbox_port} ({error.strerror}): pick another port "
                           "with --port or SANDBOX_PORT.") from None
