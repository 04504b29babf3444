"""The researcher pages as HTML: the studies list and a study's coding page (every text escaped)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, urlencode

from bot.analysis.emerging import EmergingTheme
from bot.report.csv_cells import timestamp
from bot.report.exports import ExportFormat
from bot.report.open_answers import OpenAnswer, question_text
from bot.script import CompiledQuestion, Script
from storage import StudyCounts

PAGE_SIZE = 50


@dataclass(frozen=True)
class StudyRow:
    """One line of the studies page: a usable script with its fieldwork, or a broken one."""

    name: str
    study_id: str | None
    title: str
    counts: StudyCounts | None = None
    quota: tuple[int, int] = (0, 0)
    problem: str | None = None


@dataclass(frozen=True)
class QuestionCount:
    """How many answers an open question has, and how many no theme is in force for."""

    question: CompiledQuestion
    answers: int
    uncoded: int


@dataclass(frozen=True)
class CodingView:
    """What the coding page shows for one question."""

    script: Script
    counts: Sequence[QuestionCount]
    question: CompiledQuestion | None
    answers: Sequence[OpenAnswer]  # this page's
    matching: int  # answers passing the filter, over all pages
    page: int
    uncoded_only: bool
    emerging: Sequence[EmergingTheme]


def page(title: str, body: str, *, script: bool = False) -> str:
    """A whole page around `body`, with the pages' own stylesheet (no CDN)."""
    js = '<script src="/static/research.js" defer></script>' if script else ""
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{escape(title)} · perceptions</title>"
        f"<link rel=\"stylesheet\" href=\"/static/research.css\">{js}</head>"
        f"<body>{body}</body></html>"
    )


def studies_page(rows: Iterable[StudyRow]) -> str:
    """Every script of the dialogs folder with its fieldwork against the quota."""
    lines = []
    for row in rows:
        if row.study_id is None or row.counts is None:
            lines.append(f"<tr class=\"broken\"><td>{escape(row.name)}</td>"
                         f"<td colspan=\"4\">{escape(row.problem or '')}</td></tr>")
            continue
        c, (doers, non_doers) = row.counts, row.quota
        link = f"/study/{quote(row.study_id)}"
        lines.append(
            f"<tr><td><a href=\"{escape(link)}\">{escape(row.title)}</a>"
            f"<div class=\"muted\">{escape(row.study_id)}</div></td>"
            f"<td>{c.starts}</td><td>{c.completed}</td>"
            f"<td>{_meter(c.doers, doers)}</td><td>{_meter(c.non_doers, non_doers)}</td></tr>"
        )
    table = (
        "<table class=\"studies\"><thead><tr><th>Study</th><th>Started</th><th>Completed</th>"
        "<th>Doers / quota</th><th>Non-doers / quota</th></tr></thead>"
        f"<tbody>{''.join(lines) or _empty_row(5, 'No scripts in the dialogs folder yet.')}"
        "</tbody></table>"
    )
    return page("Studies", f"<header><h1>Studies</h1></header><main>{table}</main>")


def _meter(n: int, quota: int) -> str:
    share = min(n / quota, 1.0) if quota else 0.0
    return (f"{n} / {quota}<div class=\"meter\"><span style=\"width:{share * 100:.0f}%\"></span>"
            "</div>")


def _empty_row(span: int, text: str) -> str:
    return f"<tr><td colspan=\"{span}\" class=\"muted\">{escape(text)}</td></tr>"


def coding_page(view: CodingView) -> str:
    """One open question's answers with their themes, checkboxes to recode them, and Save."""
    script = view.script
    lang = script.languages[0]
    study = script.study_id
    title = script.text(script.file.study.title, lang)
    base = f"/study/{quote(study)}"
    downloads = [f"<a href=\"{base}/report\">Report</a>",
                 f"<a href=\"{base}/coding.csv\">Coding sheet (CSV)</a>"] + [
        f"<a href=\"{base}/export/{f.value}.csv\">{f.value.capitalize()} CSV</a>"
        for f in ExportFormat
    ]
    current = view.question.id if view.question else None
    nav = "".join(_nav_item(c, base, c.question.id == current) for c in view.counts)
    header = (
        f"<header><a href=\"/\" class=\"muted\">← Studies</a><h1>{escape(title)}</h1>"
        f"<nav class=\"downloads\">{' · '.join(downloads)}</nav>"
        "<label class=\"coder\">Coder <input id=\"coder\" name=\"coder\" maxlength=\"100\" "
        "placeholder=\"Your name\" autocomplete=\"name\"></label></header>"
    )
    aside = f"<aside><h2>Open questions</h2><ul class=\"questions\">{nav}</ul></aside>"
    if view.question is None:
        main = "<main><p class=\"muted\">This script has no coded open questions.</p></main>"
    else:
        main = _question_section(view, base, lang)
    body = f"{header}<div class=\"layout\">{aside}{main}</div>"
    return page(f"Coding · {title}", body, script=True)


