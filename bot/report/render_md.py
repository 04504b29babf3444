"""The report as GitHub-flavoured Markdown: the HTML report's view model, as tables."""

from __future__ import annotations

import re

from bot.analysis import Summary
from bot.report.templating import markdown_environment, md_cell
from bot.report.view import build_view

cell = md_cell  # text safe inside a table cell
_BLANK_RUNS = re.compile(r"\n{3,}")


def render_markdown(summary: Summary) -> str:
    """The whole report; respondents' text cannot break a table or inject markup."""
    text = markdown_environment().get_template("report.md").render(v=build_view(summary))
    return _BLANK_RUNS.sub("\n\n", text).strip() + "\n"
