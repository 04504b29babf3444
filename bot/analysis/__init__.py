"""Pure analysis: records in, doer / non-doer tables out. No I/O, storage, Telegram or web imports."""

from bot.analysis.answer_status import AnswerStatus, answer_status, answer_statuses
from bot.analysis.coding import Coder, Coding, code_answers
from bot.analysis.records import AnswerRecord, CodingOverride, InterviewRecord
from bot.analysis.stats import RowStats, q_values, row_stats
from bot.analysis.summary import Summary, analyse
from bot.analysis.tabulate import DeterminantCell, Row

__all__ = [
    "AnswerRecord",
    "AnswerStatus",
    "Coder",
    "Coding",
    "CodingOverride",
    "DeterminantCell",
    "InterviewRecord",
    "Row",
    "RowStats",
    "Summary",
    "analyse",
    "answer_status",
    "answer_statuses",
    "code_answers",
    "q_values",
    "row_stats",
]
