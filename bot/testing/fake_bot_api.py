"""An in-process fake Telegram Bot API (aiohttp) for tests, benchmarks and the offline demo."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self, TypeVar

import aiohttp
from aiohttp import web

from bot.testing.fake_faults import BAD_GATEWAY, FLOOD, SERVER_ERROR, TIMEOUT, Fault, Faults
from bot.testing.fake_limits import FloodLimits
from bot.testing.fake_objects import (
    JSON,
    ApiError,
    BotCall,
    SentMessage,
    Upload,
    WebhookDelivery,
    now,
)
from bot.testing.fake_respondents import RespondentActions
from bot.testing.fake_spread import SpreadDelivery
from bot.testing.fake_world import TelegramWorld

log = logging.getLogger(__name__)
T = TypeVar("T")

# Bot API parameters whose type is not String: PTB sends them JSON-encoded in form fields.
JSON_FIELDS = frozenset({
    "offset", "limit", "timeout", "allowed_updates", "message_id", "message_thread_id",
    "reply_markup", "entities", "caption_entities", "link_preview_options", "reply_parameters",
    "disable_notification", "protect_content", "allow_paid_broadcast", "show_alert",
    "cache_time", "commands", "scope", "max_connections", "drop_pending_updates",
    "disable_web_page_preview", "reply_to_message_id", "allow_sending_without_reply",
    "disable_content_type_detection", "latitude", "longitude",
})
# "Integer or String" ids: numbers become int, "@channel" stays a string.
ID_FIELDS = frozenset({"chat_id", "from_chat_id", "user_id"})
WEBHOOK_CONFLICT = ("Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def decode_field(name: str, value: str) -> Any:
    """Undo PTB's JSON encoding of non-string fields; strings such as text "42" stay strings."""
    if name in ID_FIELDS:
        return int(value) if value.lstrip("-").isdigit() else value
    if name in JSON_FIELDS:
        with contextlib.suppress(ValueError):
            return json.loads(value)
    return value


@dataclass
class _Latency:
    seconds: float
    jitter: float


