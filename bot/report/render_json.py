"""The report as JSON: every number of the analysis, for other tools."""

from __future__ import annotations

import json

from bot.analysis import Summary
from bot.report.view_waves import waves_jsonable
from bot.report.waves import WaveComparison, Waves

# 2: a yes/no question is one row; rows carry outside_family (and q only inside the family);
# question labels, segment breakdowns, fieldwork by day, the funnel and saturation curve added.
# 3: "waves" (the later waves compared) when the script declares follow-up waves; "wave_of"
# (the study and wave number) on a later wave's own report.
FORMAT_VERSION = 3


def render_json(summary: Summary, waves: Waves | None = None) -> str:
    """Every number, as strict JSON (infinities and NaN become null)."""
    data = {"format_version": FORMAT_VERSION, **summary.to_jsonable()}
    if isinstance(waves, WaveComparison):
        data["waves"] = waves_jsonable(waves)
    elif waves is not None:
        data["wave_of"] = {"study_id": waves.study_id, "wave": waves.number}
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
