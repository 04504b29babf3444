"""Persistence of studies, respondents, interviews and answers (SQLite or PostgreSQL).

Callers use only what is exported here: `create_repository(url)` gives a `Repository`.
Importing this package opens nothing; engines are built when `create_repository` is called.
"""

from storage.engine import describe_url
from storage.migrate import SchemaState, schema_state, upgrade
from storage.outreach import (
    Audience,
    BroadcastRecord,
    ClaimedRecipient,
    ContactConsentRecord,
    RecipientStatus,
    Segment,
)
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
    "Audience",
    "BroadcastRecord",
    "ClaimedRecipient",
    "CodingOverrideRecord",
    "ContactConsentRecord",
    "Group",
    "ImportedInterview",
    "InterviewHeader",
    "InterviewRecord",
    "InterviewStatus",
    "Keep",
    "LongAnswerBatch",
    "LongAnswerRow",
    "RecipientStatus",
    "Repository",
    "RespondentRecord",
    "SchemaState",
    "ScriptVersionRecord",
    "Segment",
    "StoredAnswer",
    "StudyCounts",
    "create_repository",
    "describe_url",
    "pseudonymise",
    "schema_state",
    "upgrade",
]
