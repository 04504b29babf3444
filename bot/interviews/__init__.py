"""The interview application service: storage + engine, adapter-neutral (no Telegram here)."""

from bot.interviews.catalog import ScriptCatalog, StudyChoice
from bot.interviews.contact import ContactChoice
from bot.interviews.incoming import (
    Begin,
    ChooseLanguage,
    Erase,
    Incoming,
    Pause,
    Request,
    ShowCurrent,
)
from bot.interviews.outcome import Note, Outcome, Person, Reminder, Resend, StudyStats
from bot.interviews.service import InterviewService

__all__ = [
    "Begin",
    "ChooseLanguage",
    "ContactChoice",
    "Erase",
    "Incoming",
    "InterviewService",
    "Note",
    "Outcome",
    "Pause",
    "Person",
    "Reminder",
    "Request",
    "Resend",
    "ScriptCatalog",
    "ShowCurrent",
    "StudyChoice",
    "StudyStats",
]
