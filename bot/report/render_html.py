"""The marketer's report as one self-contained HTML page: inline CSS and SVG, nothing fetched."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from html import escape
from importlib import resources

from bot.analysis import Row, Summary
from bot.analysis.competing import CompetingItem
from bot.report import wording as w
from bot.report.charts import DOER_COLOUR, NONDOER_COLOUR, Bar, Pair, bars, diverging

TOP_ROWS = 10


def render_html(summary: Summary) -> str:
    """The whole report; every respondent's text is escaped."""
    header = summary.header
    css = resources.files("bot.report").joinpath("templates/report.css").read_text("utf-8")
    title = f"Barrier Analysis — {header.title}"
    body = [
        _header(summary),
        '<nav class="toc">' + "".join(f'<a href="#{k}">{escape(v)}</a>' for k, v in w.SECTIONS)
        + "</nav>",
        _overview(summary),
        _ranked("barriers", "Top barriers", summary.barriers,
                "Answers non-doers gave significantly more often than doers: what stands in the "
                "way. Strongest first."),
        _ranked("enablers", "Top enablers", summary.enablers,
                "Answers doers gave significantly more often than non-doers: what helps. "
                "Strongest first."),
        _themes(summary), _grid(summary), _competing(summary), _segments(summary),
        _fieldwork(summary), _emerging(summary), _method(summary),
        f"<footer>perceptions · study {escape(header.study_id)} · script version "
        f"{escape(header.script_version or '—')}</footer>",
    ]  # fmt: skip
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{css}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )


def _section(key: str, title: str, *content: str) -> str:
    return f'<section id="{key}"><h2>{escape(title)}</h2>{"".join(content)}</section>'


def _table(
    head: Sequence[str], rows: Iterable[Sequence[str]], numeric: AbstractSet[int] = frozenset()
) -> str:
    """A table of already-escaped cells; `numeric` columns are right-aligned."""
    cls = [' class="n"' if i in numeric else "" for i in range(len(head))]
    out = ['<div class="scroll"><table><thead><tr>']
    out += [f"<th{c}>{h}</th>" for c, h in zip(cls, head, strict=True)]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td{c}>{v}</td>" for c, v in zip(cls, row, strict=True)))
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _tile(key: str, value: str, sub: str = "", meter: float | None = None) -> str:
    bar = (
        ""
        if meter is None
        else f'<div class="meter"><span style="width:{min(meter, 1) * 100:.0f}%"></span></div>'
    )
    small = f'<div class="s">{sub}</div>' if sub else ""
    return f'<div class="tile"><div class="k">{key}</div><div class="v">{value}</div>{small}{bar}</div>'


def _notice(text: str) -> str:
    return f'<p class="notice">{escape(text)}</p>'


def _quotes(quotes: Iterable[str]) -> str:
    return "".join(f"<blockquote>“{escape(q)}”</blockquote>" for q in quotes)


def _header(summary: Summary) -> str:
    h = summary.header
    return (
        '<header class="report"><div class="kicker">Barrier Analysis report</div>'
        f"<h1>{escape(h.title)}</h1>"
        f"<p>Behaviour: <strong>{escape(h.behaviour)}</strong> · Priority group: "
        f"<strong>{escape(h.priority_group)}</strong></p></header>"
    )


def _overview(summary: Summary) -> str:
    h = summary.header
    notice = w.group_notice(summary)
    tiles = [
        _tile("Doers", f"{h.doers}", f"quota {h.quota_doers}",
              h.doers / h.quota_doers if h.quota_doers else None),
        _tile("Non-doers", f"{h.nondoers}", f"quota {h.quota_nondoers}",
              h.nondoers / h.quota_nondoers if h.quota_nondoers else None),
        _tile("Prevalence used", f"{h.prevalence:.0%}", "share of the group who do it"),
        _tile("Fieldwork", f'<span class="small">{escape(w.fieldwork_dates(summary))}</span>',
              f"{summary.fieldwork.starts} starts"),
        _tile("Significant rows", f"{summary.method.significant}",
              f"of {summary.method.rows_tested} tested"),
        _tile("Script version", f'<span class="small">{escape(h.script_version or "—")}</span>'),
    ]  # fmt: skip
    return _section(
        "overview",
        "Overview",
        _notice(notice) if notice else "",
        f'<div class="tiles">{"".join(tiles)}</div>',
    )


