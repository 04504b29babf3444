"""The report as GitHub-flavoured Markdown: the HTML report's view model, as tables."""

from __future__ import annotations

import re

from bot.analysis import Summary
from bot.report.templating import markdown_environment, md_cell
from bot.report.view import build_view
from bot.report.view_waves import waves_view
from bot.report.waves import WaveComparison, Waves

cell = md_cell  # text safe inside a table cell
_BLANK_RUNS = re.compile(r"\n{3,}")


def render_markdown(summary: Summary, waves: Waves | None = None) -> str:
    """The whole report; respondents' text cannot break a table or inject markup."""
    text = markdown_environment().get_template("report.md").render(v=build_view(summary, waves))
    return _BLANK_RUNS.sub("\n\n", text).strip() + "\n"


def render_waves_markdown(comparison: WaveComparison) -> str:
    """The "Waves compared" section on its own, for `perceptions waves`."""
    text = markdown_environment().get_template("waves.md").render(s=waves_view(comparison))
    return _BLANK_RUNS.sub("\n\n", text).strip() + "\n"