class FakeBotApi(RespondentActions):
    """Telegram's Bot API on 127.0.0.1: `async with FakeBotApi() as fake:` then `fake.base_url`."""

    def __init__(self, *, seed: int = 0, webhook_retry_delay: float = 0.05,
                 webhook_max_attempts: int = 3, hang_seconds: float = 600.0) -> None:
        self.world = TelegramWorld(bot_id=123)
        self.bot_calls: list[BotCall] = []
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.get_updates_count = 0
        self._latency: dict[str, _Latency] = {}
        self.faults = Faults(seed)
        # Off by default: Telegram tolerates short bursts in a chat, which interviews make.
        self.limits: FloodLimits | None = None
        # How long a call that times out stays unanswered (the client gives up long before).
        self.hang_seconds = hang_seconds
        self._random = random.Random(seed)
        self._retry_delay = webhook_retry_delay
        self._max_attempts = webhook_max_attempts
        self._event = asyncio.Event()
        self._closing = False
        self._closed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self._deliverer: asyncio.Task[None] | None = None
        # Several workers behind a load balancer (`spread_webhook`), instead of the single URL.
        self.spread: SpreadDelivery | None = None
        self._spreader: asyncio.Task[None] | None = None
        self._port = 0

    # ---- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        # access_log=None: request lines contain the bot token.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        # A large backlog: hundreds of PTB connections open at once, and a full backlog drops
        # SYNs that the client only retries after a second.
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        self._port = self._runner.addresses[0][1]
        self._client = aiohttp.ClientSession()
        self._deliverer = asyncio.create_task(self._deliver_webhooks())

    async def stop(self) -> None:
        """End long polls, stop webhook delivery and close the server."""
        self._closing = True
        self._closed.set()
        self._changed()
        for task in (self._deliverer, self._spreader):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """For `ApplicationBuilder().base_url(...)`; PTB appends the token and method."""
        return f"http://127.0.0.1:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        """For `ApplicationBuilder().base_file_url(...)`."""
        return f"http://127.0.0.1:{self._port}/file/bot"

    # ---- knobs ---------------------------------------------------------------------------------

    def set_latency(self, method: str, seconds: float, jitter: float = 0.0) -> None:
        """Every call of `method` takes seconds + uniform(0, jitter) before answering."""
        self._latency[method.lower()] = _Latency(seconds, jitter)

    def fail_with_flood_wait(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """The next `times` calls of `method` answer 429 with retry_after."""
        self.faults.queue(method, [Fault(FLOOD, retry_after)] * times)

    def enforce_limits(self, per_bot: int = 30, per_chat: int = 1,
                       window: float = 1.0) -> FloodLimits:
        """Refuse messages beyond `per_bot` a window per bot or `per_chat` a window per chat.

        Like Telegram: 429 with `retry_after` (whole seconds, at least 1), nothing delivered.
        """
        self.limits = FloodLimits(per_bot, per_chat, window)
        return self.limits

    def fail_with_server_error(self, method: str, times: int = 1, status: int = 500) -> None:
        """The next `times` calls of `method` answer 500 (JSON) or 502/504 (the proxy's HTML)."""
        kind = {500: SERVER_ERROR, 502: BAD_GATEWAY, 504: "504"}.get(status)
        if kind is None:
            raise ValueError("Telegram's server errors are 500, 502 and 504")
        self.faults.queue(method, [Fault(kind)] * times)

    def fail_with_timeout(self, method: str, times: int = 1, *, delivered: bool = False) -> None:
        """The next `times` calls of `method` get no answer (the client times out).

        delivered=True: Telegram did what was asked (the message is in the chat) and only the
        answer was lost, so a retry sends it twice.
        """
        self.faults.queue(method, [Fault(TIMEOUT, delivered=delivered)] * times)

    def set_flakiness(self, method: str, rate: float, kinds: tuple[str, ...] = ("500", "502",
                      TIMEOUT), *, retry_after: int = 1, delivered: float = 0.5) -> None:
        """Each call of `method` fails at random (seeded) with probability `rate`; 0 stops it."""
        self.faults.flaky(method, rate, kinds, retry_after=retry_after, delivered=delivered)

    # ---- inspection ----------------------------------------------------------------------------

    def calls(self, method: str | None = None, chat_id: int | None = None) -> list[BotCall]:
        """The bot's requests (getUpdates excluded), optionally for one method and/or chat."""
        return [c for c in self.bot_calls
                if (method is None or c.method.lower() == method.lower())
                and (chat_id is None or c.chat_id == chat_id)]

    def sent_messages(self, chat_id: int) -> list[SentMessage]:
        """The bot's messages in a chat, oldest first, with edits applied."""
        return sorted(self.world.messages.get(chat_id, {}).values(), key=lambda m: m.message_id)

    def texts(self, chat_id: int) -> list[str | None]:
        """Just the current texts of the bot's messages in a chat."""
        return [m.text for m in self.sent_messages(chat_id)]

    @property
    def callback_answers(self) -> list[JSON]:
        """Parameters of every successful answerCallbackQuery."""
        return self.world.callback_answers

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by getUpdates or delivered to the webhook."""
        return self.world.pending

    # A timeout parameter (not asyncio.timeout) keeps test lines short and the failure message
    # specific to what was awaited.
    async def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:  # noqa: ASYNC109
        """Wait until predicate() is truthy (re-checked after each bot call) and return it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            event = self._event
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition still false after {timeout} s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    async def wait_for_messages(self, chat_id: int, n: int,
                                timeout: float = 5.0) -> list[SentMessage]:  # noqa: ASYNC109
        """Wait until the bot has sent at least n messages to the chat; return them all."""
        def enough() -> list[SentMessage]:
            sent = self.sent_messages(chat_id)
            return sent if len(sent) >= n else []

        try:
            return await self.wait_for(enough, timeout)
        except TimeoutError:
            got = self.texts(chat_id)
            raise TimeoutError(f"chat {chat_id}: expected {n} messages, got {got}") from None

    def _changed(self) -> None:
        # Swap in a fresh event so every current waiter wakes exactly once.
        event, self._event = self._event, asyncio.Event()
        event.set()

    # ---- HTTP ----------------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> tuple[JSON, dict[str, Upload]]:
        params: JSON = {k: decode_field(k, v) for k, v in request.query.items()}
        files: dict[str, Upload] = {}
        if request.content_type == "application/json":
            params |= await request.json()
        elif request.can_read_body:
            for name, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    files[name] = Upload(value.filename, value.file.read(), value.content_type)
                else:
                    params[name] = decode_field(name, str(value))
        return params, files

    def _bot_id(self, token: str) -> int | None:
        bot_id, _, secret = token.partition(":")
        return int(bot_id) if bot_id.isdigit() and secret else None

    async def _handle(self, request: web.Request) -> web.Response:
        arrived = time.perf_counter()
        bot_id = self._bot_id(request.match_info["token"])
        if bot_id is None:
            return web.json_response(ApiError(401, "Unauthorized").to_json(), status=401)
        if bot_id != self.world.bot.id:
            self.world.bot = dataclasses.replace(self.world.bot, id=bot_id)
        method = request.match_info["method"]
        params, files = await self._params(request)
        await self._delay(method)
        fault = self.faults.next(method)
        if fault is None and self.limits is not None:
            wait = self.limits.refuse(method, params.get("chat_id"), time.perf_counter())
            if wait is not None:
                fault = Fault(FLOOD, wait)
        if fault is not None and fault.kind != TIMEOUT:
            self._record(method, params, arrived)
            return fault.response()
        result: Any = None
        try:
            if fault is None or fault.delivered:
                result = await self._run(method, params, files)
        except ApiError as error:
            self._record(method, params, arrived)
            return web.json_response(error.to_json(), status=error.code)
        except Exception:
            log.exception("fake Bot API crashed on %s", method)
            raise
        self._record(method, params, arrived)
        if fault is not None:  # a timeout: no answer until the client gave up long ago
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closed.wait(), self.hang_seconds)
            return Fault("504").response()
        return web.json_response({"ok": True, "result": result})

    def _record(self, method: str, params: JSON, arrived: float) -> None:
        if method.lower() != "getupdates":
            self.bot_calls.append(BotCall(method, params, arrived))
            self._changed()

    async def _delay(self, method: str) -> None:
        latency = self._latency.get(method.lower())
        if latency is not None:
            await asyncio.sleep(latency.seconds + self._random.uniform(0, latency.jitter))

    async def _run(self, method: str, params: JSON, files: dict[str, Upload]) -> Any:
        key = method.lower()
        if key == "getupdates":
            return await self._get_updates(params)
        handler = self.world.methods.get(key)
        if handler is None:
            raise ApiError(404, "Not Found")
        return handler(params, files)

    async def _get_updates(self, params: JSON) -> list[JSON]:
        self.get_updates_count += 1
        self._changed()
        if self.world.webhook is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        self.world.note_allowed_updates(params)
        self.world.confirm(int(params.get("offset", 0)))
        self._changed()  # waiters for a confirmation (an update leaving `pending_updates`)
        limit = int(params.get("limit", 100))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + float(params.get("timeout", 0))
        while not self.world.available(limit) and not self._closing:
            event = self._event
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
        return [] if self.world.webhook else self.world.available(limit)

    async def _handle_file(self, request: web.Request) -> web.Response:
        document = self.world.files.get(request.match_info["path"])
        if document is None or document.content is None:
            return web.json_response(ApiError(404, "Not Found").to_json(), status=404)
        return web.Response(body=document.content, content_type="application/octet-stream")

    # ---- webhook -------------------------------------------------------------------------------

    def spread_webhook(self, targets: list[str], *, connections: int = 40,
                       retry_delay: float | None = None) -> SpreadDelivery:
        """Deliver updates to these worker URLs in turn, `connections` at a time, one per chat.

        Telegram's parallel webhook connections and a round-robin load balancer in one (see
        `bot.testing.fake_spread`); updates wait until a webhook is registered, and the
        registered URL is then only used for its secret token.
        """
        if self._spreader is not None:
            raise RuntimeError("the webhook is spread already")
        self.spread = SpreadDelivery(
            self.world.pending, lambda: self._event, self._changed, lambda: self.world.webhook,
            targets, connections=connections,
            retry_delay=self._retry_delay if retry_delay is None else retry_delay,
        )
        self._spreader = asyncio.create_task(self.spread.run())
        return self.spread

    async def post_to_webhook(self, update: JSON, *, url: str | None = None,
                              secret_token: str | None = None, omit_secret: bool = False) -> int:
        """POST one update like Telegram does (configured url and secret unless given)."""
        hook = self.world.webhook
        target = url or (hook.url if hook else None)
        if target is None or self._client is None:
            raise RuntimeError("no webhook is set and no url was given")
        secret = secret_token if secret_token is not None else (hook.secret_token if hook else None)
        headers = {} if omit_secret or secret is None else {SECRET_HEADER: secret}
        async with self._client.post(target, json=update, headers=headers) as response:
            return response.status

    async def _deliver_webhooks(self) -> None:
        # Like Telegram: one update at a time, retried on a non-2xx answer, then given up.
        attempts = 0
        while True:
            hook = self.world.webhook
            if hook is None or not self.world.pending or self.spread is not None:
                await self._event.wait()
                continue
            update = self.world.pending[0]
            status: int | None = None
            error: str | None = None
            try:
                status = await self.post_to_webhook(update)
            except aiohttp.ClientError as exc:
                error = f"Connection failed: {exc.__class__.__name__}"
            attempts += 1
            self.webhook_deliveries.append(WebhookDelivery(update["update_id"], status, error))
            ok = status is not None and 200 <= status < 300
            if not ok:
                hook.last_error_date = now()
                hook.last_error_message = error or f"Wrong response from the webhook: {status}"
            if ok or attempts >= self._max_attempts:
                with contextlib.suppress(ValueError):
                    self.world.pending.remove(update)
                attempts = 0
            else:
                await asyncio.sleep(self._retry_delay)
            self._changed()