def _ranked(key: str, title: str, rows: Sequence[Row], lead: str) -> str:
    if not rows:
        return _section(key, title, '<p class="lead">No significant rows yet.</p>')
    head = ["#", "Theme", "Determinant", "%D", "%ND", "Diff.", "ERR", "p", "Test", "q"]
    out = ['<div class="scroll"><table><thead><tr>']
    out += [f"<th{' class=n' if i >= 3 else ''}>{h}</th>" for i, h in enumerate(head)]
    out.append("</tr></thead><tbody>")
    for i, r in enumerate(rows[:TOP_ROWS], 1):
        cls = "barrier" if r.is_barrier else "enabler"
        numbers = [
            w.pct(r.doers_pct),
            w.pct(r.nondoers_pct),
            w.pp(r.difference_pp),
            w.ratio(r.err),
            w.p_value(r.p_value),
            w.test_name(r.test),
            w.p_value(r.q_value),
        ]
        out.append(
            f'<tr class="main"><td>{i}</td><td><span class="{cls}">{escape(r.label)}</span>'
            f'<div class="sub">{escape(r.question)}</div></td>'
            f"<td>{escape(w.determinant(r.determinant))}</td>"
            + "".join(f'<td class="n">{escape(n)}</td>' for n in numbers) + "</tr>"
            f'<tr class="quotes"><td></td><td colspan="9">{_quotes(r.quotes)}</td></tr>'
        )  # fmt: skip
    out.append("</tbody></table></div>")
    more = (
        f'<p class="sub">{len(rows) - TOP_ROWS} more in the JSON report.</p>'
        if len(rows) > TOP_ROWS
        else ""
    )
    return _section(key, title, f'<p class="lead">{escape(lead)}</p>', "".join(out), more)


def _themes(summary: Summary) -> str:
    rows = w.chart_rows(summary)
    if not rows:
        return _section("themes", "Doers vs non-doers by theme",
                        '<p class="lead">Nothing to compare yet.</p>')  # fmt: skip
    pairs = [Pair(w.row_name(r), r.doers_pct or 0, r.nondoers_pct or 0, r.significant and not r.sparse)
             for r in rows]  # fmt: skip
    lead = ("How often each answer came up among non-doers (left, orange) and doers (right, blue). "
            "★ marks a significant difference.")  # fmt: skip
    return _section("themes", "Doers vs non-doers by theme", f'<p class="lead">{lead}</p>',
                    diverging(pairs, "Doers vs non-doers by theme"))  # fmt: skip


def _grid(summary: Summary) -> str:
    cells = []
    for c in summary.grid:
        state = "hit" if c.significant else ("" if c.questions else "off")
        if not c.questions:
            detail = "not asked"
        elif not c.significant:
            detail = f"{c.rows} rows, none significant"
        else:
            detail = (f"{c.significant} significant: <span class=barrier>{c.barriers} barrier(s)</span>, "
                      f"<span class=enabler>{c.enablers} enabler(s)</span>")  # fmt: skip
        questions = escape(", ".join(c.questions))
        cells.append(f'<div class="cell {state}"><b>{escape(w.determinant(c.determinant))}</b>'
                     f'<span class="sub">{questions}</span><div>{detail}</div></div>')  # fmt: skip
    lead = "Which of the determinants were asked about, and which came out significant."
    return _section("grid", "Determinant grid", f'<p class="lead">{lead}</p>',
                    f'<div class="grid">{"".join(cells)}</div>')  # fmt: skip


def _items(items: Sequence[CompetingItem]) -> str:
    return _table(
        ["Answer", "Non-doers", "Share", "In their words"],
        ([escape(i.label), str(i.count), w.pct(i.pct), _quotes(i.quotes)] for i in items),
        numeric={1, 2},
    )


def _competing(summary: Summary) -> str:
    c = summary.competing
    if not c.alternatives and not c.liking:
        return _section(
            "competing",
            "Competing behaviours",
            '<p class="lead">The script asks no competing-behaviour question.</p>',
        )
    parts = [
        '<p class="lead">What non-doers do instead, how often, and what they like about it.</p>'
    ]
    if c.alternatives:
        parts += ["<h3>What non-doers do instead</h3>",
                  bars([Bar(i.label, i.pct or 0, i.count) for i in c.alternatives],
                       "Competing behaviours among non-doers", NONDOER_COLOUR),
                  _items(c.alternatives)]  # fmt: skip
    if c.liking:
        parts += ["<h3>What they like about it</h3>", _items(c.liking)]
    rows = []
    for cell in c.bcos:
        target = "".join(
            f"<div>{'★ ' if r.significant and not r.sparse else ''}{escape(r.label)} "
            f'<span class="sub">{w.pct(r.doers_pct)} D / {w.pct(r.nondoers_pct)} ND</span></div>'
            for r in cell.target) or '<span class="sub">—</span>'  # fmt: skip
        theirs = "".join(f'<div>{escape(i.label)} <span class="sub">{w.pct(i.pct)}</span></div>'
                         for i in cell.competitor) or '<span class="sub">—</span>'  # fmt: skip
        rows.append([f"<b>{escape(w.BCOS_NAMES.get(cell.category, cell.category))}</b>",
                     target, theirs])  # fmt: skip
    parts += [
        "<h3>Benefits, costs, others, self-assurance (BCOS)</h3>",
        _table(["", f"Target: {escape(summary.header.behaviour)}", "Competing behaviour"], rows),
    ]
    return _section("competing", "Competing behaviours", *parts)


