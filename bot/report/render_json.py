"""The report as JSON: every number of the analysis, for other tools."""

from __future__ import annotations

import json

from bot.analysis import Summary

# 2: a yes/no question is one row; rows carry outside_family (and q only inside the family);
# question labels, segment breakdowns, fieldwork by day, the funnel and saturation curve added.
FORMAT_VERSION = 2


def render_json(summary: Summary) -> str:
    """Every number, as strict JSON (infinities and NaN become null)."""
    data = {"format_version": FORMAT_VERSION, **summary.to_jsonable()}
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
