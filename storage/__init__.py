"""Persistence of studies, respondents, interviews and answers (SQLite or PostgreSQL).

Callers use only what is exported here: `create_repository(url)` gives a `Repository`, whose
failures to reach the database raise `StorageUnavailable` (never a database library's error).
Importing this package opens nothing; engines are built when `create_repository` is called.
"""

from storage.engine import describe_url
from storage.errors import QuotaFull, StorageError, StorageUnavailable, is_unavailable
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
    AnswerColumnBatch,
    AnswerRecord,
    AnswerRow,
    AnswerValue,
    CodebookKeywordRecord,
    CodingOverrideRecord,
    ImportedInterview,
    InterviewHeader,
    InterviewRecord,
    Keep,
    LongAnswerBatch,
    LongAnswerRow,
    QuotaPlace,
    RespondentRecord,
    ScriptVersionRecord,
    StoredAnswer,
    StudyCounts,
)
from storage.repository import Repository
from storage.scratch import scratch_database
from storage.single_process import AlreadyServed, single_process
from storage.sql import create_repository
from storage.waves import WaveTally

__all__ = [
    "KEEP",
    "AlreadyServed",
    "AnswerColumnBatch",
    "AnswerRecord",
    "AnswerRow",
    "AnswerValue",
    "Audience",
    "BroadcastRecord",
    "ClaimedRecipient",
    "CodebookKeywordRecord",
    "CodingOverrideRecord",
    "ContactConsentRecord",
    "ImportedInterview",
    "InterviewHeader",
    "InterviewRecord",
    "Keep",
    "LongAnswerBatch",
    "LongAnswerRow",
    "QuotaFull",
    "QuotaPlace",
    "RecipientStatus",
    "Repository",
    "RespondentRecord",
    "SchemaState",
    "ScriptVersionRecord",
    "Segment",
    "StorageError",
    "StorageUnavailable",
    "StoredAnswer",
    "StudyCounts",
    "WaveTally",
    "create_repository",
    "describe_url",
    "is_unavailable",
    "pseudonymise",
    "schema_state",
    "scratch_database",
    "single_process",
    "upgrade",
]
