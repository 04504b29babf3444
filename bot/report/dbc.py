"""From insight to action: the Designing for Behavior Change (DBC) sheet of the significant determinants.

One line per significant determinant and direction, with what respondents said in their own words
and a suggested marketing-mix lever; the "bridge to activity" and "activity" columns are the team's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from bot.analysis import Row, Summary
from bot.report import wording as w
from bot.report.csv_cells import safe_text

# Marketing-mix levers per determinant (Andreasen; McKenzie-Mohr), with what they mean here.
LEVERS: dict[str, tuple[str, str]] = {
    "perceived_self_efficacy": ("Product", "skills, tools or a simpler way that make it doable"),
    "perceived_positive_consequences": ("Promotion", "say and show the benefits people value"),
    "perceived_negative_consequences": ("Product, Price", "remove or offset the downside"),
    "perceived_social_norms": ("Promotion", "make approval visible: testimonials, commitments"),
    "perceived_access": ("Place, Product", "bring what is needed closer; make it convenient"),
    "perceived_cues_for_action": ("Place, Product", "prompts and reminders where it happens"),
    "perceived_susceptibility": ("Promotion", "make the risk personal and concrete"),
    "perceived_severity": ("Promotion", "show how serious the problem is, credibly"),
    "perceived_action_efficacy": ("Promotion, Product", "show that the behaviour works"),
    "perceived_divine_will": ("Promotion", "work with faith leaders"),
    "policy": ("Place", "rules and settings that make it easier"),
    "culture": ("Promotion", "work with community leaders and customs"),
}
PRICE_WORDS = ("cost", "price", "money", "expens", "afford", "cheap", "pay", "fee")
HEADER = (
    "behaviour", "priority_group", "determinant", "direction", "what_respondents_said",
    "doers_pct", "nondoers_pct", "err", "lever", "lever_hint", "bridge_to_activity", "activity",
)  # fmt: skip


@dataclass(frozen=True)
class DbcLine:
    """One significant determinant in one direction: what to change, in the respondents' words."""

    determinant_id: str | None
    determinant: str
    direction: str  # "barrier" or "enabler"
    said: tuple[str, ...]  # the answers, each with a quote where there is one
    doers_pct: str
    nondoers_pct: str
    err: str
    lever: str
    hint: str
    bridge: str = ""
    activity: str = ""


def lever(determinant: str | None, rows: Sequence[Row]) -> tuple[str, str]:
    """The suggested marketing-mix lever for a determinant, with money words pointing to Price."""
    found, hint = LEVERS.get(determinant or "", ("—", "decide with the team"))
    words = " ".join(f"{r.theme} {r.label}".lower() for r in rows)
    if "Price" not in found and any(word in words for word in PRICE_WORDS):
        found = "Price" if found == "—" else f"{found}, Price"
        hint = f"{hint}; look at what it costs"
    return found, hint


def dbc_lines(summary: Summary) -> list[DbcLine]:
    """The significant determinants, strongest first, one line per direction."""
    groups: dict[tuple[str | None, str], list[Row]] = {}
    for direction, ranked in (("barrier", summary.barriers), ("enabler", summary.enablers)):
        for row in ranked:
            groups.setdefault((row.determinant, direction), []).append(row)
    lines = []
    for (determinant, direction), rows in groups.items():
        said = tuple(
            f"{r.label} ({summary.questions[r.question].label})"
            + (f": “{r.quotes[0]}”" if r.quotes else "")
            for r in rows
        )
        first = rows[0]
        found, hint = lever(determinant, rows)
        lines.append(DbcLine(
            determinant, w.determinant(determinant), direction, said,
            w.pct(first.doers_pct), w.pct(first.nondoers_pct), w.ratio(first.err), found, hint,
        ))  # fmt: skip
    return lines


def write_dbc_csv(summary: Summary, out: IO[str], *, delimiter: str = ",") -> int:
    """The DBC sheet as CSV for a spreadsheet; returns the number of lines written."""
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    h = summary.header
    lines = dbc_lines(summary)
    for line in lines:
        writer.writerow([safe_text(text) for text in (
            h.behaviour, h.priority_group, line.determinant, line.direction,
            " | ".join(line.said), line.doers_pct, line.nondoers_pct, line.err, line.lever,
            line.hint, line.bridge, line.activity,
        )])  # fmt: skip
    return len(lines)


def render_dbc_markdown(summary: Summary) -> str:
    """The DBC sheet alone, as Markdown, for the team's planning workshop."""
    from bot.report.templating import markdown_environment

    template = markdown_environment().get_template("dbc.md")
    return template.render(h=summary.header, lines=dbc_lines(summary)).strip() + "\n"


def render_dbc_csv(summary: Summary) -> str:
    """The DBC sheet as CSV text."""
    out = io.StringIO()
    write_dbc_csv(summary, out)
    return out.getvalue()
