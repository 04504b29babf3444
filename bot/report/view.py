"""The report's view model: every word and number the HTML and Markdown templates show, built once.

The templates only lay this out; nothing here knows HTML or Markdown (charts are SVG, which only the
HTML template places).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from bot.analysis import Row, Summary
from bot.analysis.agreement import Agreement, ThemeAgreement
from bot.analysis.confidence import ENTERS, LOSES_SIGNIFICANCE
from bot.analysis.family import in_family
from bot.analysis.summary import SMALL_GROUP
from bot.report import charts
from bot.report import wording as w
from bot.report.dbc import DbcLine, dbc_lines
from bot.report.view_more import (
    CompetingView,
    FieldworkView,
    SegmentsView,
    competing_view,
    fieldwork_view,
    segments_view,
)
from bot.report.view_rows import QuoteView, RowView, row_view
from bot.report.view_waves import WavesView, waves_view
from bot.report.waves import WaveComparison, WaveOf, Waves

TOP_ROWS = 5  # the top lists stay short; every row is in the full table
CHART_ROWS = 16


@dataclass(frozen=True)
class Fact:
    """A headline figure."""

    key: str
    value: str
    sub: str = ""
    meter: float | None = None  # 0–1 when the figure has a target


@dataclass(frozen=True)
class RankedView:
    """A top list: the strongest significant rows, with their caveats beside them."""

    key: str
    title: str
    lead: str
    rows: tuple[RowView, ...]
    more: int  # significant rows not shown here (they are in the full table)
    caveats: tuple[str, ...]


@dataclass(frozen=True)
class GridCell:
    """One determinant of the grid."""

    name: str
    state: str  # "hit", "" or "off"
    questions: str
    detail: str
    barriers: int
    enablers: int
    significant: int
    rows: int


@dataclass(frozen=True)
class AgreementView:
    """How well the automatic coding of one theme agrees with the researcher's review."""

    question: str
    theme: str
    reviewed: int
    precision: str
    recall: str
    kappa: str


@dataclass(frozen=True)
class ReportView:
    """The whole report."""

    title: str
    behaviour: str
    priority_group: str
    study_id: str
    script_version: str
    notice: str | None
    caveats: tuple[str, ...]  # sample-wide, shown at the top
    facts: tuple[Fact, ...]
    sections: tuple[tuple[str, str], ...]
    barriers: RankedView
    enablers: RankedView
    dbc: tuple[DbcLine, ...]
    table: tuple[RowView, ...]
    determinants: tuple[str, ...]  # for the table's filter
    themes_chart: Markup | None
    chart_rows: tuple[RowView, ...]
    grid: tuple[GridCell, ...]
    competing: CompetingView
    segments: SegmentsView
    fieldwork: FieldworkView
    emerging: tuple[tuple[str, str, int, str, tuple[QuoteView, ...]], ...]
    tests: str
    notes: tuple[str, ...]
    glossary: tuple[tuple[str, str], ...]
    # Room for how far the coding can be trusted (issue #8, part 4): warnings shown at the top
    # and beside the top lists, and agreement with the researcher's review per theme.
    warnings: tuple[str, ...] = ()
    agreement: tuple[AgreementView, ...] = ()
    intercoder: tuple[AgreementView, ...] = ()  # a second coder against the coding in force
    waves: WavesView | None = None  # when the script declares follow-up waves
    wave_of: str | None = None  # when the study is a later wave of another


def quote_views(summary: Summary, quotes: Sequence[str]) -> tuple[QuoteView, ...]:
    """Quotes with their language marked where it is not the report's."""
    return tuple(QuoteView(q, summary.quote_languages.get(q, "")) for q in quotes)


def sample_caveats(summary: Summary) -> tuple[str, ...]:
    """Caveats about the whole sample, for the top of the report and beside the top lists."""
    h, m = summary.header, summary.method
    out = []
    if 0 < min(h.doers, h.nondoers) < SMALL_GROUP:
        out.append(f"Small sample: {h.doers} doers and {h.nondoers} non-doers (the method needs at "
                   f"least {SMALL_GROUP} of each): real differences may not show as significant.")  # fmt: skip
    elif h.doers and h.nondoers and (h.doers < h.quota_doers or h.nondoers < h.quota_nondoers):
        out.append(f"Quota not met yet ({h.doers}/{h.quota_doers} doers, {h.nondoers}/"
                   f"{h.quota_nondoers} non-doers): results are provisional.")  # fmt: skip
    if m.rows_tested:
        out.append(f"{m.rows_tested} rows were tested: about {m.expected_by_chance:.1f} could look "
                   "significant by chance alone. The q column adjusts for that.")  # fmt: skip
    return tuple(out)


