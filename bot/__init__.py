"""perceptions: conversational Barrier Analysis interviews on Telegram."""

__version__ = "0.1.0"
