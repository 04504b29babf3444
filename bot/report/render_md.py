"""The report as GitHub-flavoured Markdown: the HTML report's content, as tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.analysis import Row, Summary
from bot.analysis.competing import CompetingItem
from bot.report import wording as w

TOP_ROWS = 10


def render_markdown(summary: Summary) -> str:
    """The whole report; respondents' text cannot break a table or inject markup."""
    sections = [
        _header(summary),
        _ranked("Top barriers", summary.barriers),
        _ranked("Top enablers", summary.enablers),
        _themes(summary),
        _grid(summary),
        _competing(summary),
        _segments(summary),
        _fieldwork(summary),
        _emerging(summary),
        _method(summary),
    ]
    return "\n\n".join(s.strip() for s in sections) + "\n"


def cell(text: str) -> str:
    """Text safe inside a table cell: no pipes, line breaks or HTML."""
    text = " ".join(text.split())
    for char, escaped in (
        ("\\", "\\\\"),
        ("|", "\\|"),
        ("<", "&lt;"),
        (">", "&gt;"),
        ("*", "\\*"),
        ("_", "\\_"),
        ("`", "\\`"),
        ("[", "\\["),
        ("]", "\\]"),
    ):
        text = text.replace(char, escaped)  # fmt: skip
    return text


def table(
    head: Sequence[str], rows: Iterable[Sequence[str]], numeric: frozenset[int] = frozenset()
) -> str:
    """A GFM table; cells must already be safe (see `cell`)."""
    align = ["---:" if i in numeric else "---" for i in range(len(head))]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _quotes(quotes: Iterable[str]) -> str:
    return " ".join(f"“{cell(q)}”" for q in quotes)


def _header(summary: Summary) -> str:
    h = summary.header
    notice = w.group_notice(summary)
    facts = [
        ("Behaviour", h.behaviour), ("Priority group", h.priority_group),
        ("Doers", f"{h.doers} (quota {h.quota_doers})"),
        ("Non-doers", f"{h.nondoers} (quota {h.quota_nondoers})"),
        ("Prevalence used", f"{h.prevalence:.0%}"), ("Fieldwork", w.fieldwork_dates(summary)),
        ("Script version", h.script_version or "—"),
    ]  # fmt: skip
    out = f"# Barrier Analysis — {cell(h.title)}\n\n" + table(
        ["", ""], ([k, cell(v)] for k, v in facts)
    )
    return out + (f"\n\n> **{cell(notice)}**" if notice else "")


def _ranked(title: str, rows: Sequence[Row]) -> str:
    if not rows:
        return f"## {title}\n\nNo significant rows yet."
    body = table(
        ["#", "Theme", "Question", "Determinant", "%D", "%ND", "Diff.", "ERR", "p", "Test", "q",
         "In their words"],
        ([str(i), cell(r.label), cell(r.question), w.determinant(r.determinant),
          w.pct(r.doers_pct), w.pct(r.nondoers_pct), w.pp(r.difference_pp), w.ratio(r.err),
          w.p_value(r.p_value), w.test_name(r.test), w.p_value(r.q_value), _quotes(r.quotes)]
         for i, r in enumerate(rows[:TOP_ROWS], 1)),
        numeric=frozenset(range(4, 11)),
    )  # fmt: skip
    more = f"\n\n{len(rows) - TOP_ROWS} more in the JSON report." if len(rows) > TOP_ROWS else ""
    return f"## {title}\n\n{body}{more}"


def _themes(summary: Summary) -> str:
    rows = w.chart_rows(summary)
    if not rows:
        return "## Doers vs non-doers by theme\n\nNothing to compare yet."
    body = table(
        ["Answer", "Question", "%D", "%ND", "Diff.", "Significant"],
        ([cell(r.label + w.asked_only(r)), cell(r.question), w.pct(r.doers_pct),
          w.pct(r.nondoers_pct), w.pp(r.difference_pp), "★" if r.significant else ""]
         for r in rows),
        numeric=frozenset({2, 3, 4}),
    )  # fmt: skip
    return f"## Doers vs non-doers by theme\n\n{body}"


def _grid(summary: Summary) -> str:
    body = table(
        ["Determinant", "Questions", "Rows", "Significant", "Barriers", "Enablers"],
        ([w.determinant(c.determinant), cell(", ".join(c.questions)) or "not asked", str(c.rows),
          str(c.significant), str(c.barriers), str(c.enablers)] for c in summary.grid),
        numeric=frozenset({2, 3, 4, 5}),
    )  # fmt: skip
    return f"## Determinant grid\n\n{body}"


