"""Names from other tools made into ours: XLSForm/KoboToolbox names → question ids and choice values.

One function for both directions of the journey, so a form converted with `from-xlsform` and the
data exported from the same form in KoboToolbox meet on the same ids.
"""

from __future__ import annotations

import re

ID_MAX = 32
VALUE_MAX = 24
_NOT_ID = re.compile(r"[^a-z0-9_]+")
_NOT_VALUE = re.compile(r"[^A-Za-z0-9_.-]+")


def question_id(name: str) -> str:
    """A question id for a form's name: lower case, `_` for anything else, a letter first."""
    text = _NOT_ID.sub("_", name.strip().lower()).strip("_")
    if not text or not text[0].isalpha():
        text = f"q_{text}"
    return text[:ID_MAX].rstrip("_")


def choice_value(name: str) -> str:
    """A choice value for a form's choice name: letters, digits, `_ . -`; at most 24 characters."""
    text = _NOT_VALUE.sub("_", name.strip()).strip("_") or "choice"
    return text[:VALUE_MAX]