def _nav_item(count: QuestionCount, base: str, current: bool) -> str:
    link = escape(base + "?" + urlencode({"q": count.question.id}))
    mark = ' class="current"' if current else ""
    return (f"<li{mark}><a href=\"{link}\">{escape(count.question.id)}</a> "
            f"<span class=\"count\">{count.uncoded} uncoded of {count.answers}</span></li>")


def _question_section(view: CodingView, base: str, lang: str) -> str:
    script, question = view.script, view.question
    assert question is not None  # the caller checks
    labels = {t.id: script.text(t.label, lang) for t in question.spec.codebook or ()}
    query = {"q": question.id}
    flip = {**query, **({} if view.uncoded_only else {"uncoded": "1"})}
    filter_link = (
        f"<label class=\"filter\"><input type=\"checkbox\" id=\"uncoded-only\" "
        f"{'checked ' if view.uncoded_only else ''}data-href=\"{escape(base + '?' + urlencode(flip))}\">"
        " Uncoded only</label>"
    )
    cards = "".join(_answer_card(a, labels, n) for n, a in
                    enumerate(view.answers, start=view.page * PAGE_SIZE + 1))
    if not cards:
        cards = "<p class=\"muted\">No answers here yet.</p>"
    return (
        f"<main data-study=\"{escape(script.study_id)}\"><section class=\"question\">"
        f"<h2>{escape(question.id)}</h2>"
        f"<p class=\"question-text\">{escape(question_text(script, question))}</p>"
        f"{filter_link}<span class=\"muted\"> {view.matching} answer"
        f"{'s' if view.matching != 1 else ''}</span></section>"
        f"{_emerging(view.emerging)}<div class=\"answers\">{cards}</div>"
        f"{_pager(view, base, query)}</main>"
    )


def _answer_card(answer: OpenAnswer, labels: dict[str, str], number: int) -> str:
    probes = "".join(f"<p class=\"probe\">↳ {escape(p)}</p>" for p in answer.probes)
    boxes = "".join(
        f"<label><input type=\"checkbox\" name=\"theme\" value=\"{escape(theme)}\""
        f"{' checked' if theme in answer.themes else ''}> {escape(label)}</label>"
        for theme, label in labels.items()
    ) or "<span class=\"muted\">This question has no codebook themes.</span>"
    automatic = ", ".join(labels.get(t, t) for t in sorted(answer.automatic)) or "none"
    override = answer.override
    status = (
        f"Coded by {escape(override.coder)} at {escape(timestamp(override.created_at))}"
        if override else "Automatic coding"
    )
    return (
        f"<form class=\"answer{' uncoded' if answer.uncoded else ''}\" "
        f"data-answer=\"{answer.answer_id}\"><div class=\"number\">{number}</div>"
        f"<div class=\"said\"><p class=\"text\">{escape(answer.text)}</p>{probes}"
        f"<p class=\"muted\">Automatic: {escape(automatic)}</p></div>"
        f"<fieldset class=\"themes\"><legend>Themes</legend>{boxes}</fieldset>"
        f"<div class=\"save\"><button type=\"submit\">Save</button>"
        f"<span class=\"status\" role=\"status\">{status}</span></div></form>"
    )


def _emerging(themes: Sequence[EmergingTheme]) -> str:
    if not themes:
        return ""
    items = "".join(
        f"<li><strong>{escape(t.label)}</strong> <span class=\"muted\">({t.size} answers; "
        f"{escape(', '.join(t.terms))})</span><ul>"
        + "".join(f"<li>“{escape(e)}”</li>" for e in t.examples)
        + "</ul></li>"
        for t in themes
    )
    return (
        "<details class=\"emerging\" open><summary>Possible new themes among the uncoded "
        f"answers</summary><ul>{items}</ul><p class=\"muted\">Add a theme to the script's "
        "codebook if one of these recurs.</p></details>"
    )


def _pager(view: CodingView, base: str, query: dict[str, str]) -> str:
    pages = max(1, -(-view.matching // PAGE_SIZE))
    if pages == 1:
        return ""
    if view.uncoded_only:
        query = {**query, "uncoded": "1"}
    links = []
    if view.page > 0:
        links.append(f"<a href=\"{escape(base + '?' + urlencode({**query, 'page': view.page}))}\">"
                     "← Previous</a>")
    links.append(f"Page {view.page + 1} of {pages}")
    if view.page + 1 < pages:
        links.append(f"<a href=\"{escape(base + '?' + urlencode({**query, 'page': view.page + 2}))}\">"
                     "Next →</a>")
    return f"<nav class=\"pager\">{' · '.join(links)}</nav>"


def message_page(title: str, text: str) -> str:
    """A page that says one thing (a study that does not exist, a broken script)."""
    return page(title, f"<header><a href=\"/\" class=\"muted\">← Studies</a><h1>{escape(title)}"
                       f"</h1></header><main><p>{escape(text)}</p></main>")
