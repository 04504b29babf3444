"""The marketer's report as one self-contained HTML page: inline CSS, SVG and script, nothing fetched."""

from __future__ import annotations

from bot.analysis import Summary
from bot.report.templating import html_environment
from bot.report.view import build_view
from bot.report.waves import Waves


def render_html(summary: Summary, waves: Waves | None = None) -> str:
    """The whole report; every respondent's text is escaped by the template engine."""
    return html_environment().get_template("report.html").render(v=build_view(summary, waves))