def _ranked(key: str, title: str, lead: str, rows: Sequence[Row], summary: Summary,
            caveats: tuple[str, ...]) -> RankedView:  # fmt: skip
    shown = tuple(
        row_view(r, summary.questions, summary.method.min_mentions,
                 quote_views(summary, r.quotes))
        for r in rows[:TOP_ROWS]
    )  # fmt: skip
    return RankedView(key, title, lead, shown, max(len(rows) - TOP_ROWS, 0), caveats)


def chart_rows(summary: Summary) -> list[Row]:
    """Rows worth a bar: tested, not sparse, not a top-2 box; significant first, then widest gaps."""
    rows = [r for r in summary.rows if in_family(r) and not r.sparse and r.kind != "top2"]
    rows.sort(key=lambda r: (not r.significant, -abs(r.difference_pp or 0)))
    return rows[:CHART_ROWS]


def _grid(summary: Summary) -> tuple[GridCell, ...]:
    cells = []
    for c in summary.grid:
        state = "hit" if c.significant else ("" if c.questions else "off")
        if not c.questions:
            detail = "not asked"
        elif not c.significant:
            detail = f"{c.rows} rows, none significant"
        else:
            detail = f"{c.significant} significant"
        names = ", ".join(summary.questions[q].label if q in summary.questions else q
                          for q in c.questions)  # fmt: skip
        cells.append(GridCell(w.determinant(c.determinant), state, names, detail, c.barriers,
                              c.enablers, c.significant, c.rows))  # fmt: skip
    return tuple(cells)


def _facts(summary: Summary) -> tuple[Fact, ...]:
    h = summary.header
    return (
        Fact("Doers", str(h.doers), w.quota_detail(h.doers, h.quota_doers),
             h.doers / h.quota_doers if h.quota_doers else None),
        Fact("Non-doers", str(h.nondoers), w.quota_detail(h.nondoers, h.quota_nondoers),
             h.nondoers / h.quota_nondoers if h.quota_nondoers else None),
        Fact("Prevalence used", f"{h.prevalence:.0%}", "share of the group who do it"),
        Fact("Fieldwork", w.fieldwork_dates(summary), w.fieldwork_detail(summary)),
        Fact("Significant rows", str(summary.method.significant),
             f"of {summary.method.rows_tested} tested"),
        Fact("Script version", h.script_version or "—"),
        *_agreement_fact(summary),
    )  # fmt: skip


def _agreement_fact(summary: Summary) -> tuple[Fact, ...]:
    overall = summary.confidence.agreement.overall if summary.confidence else None
    if overall is None or not overall.answers:
        return ()
    kappa = overall.kappa
    return (Fact("Coding agreement", "—" if kappa is None else f"κ {kappa:.2f}",
                 f"{overall.answers} answers reviewed"),)  # fmt: skip


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def agreement_views(summary: Summary, found: Agreement | None) -> tuple[AgreementView, ...]:
    """Agreement per theme, per question ("all themes") and overall, where answers were coded twice."""
    if found is None or not found.overall.answers:
        return ()
    labels = {(r.question, r.theme): r.label for r in summary.rows}
    out = []

    def view(a: ThemeAgreement, question: str, theme: str) -> AgreementView:
        kappa = a.kappa
        return AgreementView(question, theme, a.answers, _figure(a.precision), _figure(a.recall),
                             "—" if kappa is None else f"{kappa:.2f} ({a.kappa_words})")  # fmt: skip

    for pooled in found.questions:
        question = (summary.questions[pooled.question].label
                    if pooled.question in summary.questions else pooled.question)  # fmt: skip
        out.append(view(pooled, question, "all themes"))
        out.extend(
            view(a, question, labels.get((a.question, a.theme), a.theme))
            for a in found.themes
            if a.question == pooled.question and (a.both + a.first_only + a.second_only)
        )
    out.append(view(found.overall, "All questions", "all themes"))
    return tuple(out)


