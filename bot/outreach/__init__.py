"""Writing to respondents after their interview: "you said, we did" broadcasts, wave invitations.

Adapter-neutral: Telegram is reached through an injected `send(chat_id, text)`.
"""

from bot.outreach.broadcast import (
    BroadcastChanged,
    Broadcaster,
    BroadcastSummary,
    Plan,
    Retry,
    Send,
    SendResult,
)
from bot.outreach.pace import Pace

__all__ = [
    "BroadcastChanged",
    "BroadcastSummary",
    "Broadcaster",
    "Pace",
    "Plan",
    "Retry",
    "Send",
    "SendResult",
]
