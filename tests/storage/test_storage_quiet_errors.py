"""A failed statement's error never carries its parameters: errors end up in logs, where
/delete cannot reach, and parameters are respondents' answers and interview state."""

from __future__ import annotations

import traceback
from datetime import datetime

import pytest

from storage import Repository

SECRET_PSEUDONYM = "pseudonym-of-someone-7f3a"
SECRET_STATE = "my-sister-said-the-bus-is-safer"


def everything_said(error: BaseException) -> str:
    """The error as a log would print it: the whole chain, with every message."""
    return "".join(traceback.format_exception(error))


async def test_a_failed_statement_does_not_show_its_parameters(
    repo: Repository, now: datetime
) -> None:
    # No such respondent, study or script version: the foreign keys refuse the row.
    # (Whatever storage raises for it: its errors may get types of their own.)
    try:
        await repo.start_interview(
            pseudonym=SECRET_PSEUDONYM, study_id="no-such-study", script_version_id=987654,
            state={"note": SECRET_STATE}, now=now,
        )
    except Exception as error:  # any error: what it says is under test
        said = everything_said(error)
    else:
        pytest.fail("the row was stored despite its foreign keys")

    assert "INSERT INTO" in said  # it is the failed statement…
    assert "[parameters:" not in said  # …without the values SQLAlchemy would have shown
    assert SECRET_STATE not in said
    # PostgreSQL's own DETAIL still names the missing key ("Key (pseudonym)=(…)"): the log
    # redaction (bot/redaction.py, tests/test_redaction.py) withholds it.