def coding_warnings(summary: Summary) -> dict[str, tuple[str, ...]]:
    """Warnings about the coding, for the overview ("") and beside each top list (its key)."""
    confidence = summary.confidence
    if confidence is None:
        return {}
    out: dict[str, list[str]] = {"": [], "barriers": [], "enablers": []}
    for risk in confidence.risks:
        question = (summary.questions[risk.question].label
                    if risk.question in summary.questions else risk.question)  # fmt: skip
        what = f"{risk.section} #{risk.rank} ({risk.label})"
        change = (f"could change {what}" if risk.reason == LOSES_SIGNIFICANCE
                  else f"could make “{risk.label}” a top {risk.section} ({risk.needed} of them would "
                       "do)" if risk.reason == ENTERS
                  else f"could move {what} below #{risk.rank + 1}")  # fmt: skip
        text = (f"{risk.uncoded} uncoded answer{'s' if risk.uncoded != 1 else ''} to "
                f"“{question}” {change} — review them.")  # fmt: skip
        out[""].append(text)
        out[f"{risk.section}s"].append(text)
    coded = sum(summary.fieldwork.uncoded_by_question.values()) < summary.fieldwork.open_answers
    if not confidence.agreement.overall.answers and coded and summary.fieldwork.open_answers:
        out[""].append("No open answer has been reviewed yet, so the report cannot say how well "
                       "its automatic coding agrees with a researcher: review some on the coding "
                       "page.")  # fmt: skip
    return {k: tuple(v) for k, v in out.items()}


def _sections(waves: WavesView | None) -> tuple[tuple[str, str], ...]:
    if waves is None:
        return w.SECTIONS
    at = [key for key, _ in w.SECTIONS].index("segments")
    return (*w.SECTIONS[:at], ("waves", "Waves compared"), *w.SECTIONS[at:])


def build_view(summary: Summary, waves: Waves | None = None) -> ReportView:
    """The view model of a summary, with its later waves compared when it has any."""
    h, m = summary.header, summary.method
    caveats = sample_caveats(summary)
    warnings = coding_warnings(summary)
    confidence = summary.confidence
    table = tuple(row_view(r, summary.questions, m.min_mentions) for r in summary.rows)
    charted = chart_rows(summary)
    pairs = [charts.Pair((f"{r.label} — {summary.questions[r.question].label}"
                          if r.question in summary.questions else r.label) + w.asked_only(r),
                         r.doers_pct or 0, r.nondoers_pct or 0, r.significant)
             for r in charted]  # fmt: skip
    tests = ", ".join(f"{w.TEST_NAMES.get(t, t)}: {n} rows" for t, n in m.tests.items()) or "none"
    waves_shown = waves_view(waves) if isinstance(waves, WaveComparison) else None
    return ReportView(
        title=h.title,
        behaviour=h.behaviour,
        priority_group=h.priority_group,
        study_id=h.study_id,
        script_version=h.script_version or "—",
        notice=w.group_notice(summary),
        caveats=caveats,
        facts=_facts(summary),
        sections=_sections(waves_shown),
        barriers=_ranked("barriers", "Top barriers",
                         "Answers non-doers gave significantly more often than doers: what stands "
                         "in the way. Strongest first.", summary.barriers, summary,
                         warnings.get("barriers", ()) + caveats),
        enablers=_ranked("enablers", "Top enablers",
                         "Answers doers gave significantly more often than non-doers: what helps. "
                         "Strongest first.", summary.enablers, summary,
                         warnings.get("enablers", ()) + caveats),
        dbc=tuple(dbc_lines(summary)),
        table=table,
        determinants=tuple(sorted({r.determinant for r in table})),
        themes_chart=charts.diverging(pairs, "Doers vs non-doers") if pairs else None,
        chart_rows=tuple(row_view(r, summary.questions, m.min_mentions) for r in charted),
        grid=_grid(summary),
        competing=competing_view(summary),
        segments=segments_view(summary),
        fieldwork=fieldwork_view(summary),
        emerging=tuple(
            (summary.questions[t.question].label if t.question in summary.questions
             else t.question, t.label, t.size, ", ".join(t.terms),
             quote_views(summary, t.examples))
            for t in summary.emerging
        ),
        tests=tests,
        notes=m.notes,
        glossary=w.GLOSSARY,
        warnings=warnings.get("", ()),
        agreement=agreement_views(summary, confidence.agreement if confidence else None),
        intercoder=agreement_views(summary, confidence.intercoder if confidence else None),
        waves=waves_shown,
        wave_of=w.wave_of(waves.number, waves.title, waves.study_id)
        if isinstance(waves, WaveOf) else None,
    )
