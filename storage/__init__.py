"""Persistence of studies, respondents, interviews and answers (SQLite or PostgreSQL).

Callers use only what is exported here: `create_repository(url)` gives a `Repository`.
Importing this package opens nothing; engines are built when `create_repository` is called.
"""

from storage.migrate import upgrade
from storage.pseudonym import pseudonymise
from storage.records import (
    KEEP,
    OPEN_STATUSES,
    AnswerColumnBatch,
    AnswerRecord,
    AnswerRow,
    AnswerValue,
    CodingOverrideRecord,
    Group,
    ImportedInterview,
    InterviewHeader,
    InterviewRecord,
    InterviewStatus,
    Keep,
    LongAnswerBatch,
    LongAnswerRow,
    RespondentRecord,
    ScriptVersionRecord,
    StoredAnswer,
    StudyCounts,
)
from storage.repository import Repository
from storage.sql import create_repository

__all__ = [
    "KEEP",
    "OPEN_STATUSES",
    "AnswerColumnBatch",
    "AnswerRecord",
    "AnswerRow",
    "AnswerValue",
    "CodingOverrideRecord",
    "Group",
    "ImportedInterview",
    "InterviewHeader",
    "InterviewRecord",
    "InterviewStatus",
    "Keep",
    "LongAnswerBatch",
    "LongAnswerRow",
    "Repository",
    "RespondentRecord",
    "ScriptVersionRecord",
    "StoredAnswer",
    "StudyCounts",
    "create_repository",
    "pseudonymise",
    "upgrade",
]
