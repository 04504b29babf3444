"""The bot's settings at the fake Telegram: command menus, the webhook, and which updates it wants."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.testing.fake_objects import JSON, Upload, bad_request

SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# What Telegram sends a bot that never said which updates it wants (or said "[]").
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class WebhookConfig:
    """What setWebhook stored."""

    url: str
    secret_token: str | None
    max_connections: int
    allowed_updates: list[str]
    last_error_date: int | None = None
    last_error_message: str | None = None


class BotSettings:
    """Mixin for TelegramWorld: setMyCommands, setWebhook… and the `allowed_updates` filter.

    As at Telegram, the latest `allowed_updates` (of getUpdates or setWebhook) decides which
    updates are created from then on; updates queued before stay queued.
    """

    pending: list[JSON]
    webhook: WebhookConfig | None
    commands: dict[str, list[JSON]]
    allowed_updates: list[str] | None  # None: never said

    def note_allowed_updates(self, params: JSON) -> None:
        """Remember `allowed_updates` if the call gave it (absent: the previous setting stays)."""
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = [str(kind) for kind in allowed]

    def wants(self, kind: str) -> bool:
        """Whether Telegram would create an update of this kind for the bot now."""
        if not self.allowed_updates:
            return kind not in NOT_BY_DEFAULT
        return kind in self.allowed_updates

    def _scope_key(self, params: JSON) -> str:
        scope = params.get("scope") or {"type": "default"}
        return f"{scope.get('type')}:{scope.get('chat_id', '')}:{params.get('language_code', '')}"

    def set_my_commands(self, params: JSON, files: dict[str, Upload]) -> bool:
        """setMyCommands: store the command list per scope and language."""
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
        self.commands[self._scope_key(params)] = commands
        return True

    def delete_my_commands(self, params: JSON, files: dict[str, Upload]) -> bool:
        """deleteMyCommands: forget the scope's list."""
        self.commands.pop(self._scope_key(params), None)
        return True

    def set_webhook(self, params: JSON, files: dict[str, Upload]) -> bool:
        """setWebhook: http URLs are accepted because tests serve plain HTTP on localhost."""
        url = params.get("url") or ""
        if not url:
            return self.delete_webhook(params, files)
        if not url.startswith(("https://", "http://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not SECRET_TOKEN.match(secret):
            raise bad_request("secret token contains unallowed characters")
        max_connections = params.get("max_connections", 40)
        if not 1 <= max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        if params.get("drop_pending_updates"):
            self.pending.clear()
        self.note_allowed_updates(params)
        self.webhook = WebhookConfig(url, secret, max_connections,
                                     params.get("allowed_updates") or [])
        return True

    def delete_webhook(self, params: JSON, files: dict[str, Upload]) -> bool:
        """deleteWebhook: back to getUpdates, optionally dropping what waits."""
        self.webhook = None
        if params.get("drop_pending_updates"):
            self.pending.clear()
        return True

    def get_webhook_info(self, params: JSON, files: dict[str, Upload]) -> JSON:
        """getWebhookInfo: an empty url when polling."""
        hook = self.webhook
        info: JSON = {"url": hook.url if hook else "", "has_custom_certificate": False,
                      "pending_update_count": len(self.pending)}
        if hook:
            info["max_connections"] = hook.max_connections
            if hook.allowed_updates:
                info["allowed_updates"] = hook.allowed_updates
            if hook.last_error_date:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info