def _items(items: Sequence[CompetingItem]) -> str:
    return table(
        ["Answer", "Non-doers", "Share", "In their words"],
        ([cell(i.label), str(i.count), w.pct(i.pct), _quotes(i.quotes)] for i in items),
        numeric=frozenset({1, 2}),
    )


def _competing(summary: Summary) -> str:
    c = summary.competing
    out = ["## Competing behaviours"]
    if not c.alternatives and not c.liking:
        return "## Competing behaviours\n\nThe script asks no competing-behaviour question."
    if c.alternatives:
        out += ["### What non-doers do instead", _items(c.alternatives)]
    if c.liking:
        out += ["### What they like about it", _items(c.liking)]
    bcos = table(
        ["", f"Target: {cell(summary.header.behaviour)}", "Competing behaviour"],
        ([w.BCOS_NAMES.get(b.category, b.category),
          "; ".join(f"{'★ ' if r.significant and not r.sparse else ''}{cell(r.label)} "
                    f"({w.pct(r.doers_pct)} D / {w.pct(r.nondoers_pct)} ND)" for r in b.target)
          or "—",
          "; ".join(f"{cell(i.label)} ({w.pct(i.pct)})" for i in b.competitor) or "—"]
         for b in c.bcos),
    )  # fmt: skip
    out += ["### Benefits, costs, others, self-assurance (BCOS)", bcos]
    return "\n\n".join(out)


def _top(rows: Sequence[Row], n: int = 3) -> str:
    return "; ".join(f"{cell(r.label)} ({w.pp(r.difference_pp)})" for r in rows[:n]) or "—"


def _segments(summary: Summary) -> str:
    if not summary.segments:
        return "## Segments\n\nNo segment question and a single deep-link source."
    body = table(
        ["Segment", "Value", "Doers", "Non-doers", "Top barriers", "Top enablers"],
        (["Deep-link source" if s.by == "source" else cell(s.by), cell(s.label), str(s.doers),
          str(s.nondoers), _top(s.barriers), _top(s.enablers)] for s in summary.segments),
        numeric=frozenset({2, 3}),
    )  # fmt: skip
    return f"## Segments\n\n{body}"


def _fieldwork(summary: Summary) -> str:
    f = summary.fieldwork
    minutes = f"{f.median_minutes:.0f} min" if f.median_minutes is not None else "—"
    counts = table(
        ["Starts", "Completed", "Screened out", "Declined", "Excluded", "Unfinished",
         "Median length", "Uncoded answers"],
        [[str(f.starts), str(f.completed), str(f.screened_out), str(f.declined), str(f.excluded),
          str(f.unfinished), minutes, str(f.uncoded)]],
        numeric=frozenset(range(8)),
    )  # fmt: skip
    out = ["## Fieldwork health", counts, "### Drop-off"]
    out.append(table(["Stopped after", "Interviews"],
                     ([cell(w.dropoff_point(d.question)), str(d.count)] for d in f.dropoff),
                     numeric=frozenset({1})) if f.dropoff else "Nobody stopped part-way.")  # fmt: skip
    out.append("### Uncoded answers")
    out.append(table(["Question", "Answers no theme matched"],
                     ([cell(q), str(n)] for q, n in f.uncoded_by_question.items()),
                     numeric=frozenset({1}))
               if f.uncoded_by_question else "Every open answer is coded.")  # fmt: skip
    out.append(f"### Saturation\n\n{cell(w.saturation(f))}")
    return "\n\n".join(out)


def _emerging(summary: Summary) -> str:
    if not summary.emerging:
        return "## Emerging themes\n\nNo group of uncoded answers stands out."
    body = table(
        ["Question", "Suggested theme", "Answers", "Key words", "Examples"],
        ([cell(t.question), cell(t.label), str(t.size), cell(", ".join(t.terms)),
          _quotes(t.examples)] for t in summary.emerging),
        numeric=frozenset({2}),
    )  # fmt: skip
    return f"## Emerging themes\n\n{body}"


def _method(summary: Summary) -> str:
    m = summary.method
    tests = ", ".join(f"{w.TEST_NAMES.get(t, t)}: {n} rows" for t, n in m.tests.items()) or "none"
    notes = "\n".join(f"- {cell(n)}" for n in m.notes)
    glossary = "\n".join(f"- **{k}**: {v}" for k, v in w.GLOSSARY)
    return (f"## Method notes\n\nTests used: {tests}.\n\n{notes}\n\n### Reading the tables\n\n"
            f"{glossary}")  # fmt: skip
