"""The interview application service: storage + engine, adapter-neutral (no Telegram here)."""

from bot.interviews.catalog import ScriptCatalog, StudyChoice
from bot.interviews.contact import ContactChoice
from bot.interviews.outcome import Note, Outcome, Person, Reminder, Resend, StudyStats
from bot.interviews.service import InterviewService

__all__ = [
    "ContactChoice",
    "InterviewService",
    "Note",
    "Outcome",
    "Person",
    "Reminder",
    "Resend",
    "ScriptCatalog",
    "StudyChoice",
    "StudyStats",
]