def _top(rows: Sequence[Row], n: int = 3) -> str:
    return "<br>".join(f"{escape(r.label)} <span class=sub>{w.pp(r.difference_pp)}</span>"
                       for r in rows[:n]) or '<span class="sub">—</span>'  # fmt: skip


def _segments(summary: Summary) -> str:
    if not summary.segments:
        return _section(
            "segments",
            "Segments",
            '<p class="lead">No segment question and a single deep-link source.</p>',
        )
    rows = [[escape("Deep-link source" if s.by == "source" else s.by), escape(s.label),
             str(s.doers), str(s.nondoers), _top(s.barriers), _top(s.enablers)]
            for s in summary.segments]  # fmt: skip
    lead = ("The tabulation repeated within each segment: the top significant barriers and enablers "
            "there. Small segments rarely reach significance.")  # fmt: skip
    return _section("segments", "Segments", f'<p class="lead">{lead}</p>', _table(
        ["Segment", "Value", "Doers", "Non-doers", "Top barriers", "Top enablers"], rows,
        numeric={2, 3}))  # fmt: skip


def _fieldwork(summary: Summary) -> str:
    f = summary.fieldwork
    rate = f"{f.completed / f.starts:.0%} of starts" if f.starts else ""
    minutes = f"{f.median_minutes:.0f} min" if f.median_minutes is not None else "—"
    tiles = "".join([
        _tile("Starts", str(f.starts)), _tile("Completed", str(f.completed), rate),
        _tile("Screened out", str(f.screened_out)), _tile("Declined", str(f.declined)),
        _tile("Excluded", str(f.excluded), "neither doer nor non-doer"),
        _tile("Unfinished", str(f.unfinished)), _tile("Median length", minutes),
        _tile("Uncoded answers", str(f.uncoded)),
    ])  # fmt: skip
    parts = [f'<div class="tiles">{tiles}</div>']
    drop = _table(["Stopped after", "Interviews"],
                  ([escape(w.dropoff_point(d.question)), str(d.count)] for d in f.dropoff),
                  numeric={1}) if f.dropoff else '<p class="sub">Nobody stopped part-way.</p>'  # fmt: skip
    uncoded = _table(["Question", "Answers no theme matched"],
                     ([escape(q), str(n)] for q, n in f.uncoded_by_question.items()),
                     numeric={1}) if f.uncoded_by_question else '<p class="sub">Every open answer is coded.</p>'  # fmt: skip
    parts.append(f'<div class="cols"><div><h3>Drop-off</h3>{drop}</div>'
                 f"<div><h3>Uncoded answers</h3>{uncoded}</div></div>")  # fmt: skip
    parts.append(f"<h3>Saturation</h3><p>{escape(w.saturation(f))}</p>")
    return _section("fieldwork", "Fieldwork health", *parts)


def _emerging(summary: Summary) -> str:
    if not summary.emerging:
        return _section(
            "emerging",
            "Emerging themes",
            '<p class="lead">No group of uncoded answers stands out.</p>',
        )
    rows = [[escape(t.question), escape(t.label), str(t.size), escape(", ".join(t.terms)),
             _quotes(t.examples)] for t in summary.emerging]  # fmt: skip
    lead = ("Uncoded answers that resemble each other: candidates for new codebook themes. "
            "Read the examples before adding one.")  # fmt: skip
    return _section(
        "emerging",
        "Emerging themes",
        f'<p class="lead">{lead}</p>',
        _table(
            ["Question", "Suggested theme", "Answers", "Key words", "Examples"], rows, numeric={2}
        ),
    )


def _method(summary: Summary) -> str:
    m = summary.method
    tests = ", ".join(f"{w.TEST_NAMES.get(t, t)}: {n} rows" for t, n in m.tests.items()) or "none"
    notes = "".join(f"<li>{escape(n)}</li>" for n in m.notes)
    glossary = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in w.GLOSSARY)
    return _section(
        "method",
        "Method notes",
        f"<p>Tests used: {escape(tests)}.</p><ul>{notes}</ul>",
        f'<h3>Reading the tables</h3><dl class="glossary">{glossary}</dl>',
        f'<p class="sub">Colours: <span style="color:{DOER_COLOUR}">doers</span>, '
        f'<span style="color:{NONDOER_COLOUR}">non-doers</span>.</p>',
    )
