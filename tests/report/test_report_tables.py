"""Every number visible: the full table in JSON, Markdown and HTML; the DBC sheet of the planted study."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

from bot.analysis import Summary
from bot.report.dbc import HEADER, dbc_lines, write_dbc_csv
from bot.report.render_html import render_html
from bot.report.render_json import render_json
from bot.report.render_md import render_markdown

CI = re.compile(r"^\d[\d.]* \(\d[\d.e-]*–\d[\d.e+]*\)$")


class Rows(HTMLParser):
    """The cells of every `tr.row` of the full table, as text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, str]] = []
        self._cell: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "tr" and "row" in classes:
            self.rows.append({})
        elif tag == "td" and self.rows and self._cell is None:
            self._cell = next((c for c in ("or", "notes") if c in classes), "other")
            self.rows[-1].setdefault(self._cell, "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" or tag == "table":
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self.rows and self._cell is not None:
            self.rows[-1][self._cell] = self.rows[-1].get(self._cell, "") + data


def test_json_carries_every_row_with_its_numbers(summary: Summary) -> None:
    rows = json.loads(render_json(summary))["rows"]
    assert len(rows) == len(summary.rows) == 12
    for row in rows:
        assert {"doers_n", "doers_total", "nondoers_n", "nondoers_total", "odds_ratio", "ci_low",
                "ci_high", "p_value", "test", "q_value", "err", "outside_family"} <= row.keys()  # fmt: skip
    danger = next(r for r in rows if r["theme"] == "danger")
    assert danger["ci_low"] < danger["odds_ratio"] < danger["ci_high"]


def test_markdown_carries_the_full_table(summary: Summary) -> None:
    text = render_markdown(summary)
    table = text.split("## Every row\n\n", 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    assert len(table) == len(summary.rows)
    for line, row in zip(table, summary.rows, strict=True):
        assert f"| {row.doers_n}/{row.doers_total} |" in line
        assert f"| {row.nondoers_n}/{row.nondoers_total} |" in line
    danger = next(line for line in table if line.startswith("| Traffic danger |"))
    assert re.search(r"\| 0\.017 \(0\.0035–0\.081\) \| <0\.001 \| Wald \| <0\.001 \|",
                     danger.replace("&lt;", "<"))  # fmt: skip


def test_html_shows_or_and_ci_for_every_row(summary: Summary) -> None:
    parser = Rows()
    parser.feed(render_html(summary))
    assert len(parser.rows) == len(summary.rows)
    for cells, row in zip(parser.rows, summary.rows, strict=True):
        shown = cells["or"].strip()
        if row.ci_low is not None:
            assert CI.match(shown), shown
        else:  # no interval exists: the note beside it says why
            assert row.test in {"fisher", "none"}
            assert cells["notes"].strip()


def test_the_top_lists_stay_short_and_point_to_the_table(summary: Summary) -> None:
    page = render_html(summary)
    assert page.count('<li class="rank-') == min(len(summary.barriers), 5) + min(
        len(summary.enablers), 5
    )
    assert 'id="row-filter"' in page
    assert 'data-key="odds_ratio"' in page


def test_the_dbc_sheet_lists_exactly_the_significant_determinants(summary: Summary) -> None:
    significant = {(r.determinant, "barrier") for r in summary.barriers} | {
        (r.determinant, "enabler") for r in summary.enablers
    }
    lines = dbc_lines(summary)
    assert {(line.determinant_id, line.direction) for line in lines} == significant
    assert significant == {("perceived_self_efficacy", "barrier")}  # the planted barrier only
    out = io.StringIO()
    assert write_dbc_csv(summary, out, delimiter=";") == 1
    header, line = list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    assert tuple(header) == HEADER
    sheet = dict(zip(header, line, strict=True))
    assert sheet["determinant"] == "Perceived self-efficacy"
    assert sheet["direction"] == "barrier"
    assert "Traffic danger" in sheet["what_respondents_said"]
    assert "traffic" in sheet["what_respondents_said"].split("“", 1)[1]  # their own words
    assert sheet["lever"] == "Product"
    assert sheet["bridge_to_activity"] == sheet["activity"] == ""


def test_markdown_has_the_dbc_sheet(summary: Summary) -> None:
    text = render_markdown(summary)
    section = text.split("## From insight to action\n\n", 1)[1].split("\n\n", 1)[0]
    assert "| Bridge to activity | Activity |" in section
    assert "| Perceived self-efficacy | barrier | Traffic danger" in section


def test_the_pictures_data_fieldwork_by_day_funnel_and_saturation(summary: Summary) -> None:
    assert sum(d.started for d in summary.days) == summary.fieldwork.starts == 93
    assert sum(d.completed for d in summary.days) == summary.fieldwork.completed
    stages = [s.count for s in summary.funnel]
    assert stages == sorted(stages, reverse=True)
    assert stages[0] == 93
    assert stages[-1] == 90
    curve = summary.saturation
    assert curve.interviews[-1] == 90  # every counted, completed interview
    assert list(curve.themes) == sorted(curve.themes)  # heard themes only accumulate
    # Traffic danger, weather, health, money, and what non-doers like: comfort and speed.
    assert curve.total == curve.themes[-1] == 6
