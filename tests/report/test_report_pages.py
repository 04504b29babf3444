"""The HTML and Markdown reports: offline, escaped, every section there."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.analysis import Summary, analyse
from bot.report.render_html import render_html
from bot.report.render_md import cell, render_markdown
from bot.report.wording import NO_GROUPS, SECTIONS
from bot.script import Script
from tests.report.study import SCRIPT_QUOTE

# Anything a browser would fetch: src/href to another host, CSS url(...) or @import.
FETCHES = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(|@import""", re.I)


def test_html_fetches_nothing(summary: Summary) -> None:
    page = render_html(summary)
    assert not FETCHES.search(page)
    assert "http://" not in page
    assert "https://" not in page
    # One script: our own, inline (the table's sorting and filtering); none loaded from anywhere.
    assert page.lower().replace("&lt;script", "").count("<script") == 1
    assert "<script>" in page


def test_html_escapes_what_respondents_wrote(summary: Summary) -> None:
    top = replace(summary.barriers[0], quotes=(SCRIPT_QUOTE,))  # a hostile answer quoted
    summary = replace(summary, barriers=(top, *summary.barriers[1:]))
    page = render_html(summary)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; the traffic scares me" in page
    assert SCRIPT_QUOTE not in page


def test_html_has_every_section(summary: Summary) -> None:
    page = render_html(summary)
    for key, _ in SECTIONS:
        assert f'<section id="{key}">' in page
    # Doers vs non-doers, competing behaviours, interviews per day, the funnel, saturation.
    assert page.count("<svg") == 5
    assert "Traffic danger" in page


def test_markdown_has_the_section_headings(summary: Summary) -> None:
    text = render_markdown(summary)
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Top barriers", "## Top enablers", "## From insight to action", "## Every row",
        "## Determinant grid", "## Competing behaviours", "## Segments", "## Fieldwork health",
        "## Emerging themes", "## Method notes",
    ]  # fmt: skip
    assert text.startswith("# Barrier Analysis — Cycling to work\n")
    assert ("| 1 | Traffic danger | What makes it difficult to cycle to work? | "
            "Perceived self-efficacy |") in text  # fmt: skip


def test_markdown_cells_cannot_break_a_table() -> None:
    assert cell("a | b\nc <b>*x*</b>") == r"a \| b c &lt;b&gt;\*x\*&lt;/b&gt;"


def test_no_classified_interviews_says_so(script: Script) -> None:
    empty = analyse(script, [], [])
    assert NO_GROUPS in render_markdown(empty)
    page = render_html(empty)
    assert "Fieldwork has not produced doers and non-doers yet" in page
    assert "No significant rows yet." in page
